"""Package namespaces whose names are imported on first use.

A package ``__init__`` that imports its modules makes every import of any one
module pay for all of them: importing guidekit.diff.fetch (to start git early)
would import the whole diff engine. A package that re-exports names lazily
declares where each name lives and gets a module ``__getattr__`` (PEP 562) that
imports the module on first use; it keeps a static ``__all__`` and a
``TYPE_CHECKING`` import block for type checkers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, homes: Mapping[str, str],
                 computed: Mapping[str, Callable[[], Any]] | None = None) -> Callable[[str], Any]:
    """The ``__getattr__`` for ``package``: ``homes`` maps each name to the module
    (relative to the package) that defines it; ``computed`` names are built by a
    function on first use."""
    namespace = importlib.import_module(package).__dict__

    def getattr_(name: str) -> Any:
        if computed and name in computed:
            value = computed[name]()
        elif name in homes:
            value = getattr(importlib.import_module(f"{package}.{homes[name]}"), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value  # the next lookup is a plain attribute
        return value
    return getattr_
