"""Outputs stay where they belong (issue 17): no build through a committed link, and
`serve` answers only this machine, with clean paths."""

from __future__ import annotations

import functools
import http.client
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from guidekit.errors import GuidekitError
from guidekit.handbook.httpd import HandbookHandler
from guidekit.handbook.writer import output_folder


class _Quiet(HandbookHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    site = tmp_path / "site"
    (site / "hb").mkdir(parents=True)
    (site / "hb" / "index.html").write_text("<p>handbook</p>", "utf-8")
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    (site / "hb" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield httpd.server_address[1], site
    finally:
        httpd.shutdown()
        httpd.server_close()


def _get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    con.putrequest("GET", path, skip_host=True)
    con.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
    con.endheaders()
    r = con.getresponse()
    body = r.read()
    con.close()
    return r.status, body


def test_serve_answers_its_own_host_names_only(server: tuple[int, Path]) -> None:
    port, _ = server
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        assert _get(port, "/hb/index.html", host) == (200, b"<p>handbook</p>")
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", ""):
        assert _get(port, "/hb/index.html", host)[0] == 400, host


@pytest.mark.parametrize("path", ["/hb/index.html%00.txt", "/hb/%00", "/hb/%ff%fe", "/hb/a%0d%0ab",
                                  "hb/index.html", "/hb/..%5c..%5csecret.txt"])
def test_malformed_paths_get_400_never_a_traceback(server: tuple[int, Path], path: str) -> None:
    port, _ = server
    assert _get(port, path)[0] == 400


def test_a_link_out_of_the_site_is_not_served(server: tuple[int, Path]) -> None:
    port, _ = server
    assert _get(port, "/hb/leak.txt")[0] == 404
    assert _get(port, "/../secret.txt")[0] == 404


def test_a_committed_site_link_is_refused_unless_out_names_it(sample_root: Path,
                                                              tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (sample_root / "site").symlink_to(elsewhere)
    with pytest.raises(GuidekitError, match="leads outside the guidance repository"):
        output_folder(sample_root, None)
    assert output_folder(sample_root, elsewhere) == elsewhere.resolve()
    run = subprocess.run([sys.executable, "-m", "guidekit", "build", "--force"], cwd=sample_root,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 2 and "leads outside the guidance repository" in run.stderr
    assert list(elsewhere.iterdir()) == []
    named = subprocess.run([sys.executable, "-m", "guidekit", "build", "--force", "--out",
                            str(elsewhere), "-H", "ads-br"], cwd=sample_root, capture_output=True,
                           text=True, timeout=300, check=False)
    assert named.returncode == 0, named.stderr
    assert (elsewhere / "ads-br" / "index.html").is_file()


def test_an_inside_site_folder_is_fine(sample_root: Path) -> None:
    assert output_folder(sample_root, None) == (sample_root / "site").resolve()
