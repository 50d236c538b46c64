"""Click traffic, as SparkPost's tracking hosts answer it: ``GET /f/...`` (a click) and ``/q/...`` (an open).

A request whose Host (or ``X-Forwarded-Host``, as CloudFront sends it) is a registered tracking domain gets
SparkPost's redirect: 302 from ``server: msys-http``. Any other host gets SparkPost's 404. Over https the
TLS listener (``ClickTls``) decides first: it presents a certificate for a host only while SparkPost's managed
certificate for it is valid, so a client sees what it would see from SparkPost's V2 endpoint: a working link,
or a TLS failure.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from .store import DomainStore

CLICK_PREFIXES = ("/f/", "/q/")
SERVER = "msys-http"
#: Where the emulator's redirects go: SparkPost sends the original link's URL, which the emulator never saw.
DESTINATION = "https://destination.example/"


def is_click(path: str) -> bool:
    return path.startswith(CLICK_PREFIXES)


class ClickApp:
    """WSGI application answering click and open requests from the domains of a ``DomainStore``."""

    def __init__(self, store: DomainStore) -> None:
        self.store = store

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        host = (request.headers.get("X-Forwarded-Host") or request.host or "").split(":")[0].lower()
        known = request.method in ("GET", "HEAD") and self.store.peek(host) is not None
        if known:
            response = Response(b"", status=302, headers={"Location": DESTINATION})
        else:
            response = Response(b"<html><body>Not Found</body></html>", status=404, content_type="text/html")
        response.headers["Server"] = SERVER
        return response(environ, start_response)


#: Makes a server-side TLS context whose certificate names the given host (a test CA's, or any the caller has).
ContextFactory = Callable[[str], ssl.SSLContext]


class ClickTls:
    """The https side of the click endpoint: a certificate per host while its managed certificate is valid.

    A handshake for any other name gets ``default_name``'s certificate (the V2 endpoint's own), which a client
    refuses for the tracking host: the TLS failure a viewer would see.
    """

    def __init__(self, store: DomainStore, make_context: ContextFactory, default_name: str) -> None:
        self.store = store
        self._make = make_context
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        self.context = make_context(default_name)
        self.context.sni_callback = self._pick

    def _pick(self, sock: ssl.SSLObject | ssl.SSLSocket, server_name: str | None, _: ssl.SSLContext) -> None:
        host = (server_name or "").lower()
        if host and self.store.serves_https(host):
            with self._lock:
                if host not in self._contexts:
                    self._contexts[host] = self._make(host)
                sock.context = self._contexts[host]
