"""Rule settings from guidekit.yaml: enabled, severity, options, and per-path overrides.

    rules:
      GK320:                      # or the rule's name, vague-language
        severity: error
        options: {terms: {"in principle": "say when it applies"}}
        exclude: ["policies/archive/**"]
        overrides:                # later entries win, for files their globs match
          - paths: ["policies/ads/**"]
            options: {fields: [rule]}
          - paths: ["policies/live/**"]
            enabled: false

Options are checked against each rule's ``option_schema`` when the
configuration is read, so a typo is a usage error with its line, not a
silently ignored key.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from guidekit.check.registry import CheckRule, find_rule
from guidekit.errors import GuidekitError
from guidekit.findings import JsonPath, Severity
from guidekit.loading.config import Config
from guidekit.loading.discover import matches_any

__all__ = ["RuleSetting", "Settings"]


@dataclass(frozen=True)
class _Layer:
    paths: tuple[str, ...]
    enabled: bool | None
    severity: Severity | None
    options: dict[str, Any]


@dataclass(frozen=True)
class RuleSetting:
    rule: type[CheckRule]
    enabled: bool
    severity: Severity
    options: dict[str, Any]
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    overrides: tuple[_Layer, ...] = ()

    @property
    def uniform(self) -> bool:
        """True when the setting is the same for every file."""
        return not (self.paths or self.exclude or self.overrides)

    def at(self, rel: str) -> tuple[bool, Severity, dict[str, Any]]:
        """(enabled, severity, options) for the file ``rel``."""
        if self.uniform:
            return self.enabled, self.severity, self.options
        enabled = self.enabled
        if self.paths and not matches_any(rel, self.paths):
            enabled = False
        if self.exclude and matches_any(rel, self.exclude):
            enabled = False
        severity, options = self.severity, self.options
        for layer in self.overrides:
            if not matches_any(rel, layer.paths):
                continue
            if layer.enabled is not None:
                enabled = layer.enabled
            severity = layer.severity or severity
            options = {**options, **layer.options}
        return enabled, severity, options

    def enabled_at(self, rel: str) -> bool:
        return self.at(rel)[0]


class Settings:
    """The resolved setting of every rule, validated against the rules' option schemas."""

    def __init__(self, config: Config, rules: Iterable[type[CheckRule]]) -> None:
        self.config = config
        given = config.rule_settings
        by_rule: dict[str, tuple[str, dict[str, Any]]] = {}
        for key, value in given.items():
            rule = find_rule(key)
            if rule is None:
                raise GuidekitError(f"{self._where(('rules', key), key=True)}unknown rule {key!r}",
                                    hint="`guidekit rules` lists every rule")
            by_rule[rule.id] = (key, dict(value or {}))
        self.rules: dict[str, RuleSetting] = {}
        for rule in rules:
            key, raw = by_rule.get(rule.id, (rule.id, {}))
            self.rules[rule.id] = self._resolve(rule, key, raw)

    def _where(self, path: JsonPath, *, key: bool = False) -> str:
        src = self.config.source
        if src is None:
            return "guidekit.yaml: "
        span = src.span(path, key=key)
        return f"{src.path}:{span.line}:{span.col}: "

    def _options(self, rule: type[CheckRule], given: Any, path: JsonPath) -> dict[str, Any]:
        if given is None:
            return {}
        if self.config.settled:  # a past run of this code validated these very options (ConfigMemo)
            return dict(given)
        schema = {"type": "object", "additionalProperties": False, "properties": rule.option_schema}
        for err in _option_errors(schema, given):
            where = (*path, *err.absolute_path)
            if err.validator == "additionalProperties":
                extra = sorted(set(given) - set(rule.option_schema))[0]
                close = difflib.get_close_matches(extra, list(rule.option_schema), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                known = ", ".join(rule.option_schema) or "none"
                raise GuidekitError(
                    f"{self._where((*path, extra), key=True)}rule {rule.id} has no option {extra!r}",
                    hint=f"{hint}its options: {known} (`guidekit rules {rule.id}`)")
            raise GuidekitError(f"{self._where(where)}rule {rule.id} option: {err.message}",
                                hint=f"`guidekit rules {rule.id}` documents its options")
        return dict(given)

    def _resolve(self, rule: type[CheckRule], key: str, raw: dict[str, Any]) -> RuleSetting:
        base = ("rules", key)
        layers = []
        for i, o in enumerate(raw.get("overrides") or ()):
            layers.append(_Layer(
                paths=tuple(o.get("paths") or ()),
                enabled=o.get("enabled"),
                severity=Severity(o["severity"]) if "severity" in o else None,
                options=self._options(rule, o.get("options"), (*base, "overrides", i, "options")),
            ))
        return RuleSetting(
            rule=rule,
            enabled=raw.get("enabled", True) is not False,
            severity=Severity(raw["severity"]) if "severity" in raw else rule.severity,
            options={**rule.options, **self._options(rule, raw.get("options"), (*base, "options"))},
            paths=tuple(raw.get("paths") or ()),
            exclude=tuple(raw.get("exclude") or ()),
            overrides=tuple(layers),
        )

    def get(self, rule_id: str) -> RuleSetting | None:
        return self.rules.get(rule_id)


def _option_errors(schema: dict[str, Any], given: Any) -> list[Any]:
    """jsonschema's errors for ``given``; none without importing it when the compiled
    validator accepts the options (the usual case: importing jsonschema costs a short
    `guidekit check` more than checking three files)."""
    try:
        import jsonschema_rs

        if jsonschema_rs.validator_for(schema).is_valid(given):
            return []
    except (ImportError, ValueError, TypeError, OverflowError):
        pass
    from jsonschema import Draft202012Validator

    return list(Draft202012Validator(schema).iter_errors(given))
