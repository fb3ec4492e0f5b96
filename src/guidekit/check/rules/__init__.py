"""Built-in check rules; each module registers its rules on import."""

from __future__ import annotations

import importlib

__all__ = ["BUILTIN_MODULES", "builtin_modules"]

BUILTIN_MODULES = (
    "guidekit.check.rules.loading",
    "guidekit.check.rules.ids",
    "guidekit.check.rules.references",
    "guidekit.check.rules.lifecycle",
    "guidekit.check.rules.tree",
    "guidekit.check.rules.suppressions",
    "guidekit.check.rules.examples",
    "guidekit.check.rules.sections",
    "guidekit.check.rules.wording",
    "guidekit.check.rules.links",
    "guidekit.check.rules.review",
    "guidekit.check.rules.escalation",
    "guidekit.check.rules.enforcement",
    "guidekit.check.rules.translations",
)


def builtin_modules() -> None:
    for name in BUILTIN_MODULES:
        importlib.import_module(name)
