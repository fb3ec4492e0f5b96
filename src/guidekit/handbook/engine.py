"""build: check gate -> handbooks -> change marks -> render -> atomic write.

Returns data (a BuildResult) and never prints; the CLI reports it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from guidekit.check.cache import unsafe_folder
from guidekit.check.engine import CheckResult, run_check
from guidekit.corpus import Corpus
from guidekit.findings import Severity
from guidekit.fsutil import atomic_write_text
from guidekit.handbook.cache import PreviousBuild
from guidekit.handbook.handbook import Handbook, HandbookSpec, PolicyView, handbook_specs, select_handbook
from guidekit.handbook.html import keep_compiled_templates, render_site
from guidekit.handbook.i18n import ui_for
from guidekit.handbook.marks import ChangeMarks
from guidekit.handbook.quick import QuickBuild, inputs_key, shapes, state
from guidekit.handbook.writer import check_target, write_site
from guidekit.loading.config import Config
from guidekit.loading.source import read_guidance
from guidekit.model import Policy

__all__ = ["FORMATS", "PRINT_GRAPHIC", "BuildOptions", "BuildResult", "HandbookOutput", "Progress", "build",
           "localized_handbook"]

FORMATS = ("html", "markdown")
PRINT_GRAPHIC = ("omit", "include")

# The CLI passes a progress callback: (handbook name, total pages) -> advance(n)
Progress = Callable[[str, int], Callable[[int], None]]
# and a change-marks provider: (corpus, handbook, --since) -> marks (see build.changes)
MarksFor = Callable[[Corpus, Handbook, "str | None"], ChangeMarks]


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    handbooks: tuple[str, ...] = ()
    since: str | None = None
    fmt: str = "html"
    force: bool = False
    print_graphic: str = "omit"  # include | omit: graphic examples on paper
    # check's result cache (check.cache): a second build re-checks and re-reads only what
    # changed; None: check everything, cache nothing
    cache_dir: Path | None = None


@dataclass
class HandbookOutput:
    name: str
    path: Path  # the handbook folder (html) or file (markdown)
    documents: int
    rendered: int  # pages rendered this time (the rest came from the previous build)
    omitted: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]


@dataclass
class BuildResult:
    check: CheckResult
    blocked: bool  # check found errors and --force was not given
    handbooks: list[HandbookOutput] = field(default_factory=list)
    # only the changed documents were loaded, the rest came from the previous build (handbook.quick)
    quick: bool = False

    @property
    def errors(self) -> int:
        return self.check.count(Severity.ERROR)


def _no_marks(corpus: Corpus, hb: Handbook, since: str | None) -> ChangeMarks:
    return ChangeMarks()


def _with_bodies(corpus: Corpus) -> None:
    """Give back the Markdown bodies that check's cache does not keep (it stores data only)."""
    for pid, p in list(corpus.policies.items()):
        src = p.source
        if src.body is not None or src.body_line <= 0:
            continue
        raw = read_guidance(src.path, corpus.config.limits.max_file_bytes)
        if not isinstance(raw, bytes):
            continue
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
        src.body = "\n".join(text.split("\n")[src.body_line:])
        corpus.policies[pid] = p._replace(body=src.body)


def _check_progress(progress: Progress | None) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    state: dict[str, Callable[[int], None]] = {}
    seen = [0]

    def step(done: int, total: int) -> None:
        if "advance" not in state:
            state["advance"] = progress("check", total)
        state["advance"](done - seen[0])
        seen[0] = done

    return step


def localized_handbook(corpus: Corpus, spec: HandbookSpec,
                       memo: dict[int, tuple[Policy, PolicyView]] | None = None) -> tuple[Corpus, Handbook]:
    """The corpus as the handbook's reviewers read it and the handbook drawn from it: with
    a catalog for its ``locale``, current translations in place and notices where the
    source text is shown (guidekit.i18n.content). ``build`` and ``serve`` both come here."""
    if not corpus.config.data.get("translations"):
        return corpus, select_handbook(corpus, spec, memo)
    from guidekit.i18n.content import translate  # a handbook without translations does without it

    local = translate(corpus, spec.locale)
    if local is None:
        return corpus, select_handbook(corpus, spec, memo)
    hb = select_handbook(local.corpus, spec, memo)
    return local.corpus, replace(hb, translation=local.notices, source_locale=local.source_locale,
                                 headings=local.headings, translation_keys=local.keys)


def _target(opts: BuildOptions, spec: HandbookSpec) -> Path:
    return opts.out / (spec.name if opts.fmt == "html" else f"{spec.name}.md")


def build(
    config: Config,
    opts: BuildOptions,
    *,
    progress: Progress | None = None,
    marks_for: MarksFor = _no_marks,
) -> BuildResult:
    """Check, then build each handbook; ``progress("check", n)`` also reports the check's files."""
    with _corpus_out_of_gc_sight() as loaded:
        return _build(config, opts, progress, marks_for, loaded)


@contextmanager
def _corpus_out_of_gc_sight() -> Iterator[Callable[[], None]]:
    """Loading the corpus makes hundreds of thousands of small containers (every document's
    data and model) that live to the end of the build and hold no cycles; Python's cyclic
    collector would walk them over and over (a third of a second build's time at 2,000
    policies). It is paused while they are made, and once they are made (``loaded()``)
    they are frozen out of its sight until the build ends."""
    enabled = gc.isenabled()
    frozen = False

    def loaded() -> None:
        nonlocal frozen
        gc.freeze()
        frozen = True
        if enabled:
            gc.enable()

    gc.disable()
    try:
        yield loaded
    finally:
        if frozen:
            gc.unfreeze()
        if enabled:
            gc.enable()


def _build(config: Config, opts: BuildOptions, progress: Progress | None, marks_for: MarksFor,
           loaded: Callable[[], None]) -> BuildResult:
    specs = handbook_specs(config, opts.handbooks)
    if opts.fmt == "html":
        for spec in specs:  # fail before the slow part, not after it
            check_target(_target(opts, spec))
    builds = [PreviousBuild.open(_target(opts, spec)) for spec in specs] if opts.fmt == "html" else []
    if opts.cache_dir is not None and unsafe_folder(opts.cache_dir, config.root) is None:
        keep_compiled_templates(opts.cache_dir / "templates")
    quick = None
    if opts.fmt == "html" and opts.cache_dir is not None:
        quick = QuickBuild.plan(config, specs, builds, print_graphic=opts.print_graphic,
                                marked=opts.since is not None)
    # with a cache, only files changed since the last run (and their neighbours) are checked
    # again; the corpus holds every document (the unchanged ones from the cache), or, when
    # the previous build can serve (handbook.quick), only the changed ones
    files = _check_progress(progress)
    checked = run_check(config, progress=files, cache_dir=opts.cache_dir, whole=quick is None,
                        wanted=quick.wanted if quick is not None else None)
    result = BuildResult(check=checked, blocked=checked.count(Severity.ERROR) > 0 and not opts.force)
    if result.blocked:
        return result
    corpus = checked.corpus
    assert corpus is not None
    _with_bodies(corpus)
    if quick is not None and quick.changed is not None:
        if _quickly(result, opts, specs, corpus, quick, marks_for, progress):
            result.quick = True
            return result
        # the previous build cannot serve after all: every document
        whole = run_check(config, cache_dir=opts.cache_dir, whole=True).corpus
        assert whole is not None
        corpus = whole
        _with_bodies(corpus)
    loaded()
    shaped = shapes(corpus) if opts.fmt == "html" and opts.cache_dir is not None else {}
    for spec in specs:
        shown, hb = localized_handbook(corpus, spec)
        marks = marks_for(corpus, hb, opts.since)
        ui, locale_note = ui_for(spec.locale)
        notes = [*hb.notes, *(f"handbook {spec.name}: {n}" for n in (locale_note, marks.note) if n)]
        target = _target(opts, spec)
        docs = len(hb.policies) + len(hb.sops)
        if opts.fmt == "markdown":
            from guidekit.handbook.markdown_out import render_markdown_handbook

            atomic_write_text(target, render_markdown_handbook(hb, shown.taxonomy, marks, ui))
            rendered = docs
        else:
            previous = PreviousBuild.open(target)
            advance = progress(spec.name, docs) if progress else None
            site = render_site(hb, shown, marks, previous=previous, progress=advance, ui=ui,
                               print_graphic=opts.print_graphic)
            if shaped and not marks.label and not corpus.config.data.get("translations"):
                site.state = state(inputs_key(config, spec, opts.print_graphic), checked.file_keys, shaped,
                                   site, hb)
            write_site(site, target, previous)
            rendered = site.rendered
        result.handbooks.append(HandbookOutput(spec.name, target, docs, rendered, hb.omitted,
                                               tuple(notes)))
    return result


def _quickly(result: BuildResult, opts: BuildOptions, specs: list[HandbookSpec], corpus: Corpus,
             quick: QuickBuild, marks_for: MarksFor, progress: Progress | None) -> bool:
    """Build every handbook from the previous build and the changed documents (handbook.quick);
    False when that cannot be done, and nothing was written."""
    uis = [ui_for(spec.locale) for spec in specs]
    marks = [marks_for(corpus, Handbook(spec, (), (), (), ()), opts.since) for spec in specs]
    sites = quick.render(corpus, result.check.file_keys, [u for u, _note in uis], marks)
    if sites is None:
        return False
    for spec, site, prev, (_ui, locale_note), mark in zip(specs, sites, quick.previous, uis, marks, strict=True):
        target = _target(opts, spec)
        if progress is not None:
            progress(spec.name, len(site.listings))(len(site.listings))
        write_site(site, target, prev.build)
        notes = [*prev.notes, *(f"handbook {spec.name}: {n}" for n in (locale_note, mark.note) if n)]
        result.handbooks.append(HandbookOutput(spec.name, target, len(site.listings), site.rendered,
                                               prev.omitted, tuple(notes)))
    return True
