"""A link crawl of every sample handbook: every internal href (file and #id) resolves.

The sample's policies hold cross-document links with anchors (``gambling.md#definitions``,
``../ads/financial-services.md#guidance-notes``, ``#ads-fin-1.a``) that ``check`` approves;
in a handbook that holds both ends they land on the page and heading, in one that leaves
the target out they are plain text with a note. Rule ids in prose link to their rule.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import SAMPLE
from guidekit.loading.config import load_config

HANDBOOKS = [h["name"] for h in load_config(SAMPLE).handbooks]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.heading_ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
            if re.fullmatch(r"h[1-6]", tag):
                self.heading_ids.append(str(a["id"]))
        if tag in ("a", "link") and a.get("href") is not None:
            self.hrefs.append(str(a["href"]))


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _crawl(site: Path) -> tuple[int, int, list[str]]:
    pages = {p: _read(p) for p in site.rglob("*.html")}
    files = fragments = 0
    dead = []
    for path, page in pages.items():
        for href in page.hrefs:
            url = urlsplit(href)
            if url.scheme or href.startswith("//"):
                continue
            target = (path.parent / unquote(url.path)).resolve() if url.path else path
            if not target.is_file():
                dead.append(f"{path.relative_to(site)}: {href} (no file)")
                continue
            files += 1
            if url.fragment:
                fragments += 1
                held = pages.get(target) or _read(target)
                if unquote(url.fragment) not in held.ids:
                    dead.append(f"{path.relative_to(site)}: {href} (no id)")
    return files, fragments, dead


def test_every_internal_link_of_every_handbook_resolves(cli, sample_root: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert cli("check", str(sample_root)).exit_code == 0  # check approves every link
    r = cli("build", str(sample_root), "--out", str(site))
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in site.iterdir()) == sorted(HANDBOOKS)
    files, fragments, dead = _crawl(site)
    assert dead == []
    assert files > 100 and fragments > 50
    for page in site.glob("*/*.html"):  # the printable page, which holds every document, too
        ids = _read(page).ids
        assert [i for i, n in Counter(ids).items() if n > 1] == [], page


def test_cross_document_links_land_on_pages_and_headings(cli, sample_root: Path,
                                                         tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert cli("build", str(sample_root), "--out", str(site)).exit_code == 0
    fin = (site / "ads-global/ADS-FIN.html").read_text(encoding="utf-8")
    assert '<a href="ADS-GAMB.html#definitions">real-money gambling</a>' in fin
    assert '<a href="#ADS-FIN-1.a">the guaranteed-returns rule</a>' in fin
    # the community policy is not in the ads handbook: text and a note, no dead link
    assert '<span class="unlinked">Frauds and scams</span> (not in this handbook)' in fin
    assert 'id="definitions"' in (site / "ads-global/ADS-GAMB.html").read_text(encoding="utf-8")
    scams = (site / "community/CG-SCAMS.html").read_text(encoding="utf-8")
    assert '<a href="CG-HARASS.html#definitions">harassment</a>' in scams
    assert '<a href="#definitions">Definitions</a>' in scams
    assert '<span class="unlinked">Financial services and crypto in ads</span>' in scams
    # rule ids in prose link to their rule, on its page
    assert '<a href="CG-SCAMS.html#CG-SCAMS-1.b" class="rule-ref">CG-SCAMS-1.b</a>' in scams
    assert '<a href="ADS-FIN.html#ADS-FIN-3.b" class="rule-ref">ADS-FIN-3.b</a>' in fin
    printable = (site / "community/print.html").read_text(encoding="utf-8")
    assert '<a href="#CG-SCAMS--definitions">Definitions</a>' in printable
    assert 'id="CG-SCAMS--definitions"' in printable and 'id="CG-HARASS--definitions"' in printable


def test_heading_ids_are_the_anchors_check_accepts(cli, sample_root: Path, tmp_path: Path) -> None:
    from guidekit.check.markdown import parse_markdown

    site = tmp_path / "site"
    assert cli("build", str(sample_root), "--out", str(site), "--handbook", "ads-global").exit_code == 0
    for page in (site / "ads-global").glob("ADS-*.html"):
        src = next(p for p in (sample_root / "policies").rglob("*.md")
                   if f"\nid: {page.stem}\n" in p.read_text(encoding="utf-8"))
        body = src.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        want = [h.id for h in parse_markdown(body).headings]
        assert want, page
        got = [i for i in _read(page).heading_ids if i in set(want)]
        assert sorted(got) == sorted(want), page  # (the page may put Definitions first)


def test_markdown_handbook_holds_no_link_to_a_repository_file(cli, sample_root: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "md"
    assert cli("build", str(sample_root), "--out", str(out), "--format", "markdown").exit_code == 0
    for book in out.glob("*.md"):
        text = book.read_text(encoding="utf-8")
        assert not re.search(r"\]\((?![a-z]+:)[^)]*\)", text), book
    assert "real-money gambling and follow the gambling policy" in (out / "ads-global.md").read_text(encoding="utf-8")


def test_see_and_exception_links_go_to_rules_this_handbook_shows(cli, sample_root: Path,
                                                                 tmp_path: Path) -> None:
    """A rule's ``see`` and an exception's rules link to the rule's anchor where the handbook
    shows it (this page or another), and are text with a note where it does not."""
    policy = sample_root / "policies" / "community" / "bullying-tiers.md"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("      - {rule: CG-HARASS-1.a, relation: overlaps}\n",
                                   "      - {rule: CG-HARASS-1.a, relation: overlaps}\n"
                                   "      - {rule: ADS-LOANS-2.b, relation: defers_to}\n"), encoding="utf-8")
    site = tmp_path / "site"
    assert cli("build", str(sample_root), "--out", str(site)).exit_code == 0
    page = (site / "community/CG-BULLY.html").read_text(encoding="utf-8")
    assert ('<p class="see"><b>See also:</b> Overlaps with <a href="CG-HARASS.html#CG-HARASS-1.a">'
            'CG-HARASS-1.a</a> · Defers to <span class="unlinked">ADS-LOANS-2.b</span> '
            '(not in this handbook)</p>') in page
    assert '<p class="never"><b>Never for:</b> <a href="#CG-BULLY-2.a">CG-BULLY-2.a</a></p>' in page
    assert _crawl(site)[2] == []
