"""Live reload for `guidekit serve`: open pages reload after each rebuild (server-sent events).

Only serve uses this; a built handbook never carries it. The handler adds one
script tag to every HTML page it sends; that script listens on
``/__guidekit/events`` and reloads the page when the rebuild counter moves.
``/`` goes to a list of the handbooks being served.
"""

from __future__ import annotations

import html
import threading

__all__ = ["EVENTS", "HANDBOOKS", "RELOAD_JS", "SCRIPT", "Rebuilds", "handbook_list", "with_reload"]

EVENTS = "/__guidekit/events"
SCRIPT = "/__guidekit/reload.js"
HANDBOOKS = "/__guidekit/handbooks.html"
RELOAD_JS = (
    "(function(){if(!window.EventSource)return;var first=null;"
    f"var s=new EventSource('{EVENTS}');"
    "s.onmessage=function(e){if(first===null){first=e.data;"
    "document.documentElement.setAttribute('data-live-reload','on');return;}"
    "if(e.data!==first){s.close();window.location.reload();}};})();\n"
).encode()
_TAG = f'<script src="{SCRIPT}"></script>'.encode()


class Rebuilds:
    """A counter of finished rebuilds that request threads can wait on."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.count = 0
        self.closed = False

    def bump(self) -> None:
        with self._cond:
            self.count += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        """The count once it is past ``seen`` (or after ``timeout`` seconds, or when closed)."""
        with self._cond:
            self._cond.wait_for(lambda: self.count != seen or self.closed, timeout)
            return self.count


def with_reload(page: bytes) -> bytes:
    """An HTML page with the reload script before ``</body>`` (at the end without one)."""
    at = page.rfind(b"</body>")
    return page + _TAG if at < 0 else page[:at] + _TAG + page[at:]


def handbook_list(handbooks: list[tuple[str, str]]) -> bytes:
    """The page ``/`` leads to: a link to each handbook served."""
    items = "".join(f'<li><a href="/{html.escape(name)}/index.html">{html.escape(title)}</a></li>'
                    for name, title in handbooks)
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>Handbooks</title></head><body><main><h1>Handbooks</h1>"
            f"<ul>{items}</ul></main></body></html>").encode()
