"""A long-lived check of one repository, with unsaved texts laid over its files.

The language server keeps one session: every file is analysed once, then an
edit re-analyses only the edited text and re-runs the corpus rules on its
neighbourhood (the files that name its ids and the files it names, as the
cached re-run of ``guidekit check`` does). Findings are those ``check``
reports for the same files, settings and suppressions.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from guidekit.check.analyze import FileResult
from guidekit.check.engine import (
    Selection,
    _apply_settings,
    _enabled_somewhere,
    _Run,
    _suppress,
    _translations,
)
from guidekit.check.plan import make_plan
from guidekit.check.registry import all_rules
from guidekit.check.schema import schema_findings
from guidekit.check.settings import Settings
from guidekit.findings import Finding
from guidekit.loading.config import CONFIG_NAME, Config
from guidekit.loading.discover import Discovered, classify
from guidekit.loading.source import DocKind, Source, load_text, read_guidance
from guidekit.model import Taxonomy

__all__ = ["CheckSession"]

# above this share of the corpus, one full pass of the corpus rules is as cheap
_FULL_SHARE = 0.5


class CheckSession:
    """Findings of every guidance file under ``config.root``, kept current as texts change."""

    def __init__(self, config: Config, *, jobs: int | None = 1) -> None:
        self.config = config
        rules = list(all_rules())
        self._settings = Settings(config, rules)
        self._selection = Selection()
        plan = make_plan(config, ())
        self._run = _Run(config, plan, rules, self._settings, verbose=False, lean=True, cache_dir=None,
                         jobs=jobs, progress=None)
        self._run.load(self._run.items)
        self._corpus_findings: dict[str, list[Finding]] = {}
        self._findings: dict[str, list[Finding]] = {}
        self._config_findings: list[Finding] = []
        self._translated: dict[str, list[Finding]] = {}  # GK6xx findings by file, of the last full pass
        # the vocabularies as of the last full pass (a taxonomy edit makes one)
        self.taxonomy: Taxonomy = Taxonomy.empty()
        self._check_all()

    # what callers read ----------------------------------------------------------------
    @property
    def files(self) -> list[str]:
        return sorted(self._run.items)

    def kind(self, rel: str) -> DocKind | None:
        d = self._run.items.get(rel)
        if d is not None:
            return d.kind
        return DocKind.CONFIG if rel == CONFIG_NAME else classify(rel, self.config)

    def result(self, rel: str) -> FileResult | None:
        return self._run.results.get(rel)

    def text(self, rel: str) -> str | None:
        """The text the session checks for ``rel``: the editor's, else the file's."""
        if rel in self._run.texts:
            return self._run.texts[rel]
        d = self._run.items.get(rel)
        path = d.path if d is not None else self.config.root / rel
        raw = read_guidance(path, self.config.limits.max_file_bytes)
        if not isinstance(raw, bytes):
            return None
        return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")

    def findings(self, rel: str) -> list[Finding]:
        if rel == CONFIG_NAME:
            return list(self._config_findings)
        return list(self._findings.get(rel, ()))

    def all_findings(self) -> dict[str, list[Finding]]:
        return {rel: list(fs) for rel, fs in self._findings.items()}

    # changes -----------------------------------------------------------------------------
    def set_text(self, rel: str, text: str | None) -> set[str]:
        """Check ``rel`` with ``text`` (None: as on disk again); return the files whose
        findings may have changed."""
        if rel == CONFIG_NAME:
            return self._config_text(text)
        kind = self.kind(rel)
        if kind is None:
            return set()
        run = self._run
        if text is None:
            run.texts.pop(rel, None)
            text = self.text(rel)
            if text is None:  # deleted
                return self._forget(rel)
        else:
            run.texts[rel] = text
        if rel not in run.items:
            run.items[rel] = Discovered(self.config.root / rel, rel, kind)
        old = run.results.get(rel)
        new = run.analyzer.analyze_text(run.items[rel].path, rel, kind, text)
        run.results[rel] = new
        if run._tokens is not None:
            run._tokens[rel] = new.tokens
        if kind is DocKind.TAXONOMY:
            return self._check_all()
        affected = run.neighbourhood({rel}, [old] if old is not None else [])
        return self._check(affected)

    def _forget(self, rel: str) -> set[str]:
        run = self._run
        old = run.results.pop(rel, None)
        run.items.pop(rel, None)
        if run._tokens is not None:
            run._tokens.pop(rel, None)
        self._findings.pop(rel, None)
        self._corpus_findings.pop(rel, None)
        affected = run.referrers(set(), [old] if old is not None else [])
        return self._check(affected) | {rel}

    def _config_text(self, text: str | None) -> set[str]:
        """guidekit.yaml: its own findings; the settings it holds take effect on save."""
        if text is None:
            text = self.text(CONFIG_NAME) or ""
        src = load_text(Source(path=self.config.root / CONFIG_NAME, rel=CONFIG_NAME, kind=DocKind.CONFIG,
                               text=text), self.config.limits)
        found = list(self._run.analyzer.analyze(src, "").findings)
        if src.ok:
            found.extend(schema_findings(src))
        self._config_findings = sorted(set(found), key=Finding.sort_key)
        return {CONFIG_NAME}

    # corpus rules ----------------------------------------------------------------------
    def _check_all(self) -> set[str]:
        return self._check(set(self._run.items), full=True)

    def _check(self, affected: set[str], *, full: bool = False) -> set[str]:
        run = self._run
        affected &= set(run.items)
        if not full and len(affected) > _FULL_SHARE * max(1, len(run.items)):
            full, affected = True, set(run.items)
        if full:
            corpus, found = run.corpus_findings(run.items)
            self.taxonomy = corpus.taxonomy
            # translations (GK6xx) are judged on full passes: a save of guidekit.yaml or a taxonomy
            # file, or the start; an edit keeps the last judgement
            tr_rules = [r for r in run.rules
                        if r.stage == "translations" and _enabled_somewhere(self._settings.rules[r.id])]
            self._translated.clear()
            for f in _translations(self.config, tr_rules, self._settings, run.jobs):
                self._translated.setdefault(f.span.path, []).append(f)
            affected |= set(self._translated)
        else:
            context = run.neighbourhood(affected)
            context = run.supersedes_closure(context | run.taxonomy_rels())
            _, found = run.corpus_findings(context, affected)
        by_path: dict[str, list[Finding]] = {rel: [] for rel in affected}
        extra: list[Finding] = []
        for f in found:
            (by_path.get(f.span.path, extra)).append(f)
        self._corpus_findings.update(by_path)
        changed = set(affected)
        for rel in affected:
            before = self._findings.get(rel)
            self._findings[rel] = self._final(rel)
            if before == self._findings[rel]:
                changed.discard(rel)
        return changed | {f.span.path for f in extra}

    def _final(self, rel: str) -> list[Finding]:
        result = self._run.results.get(rel)
        translated = self._translated.get(rel, [])
        if result is None:  # a catalog: only its translation findings
            return sorted(set(_apply_settings(self._settings, self._selection, translated)), key=Finding.sort_key)
        findings = [*result.findings, *self._corpus_findings.get(rel, ()), *translated]
        findings = _apply_settings(self._settings, self._selection, findings)
        if result.directives:
            findings = _suppress(findings, {rel: result.directives}, self._settings, self._selection)
        return sorted(set(findings), key=Finding.sort_key)

    def rules_enabled(self) -> Iterable[str]:
        return (r.id for r in self._run.rules if _enabled_somewhere(self._settings.rules[r.id]))

    @property
    def root(self) -> Path:
        return self.config.root
