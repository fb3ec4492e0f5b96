"""Links between documents resolve, anchors included."""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterator

from guidekit.check.registry import CheckRule, Link, RuleContext, register
from guidekit.findings import Finding, SourceSpan

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


@register
class BrokenLink(CheckRule):
    """A Markdown link in a policy body points at a file or an anchor that does not exist.

    Relative links (``../ads/alcohol.md#definitions``) must name a file in the
    repository; an anchor must be a heading of the target (as GitHub slugs
    it) or one of its rule ids. Web links are not fetched: guidekit never
    uses the network. While the target does not load (its YAML or front
    matter does not parse), its anchors are unknown and not judged: the
    target's own load finding is the one to fix.
    """

    id = "GK330"
    name = "broken-link"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        root = ctx.corpus.root
        unloaded = {s.rel for s in ctx.corpus.sources if not s.ok}
        for rel, index in ctx.index.items():
            for link in index.links:
                problem = self._problem(ctx, root, rel, link, unloaded)
                if problem is not None:
                    message, hint = problem
                    yield self.finding(
                        SourceSpan(rel, link.line, link.col, link.line, link.end_col),
                        message, notes=(hint,) if hint else (),
                    )

    def _problem(self, ctx: RuleContext, root: object, rel: str,
                 link: Link, unloaded: set[str]) -> tuple[str, str | None] | None:
        target = link.target
        if not target or _SCHEME.match(target):
            return None
        path, _, anchor = target.partition("#")
        if path:
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
            if joined.startswith("../") or joined == "..":
                return f"link {target!r} leaves the repository", None
        else:
            joined = rel
        if joined not in ctx.index:
            if path and (ctx.corpus.root / joined).exists():
                return None  # an image or other file: fine, no anchors to check
            close = difflib.get_close_matches(joined, list(ctx.index), n=1, cutoff=0.7)
            hint = f"did you mean {posixpath.relpath(close[0], posixpath.dirname(rel))!r}?" \
                if close else None
            return f"link target {path!r} does not exist", hint
        anchors = ctx.index[joined].anchors
        if anchor and joined not in unloaded and anchor.lower() not in anchors:
            close = difflib.get_close_matches(anchor.lower(), sorted(anchors), n=1)
            hint = f"did you mean #{close[0]}?" if close else None
            return f"{joined} has no anchor #{anchor}", hint
        return None
