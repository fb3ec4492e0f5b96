"""What `guidekit serve`'s loop calls: the watcher (a change is a change of the bytes, a file
still being written is waited for) and the live build (a torn file never replaces a good
handbook). Real files; the second half of a file is written inside the watcher's pause,
where an editor writing in place would be, so nothing here depends on timing."""

from __future__ import annotations

import os
import time
from pathlib import Path

from guidekit.handbook import BuildOptions
from guidekit.handbook.changes import marks_for
from guidekit.handbook.live import LiveBuild
from guidekit.handbook.watch import Watcher, digest
from guidekit.loading.config import load_config


def _still(_seconds: float) -> None:
    """A pause in which nothing is written."""


def _write_at(path: Path, data: bytes, mtime_ns: int) -> None:
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_touch_is_not_a_change(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("one\n")
    w = Watcher(tmp_path)
    w.start()
    later = time.time_ns() + 10_000_000_000
    os.utime(tmp_path / "a.md", ns=(later, later))
    assert not w.changes(_still)
    (tmp_path / "a.md").write_text("two\n")
    assert w.changes(_still).edited == {"a.md"}


def test_an_edit_of_the_same_size_in_the_same_time_step_is_seen(tmp_path: Path) -> None:
    """A file system with coarse times gives both writes one mtime; the stat data is the
    same, the bytes are not."""
    f = tmp_path / "a.md"
    # a whole second, ahead of the clock: as recent as a save, however slow this test runs
    step = (time.time_ns() // 1_000_000_000 + 3600) * 1_000_000_000
    _write_at(f, b"title: one\n", step)
    w = Watcher(tmp_path)
    w.start()
    _write_at(f, b"title: two\n", step)
    assert w.changes(_still).edited == {"a.md"}
    assert w.digests()["a.md"] == digest(b"title: two\n")


def test_a_file_written_during_the_pause_is_waited_for(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes(b"---\ntitle: old\n---\n")
    w = Watcher(tmp_path)
    w.start()
    new = b"---\ntitle: new and longer\n---\nbody\n"
    with open(f, "r+b") as fh:
        fh.truncate(0)
        fh.write(new[:10])
        fh.flush()

        def second_half(_seconds: float) -> None:
            fh.write(new[10:])
            fh.flush()

        got = w.changes(second_half)
    assert not got and got.moving == {"a.md"}
    assert w.digests()["a.md"] == digest(b"---\ntitle: old\n---\n")  # still the last settled bytes
    got = w.changes(_still)
    assert got.edited == {"a.md"} and not got.moving and not got.listing
    assert w.digests()["a.md"] == digest(new)


def test_a_file_that_changes_only_during_the_pause_is_reported_at_the_next_look(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a\n")
    (tmp_path / "b.md").write_text("b\n")
    w = Watcher(tmp_path)
    w.start()
    (tmp_path / "a.md").write_text("a2\n")
    got = w.changes(lambda _s: (tmp_path / "b.md").write_text("b2\n"))
    assert got.edited == {"a.md"}
    assert w.changes(_still).edited == {"b.md"}


def test_added_and_removed_files_ask_for_a_new_walk(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a\n")
    w = Watcher(tmp_path, (tmp_path / "site",))
    w.start()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.html").write_text("output is not watched")
    assert not w.changes(_still)
    (tmp_path / "b.md").write_text("b\n")
    got = w.changes(_still)
    assert got.listing and got.edited == {"b.md"}
    (tmp_path / "a.md").unlink()
    got = w.changes(_still)
    assert got.listing and got.edited == {"a.md"}


def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a\n")
    os.mkfifo(tmp_path / "pipe.md")  # opening it to read would wait for a writer
    w = Watcher(tmp_path)
    w.start()
    assert "pipe.md" in w.digests()
    assert not w.changes(_still)


def _live(root: Path, out: Path) -> tuple[Watcher, LiveBuild]:
    config = load_config(root)
    w = Watcher(root, (out,), max_bytes=config.limits.max_file_bytes)
    w.start()
    live = LiveBuild(config, BuildOptions(out=out, handbooks=("ads-global",)), marks_for())
    live.rebuild(w.digests())
    return w, live


def _files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_torn_file_never_replaces_the_good_handbook(sample_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    w, live = _live(sample_root, out)
    good = _files(out / "ads-global")
    assert "Alcohol in ads" in good["ADS-ALC.html"][1].decode()
    policy = sample_root / "policies" / "ads" / "alcohol.md"
    new = policy.read_bytes().replace(b"title: Alcohol in ads", b"title: Alcohol in adverts")
    policy.write_bytes(new[: len(new) // 2])  # the first half: its front matter is not closed
    change = w.changes(_still)
    assert change.edited == {"policies/ads/alcohol.md"}
    result = live.rebuild(w.digests(), set(change.edited))
    assert [f.span.path for f in result.findings] == ["policies/ads/alcohol.md"]
    assert result.kept == {"policies/ads/alcohol.md"}
    assert _files(out / "ads-global") == good  # the same files, the same bytes, the same inodes
    with open(policy, "ab") as fh:
        fh.write(new[len(new) // 2:])
    change = w.changes(_still)
    result = live.rebuild(w.digests(), set(change.edited))
    assert not result.findings and not result.kept
    assert "Alcohol in adverts" in (out / "ads-global" / "ADS-ALC.html").read_text()


def test_bytes_written_after_the_watchers_look_are_not_read(sample_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    w, live = _live(sample_root, out)
    good = _files(out / "ads-global")
    policy = sample_root / "policies" / "ads" / "alcohol.md"
    text = policy.read_bytes()
    policy.write_bytes(text.replace(b"title: Alcohol in ads", b"title: Alcohol in adverts"))
    change = w.changes(_still)
    # the writer is not done: between the look and the build, it starts over in place
    policy.write_bytes(text[:100])
    result = live.rebuild(w.digests(), set(change.edited))
    assert result.moving == {"policies/ads/alcohol.md"} and not result.findings
    assert _files(out / "ads-global") == good
    w.again(result.moving)
    policy.write_bytes(text.replace(b"title: Alcohol in ads", b"title: Alcohol in print"))
    change = w.changes(_still)
    assert change.edited == {"policies/ads/alcohol.md"}
    result = live.rebuild(w.digests(), set(change.edited))
    assert not result.moving
    assert "Alcohol in print" in (out / "ads-global" / "ADS-ALC.html").read_text()
