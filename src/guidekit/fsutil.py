"""Atomic writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text", "sweep_temp_files", "unsafe_name"]

_NAME_MAX = 255  # bytes in one path component (Linux, macOS)
_CONTROL_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f]")

# a temporary file left by a writer that was killed is this old at least before
# it is removed: a younger one may belong to a run still writing
STALE_AFTER = 60.0


def _temp_name(path: Path) -> tuple[str, str]:
    return f".{path.name}.", ".tmp"


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix, suffix = _temp_name(path)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    except OSError as err:
        # name the file the caller asked for, not the parent or our temporary file
        raise type(err)(err.errno, err.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is None:
            try:
                mode = path.stat().st_mode & 0o7777
            except FileNotFoundError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str, *, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def sweep_temp_files(paths: Iterable[Path], *, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files atomic writes of ``paths`` left behind (a killed
    run), when older than ``older_than`` seconds; return what was removed.

    Only regular files named like this module's own temporary files are touched."""
    removed: list[Path] = []
    now = time.time()
    by_folder: dict[Path, set[str]] = {}
    for p in paths:
        by_folder.setdefault(Path(p).parent, set()).add(Path(p).name)
    for folder, names in by_folder.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if not (name.startswith(".") and name.endswith(".tmp")):
                continue
            owner = name[1:-4].rsplit(".", 1)[0]
            if owner not in names:
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and now - st.st_mtime >= older_than:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue
    return removed


def unsafe_name(rel: str) -> str | None:
    """Why ``rel`` (a POSIX path relative to an output folder, often made from an id or
    a handbook name) must not be written, or None: it must stay inside the folder, and
    every part be a plain file name without control characters, within the length
    file systems allow."""
    if not rel or rel.startswith("/") or "\\" in rel:
        return f"{rel!r} is not a relative path"
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            return f"{rel!r} leaves its folder or has an empty part"
        if _CONTROL_IN_NAME.search(part):
            return f"{rel!r} holds a control character"
        if len(part.encode("utf-8", "surrogatepass")) > _NAME_MAX:
            return f"{rel[:40]!r}... is longer than a file name may be ({_NAME_MAX} bytes)"
    return None
