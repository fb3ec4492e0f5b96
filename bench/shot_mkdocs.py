"""Screenshots: one policy in a guidekit handbook beside the same policy in MkDocs + Material.

The sample guidance's handbook is built by guidekit; the same policy's Markdown
file (front matter and all, as an author would drop it into a docs folder) is
built by MkDocs with the Material theme from a bench-only environment
(bench/out/mkdocs-material-venv, made on first use). Both sites are served from
127.0.0.1 and photographed by Debian's Chromium through Playwright on a desktop
(1280 px) and a phone (390 px); each pair is saved side by side:

    python bench/shot_mkdocs.py [--policy ADS-ALC] [--handbook ads-global] [--out tests/artifacts]

writes OUT/compare-<policy>-desktop.png and OUT/compare-<policy>-phone.png (and
the single shots beside them). A bench script, not a test: it needs the peer's
packages, which guidekit's own environment never holds.
"""

from __future__ import annotations

import argparse
import base64
import functools
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import peer_tool

REPO = Path(__file__).resolve().parents[1]
GUIDEKIT = Path(sys.executable).with_name("guidekit")
CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def _served(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _mkdocs_site(out: Path, policy_file: Path, title: str) -> Path:
    mkdocs = peer_tool(REPO / "bench" / "out", "mkdocs-material", "mkdocs")
    project = out / "mkdocs"
    shutil.rmtree(project, ignore_errors=True)
    (project / "docs").mkdir(parents=True)
    shutil.copyfile(policy_file, project / "docs" / policy_file.name)
    (project / "docs" / "index.md").write_text(f"# {title}\n\n[{policy_file.stem}]({policy_file.name})\n")
    (project / "mkdocs.yml").write_text(
        f"site_name: {title}\ntheme:\n  name: material\n  features: [search.suggest]\n"
        "plugins: [search]\n")
    subprocess.run([str(mkdocs), "build", "-q"], cwd=project, check=True)
    return project / "site"


def _side_by_side(page: Any, left: Path, right: Path, labels: tuple[str, str], to: Path) -> None:
    imgs = "".join(
        f"<figure><figcaption>{label}</figcaption>"
        f"<img src='data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}'></figure>"
        for p, label in zip((left, right), labels, strict=True))
    page.set_content("<style>body{margin:0;display:flex;gap:16px;background:#888;align-items:flex-start}"
                     "figure{margin:8px}figcaption{font:16px sans-serif;color:#fff;margin:4px 0}"
                     "img{display:block;border:1px solid #333}</style>" + imgs)
    page.screenshot(path=str(to), full_page=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--policy", default="ADS-ALC")
    ap.add_argument("--handbook", default="ads-global")
    ap.add_argument("--out", type=Path, default=REPO / "tests" / "artifacts")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    work = REPO / "bench" / "out" / "shots"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    subprocess.run([str(GUIDEKIT), "build", str(REPO / "guidance"), "--out", str(work / "site"),
                    "--handbook", args.handbook], check=True, capture_output=True)
    policy_file = next(p for p in (REPO / "guidance" / "policies").rglob("*.md")
                       if f"\nid: {args.policy}\n" in p.read_text(encoding="utf-8"))
    mk_site = _mkdocs_site(work, policy_file, "Handbook")
    args.out.mkdir(parents=True, exist_ok=True)
    with _served(work / "site" / args.handbook) as ours, _served(mk_site) as theirs, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        try:
            for name, (w, h) in SIZES.items():
                shots = []
                for who, url in (("guidekit", f"{ours}/{args.policy}.html"),
                                 ("mkdocs-material", f"{theirs}/{policy_file.stem}/")):
                    page = browser.new_page(viewport={"width": w, "height": h})
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    shot = args.out / f"{who}-{args.policy}-{name}.png"
                    page.screenshot(path=str(shot), full_page=False)
                    page.close()
                    shots.append(shot)
                page = browser.new_page(viewport={"width": 2 * w + 48, "height": h + 60})
                to = args.out / f"compare-{args.policy}-{name}.png"
                _side_by_side(page, shots[0], shots[1], ("guidekit", "MkDocs + Material"), to)
                page.close()
                print(f"{name}: {to}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
