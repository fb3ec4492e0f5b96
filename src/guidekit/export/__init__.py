"""Exports for auto-moderation and transparency reporting: ``guidekit export KIND``.

Each kind is a pure function from the corpus to an ``Export`` (files and
findings); the CLI writes the files atomically.
"""

from __future__ import annotations

from collections.abc import Callable

from guidekit.corpus import Corpus
from guidekit.export.base import Export, ExportFile
from guidekit.plugins import load_entry

__all__ = ["EXPORTERS", "Export", "ExportFile", "get_exporter"]

EXPORTERS: dict[str, str] = {
    "bundle": "guidekit.export.bundle:export_bundle",
    "safeguard": "guidekit.export.safeguard:export_safeguard",
    "llama-guard": "guidekit.export.llama_guard:export_llama_guard",
    "cope": "guidekit.export.cope:export_cope",
    "eval": "guidekit.export.eval_set:export_eval",
    "dsa": "guidekit.export.dsa:export_dsa",
}


def get_exporter(kind: str) -> Callable[[Corpus], Export]:
    exporter: Callable[[Corpus], Export] = load_entry(EXPORTERS, kind, "export kind")
    return exporter
