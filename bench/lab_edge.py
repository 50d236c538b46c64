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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOOPBACK = "127.0.0.1"
ContextFactory = Callable[[str], ssl.SSLContext]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

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

    def _answer(self, status: int, headers: dict[str, str]) -> None:
        self.send_response_only(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _Server:
    def __init__(self, owner: Edge, tls: ssl.SSLContext | None) -> None:
        self.httpd = ThreadingHTTPServer((LOOPBACK, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = owner  # type: ignore[attr-defined]
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


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
        self._http = _Server(self, None)
        self._https = _Server(self, default)
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
