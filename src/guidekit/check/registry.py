"""Check rules as small registered units.

A rule has an id (``GK201``), a readable name (``duplicate-id``), a default
severity, option defaults and a docstring that is its documentation. The
registry refuses duplicate ids or names.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from guidekit.errors import GuidekitError
from guidekit.findings import Finding, JsonPath, Severity, SourceSpan

if TYPE_CHECKING:
    from guidekit.corpus import Corpus

__all__ = ["REGISTRY", "CheckRule", "RuleContext", "all_rules", "get_rule", "register"]


@dataclass
class RuleContext:
    corpus: Corpus
    today: dt.date
    options: dict[str, Any] = field(default_factory=dict)


class CheckRule:
    """Base class; subclasses set the class attributes and implement ``check``."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    # "loader" rules are raised while reading files or validating schemas and have
    # no check() of their own; "corpus" rules look at the whole indexed corpus.
    stage: ClassVar[str] = "corpus"
    options: ClassVar[dict[str, Any]] = {}

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


REGISTRY: dict[str, type[CheckRule]] = {}
_BY_NAME: dict[str, type[CheckRule]] = {}


def register(cls: type[CheckRule]) -> type[CheckRule]:
    if not cls.__doc__:
        raise TypeError(f"rule {cls.__name__} needs a docstring: it is the rule's documentation")
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
