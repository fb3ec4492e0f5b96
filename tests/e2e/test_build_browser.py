"""The handbook in a real browser: Debian's Chromium driven by Playwright.

The site is built from the sample guidance (and from XSS probes), served from
127.0.0.1 by a thread, and read the way a reviewer reads it: search, the
decision walk-through, content warnings, keyboard, dark mode, axe-core.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from conftest import ARTIFACTS, DATA, SAMPLE, chromium_path
from guidekit.check.engine import load_corpus
from guidekit.cli.app import main
from guidekit.corpus import Corpus
from guidekit.handbook.handbook import handbook_specs, select_handbook
from guidekit.handbook.i18n import ui_for
from guidekit.handbook.search import words
from guidekit.loading.config import load_config

pytestmark = pytest.mark.e2e
# Playwright's assertions wait 5 s by default, its actions 30 s: on a loaded two-core CI
# machine a page's script can take longer than 5 s, so the assertions wait as long as the actions
expect.set_options(timeout=30_000)

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@dataclass
class Site:
    base: str
    out: Path
    corpus: Corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("handbooks")
    guidance = tmp / "guidance"
    shutil.copytree(SAMPLE, guidance)
    probes = tmp / "probes"
    shutil.copytree(DATA / "build" / "xss", probes)
    out = tmp / "site"
    assert main(["build", str(guidance), "--out", str(out)]) == 0
    assert main(["build", str(probes), "--out", str(out)]) == 0
    handler = functools.partial(_Quiet, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    corpus, _findings, _plan = load_corpus(load_config(guidance))
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}", out, corpus)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        yield b
        b.close()


@dataclass
class Tab:
    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Callable[..., Tab]]:
    """open(url) -> Tab; every tab must end without console errors or dialogs."""
    tabs: list[Tab] = []
    contexts = []

    def open_(url: str, **ctx: Any) -> Tab:
        context = browser.new_context(**ctx)
        contexts.append(context)
        page = context.new_page()
        t = Tab(page)
        page.on("console", lambda m: t.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: t.errors.append(str(e)))

        def on_dialog(d: Any) -> None:
            t.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url)
        tabs.append(t)
        return t

    yield open_
    for t in tabs:
        assert t.errors == [], f"console errors: {t.errors}"
        assert t.dialogs == []
    for c in contexts:
        c.close()


def _unique_example_word(site: Site, handbook: str) -> tuple[str, str]:
    """A word that only one policy's examples use, and nothing else in the handbook."""
    config = load_config(site.corpus.root)
    hb = select_handbook(site.corpus, handbook_specs(config, (handbook,))[0])
    seen: dict[str, set[str]] = {}
    for v in hb.policies:
        p = v.policy
        for w in words([p.id, p.title, p.summary, *p.tags]).split():
            seen.setdefault(w, set()).add(f"meta:{p.id}")
        for r in v.rules:
            for w in words([r.id, r.rule.title, r.rule.text]).split():
                seen.setdefault(w, set()).add(f"meta:{p.id}")
            for e in r.examples:
                for w in words([e.text]).split():
                    seen.setdefault(w, set()).add(p.id)
    for s in hb.sops:
        for w in words([s.sop.id, s.sop.title, s.sop.summary, s.sop.queue,
                        *(st.text for st in s.sop.steps), *(n.question for n in s.sop.tree.nodes),
                        *(o.title for o in s.sop.outcomes)]).split():
            seen.setdefault(w, set()).add("sop")
    for w in sorted(seen):
        owners = seen[w]
        if len(owners) == 1 and not next(iter(owners)).startswith(("meta:", "sop")) \
                and len(w) >= 6 and w.isalpha():
            return w, next(iter(owners))
    raise AssertionError("no example word unique to one policy")


def test_search_finds_a_policy_by_a_word_from_its_example(site_tab: Any) -> None:
    site, tab = site_tab
    word, policy_id = _unique_example_word(site, "ads-global")
    t = tab(f"{site.base}/ads-global/index.html")
    page = t.page
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(word)
    first = page.locator("#search-results a").first
    first.wait_for()
    assert first.get_attribute("href").startswith(f"{policy_id}.html#"), (word, policy_id)
    assert page.locator("#search-results a").count() == 1
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/{policy_id}\.html#"))
    assert word in page.locator("main").inner_text().lower()


def test_search_finds_rules_by_id_and_title(site_tab: Any) -> None:
    site, tab = site_tab
    t = tab(f"{site.base}/ads-br/index.html")
    t.page.fill("#q", "ADS-FIN-2.a")
    first = t.page.locator("#search-results a").first
    first.wait_for()
    assert first.get_attribute("href") == "ADS-FIN.html#ADS-FIN-2.a"
    t.page.fill("#q", "zzzz-no-such-word")
    t.page.locator("#search-results .none").wait_for()


@pytest.mark.parametrize(
    ("handbook", "query", "rule", "marked"),
    [
        ("ads-br", "promoção", "ADS-GAMB-2.b", "Promoção"),
        ("ads-br", "promocao", "ADS-GAMB-2.b", "Promoção"),
        # (the pt-BR handbook says "anúncios" in every translated rule: the English one, where
        # only a Brazilian example does, shows which rule holds the word)
        ("ads-global", "anúncios", "ADS-GAMB-2.b", "Anúncios"),
        ("ads-global", "ANUNCIOS nao", "ADS-GAMB-2.b", "Anúncios"),
        ("ads-global", "Straße", "ADS-GAMB-1.b", "Straße"),
        ("ads-global", "strasse", "ADS-GAMB-1.b", "Straße"),
        ("community", "稳赚不赔", "CG-SCAMS-1.a", "稳赚"),
        ("community", "高回报 投资", "CG-SCAMS-1.a", "高回"),
    ],
)
def test_search_finds_words_of_any_language_and_lands_on_the_rule(
        site_tab: Any, handbook: str, query: str, rule: str, marked: str) -> None:
    """Folded both ways (ç = c, ß = ss, case), CJK by character pairs; the hit shows why it matched."""
    site, tab = site_tab
    policy = site.corpus.rules[rule][0].id
    t = tab(f"{site.base}/{handbook}/index.html", viewport={"width": 1200, "height": 700})
    page = t.page
    page.fill("#q", query)
    first = page.locator("#search-results a").first
    first.wait_for()
    assert first.get_attribute("href") == f"{policy}.html#{rule}"
    marks = first.locator(".snip mark").all_inner_texts()
    assert any(m.startswith(marked) for m in marks), marks
    first.click()
    page.wait_for_url(re.compile(rf"/{re.escape(policy)}\.html#"))
    row = page.locator(f'[id="{rule}"]')
    expect(row).to_be_visible()
    header = page.locator("header.top").bounding_box()
    box = row.bounding_box()
    assert header is not None and box is not None
    assert box["y"] >= header["y"] + header["height"], "the rule is hidden under the header"
    assert box["y"] < 700
    assert page.evaluate(f"document.querySelector('[id=\"{rule}\"]').matches(':target')")
    plain = page.evaluate("getComputedStyle(document.body).backgroundColor")
    lit = page.evaluate(f"getComputedStyle(document.querySelector('[id=\"{rule}\"] > *'))"
                        ".backgroundColor")
    assert lit != plain, "the rule a link lands on is highlighted"


def test_search_works_from_a_folder_opened_on_disk(site_tab: Any) -> None:
    site, tab = site_tab
    word, policy_id = _unique_example_word(site, "ads-global")
    t = tab((site.out / "ads-global" / "index.html").as_uri())
    t.page.fill("#q", word)
    first = t.page.locator("#search-results a").first
    first.wait_for()
    assert first.get_attribute("href").startswith(f"{policy_id}.html#")


def test_walk_through_reaches_the_expected_outcome(site_tab: Any) -> None:
    """Brazil's handbook: the case for Brazil ends at its outcome with Brazil's action, the
    questions, answers and outcome in the sample's Portuguese translation."""
    from guidekit.i18n.content import translate

    site, tab = site_tab
    case = next(c for c in site.corpus.cases_for(site.corpus.sops["SOP-ADS-CREATIVE"])
                if c.market == "BR" and c.expect.actions)
    brazil = translate(site.corpus, "pt-BR")
    assert brazil is not None
    sop = brazil.corpus.sops["SOP-ADS-CREATIVE"]
    assert sop.tree.node(sop.tree.start).question.startswith("O anúncio promove")  # type: ignore[union-attr]
    t = tab(f"{site.base}/ads-br/{sop.id}.html")
    page = t.page
    app = page.locator(".walk-app")
    node = sop.tree.node(sop.tree.start)
    steps = 0
    while node is not None:
        assert app.locator("h3").inner_text() == node.question
        answer = node.answer(case.answers[node.id])
        assert answer is not None
        app.get_by_role("button", name=answer.label, exact=True).click()
        steps += 1
        node = sop.tree.node(answer.next) if answer.next else None
    outcome = sop.outcome(case.expect.outcome)
    assert outcome is not None
    ui, _warning = ui_for("pt-BR")  # Brazil's handbook speaks Portuguese
    assert app.locator(".walk-outcome").inner_text() == ui.gettext("Outcome: %(outcome)s") % {
        "outcome": outcome.title}
    tax = brazil.corpus.taxonomy.actions
    expected = "; ".join(tax[a].title for a in case.expect.actions or ())
    assert app.locator(".walk-actions").inner_text() == ui.gettext("Actions: %(actions)s") % {
        "actions": expected}
    assert app.locator(".trail li").count() == steps
    # focus follows the walk for keyboard users; Back returns to the last question
    assert page.evaluate("document.activeElement.className") == "walk-outcome"
    app.get_by_role("button", name=ui.gettext("Back")).click()
    assert app.locator(".walk-outcome").count() == 0
    app.get_by_role("button", name=ui.gettext("Start again")).click()
    assert app.locator("h3").inner_text() == sop.tree.node(sop.tree.start).question


def _graphic_page(site: Site) -> str:
    folder = site.out / "community"
    return next(p.name for p in sorted(folder.glob("*.html")) if 'class="cw"' in p.read_text())


def _blurred(page: Page, key: str) -> bool:
    return page.evaluate(f"""getComputedStyle(document.querySelector('.cw[data-cw="{key}"] .cw-body'))
                         .filter""") != "none"


def test_graphic_example_is_blurred_until_revealed_and_stays_revealed(site_tab: Any) -> None:
    site, tab = site_tab
    page_name = _graphic_page(site)
    t = tab(f"{site.base}/community/{page_name}")
    page = t.page
    cw = page.locator(".cw[data-cw]").first
    key = cw.get_attribute("data-cw")
    rule_id, ex_id = key.rsplit("-", 1)
    _policy, rule = site.corpus.rules[rule_id]
    example = next(e for e in rule.examples if e.id == ex_id)
    assert example.text.split()[0] in cw.locator(".cw-body").inner_text()
    assert _blurred(page, key)
    assert cw.locator(".cw-label").inner_text().startswith("Graphic content")
    # by keyboard: the label's checkbox takes focus and Space reveals
    cw.locator(".cw-toggle").focus()
    page.keyboard.press("Space")
    expect(cw.locator(".cw-toggle")).to_be_checked()
    assert not _blurred(page, key)
    # remembered for this session, across pages and reloads ...
    page.reload()
    expect(page.locator(f'.cw[data-cw="{key}"] .cw-toggle')).to_be_checked()
    # ... and only for this session
    fresh = tab(f"{site.base}/community/{page_name}")
    expect(fresh.page.locator(f'.cw[data-cw="{key}"] .cw-toggle')).not_to_be_checked()


def test_show_all_reveals_every_graphic_example_and_a_reload_keeps_them(site_tab: Any) -> None:
    site, tab = site_tab
    t = tab(f"{site.base}/community/{_graphic_page(site)}")
    page = t.page
    keys = [c.get_attribute("data-cw") for c in page.locator(".cw[data-cw]").all()]
    assert len(keys) >= 2
    assert all(_blurred(page, k) for k in keys)
    button = page.locator(".cw-show-all")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert not any(_blurred(page, k) for k in keys)
    page.reload()
    expect(page.locator(".cw-show-all")).to_have_attribute("aria-pressed", "true")
    assert not any(_blurred(page, k) for k in keys)
    page.locator(".cw-show-all").click()  # and back
    assert all(_blurred(page, k) for k in keys)


def test_graphic_examples_print_as_a_neutral_note_and_screen_notices_do_not_print(site_tab: Any) -> None:
    site, tab = site_tab
    t = tab(f"{site.base}/community/print.html")
    page = t.page
    page.locator(".cw-show-all").first.wait_for(state="attached")
    page.emulate_media(media="print")
    assert page.locator(".cw").count() > 0
    assert not page.locator(".cw-body").first.is_visible()  # omit is the default
    assert page.locator(".cw-print-note").first.is_visible()
    assert not page.locator(".warn.screen-only").first.is_visible()
    assert not page.locator(".cw-show-all").first.is_visible()


def test_an_allowed_example_in_a_graphic_category_that_says_graphic_false_is_shown(site_tab: Any) -> None:
    site, tab = site_tab
    t = tab(f"{site.base}/community/CG-CHALLENGE.html")
    ex = t.page.locator('[id="CG-CHALLENGE-1.a"] .rule-ex li', has_text="paediatric nurse")
    expect(ex).to_be_visible()
    assert ex.locator(".cw").count() == 0


def test_sidebar_and_contents_work_by_keyboard(site_tab: Any) -> None:
    site, tab = site_tab
    t = tab(f"{site.base}/community/CG-HARASS.html", viewport={"width": 1280, "height": 800})
    page = t.page
    side = page.locator("nav#side")
    current = side.locator('a[aria-current="page"]')
    expect(current).to_have_attribute("href", "CG-HARASS.html")
    # the on-page contents: Tab reaches its links, Enter follows them
    link = page.locator(".onpage a", has_text="CG-HARASS-2.a")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#CG-HARASS-2\.a$"))
    assert page.evaluate("document.querySelector('[id=\"CG-HARASS-2.a\"]').matches(':target')")
    # a group of the sidebar folds and unfolds from the keyboard, and its links lead on
    group = side.locator("details").first
    group.locator("summary").focus()
    was = group.evaluate("d => d.open")
    page.keyboard.press("Enter")
    assert group.evaluate("d => d.open") != was
    page.keyboard.press("Enter")
    target = side.locator("a", has_text="Frauds and scams")
    target.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/CG-SCAMS\.html$"))
    # on a phone the sidebar hides behind the menu button, which opens and closes it
    phone = tab(f"{site.base}/community/CG-HARASS.html", viewport={"width": 390, "height": 800})
    menu = phone.page.locator("button.menu")
    assert not phone.page.locator("nav#side").is_visible()
    menu.focus()
    phone.page.keyboard.press("Enter")
    expect(phone.page.locator("nav#side")).to_be_visible()
    assert phone.page.evaluate("document.activeElement.closest('#side') !== null")
    phone.page.keyboard.press("Escape")
    assert not phone.page.locator("nav#side").is_visible()
    assert phone.page.evaluate("document.activeElement.className") == "menu"


@pytest.mark.parametrize("path", ["community/index.html", "community/CG-HARASS.html", "ads-br/ADS-ALC.html",
                                  "community/SOP-USER-REPORT.html", "ads-global/print.html"])
def test_a_phone_gets_a_one_row_header_and_nothing_scrolls_sideways(site_tab: Any, path: str) -> None:
    site, tab = site_tab
    t = tab(f"{site.base}/{path}", viewport={"width": 390, "height": 844})
    page = t.page
    one_row = page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('header.top > *')]
            .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect());
        return boxes.length >= 3 && Math.max(...boxes.map(b => b.top)) < Math.min(...boxes.map(b => b.bottom));
    }""")
    assert one_row, "every control of the header shares one row"
    assert page.locator("header.top").bounding_box()["height"] < 64
    wide = page.evaluate("""() => [...document.querySelectorAll('table, .scroll, main *')]
        .filter(e => e.clientWidth > 1)  // visually hidden headers stay for screen readers
        .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
        .map(e => e.tagName + '.' + e.className)""")
    assert wide == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_dark_mode_and_keyboard(site_tab: Any) -> None:
    site, tab = site_tab
    t = tab(f"{site.base}/ads-global/index.html", color_scheme="light")
    page = t.page
    button = page.get_by_role("button", name="Dark mode")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(18, 20, 23)"
    dark = tab(f"{site.base}/ads-global/index.html", color_scheme="dark")
    assert dark.page.get_by_role("button", name="Dark mode").get_attribute("aria-pressed") == "true"
    # the first Tab reaches the skip link, which moves focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations(site_tab: Any, scheme: str, width: int) -> None:
    site, tab = site_tab
    axe = Axe()
    for path in ("ads-br/index.html", "ads-br/ADS-ALC.html", "ads-br/SOP-ADS-CREATIVE.html",
                 "community/CG-HARASS.html", "community/print.html"):
        t = tab(f"{site.base}/{path}", color_scheme=scheme, viewport={"width": width, "height": 900})
        if width < 600:
            t.page.locator("button.menu").click()  # the sidebar open too
        if "SOP" in path:
            t.page.locator(".walk-app button").first.click()
        results = axe.run(t.page)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], (path, scheme, [(v["id"], v["help"], len(v["nodes"])) for v in bad])


def test_screenshot_of_a_policy_page(site_tab: Any) -> None:
    site, tab = site_tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        t = tab(f"{site.base}/ads-br/ADS-ALC.html", color_scheme=scheme,
                viewport={"width": 1200, "height": 900})
        shot = ARTIFACTS / f"handbook-policy-{scheme}.png"
        t.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000


def test_xss_probes_stay_text(site_tab: Any) -> None:
    site, tab = site_tab
    for path in ("xss/index.html", "xss/XSS-PROBE.html", "xss/SOP-PROBE.html", "xss/print.html"):
        t = tab(f"{site.base}/{path}")
        page = t.page
        if "SOP" in path:
            page.locator(".walk-app button").first.click()
        for label in page.locator(".cw-label").all():
            label.click()
        page.fill("#q", "zebraquill")
        page.locator("#search-results a").first.wait_for()
        # any injected handler would run now
        page.evaluate("""document.querySelectorAll('*').forEach((e) => {
            for (const type of ['mouseover', 'mouseenter', 'focus', 'load', 'error']) {
                e.dispatchEvent(new Event(type));
            }
        })""")
        assert page.evaluate("typeof window.__xss") == "undefined", path
        injected = page.evaluate("""() => {
            const bad = [];
            for (const e of document.querySelectorAll('*')) {
                if (['IMG', 'SVG', 'IFRAME', 'OBJECT', 'EMBED'].includes(e.tagName.toUpperCase())) bad.push(e.tagName);
                if (e.tagName === 'SCRIPT' && !e.src && e.type !== 'application/json') bad.push('inline script');
                for (const a of e.attributes) {
                    if (a.name.startsWith('on')) bad.push(e.tagName + ' ' + a.name);
                    if (/^\\s*(javascript|data|vbscript):/i.test(a.value) && a.name !== 'href'
                        || (a.name === 'href' && /^\\s*(javascript|data:text|vbscript):/i.test(a.value)))
                        bad.push(e.tagName + ' ' + a.name + '=' + a.value);
                }
            }
            return bad;
        }""")
        assert injected == [], (path, injected)
        text = page.locator("body").inner_text()
        if path.endswith("XSS-PROBE.html"):
            assert "Probe <script>window.__xss='title'</script>" in text
            assert "<img src=x onerror=\"window.__xss='body img'\">" in text
            assert "[click me](javascript:window.__xss='body link')" in text
            assert "hxxps://evil[.]example[.]com/win" in text  # defanged, not a link
            assert page.locator("a[href*='evil']").count() == 0
            assert "[image: tracker]" in text
        if path.endswith("SOP-PROBE.html"):
            assert "Outcome: Remove <script>window.__xss='outcome'</script>" in text


@pytest.fixture
def site_tab(built: Site, tab: Callable[..., Tab]) -> tuple[Site, Callable[..., Tab]]:
    return built, tab


def test_print_page_holds_every_document_without_the_chrome(site_tab: Any) -> None:
    site, tab = site_tab
    t = tab(f"{site.base}/ads-br/print.html")
    page = t.page
    ids = [el.get_attribute("id") for el in page.locator("article.doc").all()]
    config = load_config(site.corpus.root)
    hb = select_handbook(site.corpus, handbook_specs(config, ("ads-br",))[0])
    assert ids == [v.id for v in hb.policies] + [s.id for s in hb.sops]
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator(".walk").first.is_visible()
    assert page.locator(".tree").first.is_visible()  # the static diagram is what prints
    breaks = page.evaluate("getComputedStyle(document.querySelector('article.doc')).breakBefore")
    assert breaks == "page"


_OWN_TEXTS = """() => {
    const out = [document.title];
    for (const e of document.querySelectorAll('body *')) {
        if (e.closest('script, style')) continue;
        // guidance prose is the author's words (English here); its section heading may be ours
        if (e.closest('.prose') && !(e.tagName === 'H2' && e.parentElement.matches('.prose'))) continue;
        let own = '';
        for (const n of e.childNodes) if (n.nodeType === 3) own += n.textContent;
        own = own.replace(/\\s+/g, ' ').trim();
        if (own) out.push(own);
        for (const a of ['title', 'placeholder', 'aria-label']) if (e.getAttribute(a)) out.push(e.getAttribute(a));
    }
    return out;
}"""


def _interface_strings(locale: str) -> list[re.Pattern[str]]:
    """The English interface strings that ``locale``'s catalog says differently, as patterns.

    A placeholder matches any text. A string that starts with a placeholder or is short
    must be the whole text of an element (guidance text is English too); a long one or
    one that starts with words may start an element's text.
    """
    from babel.messages.pofile import read_po

    from guidekit.handbook.i18n import DOMAIN, LOCALES

    with (LOCALES / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        catalog = read_po(f)
    out = []
    for m in catalog:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        for msgid in ids:
            if not msgid or msgid in strs:
                continue
            body = re.sub(r"%\\\(\w+\\\)s", ".+?", re.escape(msgid))
            whole = len(msgid) < 16 or msgid.startswith("%(")
            out.append(re.compile(f"^{body}$" if whole else f"^{body}"))
    return out


def _english_left(page: Page, patterns: list[re.Pattern[str]]) -> list[str]:
    return sorted({t for t in page.evaluate(_OWN_TEXTS) for p in patterns if p.search(t)})


def _read_like_a_reviewer(tab: Callable[..., Tab], base: str, names: list[str],
                          patterns: list[re.Pattern[str]]) -> dict[str, list[str]]:
    """Every page's own texts, after using search and the walk-through on it."""
    left = {}
    for name in names:
        t = tab(f"{base}/{name}")
        page = t.page
        page.fill("#q", "zzzz-no-such-word")
        page.locator("#search-results .none").wait_for()
        page.fill("#q", "ad")
        page.locator("#search-results a").first.wait_for()
        walk = page.locator(".walk-app button")
        while walk.count() and page.locator(".walk-outcome").count() == 0:
            walk.first.click()
        found = _english_left(page, patterns)
        if found:
            left[name] = found
    return left


def test_a_pt_br_handbook_speaks_portuguese_everywhere(site_tab: Any) -> None:
    """Acceptance: no English interface string from the catalog on any page of the pt-BR handbook."""
    site, tab = site_tab
    patterns = _interface_strings("pt_BR")
    assert len(patterns) > 100
    names = sorted(f"ads-br/{p.name}" for p in (site.out / "ads-br").glob("*.html"))
    # the guidance is English: its own headings ("## Escalation") are content, not interface
    headings = {m.strip() for p in site.corpus.policies.values()
                for m in re.findall(r"^#{1,6}[ \t]+(.+)$", p.body or "", re.MULTILINE)}
    left = _read_like_a_reviewer(tab, site.base, names, patterns)
    assert {n: found for n, ts in left.items() if (found := [t for t in ts if t not in headings])} == {}
    # the same reading of the English handbook finds them, so the check can fail
    english = _read_like_a_reviewer(tab, site.base, ["ads-global/index.html", "ads-global/ADS-ALC.html",
                                                     "ads-global/SOP-ADS-CREATIVE.html"], patterns)
    assert {"Skip to content", "Rules", "Violating", "Effective"} <= {t for ts in english.values() for t in ts}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, shot in (("ADS-GAMB.html", "handbook-pt-BR-policy.png"), ("index.html", "handbook-pt-BR-start.png")):
        t = tab(f"{site.base}/ads-br/{name}", viewport={"width": 1200, "height": 900})
        t.page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        assert (ARTIFACTS / shot).stat().st_size > 20_000


# --- the model's second edition (issue #18) --------------------------------------


def test_tier_matrix_ladder_and_before_acting_render(site_tab: Any) -> None:
    """CG-BULLY: the target x rule matrix, the strikes ladder and what to check first."""
    site, tab = site_tab
    t = tab(f"{site.base}/community/CG-BULLY.html")
    page = t.page
    matrix = page.locator("table.matrix")
    expect(matrix).to_be_visible()
    expect(matrix.locator("thead th")).to_contain_text(["Target", "CG-BULLY-1.a"])
    public = matrix.locator("tbody tr").filter(has=page.locator("th", has_text=re.compile("^Public figure$")))
    expect(public).to_contain_text("Label or warning screen")
    expect(public).to_contain_text("Not eligible for recommendation")
    ladder = page.locator("table.ladder")
    expect(ladder).to_be_visible()
    ladder_tax = site.corpus.taxonomy.ladders["community-strikes"]
    expect(ladder.locator("tbody tr")).to_have_count(len(ladder_tax.steps))
    expect(ladder.locator("tbody tr").last).to_contain_text("Ban the account")
    before = page.locator("section.enf-before")
    expect(before).to_be_visible()
    expect(before).to_contain_text("Reported by the target (from the reporter)")
    expect(before).to_contain_text("when the target is Public figure")


def test_a_market_only_rule_appears_only_in_its_markets_handbook(site_tab: Any) -> None:
    site, tab = site_tab
    br = tab(f"{site.base}/ads-br/ADS-LOANS.html").page
    expect(br.locator("article#ADS-LOANS-2\\.b")).to_be_visible()
    expect(br.locator("#ADS-LOANS-2\\.a")).to_have_count(0)  # Indonesia's rule
    everywhere = tab(f"{site.base}/ads-global/ADS-LOANS.html").page
    expect(everywhere.locator("article#ADS-LOANS-2\\.a")).to_be_visible()
    expect(everywhere.locator("section.enf-terms")).to_contain_text("Only in")
    expect(br.locator("section.enf-ages")).to_contain_text("18")


def test_exceptions_evidence_and_see_links_render_and_lead_to_their_rules(site_tab: Any) -> None:
    """An exception's residual action and the rules it never covers, an obligation's evidence in
    the "before acting" list, and a rule's cross-reference followed to the other policy's rule."""
    site, tab = site_tab
    page = tab(f"{site.base}/community/CG-BULLY.html").page
    exc = page.locator("section.exceptions")
    expect(exc.locator("p.residual")).to_have_text("Still applies: Not eligible for recommendation")
    never = exc.locator("p.never a")
    expect(never).to_have_text("CG-BULLY-2.a")
    never.click()
    expect(page).to_have_url(re.compile(r"CG-BULLY\.html#CG-BULLY-2\.a$"))
    see = page.locator("article#CG-BULLY-1\\.a p.see")
    expect(see).to_have_text("See also: Overlaps with CG-HARASS-1.a")
    see.locator("a").click()
    expect(page).to_have_url(re.compile(r"/community/CG-HARASS\.html#CG-HARASS-1\.a$"))
    expect(page.locator("article#CG-HARASS-1\\.a")).to_be_visible()
    disclose = tab(f"{site.base}/community/CG-DISCLOSE.html").page
    before = disclose.locator("section.enf-before")
    expect(before).to_contain_text("Evidence: The branded-content label is on")
    expect(before).to_contain_text("Evidence: The brand is named in the first seconds")


def _untranslated(site: Site, *keys: str) -> str:
    """The folder (under the served site) of the sample's Brazil handbook built with the
    translations of ``keys`` left to do."""
    import polib

    guidance = site.out.parent / "untranslated"
    shutil.copytree(site.corpus.root, guidance)
    path = guidance / "translations" / "pt-BR" / "guidance.po"
    po = polib.pofile(str(path))
    for key in keys:
        po.find(key, by="msgctxt").msgstr = ""
    po.save()
    assert main(["build", str(guidance), "--out", str(site.out / "untranslated"), "--handbook", "ads-br"]) == 0
    return "untranslated"


def test_a_pt_br_handbook_shows_current_missing_and_stale_translations(site_tab: Any) -> None:
    """Translated guidance (docs/translations.md): a current translation in place, a missing one and
    a stale one (its rule became stricter) shown in English with a notice in Portuguese; search
    finds a Portuguese word of a translated rule."""
    site, tab = site_tab
    page = tab(f"{site.base}/ads-br/ADS-GAMB.html", viewport={"width": 1200, "height": 900}).page
    current = page.locator('[id="ADS-GAMB-1.a"] .rule-text')
    expect(current).to_contain_text("Reprove anúncios de apostas esportivas com dinheiro real")
    assert current.locator(".tr-note").count() == 0
    stale = page.locator('[id="ADS-GAMB-1.b"] .rule-text')
    expect(stale.locator(".tr-note")).to_have_text(
        "Esta regra ficou mais rígida depois de traduzida: o texto original é exibido até a tradução ser atualizada.")
    # body headings in Portuguese under the source's anchors, which links from other pages use
    expect(page.locator("h2#definitions")).to_contain_text("Definições")
    expect(page.locator("h2#guidance-notes")).to_contain_text("Notas de orientação")
    fin = tab(f"{site.base}/ads-br/ADS-FIN.html").page
    fin.locator('a[href="ADS-GAMB.html#definitions"]').click()
    expect(fin.locator("h2#definitions")).to_contain_text("Definições")
    expect(fin).to_have_url(re.compile(r"ADS-GAMB\.html#definitions$"))
    # the outdated Portuguese ("Reprove os anúncios ...") is never shown; the English source is, marked as such
    expect(stale.locator('[lang="en"]')).to_contain_text("Suspend the ads account")
    assert "Reprove os anúncios de qualquer anunciante" not in page.content()
    # the sample's Brazil handbook is translated throughout: a rule whose translation is still
    # to be done (as after an author adds one) is shown in English with its notice
    alc = tab(f"{site.base}/ads-br/ADS-ALC.html").page
    expect(alc.locator('[id="ADS-ALC-3.a"] .rule-text')).to_contain_text("Anúncios de bebidas alcoólicas que mostram")
    assert alc.locator(".tr-note").count() == 0 and alc.locator(".tr-page").count() == 0
    folder = _untranslated(site, "ADS-ALC/rules/ADS-ALC-3.a/text", "ADS-ALC/body/rationale/05d252581e")
    missing = tab(f"{site.base}/{folder}/ads-br/ADS-ALC.html", viewport={"width": 1200, "height": 900}).page
    note = missing.locator('[id="ADS-ALC-3.a"] .rule-text .tr-note')
    expect(note).to_have_text("Ainda não traduzido: o texto original é exibido.")
    expect(missing.locator('[id="ADS-ALC-3.a"] .rule-text [lang="en"]')).to_contain_text("Alcohol ads that show people")
    # a paragraph without its translation: the page says so under its title
    expect(missing.locator(".tr-page")).to_contain_text("Partes desta página ainda não foram traduzidas")
    expect(missing.locator("#rationale + *")).to_contain_text("Alcohol is legal for adults")
    # the English handbook shows no notice at all
    english = tab(f"{site.base}/ads-global/ADS-GAMB.html").page
    assert english.locator(".tr-note").count() == 0
    search = tab(f"{site.base}/ads-br/index.html", viewport={"width": 1200, "height": 700}).page
    search.fill("#q", "caça-níqueis")
    first = search.locator("#search-results a").first
    first.wait_for()
    assert first.get_attribute("href").startswith("ADS-GAMB.html")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "handbook-pt-BR-translated.png"), full_page=True)
