"""What every exporter returns, and the small text helpers they share.

Exporters are pure: corpus in, ``Export`` (file names and texts, findings)
out. Output is deterministic: documents sorted by id, no timestamps, JSON with
a fixed layout, so two runs are byte-identical.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from guidekit.corpus import Corpus
from guidekit.findings import Finding, Severity
from guidekit.loading.markdown import sections as read_sections
from guidekit.loading.markdown import unlink_local
from guidekit.model import Loc, Policy, Sop, Status

__all__ = [
    "Export",
    "ExportFile",
    "active_policies",
    "active_sops",
    "estimate_tokens",
    "export_finding",
    "json_text",
    "one_line",
    "paragraphs",
    "sections",
]


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str  # relative path inside the output folder, POSIX separators
    text: str


@dataclass(frozen=True, slots=True)
class Export:
    kind: str
    files: tuple[ExportFile, ...]
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    folder: bool = False  # the kind writes a folder of files (however many there are today)

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


# Export findings are not check rules (check does not run them); they share the
# Finding shape so they print with file:line:col like every other finding.
EXPORT_CODES = {
    "missing-code": "GK501",
    "duplicate-code": "GK502",
    "dsa-unmapped-action": "GK503",
    "dsa-unmapped-category": "GK504",
    "dsa-invalid-value": "GK505",
    "prompt-too-long": "GK506",
    "few-examples": "GK507",
    "translation-missing": "GK508",  # export --locale (guidekit.i18n.exports)
    "translation-outdated": "GK509",
}


def export_finding(name: str, severity: Severity, message: str, loc: Loc,
                   *, fix: str | None = None) -> Finding:
    return Finding(EXPORT_CODES[name], name, severity, message, loc.span(), json_path=loc.path,
                   fix=fix)


def json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def active_policies(corpus: Corpus) -> list[Policy]:
    """Policies in force (status active), sorted by id: what classifiers should learn."""
    return sorted((p for p in corpus.policies.values() if p.status is Status.ACTIVE),
                  key=lambda p: p.id)


def active_sops(corpus: Corpus) -> list[Sop]:
    return sorted((s for s in corpus.sops.values() if s.status is Status.ACTIVE),
                  key=lambda s: s.id)


def one_line(text: str) -> str:
    """Folded YAML and Markdown paragraphs as one line of text."""
    return " ".join(text.split())


def sections(body: str, level: int = 2) -> dict[str, str]:
    """A policy body's sections at ``level`` (## by default), by lower-cased title, as the
    one Markdown reader finds them (a heading in a code block is no heading)."""
    out: dict[str, list[str]] = {}
    for s in read_sections(body, level):
        if s.heading is not None and s.heading.level == level:
            out.setdefault(" ".join(s.heading.title.split()).lower(), []).append(s.text)
    return {k: "\n".join(v).strip() for k, v in out.items()}


_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")


def paragraphs(text: str) -> Iterator[str]:
    """Blocks of a Markdown section as plain one-line text: list markers, bold and links to
    other guidance files (their text kept) dropped."""
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        item = _ITEM.match(line)
        if (not line.strip() or item) and block:
            yield unlink_local(_STRONG.sub(r"\2", one_line(" ".join(block))))
            block = []
        if line.strip():
            block.append(line[item.end():] if item else line)


def estimate_tokens(text: str) -> int:
    """Estimated tokens of ``text``: one per four characters, rounded up.

    The usual rule of thumb for English with BPE tokenizers. It is a
    heuristic on purpose: no tokenizer ships with guidekit and none may be
    fetched at run time, and the 400-600 token advice for safeguard prompts is
    itself approximate.
    """
    return (len(text) + 3) // 4
