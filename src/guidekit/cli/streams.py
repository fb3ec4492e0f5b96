"""Where a command's report goes, and whether it may be coloured. Typer-free."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

__all__ = ["output_stream", "use_color"]


@contextmanager
def output_stream(output: Path | None) -> Iterator[TextIO]:
    """Standard output, or a buffer written atomically to ``output`` at the end."""
    if output is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    from guidekit.fsutil import atomic_write_text

    buf = io.StringIO()
    yield buf
    atomic_write_text(output, buf.getvalue())


def use_color(output: Path | None) -> bool:
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR"))
