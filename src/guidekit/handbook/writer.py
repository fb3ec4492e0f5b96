"""Write a handbook folder atomically: build beside it, then swap.

Files that did not change (pages whose key did not, and any other output whose
bytes are the same) are hard links to the previous build's files: unchanged
outputs keep their inode and modification time.

The new site is written into a hidden temporary folder next to the target and
swapped in with one rename (an atomic exchange where the kernel offers it), so
a reader, or a build killed half-way, sees the whole previous handbook or the
whole new one, never a mix. Temporary folders left by killed builds are
removed by the next build once their process is gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import posixpath
import re
import shutil
import tempfile
from pathlib import Path

from guidekit.errors import GuidekitError
from guidekit.fsutil import unsafe_name
from guidekit.handbook.cache import MANIFEST, PreviousBuild, manifest_bytes
from guidekit.handbook.html import SiteFiles

__all__ = ["check_target", "write_site"]

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# guidekit supports POSIX systems only: on Windows os.kill(pid, 0) would end the
# process it asks about, and ctypes.CDLL(None) fails
_POSIX = os.name == "posix"


def _require_posix() -> None:
    if not _POSIX:
        raise GuidekitError("guidekit build needs a POSIX system (Linux or macOS); Windows is not supported",
                            hint="run guidekit in WSL or a Linux container")


def output_folder(root: Path, out: Path | None) -> Path:
    """Where handbooks go: ``--out`` as given, else ROOT/site, which must stay inside the
    guidance repository: a ``site`` link someone committed must not send a build (or
    what ``serve`` serves) elsewhere."""
    if out is not None:
        return out.resolve()
    default = root / "site"
    try:
        real = default.resolve()
    except (OSError, RuntimeError):  # a link loop
        real = default
    if not real.is_relative_to(root.resolve()) or (default.is_symlink() and real == default):
        raise GuidekitError(f"{default} leads outside the guidance repository (a symbolic link); "
                            "not writing there", hint="give --out DIR to write the handbooks "
                            "to a folder of your choice")
    return real


def check_target(target: Path) -> None:
    """Refuse to replace a folder that is not a handbook we wrote (e.g. ``--out .``)."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise GuidekitError(f"{target} exists and is not a folder; not replacing it")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise GuidekitError(
            f"{target} is not empty and was not written by `guidekit build`; not replacing it",
            hint="choose another --out folder, or empty this one",
        )


def _alive(pid: int) -> bool:
    _require_posix()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep(parent: Path, name: str) -> None:
    """Remove temporary folders of earlier builds of ``name`` whose process has ended."""
    pattern = re.compile(rf"^\.{re.escape(name)}\.(?:tmp|old)-(\d+)-")
    for entry in parent.iterdir():
        m = pattern.match(entry.name)
        if m and entry.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where that is not offered."""
    _require_posix()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def _swap(tmp: Path, target: Path) -> None:
    if not target.exists():
        os.rename(tmp, target)
        return
    if _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
    os.rename(target, old / "site")
    try:
        os.rename(tmp, target)
    except OSError:
        os.rename(old / "site", target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _put(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


def _same(path: Path, data: bytes) -> bool:
    """True when ``path`` is a regular file holding exactly ``data``."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _holds_only(folder: Path, rels: set[str]) -> bool:
    """True when the files under ``folder`` are exactly ``rels`` (and nothing else is there)."""
    found: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(folder):
        base = os.path.relpath(dirpath, folder)
        for name in filenames:
            found.add(name if base == "." else f"{base}/{name}")
        for name in dirnames:
            if os.path.islink(os.path.join(dirpath, name)):
                return False
    return found == rels


def _carry(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def write_site(site: SiteFiles, target: Path, previous: PreviousBuild | None) -> None:
    """Write ``site`` as the folder ``target``, replacing what was there in one step."""
    check_target(target)
    for rel in [*site.reused, *site.files]:  # page names come from ids: checked before any write
        why = unsafe_name(rel)
        if why is not None:
            raise GuidekitError(f"handbook page {why}; nothing written",
                                hint="`guidekit check` reports ids that cannot name a file")
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    _sweep(parent, target.name)
    manifest = manifest_bytes(site.keys, site.printed, site.state)
    fresh = {rel: data for rel, data in [*site.files.items(), (MANIFEST, manifest)]
             if previous is None or not _same(previous.file(rel), data)}
    if previous is not None and not fresh and _holds_only(target, {*site.reused, *site.files, MANIFEST}):
        return  # nothing changed: the folder stays as it is
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=parent))
    try:
        for folder in sorted({posixpath.dirname(rel) for rel in [*site.reused, *site.files]} - {""}):
            (tmp / folder).mkdir(parents=True, exist_ok=True)
        for rel in site.reused:
            assert previous is not None, "reused pages come from a previous build"
            _carry(previous.file(rel), tmp / rel)
        for rel in site.files:
            if rel in fresh:
                _put(tmp / rel, fresh[rel])
            else:  # unchanged output keeps its file, inode and mtime
                assert previous is not None
                _carry(previous.file(rel), tmp / rel)
        # the manifest goes last: a folder without it is never mistaken for a finished build
        if MANIFEST in fresh:
            _put(tmp / MANIFEST, manifest)
        else:
            assert previous is not None
            _carry(previous.file(MANIFEST), tmp / MANIFEST)
        os.chmod(tmp, 0o755)
        _swap(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
