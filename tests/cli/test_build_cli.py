"""`guidekit build` through the CLI: sample handbooks, the check gate, formats, the render cache."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA, SAMPLE, GitRepo
from guidekit.handbook.cache import MANIFEST
from guidekit.handbook.search import decode_chunk
from guidekit.loading.config import load_config

HANDBOOKS = [h["name"] for h in load_config(SAMPLE).handbooks]
# anything that would make a browser ask another host for something
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""",
                      re.IGNORECASE)


def _build(cli, root: Path, out: Path, *args: str):
    return cli("build", str(root), "--out", str(out), *args)


def test_builds_every_sample_handbook(cli, sample_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    r = _build(cli, sample_root, out)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(HANDBOOKS)
    for name in HANDBOOKS:
        folder = out / name
        for f in ("index.html", "print.html", "assets/style.css", "assets/app.js",
                  "assets/search/chunks.js", "assets/search/0.js", MANIFEST):
            assert (folder / f).is_file(), f"{name}/{f}"
        assert f"{name}: " in r.stdout and str(folder / "index.html") in r.stdout
        pages = json.loads((folder / MANIFEST).read_text())["pages"]
        assert pages and all((folder / p).is_file() for p in pages if p.endswith(".html"))
        for f in folder.rglob("*"):
            if f.suffix in (".html", ".css", ".js"):
                text = f.read_text(encoding="utf-8")
                assert not EXTERNAL.search(text), f"{f} asks another host: {EXTERNAL.search(text)}"


def test_each_page_links_to_few_others(cli, sample_root: Path, tmp_path: Path) -> None:
    """No page repeats the site's navigation: a page's links grow with what it names, not the site."""
    out = tmp_path / "site"
    assert _build(cli, sample_root, out, "--handbook", "community").exit_code == 0
    folder = out / "community"
    docs = [p for p in json.loads((folder / MANIFEST).read_text())["pages"] if p.endswith(".html")]
    for page in docs:
        html = (folder / page).read_text(encoding="utf-8")
        linked = {m for m in re.findall(r'href="([^"#]+\.html)', html) if m in docs}
        assert len(linked) <= 8, (page, linked)


def test_check_errors_block_the_build_unless_forced(cli, sample_root: Path, tmp_path: Path) -> None:
    policy = sample_root / "policies" / "ads" / "alcohol.md"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("action: ad_disapprove", "action: no_such_action", 1), encoding="utf-8")
    line = next(i for i, t in enumerate(policy.read_text().splitlines(), 1) if "no_such_action" in t)
    out = tmp_path / "site"
    r = _build(cli, sample_root, out)
    assert r.exit_code == 1
    assert f"policies/ads/alcohol.md:{line}:" in r.stdout
    assert "not building" in r.stderr and "--force" in r.stderr
    assert not out.exists()
    r = _build(cli, sample_root, out, "--force")
    assert r.exit_code == 0, r.stderr
    assert "despite" in r.stderr
    assert (out / "ads-br" / "index.html").is_file()


def test_unknown_handbook_is_a_usage_error(cli, sample_root: Path, tmp_path: Path) -> None:
    r = _build(cli, sample_root, tmp_path / "site", "--handbook", "nope")
    assert r.exit_code == 2
    assert "no handbook named 'nope'" in r.stderr


def test_refuses_to_replace_a_folder_it_did_not_write(cli, sample_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "ads-br").mkdir(parents=True)
    keep = out / "ads-br" / "notes.txt"
    keep.write_text("mine")
    r = _build(cli, sample_root, out, "--handbook", "ads-br")
    assert r.exit_code == 2
    assert "not written by `guidekit build`" in r.stderr
    assert keep.read_text() == "mine"


def test_markdown_handbook_is_one_file(cli, sample_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "md"
    r = _build(cli, sample_root, out, "--format", "markdown")
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.md" for n in HANDBOOKS)
    br = (out / "ads-br.md").read_text(encoding="utf-8")
    assert br.startswith("# Ads review handbook, Brazil\n")
    # in Portuguese, as the HTML handbook: the interface, the translated guidance and taxonomy
    assert "Mercado: Brasil." in br
    crypto = next(line for line in br.splitlines() if line.startswith("| ADS-FIN-2.a |"))
    assert "**Corretoras e carteiras de criptoativos**" in crypto
    # Brazil's action
    assert "| Anúncio reprovado (Regra do mercado Brasil; em outros mercados: Anúncio restrito" in crypto
    assert "Alemanha" not in br.split("### Diferenças regionais")[1].split("##")[0]
    gamb = br.split("(ADS-GAMB)")[1].split("\n## ")[0]
    assert "### Definições" in gamb and "#### Exemplos da regra ADS-GAMB-1.a" in gamb
    assert "Vigência: 1 de novembro de 2025" in gamb
    # the rule that became stricter since its translation: the English source, with the notice
    stale = next(line for line in gamb.splitlines() if line.startswith("| ADS-GAMB-1.b |"))
    assert "*Esta regra ficou mais rígida depois de traduzida" in stale and "Suspend the ads account" in stale
    for english in ("### Rules", "Effective:", "Examples of rule", "### Definitions", "Ad disapproved"):
        assert english not in br
    world = (out / "ads-global.md").read_text(encoding="utf-8")
    assert "Germany" in world and "### Definitions" in world and "#### Examples of rule ADS-GAMB-1.a" in world


def test_rebuild_renders_only_what_changed(cli, sample_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = _build(cli, sample_root, out, "--handbook", "ads-br")
    assert first.exit_code == 0
    assert "reused" not in first.stdout
    again = _build(cli, sample_root, out, "--handbook", "ads-br")
    docs = re.search(r"ads-br: (\d+) document", again.stdout)
    assert docs and f"{docs.group(1)} unchanged page(s) reused" in again.stdout
    folder = out / "ads-br"
    inode = {p.name: p.stat().st_ino for p in folder.glob("*.html")}
    policy = sample_root / "policies" / "ads" / "alcohol.md"
    policy.write_text(policy.read_text().replace("title: Alcohol in ads", "title: Alcohol in adverts"))
    third = _build(cli, sample_root, out, "--handbook", "ads-br")
    assert "unchanged page(s) reused" in third.stdout
    after = {p.name: p.stat().st_ino for p in folder.glob("*.html")}
    # the changed policy is rendered again; a page that neither is it nor names it is carried over
    assert after["ADS-ALC.html"] != inode["ADS-ALC.html"]
    assert after["ADS-FIN.html"] == inode["ADS-FIN.html"]
    assert after["index.html"] != inode["index.html"]
    assert "<h1 id=\"ADS-ALC-t\">Alcohol in adverts</h1>" in (folder / "ADS-ALC.html").read_text()
    assert "Alcohol in adverts" in (folder / "print.html").read_text()
    index = {page: entries for f in (folder / "assets" / "search").glob("[0-9]*.js")
             for page, entries in decode_chunk(f.read_bytes()).items()}
    assert "adverts" in index["ADS-ALC.html"][0][3].split()
    # the reused pages' search entries came back intact
    assert index["ADS-FIN.html"][0][1] == "ADS-FIN · Serviços financeiros e criptoativos em anúncios"


def test_a_changed_translation_renders_its_page_again(cli, sample_root: Path, tmp_path: Path) -> None:
    """A page's key holds the translations it shows: an edited catalog entry renders that page
    again (and only the pages that show it), as an edited policy does."""
    out = tmp_path / "site"
    assert _build(cli, sample_root, out, "--handbook", "ads-br").exit_code == 0
    folder = out / "ads-br"
    inode = {p.name: p.stat().st_ino for p in folder.glob("*.html")}
    catalog = sample_root / "translations" / "pt-BR" / "guidance.po"
    text = catalog.read_text("utf-8")
    assert 'msgstr "Notas de orientação"' in text
    catalog.write_text(text.replace('msgstr "Educação financeira"', 'msgstr "Educação financeira básica"'),
                       "utf-8")
    assert _build(cli, sample_root, out, "--handbook", "ads-br").exit_code == 0
    after = {p.name: p.stat().st_ino for p in folder.glob("*.html")}
    assert after["ADS-FIN.html"] != inode["ADS-FIN.html"]
    assert "Educação financeira básica" in (folder / "ADS-FIN.html").read_text()
    assert after["ADS-DATE.html"] == inode["ADS-DATE.html"]


def test_since_marks_changes_against_a_revision(cli, sample_repo: GitRepo, tmp_path: Path) -> None:
    root = sample_repo.path
    policy = root / "policies" / "ads" / "financial-services.md"
    text = policy.read_text(encoding="utf-8")
    rule_text = "at risk."
    assert rule_text in text
    policy.write_text(text.replace(rule_text, "at risk, in the ad itself.", 1), encoding="utf-8")
    out = tmp_path / "site"
    r = _build(cli, root, out, "--handbook", "ads-global", "--since", "HEAD")
    assert r.exit_code == 0, r.stderr
    index = (out / "ads-global" / "index.html").read_text()
    changes = index.split('id="changes"')[1].split("</section>")[0]
    assert 'href="ADS-FIN.html"' in changes and "changed: wording" in changes
    assert "ADS-ALC" not in changes
    page = (out / "ads-global" / "ADS-FIN.html").read_text()
    assert "<ins>" in page and "in the ad itself" in page
    assert 'class="badge badge-modified"' in page


def test_bad_since_revision_is_a_usage_error(cli, sample_repo: GitRepo, tmp_path: Path) -> None:
    r = _build(cli, sample_repo.path, tmp_path / "site", "--since", "no-such-rev")
    assert r.exit_code == 2
    assert "no-such-rev" in r.stderr


def test_baseline_outside_git_is_told_to_the_author_not_the_reviewers(
        cli, sample_root: Path, tmp_path: Path) -> None:
    cfg = sample_root / "guidekit.yaml"
    cfg.write_text(cfg.read_text().replace("    market: BR\n", "    market: BR\n    baseline: v1\n"))
    out = tmp_path / "site"
    r = _build(cli, sample_root, out, "--handbook", "ads-br")
    assert r.exit_code == 0, r.stderr
    said = " ".join((r.stdout + r.stderr).split())
    assert "handbook ads-br: change marks against v1 are not available" in said
    pages = " ".join(p.read_text() for p in (out / "ads-br").glob("*.html"))
    for hint in ("not available", "baseline:", "--since", "guidekit.yaml"):
        assert hint not in pages


def test_no_baseline_is_a_hint_in_the_output_only(cli, sample_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    r = _build(cli, sample_root, out, "--handbook", "community")
    assert r.exit_code == 0, r.stderr
    assert "no baseline is set" in " ".join((r.stdout + r.stderr).split())
    index = (out / "community" / "index.html").read_text()
    assert 'id="changes"' not in index and "baseline" not in index


def test_change_list_speaks_the_reviewers_language(cli, sample_repo: GitRepo, tmp_path: Path) -> None:
    """Field names and taxonomy titles, old values struck through, removed rules still named."""
    root = sample_repo.path
    policy = root / "policies" / "community" / "harassment-bullying.md"
    text = policy.read_text(encoding="utf-8")
    one_b = text.index("  - id: CG-HARASS-1.b")
    two_a = text.index("  - id: CG-HARASS-2.a")
    rule = text[one_b:two_a]
    assert "action: account_suspend" in rule and "severity: high" in rule
    changed = rule.replace("action: account_suspend", "action: account_ban")
    first = text[:one_b].replace("    severity: medium\n", "    severity: high\n", 1)
    rest = text[two_a:]
    gone = rest[rest.index("  - id: CG-HARASS-3.a"):rest.index("exceptions:")]
    policy.write_text(first + changed + rest.replace(gone, ""), encoding="utf-8")
    out = tmp_path / "site"
    # the SOP still names the removed rule: --force builds anyway
    r = _build(cli, root, out, "--handbook", "community", "--since", "HEAD", "--force")
    assert r.exit_code == 0, r.stderr
    index = (out / "community" / "index.html").read_text()
    changes = re.sub(r"<[^>]+>", " ", index.split('id="changes"')[1].split("</section>")[0])
    changes = " ".join(html.unescape(changes).split())
    assert "Rule CG-HARASS-1.b: Action: Suspend the account temporarily → Ban the account" in changes
    assert "Rule CG-HARASS-1.a: Severity: Medium → High" in changes
    assert "rank" not in changes and "account_suspend" not in changes and "->" not in changes
    page = (out / "community" / "CG-HARASS.html").read_text()
    assert "<del>Suspend the account temporarily</del> Ban the account" in page
    assert "<del>Medium</del> High" in page
    removed = page.split('class="removed"')[1].split("</div>")[0]
    assert "CG-HARASS-3.a" in removed and "Sexual harassment and sexualised edits" in removed


@pytest.mark.parametrize("command", ["build", "serve"])
def test_help(cli, command: str) -> None:
    r = cli(command, "--help")
    assert r.exit_code == 0
    assert "--handbook" in r.stdout and "--out" in r.stdout


def test_markdown_output_keeps_hostile_text_inert(cli, tmp_path: Path) -> None:
    root = tmp_path / "probes"
    shutil.copytree(DATA / "build" / "xss", root)
    out = tmp_path / "md"
    assert _build(cli, root, out, "--format", "markdown").exit_code == 0
    md = (out / "xss.md").read_text(encoding="utf-8")
    outside_code = re.sub(r"`[^`]*`", "", md)
    for raw in ("<script", "<img", "<svg", "<iframe", "<b ", "<a "):
        assert raw not in outside_code, raw
    assert "&lt;script&gt;window.__xss='title'&lt;/script&gt;" in md
    assert "](javascript:" not in md and "]\\(javascript:" in md
    assert "![tracker]" not in md
    assert "evil" not in md  # the probe's examples are graphic (violence): not written out
    assert "Graphic example: see the HTML handbook." in md


def test_print_graphic_include_or_omit(cli, sample_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert _build(cli, sample_root, out, "--handbook", "community").exit_code == 0
    assert '<body class="print-graphic-omit">' in (out / "community" / "print.html").read_text()
    r = _build(cli, sample_root, out, "--handbook", "community", "--print-graphic", "include")
    assert r.exit_code == 0, r.stderr
    assert '<body class="print-graphic-include">' in (out / "community" / "print.html").read_text()
    assert _build(cli, sample_root, out, "--print-graphic", "sometimes").exit_code == 2
