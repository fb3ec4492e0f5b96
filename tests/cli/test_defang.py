"""One defang (guidekit.defang): the same text from every caller and from GK331's fix.

Table-driven: each case is a quoted link as an author writes it and the form every
output shows. Callers: the HTML handbook, the Markdown handbook, the safeguard prompt
export and the fix GK331 suggests (the form it asks authors to write, which in turn
must come out unchanged).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from guidekit.defang import defang, live_links

# (case, as written, as shown)
CASES = [
    ("already defanged", "hxxps://quick-wealth[.]example/signup", "hxxps://quick-wealth[.]example/signup"),
    ("already defanged, bracketed scheme", "hxxps[://]evil[.]example[.]com/win",
     "hxxps[://]evil[.]example[.]com/win"),
    ("half defanged", "evil[.]example.com", "evil[.]example[.]com"),
    ("https URL", "https://evil.example.com/login?x=1", "hxxps://evil[.]example[.]com/login?x=1"),
    ("upper-case URL", "HTTPS://EVIL.COM/X", "HXXPS://EVIL[.]COM/X"),
    ("ftp URL", "ftp://files.example.org/a.txt", "fxp://files[.]example[.]org/a.txt"),
    ("www host", "www.scam.xyz", "www[.]scam[.]xyz"),
    ("short link", "bit.ly/abc123", "bit[.]ly/abc123"),
    ("IDN", "пример.рф/вход", "пример[.]рф/вход"),
    ("IDN in Latin script", "bücher-gewinn.de", "bücher-gewinn[.]de"),
    ("punycode", "xn--bcher-kva.de", "xn--bcher-kva[.]de"),
    (".bet", "lucky-spin.bet", "lucky-spin[.]bet"),
    (".security", "account-check.security", "account-check[.]security"),
    (".ninja", "free-coins.ninja/claim", "free-coins[.]ninja/claim"),
    ("e-mail address", "win@prize.com", "win@prize[.]com"),
    ("e-mail address with dotted name", "first.name@mail.ru", "first.name@mail[.]ru"),
    ("URL in a Markdown link", "[claim](https://quick-wealth.example/claim)",
     "[claim](hxxps://quick-wealth[.]example/claim)"),
    ("domain as a Markdown link's text", "[bank.com](http://bank.com.evil.top)",
     "[bank[.]com](hxxp://bank[.]com[.]evil[.]top)"),
]
PROSE = ["no links here, e.g. version 1.2 of the app", "U.S. i.e. photo.jpg 3.14"]


@pytest.mark.parametrize(("written", "shown"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_defang(written: str, shown: str) -> None:
    assert defang(f"see {written}, now.") == f"see {shown}, now."
    assert defang(shown) == shown  # idempotent
    assert bool(live_links(written)) is (written != shown)


@pytest.mark.parametrize("text", PROSE)
def test_prose_is_left_alone(text: str) -> None:
    assert defang(text) == text and not live_links(text)


@given(st.text())
def test_defang_is_idempotent_and_leaves_no_clickable_url(text: str) -> None:
    out = defang(text)
    assert defang(out) == out
    assert not re.search(r"(?i)\b(?:https?|ftp)://", out)
    assert not re.search(r"(?i)\bwww\.[^\W_]", out)


def _with_examples(root: Path) -> Path:
    """The sample with one violating example per case on ADS-FIN-1.a."""
    path = root / "policies/ads/financial-services.md"
    anchor = "          text: \"A banner showing '30% monthly, guaranteed' over a chart of gold prices.\"\n"
    text = path.read_text(encoding="utf-8")
    assert anchor in text
    added = "".join(f"        - id: d{n}\n          text: {json.dumps(f'Quoted: {w} here.')}\n"
                    for n, (_c, w, _s) in enumerate(CASES))
    path.write_text(text.replace(anchor, anchor + added), encoding="utf-8")
    return path


def test_every_caller_shows_the_same_text(cli, sample_root: Path, tmp_path: Path) -> None:
    from guidekit.check.engine import run_check
    from guidekit.export.safeguard import safeguard_prompt
    from guidekit.loading.config import load_config

    _with_examples(sample_root)
    shown = [f"Quoted: {s} here." for _c, _w, s in CASES]
    # GK331's fix for each live link is the form every output shows
    r = cli("check", str(sample_root), "--format", "json")
    fixes = {f["message"].split("holds a live link ")[1].strip("'"): f["fix"]
             for f in json.loads(r.stdout)["findings"] if f["rule"] == "GK331"}
    for _c, written, want in CASES:
        fixed = written
        for link in sorted((k for k in fixes if k in written), key=len, reverse=True):
            fixed = fixed.replace(link, fixes[link].removeprefix("write "))
        assert fixed == want
    # the HTML handbook, the Markdown handbook and the safeguard prompt
    assert cli("build", str(sample_root), "--out", str(tmp_path / "site"), "--force").exit_code == 0
    page = next((tmp_path / "site/ads-global").rglob("ADS-FIN*.html")).read_text(encoding="utf-8")
    assert cli("build", str(sample_root), "--out", str(tmp_path / "md"), "--format", "markdown",
               "--force").exit_code == 0
    markdown = (tmp_path / "md/ads-global.md").read_text(encoding="utf-8")
    result = run_check(load_config(sample_root))
    assert result.corpus is not None
    prompt = safeguard_prompt(result.corpus.policies["ADS-FIN"], result.corpus, examples=100)
    for text in shown:
        assert str(escape(text)) in page, text
        assert text in markdown, text
        assert text in prompt, text
    # nowhere in the sites (pages, printable pages, search index) is a live form left
    site = "\n".join(f.read_text(encoding="utf-8") for f in (tmp_path / "site").rglob("*")
                     if f.is_file() and f.suffix in (".html", ".js"))
    for _c, written, want in CASES:
        if written != want and "://" in written:
            assert written not in site, written
