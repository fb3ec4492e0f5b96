"""Check rules as small registered units.

A rule has an id (``GK201``), a readable name (``duplicate-id``), a default
severity, option defaults and a docstring that is its documentation. The
registry refuses duplicate ids or names.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from guidekit.errors import GuidekitError
from guidekit.findings import Finding, JsonPath, Severity, SourceSpan

if TYPE_CHECKING:
    from guidekit.check.markdown import MarkdownDoc
    from guidekit.check.textpos import TextLocator
    from guidekit.corpus import Corpus
    from guidekit.loading.source import Source
    from guidekit.model import Policy, Sop

__all__ = [
    "REGISTRY",
    "CheckRule",
    "DocContext",
    "DocIndex",
    "DocumentRule",
    "Link",
    "RuleContext",
    "Words",
    "all_rules",
    "get_rule",
    "register",
    "written",
]


@dataclass(frozen=True, slots=True)
class Link:
    """A Markdown link in a document body: its target as written and where it is."""

    target: str
    line: int  # 1-based, in the file
    col: int
    end_col: int


class Words(Collection[str]):
    """A set of words held as one string: where every document's are held (the anchors of
    each document, in check's parent), one string costs a third of a tuple of words, most of
    which (headings' slugs, rule ids in lower case) no other object shares."""

    __slots__ = ("_text",)

    def __init__(self, words: Iterable[str]) -> None:
        unique = sorted(set(words))
        self._text = "\n" + "\n".join(unique) + "\n" if unique else ""

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and "\n" not in word and f"\n{word}\n" in self._text

    def __iter__(self) -> Iterator[str]:
        return iter(self._text[1:-1].split("\n") if self._text else ())

    def __len__(self) -> int:
        return self._text.count("\n") - 1 if self._text else 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and other._text == self._text

    def __hash__(self) -> int:
        return hash(self._text)

    def __repr__(self) -> str:
        return f"Words({list(self)!r})"


@dataclass(frozen=True, slots=True)
class DocIndex:
    """What corpus rules need from a document's prose, kept small enough to cache."""

    # a set, or ``Words`` where many are held (cache.decode_result): a few per document
    anchors: Collection[str] = frozenset()
    links: tuple[Link, ...] = ()


@dataclass
class RuleContext:
    corpus: Corpus
    today: dt.date
    options: dict[str, Any] = field(default_factory=dict)
    # per-file prose index (anchors, links) by relative path
    index: Mapping[str, DocIndex] = field(default_factory=dict)
    # options with the per-path overrides of guidekit.yaml applied
    options_at: Callable[[str], dict[str, Any]] | None = None

    def options_for(self, rel: str) -> dict[str, Any]:
        return self.options_at(rel) if self.options_at is not None else self.options


@dataclass
class DocContext:
    """One document, whole: what a "document" rule looks at.

    ``doc`` is the typed model when the document passed its schema, else None.
    """

    source: Source
    doc: Policy | Sop | None
    options: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def locator(self) -> TextLocator:
        from guidekit.check.textpos import TextLocator

        return TextLocator(self.source)

    @cached_property
    def markdown(self) -> MarkdownDoc | None:
        from guidekit.check.markdown import parse_markdown

        if self.source.body is None:
            return None
        return parse_markdown(self.source.body, self.source.body_line)


class CheckRule:
    """Base class; subclasses set the class attributes and implement ``check``."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    # "loader" rules are raised while reading files or validating schemas and have
    # no check() of their own; "document" rules look at one file at a time (they
    # run in parallel and their findings are cached by content hash);
    # "corpus" rules look at the whole indexed corpus.
    stage: ClassVar[str] = "corpus"
    options: ClassVar[dict[str, Any]] = {}
    # JSON Schema of each option (by name), with a description: validated when
    # guidekit.yaml is read and shown by `guidekit rules ID`
    option_schema: ClassVar[dict[str, dict[str, Any]]] = {}
    # a corpus rule whose findings in one document depend on documents that
    # neither share an id with it nor are named by it (see check/incremental.py)
    # sets this False; runs then re-check the whole corpus instead of the
    # neighbourhood of what changed
    incremental: ClassVar[bool] = True

    def __init__(self, severity: Severity | None = None, options: dict[str, Any] | None = None):
        self.effective_severity = severity or self.severity
        self.effective_options = {**self.options, **(options or {})}

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n\n")[0].replace("\n", " ")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())

    def check_document(self, ctx: DocContext) -> Iterator[Finding]:
        return iter(())

    def finding(
        self,
        span: SourceSpan,
        message: str,
        *,
        json_path: JsonPath | None = None,
        notes: tuple[str, ...] = (),
        fix: str | None = None,
    ) -> Finding:
        return Finding(
            rule=self.id,
            name=self.name,
            severity=self.effective_severity,
            message=message,
            span=span,
            json_path=json_path,
            notes=notes,
            fix=fix,
        )


class DocumentRule(CheckRule):
    """Base of the lint rules that look at one document at a time (warnings by default)."""

    severity = Severity.WARNING
    stage = "document"


REGISTRY: dict[str, type[CheckRule]] = {}
_BY_NAME: dict[str, type[CheckRule]] = {}


def register(cls: type[CheckRule]) -> type[CheckRule]:
    if not cls.__doc__:
        raise TypeError(f"rule {cls.__name__} needs a docstring: it is the rule's documentation")
    undocumented = set(cls.options) - set(cls.option_schema)
    if undocumented:
        raise TypeError(f"rule {cls.id}: options {sorted(undocumented)} need an option_schema entry")
    if cls.id in REGISTRY or cls.name in _BY_NAME:
        raise ValueError(f"duplicate rule {cls.id} / {cls.name}")
    REGISTRY[cls.id] = cls
    _BY_NAME[cls.name] = cls
    return cls


def _load_builtin_rules() -> None:
    # importing the modules registers their rules
    from guidekit.check.rules import builtin_modules

    builtin_modules()


def all_rules() -> list[type[CheckRule]]:
    _load_builtin_rules()
    return sorted(REGISTRY.values(), key=lambda r: r.id)


def get_rule(key: str) -> type[CheckRule]:
    _load_builtin_rules()
    rule = REGISTRY.get(key.upper()) or _BY_NAME.get(key.lower())
    if rule is None:
        raise GuidekitError(f"unknown rule {key!r}", hint="`guidekit rules` lists every rule")
    return rule


def find_rule(key: str) -> type[CheckRule] | None:
    _load_builtin_rules()
    return REGISTRY.get(key.upper()) or _BY_NAME.get(key.lower())


def written(doc: Any, key: str) -> bool:
    """The document states ``key`` (a top-level key). False where a schema error dropped
    it (guidekit.check.schema.salvage): the model holds a neutral value there, which
    rules about that key must not judge (the schema finding already reports it)."""
    data = doc.source.data
    return isinstance(data, dict) and key in data
