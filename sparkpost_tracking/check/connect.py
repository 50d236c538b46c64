"""Connections to the tracking host, as a viewer makes them, and names for the ways they fail.

The address comes from ``--resolve`` (else the domain, through the system's resolver); TLS always sends
the domain as SNI. Every socket operation is bounded by ``--timeout``.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass

from .options import CheckOptions


@dataclass(frozen=True)
class Failure:
    """Why a connection or an exchange did not complete: ``code`` for scripts, ``detail`` and ``hint`` for people."""

    code: str
    detail: str
    hint: str


def open_socket(options: CheckOptions, port: int) -> socket.socket:
    return socket.create_connection((options.address(port), port), timeout=options.timeout)


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
        return Failure("timeout", f"no answer from {target} within {options.timeout:g} s",
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
