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

import io
import os
import re
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from guidekit.handbook.reload import (
    EVENTS,
    HANDBOOKS,
    RELOAD_JS,
    SCRIPT,
    Rebuilds,
    handbook_list,
    with_reload,
)

__all__ = ["HandbookHandler", "allowed_hosts"]

_BAD_PATH = re.compile("[\x00-\x1f\x7f]")


def allowed_hosts(port: int) -> frozenset[str]:
    """The Host header values a browser sends to this server."""
    return frozenset(f"{name}:{port}" for name in ("localhost", "127.0.0.1", "[::1]"))


class HandbookHandler(SimpleHTTPRequestHandler):
    """Serve ``directory`` to requests addressed to this server, with clean paths only.

    With ``rebuilds`` set (serve sets it), HTML pages reload after each rebuild and
    ``/`` leads to the list of ``handbooks``.
    """

    rebuilds: ClassVar[Rebuilds | None] = None
    handbooks: ClassVar[list[tuple[str, str]]] = []

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
        if self.rebuilds is not None:
            live = self._live()
            if live is not False:
                return live
        local = self.translate_path(self.path)
        top = os.path.realpath(self.directory)
        real = os.path.realpath(local)
        if real != top and not real.startswith(top + os.sep):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if self.rebuilds is not None and real.endswith(".html") and os.path.isfile(real):
            try:
                with open(real, "rb") as f:
                    return self._bytes(with_reload(f.read()), "text/html; charset=utf-8")
            except OSError:
                self.send_error(HTTPStatus.NOT_FOUND, "File not found")
                return None
        return super().send_head()

    def _bytes(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> io.BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def _live(self) -> Any:
        """serve's own paths: the reload script, its event stream, ``/`` and the list (False: none)."""
        path = urlsplit(self.path).path
        if path == "/":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", HANDBOOKS)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path == HANDBOOKS:
            return self._bytes(with_reload(handbook_list(self.handbooks)), "text/html; charset=utf-8")
        if path == SCRIPT:
            return self._bytes(RELOAD_JS, "text/javascript; charset=utf-8")
        if path == EVENTS:
            self._events()
            return None
        return False

    def _events(self) -> None:
        """Server-sent events: the rebuild count now, then each time it moves, until the tab goes."""
        rebuilds = self.rebuilds
        assert rebuilds is not None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = rebuilds.count
        try:
            self.wfile.write(f"data: {seen}\n\n".encode())
            self.wfile.flush()
            while not rebuilds.closed:
                now = rebuilds.wait_past(seen, 15)
                self.wfile.write(f"data: {now}\n\n".encode() if now != seen else b": alive\n\n")
                self.wfile.flush()
                seen = now
        except OSError:  # the tab went away
            return
        self.close_connection = True
