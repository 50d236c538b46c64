"""A tracking chain on loopback: a fake SparkPost click endpoint behind a fake CDN that serves http and https.

- ``FakeSparkPost`` answers a click like SparkPost (302, ``server: msys-http``, ``content-length: 0``) only when
  the request names one of its tracking domains in Host (or ``X-Forwarded-Host``, as CloudFront sends it) and
  carries a User-Agent; anything else gets 404 from ``msys-http`` (what SparkPost answers then is not
  documented; a non-302 is all the check relies on). It records what reached it.
- ``FakeCdn`` terminates TLS with a given certificate and forwards to the origin, keeping Host and User-Agent
  unless told to break the chain in one of the ways ``check`` must name.
- ``Hang`` accepts connections (the kernel does) and never answers.
- ``RawServer`` answers each connection with a function of its socket: a reset (``reset``), or bytes that are not
  HTTP after the request (``not_http``).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import trustme

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Seen:
    host: str | None
    forwarded_host: str | None
    user_agent: str | None
    path: str


class LoopbackServer:
    """A ThreadingHTTPServer on a free loopback port, served from a thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], owner: Any, tls: ssl.SSLContext | None = None) -> None:
        self.httpd = ThreadingHTTPServer((LOOPBACK, 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = owner  # type: ignore[attr-defined]
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1, no access log; ``_answer`` sends a status and headers with an empty body."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, headers: dict[str, str]) -> None:
        self.send_response_only(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _ClickHandler(QuietHandler):
    def do_GET(self) -> None:
        origin: FakeSparkPost = self.server.owner  # type: ignore[attr-defined]
        seen = Seen(self.headers.get("Host"), self.headers.get("X-Forwarded-Host"), self.headers.get("User-Agent"),
                    self.path)
        origin.seen.append(seen)
        host = (seen.forwarded_host or seen.host or "").split(":")[0].lower()
        known = self.path.startswith("/f/") and host in origin.domains and bool(seen.user_agent)
        self.send_response_only(302 if known else 404)
        self.send_header("Server", "msys-http")
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "0")
        self.send_header("X-Robots-Tag", "noindex")
        self.end_headers()


class FakeSparkPost:
    def __init__(self, domains: Iterable[str]) -> None:
        self.domains = {d.lower() for d in domains}
        self.seen: list[Seen] = []
        self._server = LoopbackServer(_ClickHandler, self)
        self.host = f"{LOOPBACK}:{self._server.port}"

    def close(self) -> None:
        self._server.close()


@dataclass
class CdnBehaviour:
    """How the fake CDN treats a request; the defaults are a correct CDN."""

    rewrite_host: bool = False  # send the origin's own name as Host (Fastly "Override host", a Cloudflare rule)
    drop_user_agent: bool = False
    server_header: str | None = None  # replace SparkPost's ``server`` (Cloudflare does)
    edge_status: dict[str, int] = field(default_factory=dict)  # scheme -> a status the edge answers itself
    http_redirects_to_https: bool = False  # Cloudflare's "Always Use HTTPS"
    redirect_to: str | None = None  # answer 302 to this Location (``{url}`` = the request's own URL, a loop)
    redirect_status: int = 302  # the status of that redirect (SparkPost's is 302; a CDN rule may send 301)
    trickle_every: float | None = None  # send the answer one byte at a time, this many seconds apart, forever


class _CdnHandler(QuietHandler):
    def do_GET(self) -> None:
        cdn: FakeCdn = self.server.owner  # type: ignore[attr-defined]
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        behaviour = cdn.behaviour
        host = self.headers.get("Host", "")
        if scheme in behaviour.edge_status:
            return self._answer(behaviour.edge_status[scheme], {"Server": "cloudflare"})
        if behaviour.trickle_every is not None:
            return self._trickle(behaviour.trickle_every)
        if behaviour.redirect_to is not None:
            location = behaviour.redirect_to.format(url=f"{scheme}://{host}{self.path}")
            return self._answer(behaviour.redirect_status, {"Server": "msys-http", "Location": location})
        if scheme == "http" and behaviour.http_redirects_to_https:
            return self._answer(301, {"Server": "cloudflare", "Location": f"https://{host}{self.path}"})
        headers = {"Host": cdn.origin.host if behaviour.rewrite_host else host, "X-Forwarded-For": LOOPBACK}
        if not behaviour.drop_user_agent and self.headers.get("User-Agent") is not None:
            headers["User-Agent"] = self.headers["User-Agent"]
        upstream = http.client.HTTPConnection(cdn.origin.host, timeout=5)
        try:
            upstream.request("GET", self.path, headers=headers)
            response = upstream.getresponse()
            response.read()
            relayed = {k: v for k, v in response.getheaders() if k.lower() not in ("content-length", "connection")}
        finally:
            upstream.close()
        if behaviour.server_header is not None:
            relayed["Server"] = behaviour.server_header
        self._answer(response.status, relayed)

    def _trickle(self, seconds: float) -> None:
        """A status line, then a header byte every ``seconds``: each byte resets a reader's socket timeout."""
        self.wfile.write(b"HTTP/1.1 302 Found\r\nX-Slow: ")
        while not self.server.owner.closed.wait(seconds):  # type: ignore[attr-defined]
            try:
                self.wfile.write(b"a")
                self.wfile.flush()
            except OSError:
                return  # the client gave up


class FakeCdn:
    """Serves http and (unless ``https=False``) https for any host, with ``leaf`` as its certificate."""

    def __init__(self, origin: FakeSparkPost, leaf: trustme.LeafCert, behaviour: CdnBehaviour | None = None,
                 *, https: bool = True) -> None:
        self.origin = origin
        self.behaviour = behaviour or CdnBehaviour()
        self.closed = threading.Event()  # ends the trickling answers
        self._http = LoopbackServer(_CdnHandler, self)
        self._https: LoopbackServer | None = None
        if https:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            leaf.configure_cert(context)
            self._https = LoopbackServer(_CdnHandler, self, tls=context)
        self.http_port = self._http.port
        self.https_port = self._https.port if self._https else closed_port()

    def close(self) -> None:
        self.closed.set()
        for server in (self._http, self._https):
            if server is not None:
                server.close()


class Hang:
    """A listening socket that is never accepted from: connections open, and nothing ever answers."""

    def __init__(self) -> None:
        self._sock = socket.create_server((LOOPBACK, 0), backlog=16)
        self.port = int(self._sock.getsockname()[1])

    def __enter__(self) -> Hang:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._sock.close()


def closed_port() -> int:
    """A loopback port nobody listens on (it was free a moment ago, and loopback ports are not reused at once)."""
    with socket.create_server((LOOPBACK, 0)) as sock:
        return int(sock.getsockname()[1])


class RawServer:
    """A loopback server that hands each connection it accepts to ``answer`` (in its own thread), then closes it."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self._answer = answer
        self._sock = socket.create_server((LOOPBACK, 0), backlog=16)
        self.port = int(self._sock.getsockname()[1])
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, name="raw-server", daemon=True)

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._sock.shutdown(socket.SHUT_RDWR)  # ends the accept in progress
        self._sock.close()
        self._thread.join()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.accepted += 1
            with conn:
                self._answer(conn)


def reset(conn: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a CDN that drops the connection does."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def not_http(answer: bytes) -> Callable[[socket.socket], None]:
    """Read the request's head, then send ``answer`` (say, another protocol's greeting) and close."""
    def send(conn: socket.socket) -> None:
        conn.settimeout(5)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = conn.recv(4096)
            if not chunk:
                return
            received += chunk
        conn.sendall(answer)

    return send
