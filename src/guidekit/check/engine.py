"""check: find files -> per-file analysis (parallel, cached) -> corpus -> rules -> findings.

Per-file work (loading, schema, document rules) is most of the cost and does
not depend on other files, so it runs on every core and is cached by content
hash (cache.py). Corpus rules then run on lean documents: the data without
long prose, which keeps a 10,000-policy corpus well inside memory. Spans are
computed lazily, only for findings; a lean source reads its file again when
one is asked for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidekit.check.analyze import FAILED, MODELLED, Analyzer, FileResult, file_key, loader_finding
from guidekit.check.cache import CheckCache, FileState, decode_result, encode_result, make_salt, unsafe_folder
from guidekit.check.changes import changed_since, old_text
from guidekit.check.incremental import (
    link_targets,
    mentioned_tokens,
    mentions,
    referenced_ids,
    supersedes_ids,
    tokens_of,
)
from guidekit.check.parallel import Beside, run_all
from guidekit.check.plan import Plan, make_plan
from guidekit.check.registry import CheckRule, RuleContext, all_rules, find_rule
from guidekit.check.schema import schema_findings
from guidekit.check.settings import RuleSetting, Settings
from guidekit.check.suppress import Directive, apply_suppressions
from guidekit.errors import GuidekitError
from guidekit.findings import Finding, Severity, SourceSpan
from guidekit.loading.config import Config
from guidekit.loading.discover import Discovered
from guidekit.loading.source import DocKind, LoadProblem, Source, load_source, read_guidance
from guidekit.schemas import available, schema_dir

if TYPE_CHECKING:  # the corpus and the models are imported by the runs that build them
    from guidekit.check.translation_stage import TranslationStage
    from guidekit.corpus import Corpus

__all__ = ["CheckResult", "Selection", "load_corpus", "run_check"]


@dataclass
class CheckResult:
    root: Path
    findings: list[Finding]
    files: list[str]
    # files with findings have their text loaded (reporters show the line)
    sources: dict[str, Source] = field(default_factory=dict)
    rules: list[type[CheckRule]] = field(default_factory=list)
    # the corpus the rules saw (without policy prose when run_check(lean=True)); None when
    # a cached run found nothing changed (no rule ran) and ``whole`` was not asked for
    corpus: Corpus | None = None
    cache_hits: int = 0
    # how the corpus rules ran: "full", "incremental" (a cached re-run),
    # "unchanged" (nothing changed since the cached run) or "changed-since"
    mode: str = "full"
    # warnings about the run itself (e.g. a cache folder refused), for stderr
    notes: list[str] = field(default_factory=list)
    # files given by name that the configuration does not cover, as given
    skipped: list[str] = field(default_factory=list)
    # with a cache: each file's content key (its bytes, path, kind and the run's settings)
    file_keys: dict[str, str] = field(default_factory=dict)

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
    findings: list[Finding] = []
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
    from guidekit.corpus import build_corpus

    corpus = build_corpus(config, sources, lambda s: id(s) not in invalid)
    return corpus, findings, plan


def _outside_link(d: Discovered) -> Finding:
    rule, message = d.problem
    return loader_finding(rule, message, SourceSpan(d.rel))


# --- lean sources -------------------------------------------------------------


class _LeanSource(Source):
    """A source rebuilt from a cached or worker result: data without prose, no text.

    The text is read again only when a position or a line is asked for, which
    happens for files with findings."""

    __slots__ = ("limit", "positions")  # no __dict__: one is held for every policy of a corpus

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = 5 * 1024 * 1024  # limits.max_file_bytes of the run
        # False for documents loaded only as context for others: their findings are
        # dropped, so their positions are never worth reading the file again for
        self.positions = True

    def hydrate(self) -> None:
        if self.text:
            return
        raw = read_guidance(self.path, self.limit)
        if not isinstance(raw, bytes):
            return
        self.set_text(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace"))

    def set_text(self, text: str) -> None:
        """The file's text, given (an editor's unsaved text) or read by ``hydrate``."""
        self.text = text
        lines = text.split("\n")
        if self.kind is DocKind.POLICY and self.path.suffix.lower() in (".md", ".markdown"):
            end = self.body_line - 1 if self.body_line else len(lines)
            self.yaml_text = "\n".join(lines[self.yaml_line:max(self.yaml_line, end)]) + "\n"
        else:
            self.yaml_text = text

    def _root_node(self) -> Any:
        if not self.positions:
            return None
        if not self._composed:
            from guidekit.loading.yamlio import compose  # only for a finding's position

            self.hydrate()
            self._nodes = compose(self.yaml_text)
            self._composed = True
        return self._nodes

    def line_text(self, line: int) -> str:
        self.hydrate()
        return super().line_text(line)


def _lean_source(path: Path, r: FileResult, limit: int, text: str | None = None) -> _LeanSource:
    problems = [LoadProblem("unreadable", "not loaded")] if r.status == FAILED else []
    src = _LeanSource(path=path, rel=r.rel, kind=r.kind, data=r.data, yaml_line=r.yaml_line,
                      body=r.body, body_line=r.body_line, problems=problems)
    src.limit = limit
    if text is not None:
        src.set_text(text)
    return src


# --- the check ------------------------------------------------------------------


def _salt(config: Config, rules: Iterable[str], *, lean: bool, verbose: bool) -> str:
    texts = [(schema_dir() / f"{n}.schema.json").read_text("utf-8") for n in available()]
    relevant = {"rules": config.data.get("rules"), "limits": config.data.get("limits"),
                "lean": lean, "verbose": verbose}
    return make_salt(relevant, texts, rules)


_STRINGS = 1 << 15  # entries of the table of shared strings before it begins anew
_INCREMENTAL_MAX = 0.2  # above this share of changed files, a full run is as cheap


class _Run:
    """One check run: which files, their per-file results, and the corpus findings."""

    def __init__(self, config: Config, plan: Plan, rules: list[type[CheckRule]], settings: Settings,
                 *, verbose: bool, lean: bool, cache_dir: Path | None, jobs: int | None,
                 progress: Callable[[int, int], None] | None) -> None:
        self.config = config
        self.plan = plan
        self.rules = rules
        self.settings = settings
        self.jobs = jobs
        self.progress = progress
        self.lean = lean
        self.items = {d.rel: d for d in plan.items if not d.outside_link}
        doc_rules = [r for r in rules if r.stage == "document"]
        self.salt = _salt(config, (r.id for r in rules), lean=lean, verbose=verbose)
        self.analyzer = Analyzer(config.limits, [(r, settings.rules[r.id].at) for r in doc_rules],
                                 verbose=verbose, lean=lean, salt=self.salt)
        self.notes: list[str] = []
        unsafe = unsafe_folder(cache_dir, config.root) if cache_dir is not None else None
        if unsafe is not None:
            self.notes.append(f"{unsafe}; the cache is neither read nor written")
        self.cache = (CheckCache(cache_dir, self.salt)
                      if cache_dir is not None and unsafe is None else None)
        self.keys: dict[str, str] = {}
        self.digests: dict[str, str] | None = None  # rel -> sha256 of its bytes, once hashed
        self.results: dict[str, FileResult] = {}
        self.mode = "full"
        self.before: dict[str, FileState] = {}  # the cached state of the last run
        self._tokens: dict[str, Collection[str]] | None = None
        # texts that differ from the files on disk (an editor's unsaved buffers)
        self.texts: dict[str, str] = {}
        # a full run's policies, modelled as their results come in (see _full)
        self.sources: dict[str, _LeanSource] = {}
        self.models: dict[Source, Any] = {}
        # short strings of the results loaded so far, shared between them (analyze.shared):
        # begun anew past _STRINGS entries (most ids occur in one or two documents, and a
        # table entry costs about what a short string does; a vocabulary value is then held
        # once per table) and dropped when the corpus rules start
        self.strings: dict[str, str] = {}

    # per-file results -----------------------------------------------------------
    def hash_all(self) -> None:
        """Every file's cache key, and the digest of its bytes (the translations stage's keys
        take them from here: each file is read once). Done once a run."""
        if self.digests is not None:
            return
        self.digests = {}
        for rel, d in self.items.items():
            assert d.kind is not None
            raw = read_guidance(d.path, self.config.limits.max_file_bytes)
            self.keys[rel] = file_key(self.salt, rel, d.kind, raw) if isinstance(raw, bytes) else ""
            if isinstance(raw, bytes):
                self.digests[rel] = hashlib.sha256(raw).hexdigest()

    def load(self, rels: Iterable[str], keep: Callable[[FileResult], FileResult] | None = None) -> None:
        """Make sure ``results`` holds these files: from the cache, else analysed. ``keep``
        sees each result as it comes (while the workers go on) and returns what to hold."""
        todo = [r for r in rels if r in self.items and r not in self.results]
        if self.cache is not None:
            for r in self.cache.get_many((self.keys[r] for r in todo if self.keys.get(r)),
                                         self.strings).values():
                self._take(r, keep)
        pending: list[tuple[Path, str, DocKind]] = []
        for rel in todo:
            kind = self.items[rel].kind
            if rel not in self.results and kind is not None:
                pending.append((self.items[rel].path, rel, kind))
        total, done = len(todo), len(todo) - len(pending)

        def step(n: int) -> None:
            nonlocal done
            done += n
            if self.progress:
                self.progress(done, total)

        fresh: list[tuple[str, str]] = []
        for sent in run_all(self._analyze, pending, jobs=self.jobs, progress=step):
            if isinstance(sent, FileResult):  # data JSON cannot carry: neither sent as text nor cached
                self._take(sent, keep)
                continue
            key, blob = sent
            self._take(decode_result(key, blob, self.strings), keep)
            if self.cache is not None:
                fresh.append(sent)
                if len(fresh) >= 1000:  # written as they come: less memory
                    self.cache.put_encoded(fresh)
                    fresh = []
        if self.cache is not None:
            self.cache.put_encoded(fresh)

    def _analyze(self, item: tuple[Path, str, DocKind]) -> tuple[str, str] | FileResult:
        """One file's result as the cache's compact text (the form a worker sends: one string
        to pickle instead of a tree of records, and the parent stores it in the cache as is)."""
        r = self.analyzer(*item)
        try:
            return r.key, encode_result(r)
        except (TypeError, ValueError):
            return r

    def _take(self, r: FileResult, keep: Callable[[FileResult], FileResult] | None) -> None:
        if len(self.strings) > _STRINGS:
            self.strings = {}
        self.results[r.rel] = keep(r) if keep is not None else r

    # corpus findings ---------------------------------------------------------------
    def corpus(self, rels: Iterable[str], keep: set[str] | None = None) -> Corpus:
        """The corpus of ``rels`` (as far as their results are loaded); with ``keep``, the
        other documents are context whose positions are never read."""
        limit = self.config.limits.max_file_bytes
        sources = sorted((self.sources.get(r) or _lean_source(self.items[r].path, self.results[r], limit,
                                                              self.texts.get(r))
                          for r in rels if r in self.results), key=lambda s: s.rel)
        for src in sources:
            src.positions = keep is None or src.rel in keep
        valid = {s.rel for s in sources if self.results[s.rel].status in MODELLED}
        from guidekit.corpus import build_corpus

        return build_corpus(self.config, sources, lambda s: s.rel in valid, self.models or None)

    def corpus_findings(self, rels: Iterable[str],
                        keep: set[str] | None = None) -> tuple[Corpus, list[Finding]]:
        """Build the corpus of ``rels`` and run every enabled corpus rule on it; with
        ``keep``, only findings in those files are wanted (the rest is context)."""
        self.strings = {}
        corpus = self.corpus(rels, keep)
        index = {s.rel: self.results[s.rel].index for s in corpus.sources}
        findings: list[Finding] = []
        for rule_cls in self.rules:
            setting = self.settings.rules[rule_cls.id]
            if rule_cls.stage != "corpus" or not _enabled_somewhere(setting):
                continue
            rule = rule_cls(setting.severity, setting.options)

            def options_at(rel: str, s: RuleSetting = setting,
                           rule: CheckRule = rule) -> dict[str, Any]:
                return {**rule.effective_options, **s.at(rel)[2]}

            ctx = RuleContext(corpus=corpus, today=self.config.today,
                              options=rule.effective_options, index=index, options_at=options_at)
            findings.extend(rule.check(ctx))
        if keep is not None:
            findings = [f for f in findings if f.span.path in keep]
        return corpus, findings

    def taxonomy_rels(self) -> set[str]:
        return {rel for rel, d in self.items.items() if d.kind is DocKind.TAXONOMY}

    def _tax_ids(self) -> set[str]:
        self.load(self.taxonomy_rels())
        return {i for r in self.taxonomy_rels() if r in self.results
                for i in _item_ids(self.results[r])}

    def token_index(self) -> dict[str, Collection[str]]:
        """rel -> the id-like words and file names the file mentions (see incremental.py)."""
        if self._tokens is None:
            index: dict[str, Collection[str]] = {}
            todo = []
            for rel, d in self.items.items():
                if rel in self.results:
                    index[rel] = self.results[rel].tokens
                elif rel in self.before and self.before[rel].key == self.keys.get(rel):
                    index[rel] = self.before[rel].tokens
                else:
                    todo.append((rel, d.path))
            # ~0.15 ms a file: over the cores when there are many (a file's set is ~12
            # words, so shipping the sets back costs little: ~60 ms for 10,000 files)
            limit = self.config.limits.max_file_bytes
            index.update(run_all(lambda item: _file_tokens(item, limit), todo, jobs=self.jobs))
            self._tokens = index
        return self._tokens

    def referrers(self, seeds: set[str], old: Iterable[FileResult] = ()) -> set[str]:
        """``seeds`` and the files that mention their ids or names, now or in ``old`` versions."""
        self.load(seeds)
        tokens = {t for r in seeds for t in tokens_of(self.results.get(r), r)}
        tokens |= {t for v in old for t in tokens_of(v, v.rel)}
        return (seeds & set(self.items)) | mentions(self.token_index(), tokens)

    def targets(self, seeds: set[str], old: Iterable[FileResult] = ()) -> set[str]:
        """Files that may define an id that ``seeds`` (or their ``old`` versions) name."""
        self.load(seeds)
        tax_ids = self._tax_ids()
        versions = [*(self.results[r] for r in seeds if r in self.results), *old]
        named = {t for v in versions for t in referenced_ids(v, tax_ids)}
        linked = {t for v in versions for t in link_targets(v)}
        return mentions(self.token_index(), named) | (linked & set(self.items))

    def neighbourhood(self, seeds: set[str], old: Iterable[FileResult] = ()) -> set[str]:
        """``seeds``, the files that mention them and the files they name (see incremental.py)."""
        old = list(old)
        return self.referrers(seeds, old) | self.targets(seeds, old)

    def supersedes_closure(self, rels: set[str]) -> set[str]:
        seen_ids: set[str] = set()
        while True:
            self.load(rels)
            ids = {i for r in rels if r in self.results for i in supersedes_ids(self.results[r])}
            new_ids = ids - seen_ids
            if not new_ids:
                return rels
            seen_ids |= new_ids
            rels = rels | mentions(self.token_index(), new_ids)


def _file_tokens(item: tuple[str, Path], limit: int) -> tuple[str, frozenset[str]]:
    rel, path = item
    raw = read_guidance(path, limit)
    if not isinstance(raw, bytes):
        return rel, frozenset()
    return rel, mentioned_tokens(raw.removeprefix(b"\xef\xbb\xbf"))


def _item_ids(r: FileResult) -> set[str]:
    items = r.data.get("items") if isinstance(r.data, dict) else None
    return {i["id"] for i in items or () if isinstance(i, dict) and isinstance(i.get("id"), str)}


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
    whole: bool = False,
    wanted: Callable[[Mapping[str, str]], Collection[str] | None] | None = None,
) -> CheckResult:
    """Check the guidance under ``config.root``; report on ``paths`` (default: everything).

    ``cache_dir`` enables the result cache: a re-run checks only changed files
    and their neighbours. ``jobs`` caps worker processes (default: one per
    core). ``changed_since`` reports only documents changed since that git
    revision and the documents that refer to them. With ``lean`` the corpus
    keeps no policy prose (rule and example texts, bodies): much less memory
    for a large corpus, for callers that only want findings. With a cache or
    ``changed_since``, ``corpus`` holds only the documents that were needed,
    unless ``whole``: then it holds every document, the unchanged ones from
    the cache (what ``guidekit build`` renders from). ``wanted``, for a cached run, is
    given each file's content key and names the files the corpus must hold besides the
    ones checked (the taxonomy comes with them), or None for every document.
    """
    selection = selection or Selection()
    selection.validate()
    rules = [*all_rules(), *extra_rules]
    settings = Settings(config, rules)
    plan = make_plan(config, paths)
    if plan.nothing:  # every file given by name is one the configuration does not cover
        return CheckResult(root=config.root, findings=[], files=[], skipped=plan.skipped)
    run = _Run(config, plan, rules, settings, verbose=verbose, lean=lean, cache_dir=cache_dir,
               jobs=jobs, progress=progress)
    active = [r for r in rules
              if selection.wants(r) and _enabled_somewhere(settings.rules[r.id])]
    tr_rules = [r for r in active if r.stage == "translations"]
    # the translations stage reads no result of the others: where the cache does not answer
    # it at once, it runs beside them, in a process of its own with its own connection to the
    # cache (unless one process was asked for)
    folder = run.cache.folder if run.cache is not None else None
    beside: Beside[list[Finding]] | None = None
    corpus: Corpus | None  # None when nothing changed since the cached run (and not ``whole``)
    try:  # from here on the cache's connection is open: every way out closes it
        if tr_rules and run.cache is not None:  # hashed here, before the stage's keys are made
            run.hash_all()
        stage = _translation_stage(config, tr_rules, settings, jobs, run.cache, plan.items, run.digests)
        answered = stage.cached() if stage is not None else []

        def translations() -> list[Finding]:
            if answered is not None:
                return answered
            assert stage is not None
            cache = CheckCache(folder, run.salt) if folder is not None else None
            try:
                return stage.run(cache)
            finally:
                if cache is not None:
                    cache.close()

        beside = Beside(translations, enabled=answered is None and jobs != 1)
        if changed_since is not None:
            corpus, per_file = _changed_since(run, changed_since)
        elif run.cache is not None and run.cache.usable:
            corpus, per_file = _cached(run)
            if run.mode != "full" and (whole or wanted is not None):
                corpus = _holding(run, corpus, None if whole or wanted is None else wanted(run.keys))
        else:
            corpus, per_file = _full(run)
        translated = beside.result()
    finally:
        if beside is not None:
            beside.close()
        if run.cache is not None:
            run.cache.close()
    findings: list[Finding] = []
    findings.extend(_outside_link(d) for d in plan.items if d.outside_link)
    directives: dict[str, tuple[Directive, ...]] = {}
    for state in per_file.values():
        findings.extend(state.file_findings)
        findings.extend(state.corpus_findings)
        if state.directives:
            directives[state.rel] = state.directives
    findings.extend(translated)
    findings = _apply_settings(settings, selection, findings)
    findings = _suppress(findings, directives, settings, selection)
    findings = sorted({f for f in findings if plan.wanted(f.span.path)}, key=Finding.sort_key)
    sources: dict[str, Source] = {s.rel: s for s in corpus.sources} if corpus is not None else {}
    for f in findings:
        src = sources.get(f.span.path)
        known = per_file.get(f.span.path)
        if src is None and known is not None and known.rel in run.items:
            src = sources[f.span.path] = _LeanSource(
                path=run.items[known.rel].path, rel=known.rel, kind=known.kind,
                yaml_line=known.yaml_line, body_line=known.body_line)
            src.limit = config.limits.max_file_bytes
        if isinstance(src, _LeanSource):
            src.hydrate()
    return CheckResult(
        root=config.root,
        findings=findings,
        files=sorted(d.rel for d in plan.items if plan.wanted(d.rel)),
        sources=sources,
        rules=active,
        corpus=corpus,
        cache_hits=run.cache.hits if run.cache is not None else 0,
        mode=run.mode,
        notes=run.notes,
        skipped=plan.skipped,
        file_keys=run.keys,
    )


def _holding(run: _Run, corpus: Corpus | None, rels: Collection[str] | None) -> Corpus:
    """The corpus with these documents (and the taxonomy) in it too; None: every document."""
    if rels is None:
        run.load(run.items)
        return run.corpus(run.items)
    have = {s.rel for s in corpus.sources} if corpus is not None else set()
    need = ({r for r in rels if r in run.items} | run.taxonomy_rels()) - have
    if not need and corpus is not None:
        return corpus
    run.load(need)
    return run.corpus(have | need)


def _states(run: _Run, rels: Iterable[str], corpus_findings: list[Finding]) -> dict[str, FileState]:
    by_path: dict[str, list[Finding]] = {}
    for f in corpus_findings:
        by_path.setdefault(f.span.path, []).append(f)
    out = {}
    for rel in rels:
        r = run.results[rel]
        out[rel] = FileState(rel, r.key, r.kind, r.status, r.yaml_line, r.body_line, r.findings,
                             tuple(by_path.get(rel, ())), r.directives, r.tokens)
    return out


def _meta(run: _Run) -> dict[str, str]:
    return {"today": run.config.today.isoformat()}


def _modelled_as_they_come(run: _Run) -> Callable[[FileResult], FileResult]:
    """Model each valid policy as its result arrives, while the workers go on, and keep
    the model, not the data it came from: a full run of a large corpus then holds one
    small model per policy (no prose, only the examples a corpus rule reads: see
    analyze.lean_policy_data) and the names of each policy's top-level keys (for
    ``registry.written``)."""
    from guidekit.model import build_policy

    limit = run.config.limits.max_file_bytes
    key_sets: dict[tuple[Any, ...], dict[Any, None]] = {}  # one shared dict per set of keys

    def keep(r: FileResult) -> FileResult:
        if r.kind is not DocKind.POLICY or r.status not in MODELLED or r.rel in run.texts:
            return r
        src = _lean_source(run.items[r.rel].path, r, limit)
        if not src.ok:
            return r
        run.models[src] = build_policy(src)
        keys = tuple(src.data)
        src.data = key_sets.setdefault(keys, dict.fromkeys(keys))
        run.sources[r.rel] = src
        key = run.keys.get(r.rel)  # the same key, read by the parent: one string for both
        return replace(r, data=None, key=key if key == r.key else r.key)

    return keep


def _full(run: _Run) -> tuple[Corpus, dict[str, FileState]]:
    if run.cache is not None:
        run.hash_all()
    run.load(run.items, _modelled_as_they_come(run) if run.lean else None)
    corpus, findings = run.corpus_findings(run.items)
    states = _states(run, run.items, findings)
    if run.cache is not None:
        run.cache.save_state(_meta(run), states.values())
    # findings on files outside the corpus (e.g. of a missing link target) stay
    extra = [f for f in findings if f.span.path not in states]
    if extra:
        states[""] = FileState("", "", DocKind.POLICY, "", 0, 0, (), tuple(extra), ())
    return corpus, states


def _cached(run: _Run) -> tuple[Corpus | None, dict[str, FileState]]:
    """A re-run: only files changed since the last run, and their neighbours, are checked."""
    assert run.cache is not None
    run.hash_all()
    loaded = run.cache.load_state()
    if loaded is None or loaded[0].get("today") != run.config.today.isoformat():
        return _full(run)
    before = run.before = loaded[1]
    changed = {rel for rel in run.items if rel not in before or before[rel].key != run.keys[rel]}
    gone = set(before) - set(run.items)
    moved = changed | gone
    if not moved:
        run.mode = "unchanged"  # every finding is known: no corpus (and no model) is built
        return None, {rel: before[rel] for rel in run.items}
    tax = run.taxonomy_rels() | {r for r in gone if before[r].kind is DocKind.TAXONOMY}
    too_many = len(moved) > _INCREMENTAL_MAX * max(1, len(run.items))
    if too_many or moved & tax or not all(r.incremental for r in run.rules):
        return _full(run)
    old_keys = [before[r].key for r in moved if r in before]
    old = list(run.cache.get_many(old_keys).values())
    if len(old) < len(old_keys):
        return _full(run)  # an old version is unknown: its references cannot be traced
    affected = run.neighbourhood(changed, old) | gone
    context = run.neighbourhood(affected & set(run.items))
    context = run.supersedes_closure(context | run.taxonomy_rels())
    run.load(context)
    corpus, findings = run.corpus_findings(context, affected)
    if not corpus.taxonomy.present >= {"actions", "severities", "markets", "surfaces", "categories"}:
        return _full(run)  # a missing vocabulary is reported once for the whole corpus
    run.mode = "incremental"
    fresh = _states(run, affected & set(run.items), findings)
    states = {rel: fresh.get(rel) or before[rel] for rel in run.items}
    run.cache.save_state(_meta(run), states.values())
    return corpus, states


def _changed_since(run: _Run, rev: str) -> tuple[Corpus, dict[str, FileState]]:
    """Documents changed since ``rev`` and those that refer to them; nothing else is reported."""
    root = run.config.root
    changed = changed_since(root, rev)
    gone = {rel for rel in changed if rel not in run.items and rel.endswith((".md", ".yaml", ".yml"))}
    if (changed | gone) & (run.taxonomy_rels() | {"guidekit.yaml"}):
        return _full(run)  # every document may be affected
    if run.cache is not None:
        run.hash_all()
        loaded = run.cache.load_state()
        if loaded is not None:
            run.before = loaded[1]  # its token sets spare reading unchanged files
    old = []
    for rel in changed | gone:
        text = old_text(root, rev, rel)
        kind = run.items[rel].kind if rel in run.items else _kind_of(run.config, rel)
        if text is not None and kind is not None:
            old.append(run.analyzer.analyze_text(root / rel, rel, kind, text))
    present = changed & set(run.items)
    report = run.referrers(present, old)
    context = run.supersedes_closure(run.neighbourhood(report) | run.taxonomy_rels())
    run.load(context)
    corpus, findings = run.corpus_findings(context, report)
    wanted = run.plan.wanted
    run.plan.wanted = lambda rel: rel in report and wanted(rel)
    run.mode = "changed-since"
    return corpus, _states(run, report, findings)


def _kind_of(config: Config, rel: str) -> DocKind | None:
    from guidekit.loading.discover import classify

    return classify(rel, config)


def _translations(config: Config, rules: list[type[CheckRule]], settings: Settings,
                  jobs: int | None, cache: CheckCache | None = None) -> list[Finding]:
    stage = _translation_stage(config, rules, settings, jobs, cache)
    return stage.run() if stage is not None else []


def _translation_stage(config: Config, rules: list[type[CheckRule]], settings: Settings, jobs: int | None,
                       cache: CheckCache | None, discovered: Sequence[Discovered] | None = None,
                       digests: Mapping[str, str] | None = None) -> TranslationStage | None:
    if not rules or not config.data.get("translations"):
        return None
    from guidekit.check.rules.translations import TranslationRule
    from guidekit.check.translation_stage import translation_stage

    instances = [r(settings.rules[r.id].severity, settings.rules[r.id].options) for r in rules]
    return translation_stage(config, [r for r in instances if isinstance(r, TranslationRule)], jobs=jobs,
                             cache=cache, discovered=discovered, digests=digests)


def _enabled_somewhere(setting: RuleSetting) -> bool:
    return setting.enabled or any(o.enabled for o in setting.overrides)


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
            f = f._replace(severity=severity)
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

    path_of = {id(d): path for path, ds in directives.items() for d in ds}

    def report(kind: str, message: str, d: Directive) -> Finding | None:
        rid = {"unused": "GK390", "unknown": "GK391"}[kind]
        path = path_of[id(d)]
        if not active(rid, path):
            return None
        rule = settings.rules[rid]
        return Finding(rid, rule.rule.name, rule.at(path)[1], message, SourceSpan(path, d.line, d.col))

    return apply_suppressions(findings, directives, rule_id=rule_id, active=active, report=report)
