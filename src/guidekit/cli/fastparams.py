"""Typer parameter coercion without pydantic, for commands whose start-up counts.

Typer 0.29 converts every non-flag parameter through a pydantic TypeAdapter:
importing pydantic and building the adapters costs about 0.15 s of CPU, more
than a whole `guidekit diff` of a 50-policy change. ``FastCommand`` (pass it as
``app.command(..., cls=FastCommand)``) gives the plain parameter types guidekit
uses (str, bool, int with min/max, Path with its file/dir checks, lists of
these) a direct conversion; any other type keeps Typer's own. The mixin
``FastParams`` does the same for another command class (the ``guidekit``
group itself). Typer is pinned below 0.30
in pyproject.toml, since this leans on its (private) RuntimeParam interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from typer._click import Command, Context, Parameter
from typer._click.exceptions import BadParameter
from typer._coercion import RuntimeParam, TypeDescriptor
from typer._param_types import coerce_cli_path
from typer.core import TyperCommand, _TyperParameter

__all__ = ["FastCommand", "FastParams"]

_LEAVES = (str, bool, int, Path)
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"", "0", "false", "f", "no", "n", "off"})


@dataclass(frozen=True)
class _Direct(RuntimeParam):
    leaf: type

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        annotation: Any = self.annotation
        if get_origin(annotation) is list:
            items = value if isinstance(value, (list, tuple)) else [value]
            return [self._leaf(v, param, ctx) for v in items]
        return self._leaf(value, param, ctx)

    def _leaf(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        info = self.parameter_info
        if self.leaf is str:
            return value.decode() if isinstance(value, bytes) else str(value)
        if self.leaf is bool:
            return _bool(value, param, ctx)
        if self.leaf is Path:
            path = value if isinstance(value, Path) else Path(value)
            return coerce_cli_path(path, info, path_type=Path, param=param, ctx=ctx)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise BadParameter(f"{value!r} is not a valid integer.", ctx=ctx, param=param) from None
        if info.min is not None and number < info.min:
            raise BadParameter(f"{number} is less than the minimum {info.min}.", ctx=ctx, param=param)
        if info.max is not None and number > info.max:
            raise BadParameter(f"{number} is more than the maximum {info.max}.", ctx=ctx, param=param)
        return number


def _bool(value: Any, param: _TyperParameter, ctx: Context) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise BadParameter(f"{value!r} is not a valid boolean.", ctx=ctx, param=param)


def _direct(descriptor: TypeDescriptor) -> _Direct | None:
    annotation: Any = descriptor.annotation
    info = descriptor.parameter_info
    path_type: Any = info.path_type
    leaf = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    if (leaf not in _LEAVES or descriptor.file_annotation is not None or info.parser is not None
            or getattr(info, "clamp", False) or path_type not in (None, Path)):
        return None
    return _Direct(parameter_info=info, annotation=annotation, leaf=leaf)


def _install(params: list[Parameter]) -> list[Parameter]:
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            direct = _direct(param.type_descriptor)
            if direct is not None:
                param._runtime_param = direct
    return params


class FastParams(Command):
    """Mixin (before the Typer command class) that converts a command's plain
    parameters, its --help included, without pydantic."""

    def get_params(self, ctx: Context) -> list[Parameter]:
        return _install(super().get_params(ctx))


class FastCommand(FastParams, TyperCommand):
    """A Typer command whose plain parameters convert without pydantic."""
