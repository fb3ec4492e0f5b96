"""Property tests: any tree and any answers give a finished walk and a sensible verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from guidekit.loading.source import DocKind, Source
from guidekit.model import build_sop
from guidekit.sop.engine import Stop
from guidekit.sop.graph import TreeGraph
from guidekit.sop.runner import check_case

NODE_IDS = ["a", "b", "c", "d", "ghost"]  # "ghost" is never defined
OUTCOMES = ["keep", "remove", "nowhere"]  # "nowhere" is never defined
VALUES = ["yes", "no", "maybe"]


@st.composite
def sops(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 4))
    nodes = []
    for node_id in NODE_IDS[:n]:
        answers = []
        for value in draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=3, unique=True)):
            if draw(st.booleans()):
                answers.append({"value": value, "next": draw(st.sampled_from(NODE_IDS))})
            else:
                answers.append({"value": value, "outcome": draw(st.sampled_from(OUTCOMES))})
        nodes.append({"id": node_id, "question": "Question?", "answers": answers})
    case = {"id": "c1",
            "answers": draw(st.dictionaries(st.sampled_from(NODE_IDS), st.sampled_from(VALUES))),
            "expect": {"outcome": draw(st.sampled_from(OUTCOMES))}}
    return {
        "id": "SOP-P", "title": "Property", "status": "draft", "version": 1, "owners": ["ops"],
        "queue": "q", "audience": ["r"], "policies": ["CG-X"], "steps": [{"id": "s1", "text": "Read it."}],
        "decision_tree": {"start": draw(st.sampled_from(NODE_IDS)), "nodes": nodes},
        "outcomes": [{"id": "keep", "title": "Keep", "actions": ["no_action"]},
                     {"id": "remove", "title": "Remove", "actions": ["remove"]}],
        "cases": [case],
    }


@settings(max_examples=150, deadline=None)
@given(sops())
def test_any_walk_ends_and_names_a_node_on_its_path(data: dict[str, Any]) -> None:
    sop = build_sop(Source(Path("p.sop.yaml"), "p.sop.yaml", DocKind.SOP, data=data))
    graph = TreeGraph.of(sop)
    r = check_case(sop, sop.cases[0], graph, {})
    w = r.walk
    assert len(w.hops) <= len(graph.nodes)
    assert len({h.node for h in w.hops}) == len(w.hops)  # no node asked twice
    if w.reached:
        assert w.outcome is not None and w.at == w.outcome.id
    else:
        assert w.stop is not Stop.OUTCOME and not r.passed
    ok_outcome = w.reached and w.at == sop.cases[0].expect.outcome
    assert (r.diverged_at is None) == ok_outcome
    if r.diverged_at is not None:
        # a node answered on the way, or the node where no usable answer was given
        stopped_at = {w.at} if w.stop in (Stop.MISSING_ANSWER, Stop.UNKNOWN_ANSWER) else set()
        assert r.diverged_at in {h.node for h in w.hops} | {sop.tree.start} | stopped_at
        assert r.diverged_at in graph.nodes or r.diverged_at == sop.tree.start
        assert any(f"node {r.diverged_at!r}" in f for f in r.failures), r.failures
