"""Handbook selection: filters, SOPs, and a market's regional overrides (sample guidance)."""

from __future__ import annotations

import pytest

from conftest import SAMPLE
from guidekit.check.engine import load_corpus
from guidekit.corpus import Corpus
from guidekit.errors import GuidekitError
from guidekit.handbook.handbook import HandbookSpec, handbook_specs, is_graphic, select_handbook
from guidekit.loading.config import Config, load_config


@pytest.fixture(scope="module")
def sample() -> tuple[Config, Corpus]:
    config = load_config(SAMPLE)
    corpus, _findings, _plan = load_corpus(config)
    return config, corpus


def _spec(config: Config, name: str) -> HandbookSpec:
    return handbook_specs(config, (name,))[0]


def test_brazil_handbook_applies_brazil_overrides(sample: tuple[Config, Corpus]) -> None:
    config, corpus = sample
    hb = select_handbook(corpus, _spec(config, "ads-br"))
    assert hb.spec.market == "BR"
    checked = 0
    for view in hb.policies:
        overrides = view.policy.overrides_for("BR")
        for rv in view.rules:
            o = overrides.get(rv.id)
            if o is None:
                assert (rv.action, rv.severity, rv.override) == (rv.rule.action, rv.rule.severity, None)
            else:
                assert rv.action == o.action
                assert rv.severity == (o.severity or rv.rule.severity)
                checked += 1
        # only Brazil's differences are shown
        assert {o.market for o in view.differences} <= {"BR"}
        assert len(view.differences) == len(overrides)
    assert checked >= 3  # the sample has several BR overrides across ads policies


def test_brazil_handbook_omits_what_does_not_apply(sample: tuple[Config, Corpus]) -> None:
    config, corpus = sample
    br = select_handbook(corpus, _spec(config, "ads-br"))
    world = select_handbook(corpus, _spec(config, "ads-global"))
    omitted_examples = 0
    for view in br.policies:
        for rv in view.rules:
            for ex in rv.rule.examples:
                shown = ex in rv.examples
                assert shown == (not ex.markets or "BR" in ex.markets), (rv.id, ex.id)
                omitted_examples += not shown
    assert omitted_examples >= 1  # e.g. the UK-only and US-only examples
    # the global handbook shows every market's differences and every example
    fin = world.policy("ADS-FIN")
    assert fin is not None
    assert len({o.market for o in fin.differences}) > 1
    assert all(rv.examples == rv.rule.examples for v in world.policies for rv in v.rules)
    # SOPs: only those the handbook names
    assert [s.id for s in br.sops] == ["SOP-ADS-CREATIVE"]


def test_sop_outcome_actions_follow_the_market(sample: tuple[Config, Corpus]) -> None:
    config, corpus = sample
    br = select_handbook(corpus, _spec(config, "ads-br")).sop("SOP-ADS-CREATIVE")
    world = select_handbook(corpus, _spec(config, "ads-global")).sop("SOP-ADS-CREATIVE")
    assert br is not None and world is not None
    # the sample's own case says what a reviewer in Brazil must do for a crypto exchange ad
    case = next(c for c in corpus.cases_for(br.sop) if c.market == "BR" and c.expect.actions)
    assert br.outcome_actions[case.expect.outcome] == case.expect.actions
    assert world.outcome_actions[case.expect.outcome] == br.sop.outcome(case.expect.outcome).actions


@pytest.mark.parametrize(
    ("filters", "market", "keep", "drop"),
    [
        ({"kinds": ["ads"]}, None, "ADS-FIN", "CG-HARASS"),
        ({"status": ["deprecated"]}, None, "ADS-CRYPTO-LEGACY", "ADS-FIN"),
        ({"tags": ["restricted-industry"]}, None, "ADS-ALC", "CG-HARASS"),
        ({"categories": ["alcohol"]}, None, "ADS-ALC", "ADS-FIN"),
        ({"surfaces": ["ads"]}, None, "ADS-FIN", "CG-HARASS"),
    ],
)
def test_filters(sample: tuple[Config, Corpus], filters: dict[str, list[str]], market: str | None,
                 keep: str, drop: str) -> None:
    _config, corpus = sample
    spec = HandbookSpec.from_config({"name": "t", "title": "T", "filters": filters,
                                     **({"market": market} if market else {})})
    hb = select_handbook(corpus, spec)
    ids = {v.id for v in hb.policies}
    assert keep in ids
    assert drop not in ids
    assert any(i == drop for i, _why in hb.omitted)


def test_policy_limited_to_other_markets_is_left_out(sample: tuple[Config, Corpus]) -> None:
    _config, corpus = sample
    limited = corpus.policies["ADS-FIN"]._replace(markets=("US", "GB"))
    corpus2 = Corpus(config=corpus.config, sources=corpus.sources,
                     policies={**corpus.policies, "ADS-FIN": limited}, sops=corpus.sops,
                     taxonomy=corpus.taxonomy)
    br = select_handbook(corpus2, HandbookSpec(name="br", title="BR", market="BR"))
    assert "ADS-FIN" not in {v.id for v in br.policies}
    assert ("ADS-FIN", "does not apply in BR") in br.omitted
    us = select_handbook(corpus2, HandbookSpec(name="us", title="US", market="US"))
    assert "ADS-FIN" in {v.id for v in us.policies}


def test_unknown_handbook_name_is_a_usage_error(sample: tuple[Config, Corpus]) -> None:
    config, _corpus = sample
    with pytest.raises(GuidekitError, match="no handbook named 'nope'"):
        handbook_specs(config, ("nope",))


def test_missing_sop_is_a_note(sample: tuple[Config, Corpus]) -> None:
    _config, corpus = sample
    hb = select_handbook(corpus, HandbookSpec(name="x", title="X", sops=("SOP-NOPE",)))
    assert hb.sops == ()
    assert any("SOP-NOPE" in n for n in hb.notes)


def test_an_example_is_graphic_by_its_own_word_else_by_its_category(sample: tuple[Config, Corpus]) -> None:
    _config, corpus = sample
    policy = corpus.policies["CG-CHALLENGE"]  # its category, dangerous_acts, is graphic
    rule = policy.rule("CG-CHALLENGE-1.a")
    assert rule is not None
    said = {e.id: (e.graphic, is_graphic(corpus.taxonomy, policy, rule, e)) for e in rule.examples}
    assert said["v1"] == (True, True)
    assert said["a1"] == (False, False)  # `graphic: false` wins over the category
    plain = corpus.policies["ADS-ALC"]
    assert not any(is_graphic(corpus.taxonomy, plain, r, e) for r in plain.rules for e in r.examples)
    recruit = policy.rule("CG-CHALLENGE-1.b")
    assert recruit is not None
    assert [(e.graphic, is_graphic(corpus.taxonomy, policy, recruit, e)) for e in recruit.examples] \
        == [(None, True), (None, True)]  # unsaid: the category decides
