"""Atomic handbook folders: swap, refuse foreign folders, sweep dead builds' leftovers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from guidekit.errors import GuidekitError
from guidekit.handbook.cache import MANIFEST, PreviousBuild
from guidekit.handbook.html import SiteFiles
from guidekit.handbook.writer import write_site


def _site(files: dict[str, bytes], reused: tuple[str, ...] = ()) -> SiteFiles:
    return SiteFiles(files, list(reused), {p: f"k-{p}" for p in [*files, *reused]}, len(files))


def test_swap_replaces_the_whole_folder(tmp_path: Path) -> None:
    target = tmp_path / "hb"
    write_site(_site({"index.html": b"one", "old.html": b"gone soon"}), target, None)
    assert (target / MANIFEST).is_file()
    write_site(_site({"index.html": b"two"}), target, PreviousBuild.open(target))
    assert sorted(p.name for p in target.iterdir()) == sorted([MANIFEST, "index.html"])
    assert (target / "index.html").read_bytes() == b"two"
    assert [p for p in tmp_path.iterdir() if p.name != "hb"] == []


def test_unchanged_files_are_carried_over_by_link(tmp_path: Path) -> None:
    target = tmp_path / "hb"
    write_site(_site({"a.html": b"A", "sub/b.js": b"B"}), target, None)
    before = (target / "sub" / "b.js").stat().st_ino
    write_site(_site({"a.html": b"A2"}, reused=("sub/b.js",)), target, PreviousBuild.open(target))
    assert (target / "sub" / "b.js").stat().st_ino == before
    assert (target / "a.html").read_bytes() == b"A2"


@pytest.mark.parametrize("existing", ["notes.txt", "index.html"])
def test_refuses_a_folder_it_did_not_write(tmp_path: Path, existing: str) -> None:
    target = tmp_path / "hb"
    target.mkdir()
    (target / existing).write_text("mine")
    with pytest.raises(GuidekitError, match="not written by `guidekit build`"):
        write_site(_site({"index.html": b"x"}), target, None)
    assert (target / existing).read_text() == "mine"


def test_leftovers_of_dead_builds_are_swept(tmp_path: Path) -> None:
    proc = subprocess.Popen(["true"])
    proc.wait()
    stale = tmp_path / f".hb.tmp-{proc.pid}-abc"
    stale.mkdir()
    (stale / "half.html").write_text("half")
    mine = tmp_path / ".hb.tmp-1-live"  # pid 1 is alive: another build still writing
    mine.mkdir()
    write_site(_site({"index.html": b"x"}), tmp_path / "hb", None)
    assert not stale.exists()
    assert mine.exists()


def test_off_posix_a_build_stops_with_a_message_before_any_unsafe_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guidekit.handbook import writer

    def unsafe(*_args: object) -> None:
        raise AssertionError("a call that is unsafe on Windows was made")

    write_site(_site({"index.html": b"one"}), tmp_path / "hb", None)
    (tmp_path / ".hb.tmp-1-live").mkdir()  # a leftover: the sweep would ask whether pid 1 runs
    monkeypatch.setattr(writer, "_POSIX", False)
    monkeypatch.setattr(writer.os, "kill", unsafe)
    monkeypatch.setattr(writer.ctypes, "CDLL", unsafe)
    with pytest.raises(GuidekitError, match="needs a POSIX system"):
        write_site(_site({"index.html": b"two"}), tmp_path / "hb", PreviousBuild.open(tmp_path / "hb"))
