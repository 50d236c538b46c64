"""The link-replay lab's world, on loopback: SparkPost (the emulator: API, V2 click endpoint over http and
https), its V1 host, two CDN stand-ins, two DNS resolvers (one fresh, one still caching the old answers while a
change propagates), a test CA, and a client that follows a link as a browser does: DNS, TCP, TLS with the host's
name, ``GET`` with its Host.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import dns.resolver
import trustme

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider
from sparkpost_tracking.dynamic_providers.schema import check_inputs
from sparkpost_tracking.emulator import Emulator
from tests.check.fake_dns import FakeDns, Records

from .lab_edge import LOOPBACK, Edge
from .migrations import CDN_A, CDN_B, V1, V2, Host

KEY = "link-replay-lab-key"
USER_AGENT = "Mozilla/5.0 (link replay)"
REDIRECTED = "302 msys-http"


@dataclass(frozen=True)
class Link:
    scheme: str
    host: str
    path: str

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}{self.path}"


class Resolver:
    """One DNS view of the lab: a DNS server on loopback and the records it answers from."""

    def __init__(self, name: str, endpoints: list[str], stack: ExitStack) -> None:
        self.name = name
        self.server = stack.enter_context(FakeDns({e: [("A", LOOPBACK)] for e in endpoints}))
        address, port = self.server.address.split(":")
        self._resolver = dns.resolver.Resolver(configure=False)
        self._resolver.nameservers = [address]
        self._resolver.port = int(port)
        self._resolver.timeout = self._resolver.lifetime = 5.0

    @property
    def records(self) -> Records:
        return self.server.records

    def target(self, host: str) -> str | None:
        """The end of the host's CNAME chain, or None when DNS has no record for it."""
        try:
            answer = self._resolver.resolve(host, "A", search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        cnames = [str(rrset[0].target).rstrip(".") for rrset in answer.chaining_result.cnames]
        return cnames[-1] if cnames else host


class _Connection(http.client.HTTPConnection):
    """A connection to the endpoint DNS named (on loopback), with TLS for the link's host: it never asks the
    system's resolver, also when it reconnects after the server closed a kept-alive connection."""

    def __init__(self, host: str, port: int, tls: ssl.SSLContext | None) -> None:
        super().__init__(host, timeout=10)
        self._endpoint = port
        self._tls = tls

    def connect(self) -> None:
        sock = socket.create_connection((LOOPBACK, self._endpoint), timeout=self.timeout)
        if self._tls is not None:
            try:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
            except BaseException:
                sock.close()
                raise
        self.sock = sock


class Client:
    """Follows links; a connection per (view, host, scheme) is kept open within one moment (keep-alive)."""

    def __init__(self, ports: dict[str, tuple[int, int]], trust: ssl.SSLContext) -> None:
        self.ports = ports
        self.trust = trust
        self._targets: dict[tuple[str, str], str | None] = {}
        self._connections: dict[tuple[str, str, str], http.client.HTTPConnection] = {}

    def reset(self) -> None:
        """A new moment: forget DNS answers and close connections."""
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()
        self._targets.clear()

    def follow(self, view: Resolver, link: Link) -> str:
        """``REDIRECTED`` for SparkPost's redirect, else what the viewer got instead."""
        key = (view.name, link.host)
        if key not in self._targets:
            self._targets[key] = view.target(link.host)
        target = self._targets[key]
        if target is None:
            return "no DNS record"
        if target not in self.ports:
            return f"DNS points at {target}"
        for attempt in (1, 2):  # a kept-alive connection the server closed is opened again, as a browser does
            try:
                connection = self._connection(view, link, target)
                connection.request("GET", link.path, headers={"Host": link.host, "User-Agent": USER_AGENT})
                response = connection.getresponse()
                response.read()
            except ssl.SSLError as exc:
                self._drop(view, link)
                return f"TLS failure ({getattr(exc, 'reason', None) or type(exc).__name__})"
            except (http.client.HTTPException, OSError) as exc:
                self._drop(view, link)
                if attempt == 2:
                    return f"connection failed ({type(exc).__name__})"
                continue
            answer = f"{response.status} {response.getheader('server')}"
            return REDIRECTED if answer == REDIRECTED else answer
        raise AssertionError("unreachable")

    def _connection(self, view: Resolver, link: Link, target: str) -> http.client.HTTPConnection:
        key = (view.name, link.host, link.scheme)
        if key not in self._connections:
            http_port, https_port = self.ports[target]
            port = https_port if link.scheme == "https" else http_port
            self._connections[key] = _Connection(link.host, port, self.trust if link.scheme == "https" else None)
        return self._connections[key]

    def _drop(self, view: Resolver, link: Link) -> None:
        connection = self._connections.pop((view.name, link.host, link.scheme), None)
        if connection is not None:
            connection.close()


class World:
    """Everything a link travels through; ``apply`` changes one host as a ``pulumi up`` of its step would."""

    def __init__(self, stack: ExitStack) -> None:
        ca = trustme.CA()

        def server_context(host: str) -> ssl.SSLContext:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert(host).configure_cert(context)
            return context

        self.emulator = stack.enter_context(Emulator(api_keys=[KEY], click_tls=server_context))
        self.emulator.update_settings(tls_pending_reads=1)
        self.edges = {name: Edge(name, self.emulator.port, server_context, forward_any=name == V1)
                      for name in (V1, CDN_A, CDN_B)}
        for edge in self.edges.values():
            stack.callback(edge.close)
        ports = {V2: (self.emulator.port, self.emulator.click_https_port),
                 **{name: (edge.http_port, edge.https_port) for name, edge in self.edges.items()}}
        self.fresh = Resolver("fresh", list(ports), stack)
        self.stale = Resolver("stale", list(ports), stack)
        trust = ssl.create_default_context()
        ca.configure_trust(trust)
        self.client = Client(ports, trust)
        stack.callback(self.client.reset)
        self.provider = TrackingDomainProvider()
        self.outs: dict[str, dict[str, Any]] = {}
        self.hosts: dict[str, Host] = {}
        for name, value in {"SPARKPOST_API_KEY": KEY, "SPARKPOST_VERIFY_INTERVAL": "0",
                            "SPARKPOST_RETRY_BACKOFF": "0.01", "SPARKPOST_CERTIFICATE_TIMEOUT": "120"}.items():
            os.environ[name] = value

    # ---- the parts of a step, in the chain's dependency order -----------------------------------

    def add_cdns(self, name: str, host: Host) -> bool:
        before = self.hosts.get(name, Host())
        for cdn in host.cdns - before.cdns:
            self.edges[cdn].hosts.add(name)
        return bool(host.cdns - before.cdns)

    def point_dns(self, name: str, host: Host) -> bool:
        """The fresh resolver sees the new record at once; the stale one only after ``propagate``."""
        before = self.hosts.get(name, Host())
        if host.dns == before.dns:
            return False
        if host.dns is None:
            self.fresh.records.pop(name, None)
        else:
            self.fresh.records[name] = [("CNAME", host.dns)]
        return True

    def converge_sparkpost(self, name: str, host: Host) -> bool:
        """What ``pulumi up`` does to the SparkPost side: the provider's create or update, against the emulator;
        raises what the ``up`` would fail with."""
        before = self.hosts.get(name, Host())
        if host.sparkpost == before.sparkpost or host.sparkpost is None:
            return False
        news, failures = check_inputs({"domain": name, "api_url": self.emulator.base_url, **host.sparkpost})
        assert not failures, failures
        if host.sparkpost.get("managed_certificate") and self.fresh.records.get(name) != [("CNAME", V2)]:
            # Let's Encrypt asks DNS: with the CNAME not on V2 yet, SparkPost's issuance fails.
            self.emulator.fail_issuance("acme:dns", domain=name)
        if name not in self.outs:
            created = self.provider.create(news)
            assert created.outs is not None
            self.outs[name] = created.outs
        else:
            updated = self.provider.update(name, self.outs[name], news)
            assert updated.outs is not None
            self.outs[name] = updated.outs
        return True

    def remove_cdns(self, name: str, host: Host) -> bool:
        before = self.hosts.get(name, Host())
        for cdn in before.cdns - host.cdns:
            self.edges[cdn].hosts.discard(name)
        return bool(before.cdns - host.cdns)

    def settle(self, name: str, host: Host) -> None:
        self.hosts[name] = host

    def propagate(self) -> bool:
        """Every resolver has the new records (SparkPost's guide: up to 48 hours)."""
        differs = self.fresh.records != self.stale.records
        self.stale.records.clear()
        self.stale.records.update({k: list(v) for k, v in self.fresh.records.items()})
        return differs

    # ---- what a viewer sees ---------------------------------------------------------------------

    def views(self) -> Iterator[Resolver]:
        yield self.fresh
        if self.stale.records != self.fresh.records:
            yield self.stale

    def sending_host(self, hosts: list[str]) -> Link | None:
        """Where new mail's links point now: the default tracking domain among ``hosts``, as SparkPost has it."""
        for name in hosts:
            found = self.emulator.get(name)
            if found is not None and found["default"]:
                return Link("https" if found["secure"] else "http", name, "")
        return None
