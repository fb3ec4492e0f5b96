"""Run every SOP's labelled cases through its decision tree, like a test runner.

load -> corpus -> for each selected SOP: walk each case, resolve the outcome
for the case's market, compare with what the case expects -> a ``SuiteRun``
(plain data that the test reporters render).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from guidekit.check.engine import load_corpus
from guidekit.check.registry import find_rule
from guidekit.corpus import Corpus
from guidekit.findings import Finding, Severity
from guidekit.loading.config import Config
from guidekit.model import Case, Loc, Policy, Rule, Sop
from guidekit.sop.coverage import Coverage, measure, total
from guidekit.sop.engine import Resolved, Stop, Walk, resolve, walks
from guidekit.sop.graph import TreeGraph

__all__ = ["CaseResult", "SopRun", "SuiteRun", "check_case", "run_cases", "run_sop_tests"]


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Case
    walk: Walk  # the first branch (the only one unless a question took several answers)
    resolved: Resolved | None
    failures: tuple[str, ...]
    notes: tuple[str, ...]
    diverged_at: str | None  # the node where the walk left the route to the expected outcome
    branches: tuple[tuple[Walk, Resolved | None], ...] = ()  # every branch, the first included

    @property
    def passed(self) -> bool:
        return not self.failures

    def paths(self) -> list[str]:
        """The path of every branch, for people."""
        return [w.path_text() for w, _r in self.branches] or [self.walk.path_text()]

    @property
    def reached(self) -> tuple[str, ...]:
        """The outcomes the case reached, one per branch that ended at one."""
        return tuple(w.at for w, _r in self.branches or ((self.walk, self.resolved),) if w.reached)

    @property
    def rules(self) -> tuple[str, ...]:
        """Every rule the reached outcomes record, in order, once each."""
        return tuple(dict.fromkeys(
            r for _w, res in self.branches or ((self.walk, self.resolved),) if res for r in res.rules))

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(
            a for _w, res in self.branches or ((self.walk, self.resolved),) if res for a in res.actions))


@dataclass(frozen=True, slots=True)
class SopRun:
    sop: Sop
    results: tuple[CaseResult, ...]
    coverage: Coverage


@dataclass
class SuiteRun:
    root: Path
    sops: list[SopRun]
    problems: list[Finding] = field(default_factory=list)  # files that could not be read

    @property
    def results(self) -> list[CaseResult]:
        return [r for s in self.sops for r in s.results]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.passed)

    @property
    def coverage(self) -> Coverage:
        return total(s.coverage for s in self.sops)

    def below(self, minimum: float, metrics: Sequence[str]) -> list[str]:
        """The metrics whose total coverage is below ``minimum`` percent."""
        cov = self.coverage
        return [m for m in metrics if cov.metric(m).percent + 1e-9 < minimum]


def _sorted(values: Iterable[str]) -> list[str]:
    return sorted(set(values))


def _diverged_at(sop: Sop, graph: TreeGraph, w: Walk, expected: str) -> str:
    """The last node on the path from which the expected outcome could still be reached."""
    if w.stop in (Stop.MISSING_ANSWER, Stop.UNKNOWN_ANSWER):
        return w.at
    if not w.reached:
        return w.hops[-1].node if w.hops else sop.tree.start
    can_reach = graph.leads_to(expected)
    on_route = [h.node for h in w.hops if h.node in can_reach]
    # when no node leads to the expected outcome any more, the last decision is to blame
    return on_route[-1] if on_route else w.hops[-1].node


def check_case(
    sop: Sop, case: Case, graph: TreeGraph, rules: Mapping[str, tuple[Policy, Rule]]
) -> CaseResult:
    failures: list[str] = []
    notes: list[str] = []
    for node_id in [*case.answers, *case.choices]:
        if node_id not in graph.nodes:
            failures.append(f"the case answers node {node_id!r}, which the tree does not have")
    if case.market is not None and sop.markets and case.market not in sop.markets:
        failures.append(f"market {case.market!r} is not one of the SOP's markets "
                        f"({', '.join(sop.markets)})")
    if case.surface is not None and sop.surfaces and case.surface not in sop.surfaces:
        failures.append(f"surface {case.surface!r} is not one of the SOP's surfaces "
                        f"({', '.join(sop.surfaces)})")
    exp = case.expect
    branches = walks(sop, sop.answers_for(case), graph, sop.facts_for(case))
    resolved_all = tuple((w, resolve(w.outcome, rules, case.market) if w.outcome else None)
                         for w in branches)
    diverged: str | None = None
    before = len(failures)
    if exp.plural or len(branches) > 1:
        failures.extend(_compare_outcomes(branches, exp.outcomes))
    else:
        diverged = _one_outcome(sop, graph, branches[0], exp.outcome, failures)
    outcomes_met = len(failures) == before
    for _w, res in resolved_all:
        for o in res.overrides if res else ():
            how = f"{o.base_action} -> {o.action}" if o.replaced else \
                f"{o.action} not applied: the outcome does not take {o.base_action}"
            notes.append(f"override {o.market} {o.rule}: {how}")
    if outcomes_met:
        failures.extend(_compare(resolved_all, case))
    used = {h.node for w in branches for h in w.hops} | {
        w.at for w in branches if w.stop is Stop.UNKNOWN_ANSWER}
    notes.extend(f"answer for node {n!r} not used on this path"
                 for n in [*case.answers, *case.choices] if n in graph.nodes and n not in used)
    first, first_resolved = resolved_all[0]
    return CaseResult(case, first, first_resolved, tuple(failures), tuple(notes), diverged, resolved_all)


def _one_outcome(sop: Sop, graph: TreeGraph, w: Walk, expected: str, failures: list[str]) -> str | None:
    """Compare a single walk with the one outcome expected; the node where it diverged."""
    if not w.reached:
        diverged = _diverged_at(sop, graph, w, expected)
        failures.append(f"diverged at node {diverged!r}: {w.detail}")
        return diverged
    if w.at == expected:
        return None
    diverged = _diverged_at(sop, graph, w, expected)
    taken = next(h for h in w.hops if h.node == diverged).answer
    if expected not in graph.outcomes:
        failures.append(f"expected outcome {expected!r} is not an outcome of {sop.id}; "
                        f"the walk ended at node {diverged!r} with {w.at!r}")
    elif not graph.leads_to(expected):
        failures.append(f"diverged at node {diverged!r}: answer {taken!r} leads to {w.at!r}, "
                        f"and no answer in the tree leads to expected outcome {expected!r}")
    else:
        failures.append(f"diverged at node {diverged!r}: answer {taken!r} leads away from "
                        f"expected outcome {expected!r}; reached {w.at!r}")
    return diverged


def _compare_outcomes(branches: Sequence[Walk], expected: Sequence[str]) -> list[str]:
    """Several outcomes (one per answer of a ``multiple`` question), compared as a set."""
    out = [f"a branch stopped at node {w.at!r}: {w.detail} (path: {w.path_text()})"
           for w in branches if not w.reached]
    got = _sorted(w.at for w in branches if w.reached)
    if not out and got != _sorted(expected):
        out.append(f"outcomes: expected {_sorted(expected)}, got {got}")
    return out


def _compare(resolved_all: Sequence[tuple[Walk, Resolved | None]], case: Case) -> list[str]:
    exp = case.expect
    out: list[str] = []
    where = f" in market {case.market}" if case.market else ""
    done = [r for _w, r in resolved_all if r is not None]
    actions = list(dict.fromkeys(a for r in done for a in r.actions))
    rules = list(dict.fromkeys(rid for r in done for rid in r.rules))
    if exp.actions is not None and _sorted(exp.actions) != _sorted(actions):
        out.append(f"actions{where}: expected {_sorted(exp.actions)}, got {actions}")
    if exp.rules is not None and _sorted(exp.rules) != _sorted(rules):
        out.append(f"rules: expected {_sorted(exp.rules)}, got {rules}")
    for rid in exp.not_rules:
        if rid in rules:
            out.append(f"rule {rid!r} is triggered, but the case says it must not be")
    return out


def _policy_rules(sop: Sop, corpus: Corpus) -> list[tuple[str, Loc]]:
    out: list[tuple[str, Loc]] = []
    for pid in sop.policies:
        policy = corpus.policies.get(pid)
        if policy is not None:
            out.extend((r.id, r.loc) for r in policy.rules)
    return out


def run_cases(corpus: Corpus, wanted: Callable[[str], bool] = lambda _rel: True) -> list[SopRun]:
    """Run the cases of every SOP whose file, or whose case file, ``wanted`` selects."""
    runs: list[SopRun] = []
    for sop in sorted(corpus.sops.values(), key=lambda s: s.id):
        sop_wanted = wanted(sop.source.rel)
        cases = [c for c in corpus.cases_for(sop) if sop_wanted or wanted(c.loc.source.rel)]
        if not sop_wanted and not cases:
            continue
        graph = TreeGraph.of(sop)
        results = tuple(check_case(sop, c, graph, corpus.rules) for c in cases)
        cov = measure(sop, graph, (b for r in results for b in r.branches),
                      _policy_rules(sop, corpus))
        runs.append(SopRun(sop, results, cov))
    return runs


def _orphan_case_files(corpus: Corpus) -> list[Finding]:
    rule = find_rule("tree-reference")
    out = []
    for src, sop_id, _cases in corpus.case_files:
        if sop_id not in corpus.sops and rule is not None:
            out.append(Finding(rule.id, rule.name, Severity.ERROR,
                               f"case file names SOP {sop_id!r}, which does not exist; "
                               "its cases cannot run", Loc(src, ("sop",)).span(),
                               json_path=("sop",)))
    return out


def run_sop_tests(config: Config, paths: Sequence[Path] = ()) -> SuiteRun:
    """Load the guidance under ``config`` and run the cases selected by ``paths``."""
    corpus, findings, plan = load_corpus(config, paths=paths)
    problems = [f for f in [*findings, *_orphan_case_files(corpus)]
                if f.severity is Severity.ERROR and plan.wanted(f.span.path)]
    return SuiteRun(config.root, run_cases(corpus, plan.wanted), sorted(problems, key=Finding.sort_key))
