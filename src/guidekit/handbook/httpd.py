"""The request handler `guidekit serve` uses: the built handbooks, to this machine only.

Files are served from one folder (the handbook output), as the standard
library's handler does, with three refusals on top:

- a request whose ``Host`` is not this server (localhost, 127.0.0.1 or [::1]
  with its port) gets 400: a page on another site that rebinds its DNS name to
  127.0.0.1 cannot read the handbooks;
- a path that is not clean text (``%00``, other control characters, bytes that
  are not UTF-8, no leading ``/``) gets 400, never a traceback;
- a file whose real path leaves the folder (a link) is not served (404).
"""

from __future__ import annotations

import os
import re
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["HandbookHandler", "allowed_hosts"]

_BAD_PATH = re.compile("[\x00-\x1f\x7f]")


def allowed_hosts(port: int) -> frozenset[str]:
    """The Host header values a browser sends to this server."""
    return frozenset(f"{name}:{port}" for name in ("localhost", "127.0.0.1", "[::1]"))


class HandbookHandler(SimpleHTTPRequestHandler):
    """Serve ``directory`` to requests addressed to this server, with clean paths only."""

    def _refusal(self) -> str | None:
        host = (self.headers.get("Host") or "").strip().lower()
        address: Any = self.server.server_address
        if host not in allowed_hosts(int(address[1])):
            return "unknown Host"
        raw = self.path
        try:
            path = unquote(urlsplit(raw).path, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return "malformed path"
        if not raw.startswith("/") or _BAD_PATH.search(path) or "\\" in path:
            return "malformed path"
        return None

    def send_head(self) -> Any:
        why = self._refusal()
        if why is not None:
            self.send_error(HTTPStatus.BAD_REQUEST, why)
            return None
        local = self.translate_path(self.path)
        top = os.path.realpath(self.directory)
        real = os.path.realpath(local)
        if real != top and not real.startswith(top + os.sep):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        return super().send_head()
