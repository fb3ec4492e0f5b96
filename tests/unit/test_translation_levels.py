"""GK602 and GK603 split stale translations by the level the diff's translation report
gives them (guidekit.i18n.engine.level_of): one rule for both, so check and diff agree."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from guidekit.check.registry import get_rule
from guidekit.check.rules.translations import Coverage, TranslationContext, TranslationRule
from guidekit.diff import Impact
from guidekit.findings import SourceSpan
from guidekit.i18n import engine
from guidekit.i18n.engine import UnitState, level_of
from guidekit.i18n.units import Unit

ROOT = Path("/guidance")


def _states(locale: str) -> list[UnitState]:
    """One stale unit of every impact, plus a current, a missing and an orphaned one."""
    out = []
    for i, impact in enumerate(Impact):
        unit = Unit(f"ADS-X/rules/ADS-X-1.a/u{i}", "text", "rule text", "ADS-X", "ADS-X-1.a",
                    SourceSpan("policies/x.md", i + 1, 1))
        out.append(UnitState(unit.key, locale, "stale", impact, f"{impact.value} change", unit, None))
    unit = Unit("ADS-X/title", "X", "policy title", "ADS-X", None, SourceSpan("policies/x.md", 1, 1))
    out.append(UnitState(unit.key, locale, "current", None, "", unit, None))
    out.append(UnitState("ADS-X/summary", locale, "missing", None, "not translated", unit, None))
    out.append(UnitState("ADS-GONE/title", locale, "orphaned", None, "gone", None, None))
    return out


def _run(rule_id: str, states: dict[str, list[UnitState]], required: tuple[str, ...]) -> set[tuple[str, int]]:
    rule = get_rule(rule_id)()
    assert isinstance(rule, TranslationRule)
    ctx = TranslationContext(ROOT, required, 100.0, states, {loc: ROOT / f"{loc}.po" for loc in states}, {},
                             {loc: Coverage(0, Counter()) for loc in states})
    return {(f.message.split(" ", 1)[0], f.span.line) for f in rule.check_translations(ctx)}


def _levelled(states: dict[str, list[UnitState]], required: tuple[str, ...], level: str) -> set[tuple[str, int]]:
    return {(loc, s.unit.span.line) for loc, of in states.items() for s in of
            if s.state == "stale" and s.unit is not None and level_of(s, loc in required) == level}


def test_gk602_is_every_stale_unit_at_level_error_and_gk603_every_other() -> None:
    states = {loc: _states(loc) for loc in ("pt-BR", "id")}
    required = ("pt-BR",)
    gk602, gk603 = _run("GK602", states, required), _run("GK603", states, required)
    assert gk602 == _levelled(states, required, "error") and gk602  # pt-BR's enforcement changes
    assert gk603 == _levelled(states, required, "warning")
    assert not gk602 & gk603
    assert {loc for loc, _ in gk603} == {"pt-BR", "id"}


def test_the_rules_follow_the_level_rule_where_it_lives(monkeypatch: pytest.MonkeyPatch) -> None:
    # were the rule to change (here: every stale unit an error), GK602 and GK603 follow it
    monkeypatch.setattr(engine, "level_of", lambda state, required: "error" if state.state == "stale" else "warning")
    states = {"id": _states("id")}
    assert len(_run("GK602", states, ())) == len(Impact)
    assert _run("GK603", states, ()) == set()
