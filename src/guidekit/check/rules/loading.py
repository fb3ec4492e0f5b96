"""Rules raised while files are read and validated (stage "loader")."""

from __future__ import annotations

from guidekit.check.registry import CheckRule, register


class _LoaderRule(CheckRule):
    stage = "loader"


@register
class YamlSyntax(_LoaderRule):
    """The file is not valid YAML.

    Reported at the line and column where the parser gave up, with what it
    expected. Nothing else is checked in a file that does not parse.
    """

    id = "GK001"
    name = "yaml-syntax"


@register
class DuplicateKey(_LoaderRule):
    """A mapping names the same key twice.

    YAML loaders disagree on which value wins, so guidekit refuses the file and
    points at the second occurrence.
    """

    id = "GK002"
    name = "duplicate-key"


@register
class FrontMatter(_LoaderRule):
    """A Markdown policy has missing, unclosed or empty YAML front matter.

    Policy files start with a line ``---``, then the YAML front matter, then a
    closing ``---`` line, then the Markdown body.
    """

    id = "GK003"
    name = "front-matter"


@register
class Encoding(_LoaderRule):
    """The file is not UTF-8 text.

    Reported at the first byte that cannot be decoded. Save the file as UTF-8
    (a byte-order mark is accepted).
    """

    id = "GK004"
    name = "encoding"


@register
class EmptyFile(_LoaderRule):
    """The file, or its YAML part, is empty."""

    id = "GK005"
    name = "empty-file"


@register
class FileTooLarge(_LoaderRule):
    """The file is larger than ``limits.max_file_bytes`` (default 5 MiB) and was not read.

    Guidance documents are small; a huge file is almost always generated or
    hostile. Raise the limit in guidekit.yaml if it really belongs.
    """

    id = "GK006"
    name = "file-too-large"


@register
class AliasExpansion(_LoaderRule):
    """YAML anchors and aliases expand to more nodes than ``limits.max_alias_expansion``.

    This is the "billion laughs" attack: a few lines that expand exponentially.
    The file is rejected before anything walks the expanded data.
    """

    id = "GK007"
    name = "alias-expansion"


@register
class LinkOutsideRoot(_LoaderRule):
    """A symbolic link points outside the guidance repository, or loops; it is not followed.

    Following it would let a pull request make guidekit read any file on the
    machine that runs CI; a link loop (git can commit one) never reaches a file.
    """

    id = "GK008"
    name = "link-outside-root"


@register
class NotAMapping(_LoaderRule):
    """The document's top level is a list or a scalar, not a mapping of keys."""

    id = "GK009"
    name = "not-a-mapping"


@register
class Unreadable(_LoaderRule):
    """The file or folder could not be read (permissions, a broken link), or is not a regular file.

    Only regular files are read: a named pipe, a device or a socket named like
    guidance is reported, never waited on or read. A folder that cannot be
    listed is reported too: its files were not checked.
    """

    id = "GK010"
    name = "unreadable"


@register
class Schema(_LoaderRule):
    """The document does not match the JSON Schema of its kind.

    Each finding points at the offending node with its JSON path and the
    clearest message; related messages for the same node are shown with
    ``-v``. ``guidekit schema KIND`` prints the schema.
    """

    id = "GK100"
    name = "schema"
