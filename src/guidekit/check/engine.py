"""check: find files -> per-file analysis (parallel, cached) -> corpus -> rules -> findings.

Per-file work (loading, schema, document rules) is most of the cost and does
not depend on other files, so it runs on every core and is cached by content
hash (cache.py). Corpus rules then run on lean documents: the data without
long prose, which keeps a 10,000-policy corpus well inside memory. Spans are
computed lazily, only for findings; a lean source reads its file again when
one is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from guidekit.check.analyze import FAILED, VALID, Analyzer, FileResult, loader_finding
from guidekit.check.cache import CheckCache, file_key, make_salt
from guidekit.check.parallel import run_all
from guidekit.check.plan import Plan, make_plan
from guidekit.check.registry import CheckRule, DocIndex, RuleContext, all_rules, find_rule
from guidekit.check.schema import schema_findings
from guidekit.check.settings import Settings
from guidekit.check.suppress import Directive, apply_suppressions
from guidekit.corpus import Corpus, build_corpus
from guidekit.errors import GuidekitError
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.loading.config import Config
from guidekit.loading.discover import Discovered
from guidekit.loading.source import DocKind, LoadProblem, Source, load_source
from guidekit.loading.yamlio import compose
from guidekit.schemas import available, schema_dir

__all__ = ["CheckResult", "Selection", "load_corpus", "run_check"]


@dataclass
class CheckResult:
    root: Path
    findings: list[Finding]
    files: list[str]
    # files with findings have their text loaded (reporters show the line)
    sources: dict[str, Source] = field(default_factory=dict)
    rules: list[type[CheckRule]] = field(default_factory=list)
    # the corpus the rules saw (without policy prose when run_check(lean=True))
    corpus: Corpus | None = None
    cache_hits: int = 0

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
        return any(k.lower() == rule.name or rule.id.startswith(k.upper()) for k in keys)

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


# --- full loading, for other engines -------------------------------------------


def load_corpus(config: Config, *, verbose: bool = False,
                paths: Sequence[Path] = ()) -> tuple[Corpus, list[Finding], Plan]:
    """Load every document under the root, whole; return the corpus and load/schema findings."""
    plan = make_plan(config, paths)
    sources: list[Source] = []
    findings: list[Finding] = list(plan.extra_findings)
    invalid: set[int] = set()
    for d in plan.items:
        if d.outside_link:
            findings.append(_outside_link(d))
            continue
        assert d.kind is not None
        src = load_source(d.path, d.rel, d.kind, config.limits)
        sources.append(src)
        findings.extend(loader_finding(p.rule, p.message, SourceSpan(d.rel, p.line + 1, p.col + 1))
                        for p in src.problems)
        if src.ok:
            schema = list(schema_findings(src, verbose=verbose))
            if schema:
                invalid.add(id(src))
                findings.extend(schema)
    corpus = build_corpus(config, sources, lambda s: id(s) not in invalid)
    return corpus, findings, plan


def _outside_link(d: Discovered) -> Finding:
    return loader_finding("link-outside-root",
                          "symbolic link points outside the guidance repository; not followed",
                          SourceSpan(d.rel))


# --- lean sources -------------------------------------------------------------


class _LeanSource(Source):
    """A source rebuilt from a cached or worker result: data without prose, no text.

    The text is read again only when a position or a line is asked for, which
    happens for files with findings."""

    def hydrate(self) -> None:
        if self.text:
            return
        try:
            raw = self.path.read_bytes()
        except OSError:
            return
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
        self.text = text
        lines = text.split("\n")
        if self.kind is DocKind.POLICY and self.path.suffix.lower() in (".md", ".markdown"):
            end = self.body_line - 1 if self.body_line else len(lines)
            self.yaml_text = "\n".join(lines[self.yaml_line:max(self.yaml_line, end)]) + "\n"
        else:
            self.yaml_text = text

    def _root_node(self) -> Any:
        if not self._composed:
            self.hydrate()
            self._nodes = compose(self.yaml_text)
            self._composed = True
        return self._nodes

    def line_text(self, line: int) -> str:
        self.hydrate()
        return super().line_text(line)


def _lean_source(path: Path, r: FileResult) -> _LeanSource:
    problems = [LoadProblem("unreadable", "not loaded")] if r.status == FAILED else []
    return _LeanSource(path=path, rel=r.rel, kind=r.kind, data=r.data, yaml_line=r.yaml_line,
                       body=r.body, body_line=r.body_line, problems=problems)


# --- the check ------------------------------------------------------------------


def _salt(config: Config, document_rules: Iterable[str], lean: bool) -> str:
    texts = [(schema_dir() / f"{n}.schema.json").read_text("utf-8") for n in available()]
    relevant = {"rules": config.data.get("rules"), "limits": config.data.get("limits"), "lean": lean}
    return make_salt(relevant, texts, document_rules)


def _analyze_all(
    config: Config,
    items: list[Discovered],
    analyzer: Analyzer,
    cache: CheckCache | None,
    jobs: int | None,
    progress: Callable[[int, int], None] | None,
) -> list[FileResult]:
    results: list[FileResult] = []
    pending: list[tuple[Path, str, DocKind, str]] = []
    for d in items:
        assert d.kind is not None
        key = ""
        if cache is not None:
            try:
                key = file_key(d.rel, d.kind, d.path.read_bytes())
            except OSError:
                key = ""
            hit = cache.get(key) if key else None
            if hit is not None:
                results.append(hit)
                continue
        pending.append((d.path, d.rel, d.kind, key))
    total = len(items)
    done = len(results)
    if progress:
        progress(done, total)

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    for r in run_all(lambda it: analyzer(*it), pending, jobs=jobs, progress=step):
        results.append(r)
        if cache is not None and r.key:
            cache.put(r)
    return results


def run_check(
    config: Config,
    paths: Sequence[Path] = (),
    *,
    selection: Selection | None = None,
    verbose: bool = False,
    extra_rules: Iterable[type[CheckRule]] = (),
    cache_dir: Path | None = None,
    jobs: int | None = None,
    changed_since: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    lean: bool = False,
) -> CheckResult:
    """Check the guidance under ``config.root``; report on ``paths`` (default: everything).

    ``cache_dir`` enables the per-file cache; ``jobs`` caps worker processes
    (default: one per core); ``changed_since`` reports only documents changed
    since that git revision and the documents that refer to them. With
    ``lean`` the result's corpus keeps no policy prose (rule and example texts,
    bodies): much less memory for a large corpus, for callers that only want
    findings.
    """
    selection = selection or Selection()
    selection.validate()
    rules = [*all_rules(), *extra_rules]
    settings = Settings(config, rules)
    if changed_since is not None:
        if paths:
            raise GuidekitError("give either PATH arguments or --changed-since, not both")
        from guidekit.check.changes import changed_plan

        plan = changed_plan(config, changed_since)
    else:
        plan = make_plan(config, paths)
    items = [d for d in plan.items if plan.load_only is None or d.rel in plan.load_only]
    findings: list[Finding] = list(plan.extra_findings)
    findings.extend(_outside_link(d) for d in items if d.outside_link)
    items = [d for d in items if not d.outside_link]

    doc_rules = [r for r in rules if r.stage == "document"]
    analyzer = Analyzer(config.limits, [(r, settings.rules[r.id].at) for r in doc_rules],
                        verbose=verbose, lean=lean)
    salt = _salt(config, (r.id for r in doc_rules), lean) if cache_dir else ""
    cache = CheckCache(cache_dir, salt) if cache_dir else None
    results = _analyze_all(config, items, analyzer, cache, jobs, progress)
    if cache is not None:
        cache.save({d.rel for d in plan.items}, {r.rel for r in results})

    by_rel = {d.rel: d for d in items}
    sources = [_lean_source(by_rel[r.rel].path, r) for r in results]
    sources.sort(key=lambda s: s.rel)
    valid = {r.rel for r in results if r.status == VALID}
    corpus = build_corpus(config, sources, lambda s: s.rel in valid)
    for r in results:
        findings.extend(r.findings)

    active = [r for r in rules if selection.wants(r) and _enabled_somewhere(settings, r)]
    index = {r.rel: r.index for r in results}
    findings.extend(_corpus_findings(config, settings, active, corpus, index))
    findings = _apply_settings(settings, selection, findings)
    directives = {r.rel: r.directives for r in results if r.directives}
    findings = _suppress(findings, directives, settings, selection)
    findings = sorted({f for f in findings if plan.wanted(f.span.path)}, key=Finding.sort_key)
    by_path: dict[str, Source] = {s.rel: s for s in sources}
    for f in findings:
        src = by_path.get(f.span.path)
        if isinstance(src, _LeanSource):
            src.hydrate()
    return CheckResult(
        root=config.root,
        findings=findings,
        files=sorted(d.rel for d in plan.items if plan.wanted(d.rel)),
        sources=by_path,
        rules=active,
        corpus=corpus,
        cache_hits=cache.hits if cache is not None else 0,
    )


def _enabled_somewhere(settings: Settings, rule: type[CheckRule]) -> bool:
    s = settings.get(rule.id)
    return s is None or s.enabled or any(o.enabled for o in s.overrides)


def _corpus_findings(config: Config, settings: Settings, active: list[type[CheckRule]],
                     corpus: Corpus, index: dict[str, DocIndex]) -> Iterable[Finding]:
    for rule_cls in active:
        if rule_cls.stage != "corpus":
            continue
        s = settings.rules[rule_cls.id]
        rule = rule_cls(s.severity, s.options)

        def options_at(rel: str, s: Any = s, rule: CheckRule = rule) -> dict[str, Any]:
            return {**rule.effective_options, **s.at(rel)[2]}

        ctx = RuleContext(corpus=corpus, today=config.today, options=rule.effective_options,
                          index=index, options_at=options_at)
        yield from rule.check(ctx)


def _apply_settings(settings: Settings, selection: Selection,
                    findings: list[Finding]) -> list[Finding]:
    """Drop findings of rules that are off (for their file) and apply per-path severity."""
    out = []
    for f in findings:
        s = settings.get(f.rule)
        if s is None:
            out.append(f)
            continue
        if not selection.wants(s.rule):
            continue
        enabled, severity, _ = s.at(f.span.path)
        if not enabled:
            continue
        if severity is not f.severity:
            f = replace(f, severity=severity)
        out.append(f)
    return out


def _suppress(findings: list[Finding], directives: dict[str, tuple[Directive, ...]],
              settings: Settings, selection: Selection) -> list[Finding]:
    if not directives:
        return findings

    def rule_id(token: str) -> str | None:
        rule = find_rule(token)
        return rule.id if rule is not None else None

    def active(rid: str, path: str) -> bool:
        s = settings.get(rid)
        return s is not None and selection.wants(s.rule) and s.enabled_at(path)

    def report(kind: str, message: str, d: Directive) -> Finding | None:
        rid = {"unused": "GK390", "unknown": "GK391"}[kind]
        if not active(rid, path_of[id(d)]):
            return None
        rule = settings.rules[rid]
        return Finding(rid, rule.rule.name, rule.at(path_of[id(d)])[1], message,
                       SourceSpan(path_of[id(d)], d.line, d.col))

    path_of = {id(d): path for path, ds in directives.items() for d in ds}
    return apply_suppressions(findings, directives, rule_id=rule_id, active=active, report=report)
