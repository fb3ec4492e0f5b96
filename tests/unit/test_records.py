"""Records: frozen slotted dataclasses, except named tuples measured to matter on a hot path.

A named tuple is a tuple: it equals any tuple (or other named tuple) holding the same
values, so two different kinds of record can compare equal by accident. guidekit keeps
named tuples only where instances are made per document or finer on the check and diff
paths (creating one costs ~0.3 us against ~1.0 us for a frozen slotted dataclass, and its
class ~0.05 ms against ~0.5 ms at import; ``dataclasses`` itself costs nothing more, since
Typer imports it when any command starts), each with a comment saying so; every other
record is a frozen slotted dataclass, equal only to a record of its own type. All of them
must still pickle, compare and refuse changes."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import pickle
import weakref
from pathlib import Path
from typing import Any

import pytest

import guidekit
from conftest import SAMPLE
from guidekit.diff.fetch import Fetched
from guidekit.diff.fields import Ranks
from guidekit.diff.model import ChangeKind, ChangeSet, DocumentChange, Impact, Revision
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.git import Commit
from guidekit.loading.config import Config, load_config
from guidekit.loading.discover import Discovered, Named, discover
from guidekit.loading.source import DocKind, Limits, LoadProblem, Source, load_source
from guidekit.lsp.features import Edit, Suggestion, Target
from guidekit.model.common import Loc
from guidekit.model.policy import Example, Override, Policy, PolicyException, Rule, build_policy
from guidekit.report.diff_base import DiffReportOptions
from guidekit.scaffold import Existing

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


def test_records_refuse_changes_and_keep_no_dict() -> None:
    policy = _policy()
    changes = _changes()
    named_tuples: list[Any] = [SourceSpan("a"), Finding("r", "n", Severity.INFO, "m", SourceSpan("a")), Limits(),
                               Discovered(Path(), "", None), policy.loc, policy, policy.rules[0],
                               policy.rules[0].examples[0], policy.exceptions[0], policy.overrides[0]]
    dataclass_records: list[Any] = [LoadProblem("r", "m"), Config(Path()), Revision("v1", None)]
    for value in [*named_tuples, *dataclass_records, changes]:
        assert not hasattr(value, "__dict__"), type(value)
        if isinstance(value, tuple):
            assert not dataclasses.is_dataclass(value)
            name = value._fields[0]
        elif dataclasses.is_dataclass(value):
            name = dataclasses.fields(value)[0].name
        else:
            name = "documents"
        with pytest.raises(AttributeError):  # dataclasses.FrozenInstanceError is one
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


def test_discovery_and_config_keep_their_defaults() -> None:
    config = load_config(SAMPLE)
    assert config.source is not None and config.name and config.limits == Limits()
    assert Config(Path("x")).data == {} and Config(Path("x")).source is None
    found = discover(config)
    assert found and all(isinstance(d, Discovered) and not d.outside_link for d in found)
    assert [d.rel for d in found] == sorted(d.rel for d in found)
    assert Loc(config.source, ("a",)).at("b", 0).path == ("a", "b", 0)


SRC = Path(guidekit.__file__).parent
# translated guidance's records are left to the translation work (see the closing note)
NOT_SURVEYED = ("i18n/", "check/rules/translations.py", "check/translation_stage.py")

SPAN = SourceSpan("a.md", 1, 1)
# two records of different types holding the same values
SAME_VALUES: list[tuple[Any, Any]] = [
    (Edit("a.md", SPAN, "x"), ("a.md", SPAN, "x")),
    (Suggestion("GK1", "GK1", "id"), Existing("GK1", "GK1")),
    (Revision("main", None), Existing("main", None)),
    (Ranks({}, {}), ({}, {})),
    (Named((), (), False), Existing("", None)),
    (LoadProblem("empty-file", "file is empty"), ("empty-file", "file is empty", 0, 0)),
    (DiffReportOptions(), (False, False, 60_000, None)),
    (Config(Path(".")), (Path("."), {}, None)),
    (Commit("0" * 40, "a", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "s", None), ("0" * 40, "a")),
]


@pytest.mark.parametrize(("record", "other"), SAME_VALUES, ids=lambda r: type(r).__name__)
def test_records_of_different_types_are_never_equal(record: Any, other: Any) -> None:
    assert record != other
    assert other != record
    assert record == dataclasses.replace(record)  # equal to a record of its own type and values


@pytest.mark.parametrize("cls", [Edit, Suggestion, Target, Existing, Revision, Ranks, Named, LoadProblem,
                                 DiffReportOptions, Config, Commit, Fetched])
def test_converted_records_are_frozen_slotted_dataclasses(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    assert not issubclass(cls, tuple)
    assert "__slots__" in vars(cls)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen and params.eq


def _named_tuples() -> list[tuple[str, str, str]]:
    """(module file, class, the comment line above it) of every named tuple in src/."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id == "NamedTuple" for b in node.bases):
                above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                found.append((rel, node.name, above))
    return found


def test_every_named_tuple_says_why_it_is_one() -> None:
    kept = [(rel, name, above) for rel, name, above in _named_tuples() if not rel.startswith(NOT_SURVEYED)]
    assert kept  # the survey found the hot ones
    unexplained = [f"{rel}: {name}" for rel, name, above in kept if not above.startswith("# named tuple")]
    assert not unexplained, "a named tuple off a measured hot path should be a frozen slotted dataclass"
