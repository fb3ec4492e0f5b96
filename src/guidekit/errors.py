"""The error root and the exit codes every command shares."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode", "GuidekitError"]


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130


class GuidekitError(Exception):
    """A usage or configuration problem the user can fix; exits 2 with this message."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
