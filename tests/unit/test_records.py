"""The records every command builds are named tuples or small slotted classes, not
dataclasses (creating one, and importing ``dataclasses``, costs a short command
like `guidekit diff` too much): they must still pickle, compare, order and refuse
changes as the dataclasses did."""

from __future__ import annotations

import pickle
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLE
from guidekit.diff.model import ChangeKind, ChangeSet, DocumentChange, Impact, Revision
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.loading.config import Config, load_config
from guidekit.loading.discover import Discovered, discover
from guidekit.loading.source import DocKind, Limits, LoadProblem, Source, load_source
from guidekit.model.common import Loc
from guidekit.model.policy import Example, Override, Policy, PolicyException, Rule, build_policy

GAMBLING = "policies/ads/gambling.md"


def _policy() -> Policy:
    src = load_source(SAMPLE / GAMBLING, GAMBLING, DocKind.POLICY)
    assert src.ok
    policy = build_policy(src)
    assert policy.rules and policy.exceptions and policy.overrides and policy.rules[0].examples
    return policy


def _changes() -> ChangeSet:
    doc = DocumentChange("ADS-GAMB", "policy", "Gambling", GAMBLING, None, ChangeKind.MODIFIED,
                         Impact.STRICTER, span=SourceSpan(GAMBLING, 3, 1))
    return ChangeSet(Revision("v1", "a" * 40), Revision("HEAD", None), "guidance", (doc,), ("a note",))


def _round_trip(value: Any) -> Any:
    copy = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(copy) is type(value)
    assert repr(pickle.loads(pickle.dumps(value))) == repr(copy)  # the default protocol too
    return copy


def test_value_records_pickle_round_trip() -> None:
    finding = Finding("GK101", "yaml-syntax", Severity.ERROR, "bad", SourceSpan("a.md", 2, 3, 2, 9),
                      ("rules", 0), ("a note",), "fix it")
    values = [
        SourceSpan("a.md"), finding, Limits(), Limits(10, 20), LoadProblem("encoding", "bad", 1, 2),
        Discovered(Path("a.md"), "a.md", DocKind.POLICY, outside_link=True),
        Config(Path("root"), {"name": "x"}), _changes(),
    ]
    for value in values:
        copy = _round_trip(value)
        assert copy == value
        if not isinstance(value, Config):  # a Config holds a dict
            assert hash(copy) == hash(value)


def test_model_records_pickle_round_trip() -> None:
    """A model points at its Source, which is equal only to itself: the copies say the same."""
    policy = _policy()
    policy.rules[0].loc.span()  # a source that has parsed its nodes pickles them too
    rule, exception, override = policy.rules[0], policy.exceptions[0], policy.overrides[0]
    records: list[Any] = [policy, rule, rule.examples[0], exception, override, policy.loc, policy.source,
                          load_config(SAMPLE)]
    for value in records:
        assert repr(_round_trip(value)) == repr(value)
    copy = _round_trip(policy)
    assert copy.source is not policy.source and copy.source != policy.source
    assert copy.rules[0].loc.span() == rule.loc.span()
    assert isinstance(copy.rules[0].examples[0], Example) and isinstance(copy.exceptions[0], PolicyException)
    assert isinstance(copy.overrides[0], Override) and isinstance(copy.rules[0], Rule)


def test_records_are_not_dataclasses_and_refuse_changes() -> None:
    policy = _policy()
    changes = _changes()
    records: list[Any] = [SourceSpan("a"), Finding("r", "n", Severity.INFO, "m", SourceSpan("a")), Limits(),
                          LoadProblem("r", "m"), Config(Path()), Discovered(Path(), "", None), policy.loc,
                          policy, policy.rules[0], policy.rules[0].examples[0], policy.exceptions[0],
                          policy.overrides[0], changes]
    for value in records:
        assert not hasattr(value, "__dataclass_fields__")
        assert not hasattr(value, "__dict__"), type(value)
        name = value._fields[0] if isinstance(value, tuple) else "documents"
        with pytest.raises(AttributeError):
            setattr(value, name, None)
    with pytest.raises(AttributeError):
        del changes.documents
    assert changes.documents[0].id == "ADS-GAMB"


def test_spans_order_by_their_fields_and_findings_replace() -> None:
    spans = [SourceSpan("b", 1), SourceSpan("a", 2, 5), SourceSpan("a", 2, 1, 3, 1), SourceSpan("a", 2, 1, 2, 9)]
    assert sorted(spans) == [SourceSpan("a", 2, 1, 2, 9), SourceSpan("a", 2, 1, 3, 1), SourceSpan("a", 2, 5),
                             SourceSpan("b", 1)]
    assert SourceSpan("a", 9) < SourceSpan("b", 1) and max(SourceSpan("a", 3), SourceSpan("a", 2, 7)).line == 3
    assert str(SourceSpan("a.md", 4, 2)) == "a.md:4:2"
    f = Finding("r", "n", Severity.WARNING, "m", SourceSpan("a"))
    assert f.notes == () and f._replace(severity=Severity.ERROR).severity is Severity.ERROR
    assert f == Finding("r", "n", Severity.WARNING, "m", SourceSpan("a")) and len({f, f._replace()}) == 1


def test_a_source_is_mutable_equal_only_to_itself_and_weakly_referenced() -> None:
    a = Source(Path("a.md"), "a.md", DocKind.POLICY)
    b = Source(Path("a.md"), "a.md", DocKind.POLICY)
    assert a != b and a == a and len({a, b}) == 2
    assert a.problems == [] and a.problems is not b.problems
    a.text = "changed"
    a.problems.append(LoadProblem("r", "m"))
    assert (a.text, b.text, len(b.problems)) == ("changed", "", 0)
    assert weakref.ref(a)() is a
    assert not hasattr(a, "__dict__")
    assert repr(b) == ("Source(path=PosixPath('a.md'), rel='a.md', kind=<DocKind.POLICY: 'policy'>, text='', "
                       "yaml_text='', yaml_line=0, data=None, body=None, body_line=0, problems=[])")
    copy = _round_trip(a)
    assert (copy.text, copy.problems, copy.rel) == ("changed", [LoadProblem("r", "m")], "a.md")


def test_a_change_set_counts_iterates_and_compares_its_documents() -> None:
    changes = _changes()
    assert len(changes) == 1 and bool(changes) and [d.id for d in changes] == ["ADS-GAMB"]
    assert changes.count(Impact.STRICTER) == 1 and changes.count(Impact.LOOSER) == 0
    assert changes.document("ADS-GAMB") is changes.documents[0] and changes.by_path(GAMBLING) is not None
    assert changes.has(Impact.STRICTER) and changes.impacts == frozenset({Impact.STRICTER})
    empty = ChangeSet(changes.base, changes.head, "")
    assert not empty and (empty.documents, empty.notes) == ((), ())
    assert changes == _changes() and hash(changes) == hash(_changes()) and changes != empty
    assert changes != tuple(changes) and len({changes, _changes(), empty}) == 2
    assert repr(empty) == ("ChangeSet(base=Revision(ref='v1', sha='" + "a" * 40 + "'), "
                           "head=Revision(ref='HEAD', sha=None), root='', documents=(), notes=())")


def test_discovery_and_config_are_named_tuples_with_their_defaults() -> None:
    config = load_config(SAMPLE)
    assert config.source is not None and config.name and config.limits == Limits()
    assert Config(Path("x")).data == {} and Config(Path("x")).source is None
    found = discover(config)
    assert found and all(isinstance(d, Discovered) and not d.outside_link for d in found)
    assert [d.rel for d in found] == sorted(d.rel for d in found)
    assert Loc(config.source, ("a",)).at("b", 0).path == ("a", "b", 0)


def test_the_record_modules_do_not_import_dataclasses() -> None:
    modules = ("guidekit.findings", "guidekit.loading.source", "guidekit.loading.config",
               "guidekit.loading.discover", "guidekit.model.common", "guidekit.model.policy",
               "guidekit.diff.model", "guidekit.diff.policy")
    code = (f"import importlib, sys; [importlib.import_module(m) for m in {modules!r}]; "
            "print([m for m in ('dataclasses', 'inspect') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
