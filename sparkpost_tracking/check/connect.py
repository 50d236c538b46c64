"""Connections to the tracking host, as a viewer makes them, and names for the ways they fail.

The address comes from ``--resolve`` (else the domain, through the system's resolver); TLS always sends
the domain as SNI. Every socket operation is bounded by ``--timeout``, and so is each step as a whole
(``Deadline``): a server that trickles a byte at a time would otherwise reset the socket's timeout forever.
"""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass, field
from types import TracebackType

from .options import CheckOptions


@dataclass(frozen=True)
class Failure:
    """Why a connection or an exchange did not complete: ``code`` for scripts, ``detail`` and ``hint`` for people."""

    code: str
    detail: str
    hint: str


@dataclass
class Deadline:
    """One step's whole budget (connect, TLS, headers and body together), ``seconds`` from entering.

    When it is spent, every socket it watches is shut down, which ends any read in progress, and the ``with`` block
    ends in a ``TimeoutError``, as a socket timeout would.
    """

    seconds: float
    expired: bool = False
    _sockets: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._timer.cancel()
        # Once the sockets are shut, what was read is cut short (http.client may even take the cut for the end of
        # the headers): whatever came of it, the step ran out of time.
        if self.expired and not isinstance(exc, TimeoutError):
            raise TimeoutError(f"the step took longer than {self.seconds:g} s") from exc

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing left to interrupt


def open_socket(options: CheckOptions, port: int, deadline: Deadline) -> socket.socket:
    return deadline.watch(socket.create_connection((options.address(port), port), timeout=options.timeout))


def tls_socket(context: ssl.SSLContext, raw: socket.socket, domain: str, deadline: Deadline) -> ssl.SSLSocket:
    """TLS over ``raw`` with ``domain`` as SNI. The TLS socket takes over the file descriptor, so the deadline
    watches it before the handshake starts: a handshake trickled byte by byte is cut short too."""
    tls = context.wrap_socket(raw, server_hostname=domain, do_handshake_on_connect=False)
    deadline.watch(tls)
    tls.do_handshake()
    return tls


def unverified_context() -> ssl.SSLContext:
    """A context that accepts any certificate: the TLS step judges the certificate, the request steps do not."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def where(options: CheckOptions, port: int) -> str:
    address = options.address(port)
    return f"{options.domain}:{port}" + ("" if address == options.domain else f" (at {address})")


def classify(exc: BaseException, options: CheckOptions, port: int) -> Failure:
    """A connection-level error as a failure of the step that met it."""
    target = where(options, port)
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError
        return Failure("timeout", f"no complete answer from {target} within {options.timeout:g} s",
                       "the CDN does not answer on this port: check that it serves it and that DNS points at it")
    if isinstance(exc, ConnectionRefusedError):
        return Failure("refused", f"connection to {target} refused",
                       "nothing listens on this port: the CDN must serve both http (80) and https (443)")
    if isinstance(exc, socket.gaierror):
        return Failure("unresolved", f"cannot resolve {options.address(port)}: {exc.strerror}",
                       "the host has no address: fix DNS (see the dns step)")
    if isinstance(exc, ssl.SSLError):
        return Failure("tls_handshake", f"TLS handshake with {target} failed: {exc.reason or exc}",
                       "the CDN has no certificate for this host name (SNI), or does not speak TLS on this port")
    if isinstance(exc, ConnectionError):
        return Failure("connection_lost", f"{target} closed the connection: {exc}",
                       "the CDN dropped the request: check its configuration for this host")
    return Failure("unreachable", f"cannot reach {target}: {exc}", "check the network path to the CDN")
