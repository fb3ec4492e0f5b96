"""Tables that map a name (a format, an export kind) to ``"module:function"``.

The module is imported on first use, so a run pays only for what it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from guidekit.errors import GuidekitError

__all__ = ["load_entry"]


def load_entry(table: Mapping[str, str], key: str, what: str = "format") -> Any:
    target = table.get(key)
    if target is None:
        raise GuidekitError(f"unknown {what} {key!r}; choose one of {', '.join(table)}")
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)
