"""A CDN stand-in for the link-replay lab: an edge that serves the hosts it is configured for, over http and https.

An edge holds, per host, its configuration (the host as an alternate domain name) and, for https, a certificate
for the host (issued through DNS validation, so it can exist before DNS points at the edge). A request for a
configured host is forwarded to the origin (SparkPost's click endpoint) with its Host and User-Agent, and the
origin's answer relayed (``server: msys-http`` included, as CloudFront and Fastly do). A host the edge does not
know gets the edge's own 421; a TLS handshake for it gets the edge's own certificate, which a client refuses.
SparkPost's V1 host (``spgo.io``) is an edge too: it forwards every host over http and has a certificate for
its own name only.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from collections.abc import Callable

from tests.check.fake_chain import LOOPBACK, LoopbackServer, QuietHandler

ContextFactory = Callable[[str], ssl.SSLContext]


class _Handler(QuietHandler):
    def do_GET(self) -> None:
        edge: Edge = self.server.owner  # type: ignore[attr-defined]
        host = self.headers.get("Host", "").split(":")[0].lower()
        if not edge.forwards(host):
            return self._answer(421, {"Server": edge.name})
        upstream = http.client.HTTPConnection(LOOPBACK, edge.origin_port, timeout=10)
        try:
            upstream.request("GET", self.path, headers={"Host": host,
                                                        "User-Agent": self.headers.get("User-Agent", "")})
            response = upstream.getresponse()
            response.read()
            relayed = {k: v for k, v in response.getheaders()
                       if k.lower() not in ("content-length", "connection", "date")}
        finally:
            upstream.close()
        self._answer(response.status, relayed)


class Edge:
    """One edge on loopback (``http_port``, ``https_port``) in front of the origin at ``origin_port``."""

    def __init__(self, name: str, origin_port: int, make_context: ContextFactory, *, forward_any: bool = False) -> None:
        self.name = name
        self.origin_port = origin_port
        self.forward_any = forward_any
        self.hosts: set[str] = set()
        """The hosts configured at this edge, each with a validated certificate."""
        self._make = make_context
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        default = make_context(name)
        default.sni_callback = self._pick
        self._http = LoopbackServer(_Handler, self)
        self._https = LoopbackServer(_Handler, self, tls=default)
        self.http_port, self.https_port = self._http.port, self._https.port

    def forwards(self, host: str) -> bool:
        return self.forward_any or host in self.hosts

    def _pick(self, sock: ssl.SSLObject | ssl.SSLSocket, server_name: str | None, _: ssl.SSLContext) -> None:
        host = (server_name or "").lower()
        with self._lock:
            if host in self.hosts:
                if host not in self._contexts:
                    self._contexts[host] = self._make(host)
                sock.context = self._contexts[host]

    def close(self) -> None:
        self._http.close()
        self._https.close()
