"""Where the paths in every report start, so that CI tools and terminals find the files.

Findings carry paths relative to the guidance root. Reports show them relative
to the top of the git work tree when the guidance is in one (GitHub resolves
annotations and SARIF against the repository), else relative to the working
directory when the guidance is below it, else relative to the guidance root.
"""

from __future__ import annotations

from pathlib import Path

from guidekit.findings import SourceSpan
from guidekit.git import work_tree_top

__all__ = ["from_top", "report_prefix", "shown", "shown_span"]


def report_prefix(root: Path) -> str:
    """What to put before a root-relative path in a report: '' or a folder ending in '/'."""
    root = root.resolve()
    base = work_tree_top(root) if root.is_dir() else None
    if base is None:
        cwd = Path.cwd().resolve()
        base = cwd if root.is_relative_to(cwd) else root
    try:
        rel = root.relative_to(base.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


def from_top(root: str, path: str) -> str:
    """A path relative to a diff's guidance ``root`` (itself relative to the top of the git
    work tree, '' at the top), shown relative to that top."""
    return f"{root.rstrip('/')}/{path}" if root and path else path


def shown(prefix: str, path: str) -> str:
    return prefix + path if path else path


def shown_span(prefix: str, span: SourceSpan) -> SourceSpan:
    return span._replace(path=prefix + span.path) if prefix and span.path else span
