"""Inline suppressions: comments that silence named rules on a line, the next line or a file.

In YAML (and Markdown front matter)::

    text: Usually remove it.  # guidekit: disable=GK320
    # guidekit: disable-next-line=vague-language
    # guidekit: disable-file=GK360,GK361

In a Markdown body the same directives go in an HTML comment, which readers
never see: ``<!-- guidekit: disable-next-line=GK313 -->``.

A directive must name its rules (by id or name). Each named rule must be known
and must report something the directive covers; otherwise the directive is
itself a finding, so stale suppressions do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from guidekit.findings import Finding

__all__ = ["Directive", "apply_suppressions", "scan_directives"]

_MARK = "guidekit:"
_YAML = re.compile(r"(?:^|\s)#\s*guidekit:\s*(?P<rest>.*?)\s*$")
_HTML = re.compile(r"<!--\s*guidekit:\s*(?P<rest>.*?)\s*-->")
_DIRECTIVE = re.compile(r"^(?P<kind>disable|disable-next-line|disable-file)\s*=\s*(?P<rules>\S.*)$")
_KINDS = {"disable": "line", "disable-next-line": "next-line", "disable-file": "file"}


@dataclass(frozen=True, slots=True)
class Directive:
    line: int  # 1-based line of the comment
    col: int
    kind: str  # "line" | "next-line" | "file" | "malformed"
    rules: tuple[str, ...]
    target: int  # the line it covers (0 for a whole file)
    text: str  # the directive as written, for messages

    def covers(self, line: int) -> bool:
        return self.kind == "file" or (self.kind != "malformed" and line == self.target)


def scan_directives(text: str) -> tuple[Directive, ...]:
    """Every ``guidekit:`` directive in a file's text."""
    if _MARK not in text:
        return ()
    lines = text.split("\n")
    found: list[Directive] = []
    for i, line in enumerate(lines):
        if _MARK not in line:
            continue
        for m in (*_HTML.finditer(line), *([_YAML.search(line)] if "#" in line else [])):
            if m is None:
                continue
            found.append(_directive(m.group("rest"), i, m.start("rest"), lines))
    return tuple(found)


def _directive(rest: str, i: int, col: int, lines: list[str]) -> Directive:
    d = _DIRECTIVE.match(rest)
    if d is None:
        return Directive(i + 1, col + 1, "malformed", (), 0, rest)
    kind = _KINDS[d.group("kind")]
    rules = tuple(r.strip() for r in d.group("rules").split(",") if r.strip())
    target = i + 1
    if kind == "next-line":
        target = next((j + 1 for j in range(i + 1, len(lines)) if lines[j].strip()), i + 2)
    elif kind == "file":
        target = 0
    return Directive(i + 1, col + 1, kind if rules else "malformed", rules, target, rest)


def apply_suppressions(
    findings: Iterable[Finding],
    directives: dict[str, tuple[Directive, ...]],
    *,
    rule_id: Callable[[str], str | None],
    active: Callable[[str, str], bool],
    report: Callable[[str, str, Directive], Finding | None],
) -> list[Finding]:
    """Drop suppressed findings; add findings for unknown, malformed or unused directives.

    ``rule_id`` maps a name or id to a registered rule id (None if unknown),
    ``active(rule_id, path)`` says whether the rule ran on the file, and
    ``report(kind, message, directive)`` builds a finding ("unused"/"unknown").
    """
    used: set[tuple[str, int, str]] = set()
    kept: list[Finding] = []
    for f in findings:
        suppressed = False
        for d in directives.get(f.span.path, ()):
            if not d.covers(f.span.line):
                continue
            for token in d.rules:
                if rule_id(token) == f.rule:
                    used.add((f.span.path, d.line, token))
                    suppressed = True
        if not suppressed:
            kept.append(f)
    for path, ds in directives.items():
        for d in ds:
            extra = _directive_findings(path, d, used, rule_id, active, report)
            kept.extend(x for x in extra if x is not None)
    return kept


def _directive_findings(
    path: str,
    d: Directive,
    used: set[tuple[str, int, str]],
    rule_id: Callable[[str], str | None],
    active: Callable[[str, str], bool],
    report: Callable[[str, str, Directive], Finding | None],
) -> list[Finding | None]:
    if d.kind == "malformed":
        return [report("unknown", f"malformed suppression {d.text!r}: write "
                       "'guidekit: disable=RULE', 'disable-next-line=RULE' or 'disable-file=RULE'", d)]
    out: list[Finding | None] = []
    for token in d.rules:
        rid = rule_id(token)
        if rid is None:
            out.append(report("unknown", f"suppression names unknown rule {token!r}", d))
        elif (path, d.line, token) not in used and active(rid, path):
            where = {"line": "on this line", "next-line": f"on line {d.target}",
                     "file": "in this file"}[d.kind]
            out.append(report("unused", f"unused suppression: {token} reports nothing {where}", d))
    return out
