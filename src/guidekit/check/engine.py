"""check: find files -> load with positions -> schemas -> corpus -> rules -> findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from guidekit.check.registry import CheckRule, RuleContext, all_rules, find_rule
from guidekit.check.schema import schema_findings
from guidekit.corpus import Corpus, build_corpus
from guidekit.errors import GuidekitError
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.loading.config import Config
from guidekit.loading.discover import Discovered, discover
from guidekit.loading.source import DocKind, Source, load_source

__all__ = ["CheckResult", "Selection", "load_corpus", "run_check"]

@dataclass
class CheckResult:
    root: Path
    findings: list[Finding]
    files: list[str]
    sources: dict[str, Source] = field(default_factory=dict)
    rules: list[type[CheckRule]] = field(default_factory=list)
    corpus: Corpus | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def failed(self, fail_on: Severity) -> bool:
        return any(f.severity.at_least(fail_on) for f in self.findings)


@dataclass(frozen=True)
class Selection:
    """Which rules run: --select / --ignore by id, id prefix or name."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @staticmethod
    def _match(rule: type[CheckRule], keys: Iterable[str]) -> bool:
        for k in keys:
            if k.lower() == rule.name or rule.id.startswith(k.upper()):
                return True
        return False

    def wants(self, rule: type[CheckRule]) -> bool:
        if self.select and not self._match(rule, self.select):
            return False
        return not self._match(rule, self.ignore)

    def validate(self) -> None:
        known = all_rules()
        for key in (*self.select, *self.ignore):
            if not any(self._match(r, [key]) for r in known):
                raise GuidekitError(f"--select/--ignore: no rule matches {key!r}",
                                    hint="`guidekit rules` lists every rule")


def _loader_finding(name: str, message: str, span: SourceSpan) -> Finding:
    rule = find_rule(name)
    assert rule is not None, name
    return Finding(rule.id, rule.name, rule.severity, message, span)


def _sniff_kind(path: Path) -> DocKind | None:
    if path.suffix.lower() in (".md", ".markdown"):
        return DocKind.POLICY
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        return None
    keys = {line.split(":", 1)[0] for line in head.splitlines() if line and line[0].isalpha()}
    if "taxonomy" in keys:
        return DocKind.TAXONOMY
    if "decision_tree" in keys:
        return DocKind.SOP
    if "sop" in keys and "cases" in keys:
        return DocKind.CASES
    if "rules" in keys or "kind" in keys:
        return DocKind.POLICY
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass
class _Plan:
    items: list[Discovered]
    extra_findings: list[Finding]
    wanted: Callable[[str], bool]


def _plan(config: Config, paths: Sequence[Path]) -> _Plan:
    root = config.root.resolve()
    items = discover(config)
    known = {d.rel for d in items}
    extra: list[Finding] = []
    prefixes: list[str] = []
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise GuidekitError(f"no such file or folder: {p}")
        rel = _rel(p, root)
        if p.resolve() == root:
            prefixes = []
            break
        if p.is_dir():
            prefixes.append(rel.rstrip("/") + "/")
            continue
        prefixes.append(rel)
        if rel not in known and p.name != "guidekit.yaml":
            kind = _sniff_kind(p)
            if kind is None:
                extra.append(_loader_finding(
                    "unknown-kind",
                    "not a guidance document (policy, SOP, case file or taxonomy); skipped",
                    SourceSpan(rel)))
            else:
                items.append(Discovered(p, rel, kind))
    def wanted(rel: str) -> bool:
        return not prefixes or any(rel == x or rel.startswith(x) for x in prefixes)
    return _Plan(items, extra, wanted)


def _load(config: Config, items: list[Discovered]) -> tuple[list[Source], list[Finding]]:
    limits = config.limits
    sources: list[Source] = []
    findings: list[Finding] = []
    for d in items:
        if d.outside_link:
            findings.append(_loader_finding(
                "link-outside-root",
                "symbolic link points outside the guidance repository; not followed",
                SourceSpan(d.rel)))
            continue
        assert d.kind is not None
        src = load_source(d.path, d.rel, d.kind, limits)
        sources.append(src)
        for prob in src.problems:
            findings.append(_loader_finding(prob.rule, prob.message,
                                            SourceSpan(d.rel, prob.line + 1, prob.col + 1)))
    return sources, findings


def load_corpus(config: Config, *, verbose: bool = False,
                paths: Sequence[Path] = ()) -> tuple[Corpus, list[Finding], _Plan]:
    """Load every document under the root; return the corpus and load/schema findings."""
    plan = _plan(config, paths)
    sources, findings = _load(config, plan.items)
    findings.extend(plan.extra_findings)
    invalid: set[int] = set()
    for src in sources:
        if not src.ok:
            continue
        schema = list(schema_findings(src, verbose=verbose))
        if schema:
            invalid.add(id(src))
            findings.extend(schema)
    corpus = build_corpus(config, sources, lambda s: id(s) not in invalid)
    return corpus, findings, plan


def _settings(config: Config, rule: type[CheckRule]) -> dict[str, Any]:
    s = config.rule_settings
    return dict(s.get(rule.id) or s.get(rule.name) or {})


def run_check(
    config: Config,
    paths: Sequence[Path] = (),
    *,
    selection: Selection | None = None,
    verbose: bool = False,
    extra_rules: Iterable[type[CheckRule]] = (),
) -> CheckResult:
    selection = selection or Selection()
    selection.validate()
    for key in config.rule_settings:
        if find_rule(key) is None:
            raise GuidekitError(f"guidekit.yaml: rules: unknown rule {key!r}",
                                hint="`guidekit rules` lists every rule")
    corpus, findings, plan = load_corpus(config, verbose=verbose, paths=paths)
    rules = [*all_rules(), *extra_rules]
    active: list[type[CheckRule]] = []
    ctx_today = config.today
    for rule_cls in rules:
        settings = _settings(config, rule_cls)
        if settings.get("enabled") is False or not selection.wants(rule_cls):
            continue
        active.append(rule_cls)
        if rule_cls.stage != "corpus":
            continue
        sev = Severity(settings["severity"]) if "severity" in settings else None
        rule = rule_cls(sev, settings.get("options"))
        ctx = RuleContext(corpus=corpus, today=ctx_today, options=rule.effective_options)
        findings.extend(rule.check(ctx))
    findings = _apply_settings(config, findings, active)
    findings = [f for f in findings if plan.wanted(f.span.path)]
    findings = sorted(set(findings), key=Finding.sort_key)
    files = sorted(d.rel for d in plan.items if plan.wanted(d.rel))
    return CheckResult(
        root=config.root,
        findings=findings,
        files=files,
        sources={s.rel: s for s in corpus.sources},
        rules=active,
        corpus=corpus,
    )


def _apply_settings(config: Config, findings: list[Finding],
                    active: list[type[CheckRule]]) -> list[Finding]:
    by_id = {r.id: r for r in active}
    out = []
    for f in findings:
        rule = by_id.get(f.rule)
        if rule is None:
            continue
        settings = _settings(config, rule)
        if rule.stage == "loader" and "severity" in settings:
            f = replace(f, severity=Severity(settings["severity"]))
        out.append(f)
    return out
