"""The clouds a stack's resources live in, on loopback, configured from the resources themselves: Route 53 and
Cloudflare zones answering real DNS, CloudFront, Fastly and Cloudflare's proxy as edges that serve http and https,
ACM and Fastly TLS certificates, SparkPost's legacy hosts and its two regions (two emulators, each its own
account). A ``pulumi up`` is replayed step by step (``apply``), refusing what each cloud refuses, and a link is
followed as a browser follows it (``Browser``).

Each cloud reads the resources' inputs as its own documentation says (CloudFront's, Fastly's and Cloudflare's
developer guides and the providers' resource docs; SparkPost's CDN article in ../shared/spec/cdn-requirements.md).
Nothing here reads the project's serving declarations or ``review``: the lab is the independent witness review is
checked against.

What each edge does with a request for host H:
- CloudFront: the enabled distribution listing H in ``aliases`` serves it, with its viewer certificate if that
  certificate (ACM, issued) names H; the cache behavior whose path pattern matches (else the default) picks the
  origin and the viewer protocol policy (``https-only`` refuses http, ``redirect-to-https`` redirects it); the
  request goes to the origin's domain name, on the port of the protocol the origin protocol policy picks, under
  the origin path, with the origin's custom headers, the origin's domain as Host (the viewer's only when the origin
  request policy forwards Host) and the viewer's User-Agent only when that policy forwards it.
- Fastly: the service listing H serves it over https with an issued TLS subscription naming H; ``force_ssl``
  redirects http; the first backend gets the request (Host: ``override_host`` or H), over TLS when ``use_ssl`` on
  its port, and fails (503) when the backend's certificate does not match ``ssl_cert_hostname`` (checked unless
  ``ssl_check_cert`` is false) or the host is not an origin.
- Cloudflare: a proxied record named H sends H to Cloudflare's edge, which serves https with Universal SSL (the
  zone's apex and one level below it) and forwards to the record's content with Host H; a rule setting SSL
  ``strict`` answers 526 (SparkPost's certificate does not name H).
- SparkPost: its legacy host (``spgo.io``, ``eu.spgo.io``) takes any Host over http (X-Forwarded-Host first) and
  answers from its region's account; over https it has a certificate for its own name only. Its V2 host
  (``v2.spgo.io``) serves managed-HTTPS domains (the emulator's click endpoint, https while the managed certificate
  is valid).
"""

from __future__ import annotations

import fnmatch
import http.client
import json
import os
import socket
import ssl
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, Final

import dns.exception
import dns.resolver
import trustme

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider
from sparkpost_tracking.dynamic_providers.errors import SparkPostTrackingError
from sparkpost_tracking.dynamic_providers.schema import check_inputs
from sparkpost_tracking.emulator import Emulator
from tests.check.fake_chain import LOOPBACK, LoopbackServer, QuietHandler
from tests.check.fake_dns import FakeDns
from tests.review.engine_plan import Planned, Resource

KEY: Final[str] = "cloud-lab-key"
USER_AGENT: Final[str] = "Mozilla/5.0 (cloud lab)"
#: SparkPost's legacy tracking hosts (a CDN's origin) and V2 hosts (managed HTTPS), by region.
LEGACY: Final[dict[str, str]] = {"spgo.io": "us", "eu.spgo.io": "eu"}
V2: Final[dict[str, str]] = {"v2.spgo.io": "us", "eu.v2.spgo.io": "eu"}
CLOUDFLARE_EDGE: Final[str] = "cloudflare-proxy.lab"
#: The headers the lab's SparkPost stand-in adds: the account that answered and the domain it recognised.
ACCOUNT_HEADER, DOMAIN_HEADER = "x-lab-account", "x-lab-domain"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
ORIGIN_REQUEST_POLICY = "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
ACM = "aws:acm/certificate:Certificate"
ACM_VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
ROUTE53 = "aws:route53/record:Record"
CF_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
CF_RULESET = "cloudflare:index/ruleset:Ruleset"
FASTLY_SERVICE = "fastly:index/serviceVcl:ServiceVcl"
FASTLY_TLS = "fastly:index/tlsSubscription:TlsSubscription"
FASTLY_VALIDATION = "fastly:index/tlsSubscriptionValidation:TlsSubscriptionValidation"
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"


class Refused(Exception):
    """What a cloud answers to a step it does not carry out: the ``up`` stops there."""


@dataclass(frozen=True)
class Zone:
    id: str
    provider: str  # "route53" or "cloudflare"
    apex: str


def _host(value: Any) -> str:
    return str(value or "").strip().rstrip(".").lower()


def _get(props: Mapping[str, Any], *path: str, default: Any = None) -> Any:
    value: Any = props
    for key in path:
        if not isinstance(value, Mapping) or value.get(key) is None:
            return default
        value = value[key]
    return value


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class _EdgeHandler(QuietHandler):
    def do_GET(self) -> None:
        edge: _Server = self.server.owner  # type: ignore[attr-defined]
        host = self.headers.get("Host", "").split(":")[0].lower()
        answer = edge.serve(host, self.path, dict(self.headers))
        self._answer(answer.status, answer.headers)


class Edge:
    """One edge on loopback, http and https; ``serve`` and ``certificate`` decide per host."""

    def __init__(self, name: str, ca: trustme.CA, serve: Callable[[str, str, str, dict[str, str]], Answer],
                 certificate: Callable[[str], bool]) -> None:
        self.name = name
        self._serve = serve
        self._certificate = certificate
        self._ca = ca
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        default = self._context(name)
        default.sni_callback = self._pick
        self._http = _Server(self, "http")
        self._https = _Server(self, "https", default)
        self.ports = (self._http.port, self._https.port)

    def _context(self, host: str) -> ssl.SSLContext:
        with self._lock:
            if host not in self._contexts:
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                context.num_tickets = 0  # no session tickets: with them, Nagle holds the answer back ~40 ms
                self._ca.issue_cert(host).configure_cert(context)
                self._contexts[host] = context
            return self._contexts[host]

    def _pick(self, sock: ssl.SSLObject | ssl.SSLSocket, server_name: str | None, _: ssl.SSLContext) -> None:
        host = (server_name or "").lower()
        if host and self._certificate(host):
            sock.context = self._context(host)

    def close(self) -> None:
        self._http.close()
        self._https.close()


class _Server:
    def __init__(self, edge: Edge, scheme: str, tls: ssl.SSLContext | None = None) -> None:
        self.scheme = scheme
        self.edge = edge
        self.server = LoopbackServer(_EdgeHandler, self, tls=tls)
        self.port = self.server.port

    def serve(self, host: str, path: str, headers: dict[str, str]) -> Answer:
        return self.edge._serve(self.scheme, host, path, headers)

    def close(self) -> None:
        self.server.close()


class Cloud:
    """The world of one stack; ``load`` sets it up as state says, ``apply`` runs one step of an ``up``."""

    def __init__(self, stack: ExitStack, zones: list[Zone], fastly_addresses: list[str],
                 imported_certificates: Mapping[str, set[str]]) -> None:
        self.ca = trustme.CA()
        self.zones = {z.id: z for z in zones}
        self.fastly_addresses = {_host(a) for a in fastly_addresses}
        self.imported = dict(imported_certificates)
        self.emulators: dict[str, Emulator] = {}
        for region in ("us", "eu"):
            self.emulators[region] = stack.enter_context(Emulator(api_keys=[KEY], click_tls=self._server_context))
            self.emulators[region].update_settings(tls_pending_reads=1)
        self.edges = {
            "cloudfront": Edge("cloudfront.lab", self.ca, self._cloudfront, self._cloudfront_certificate),
            "fastly": Edge("fastly.lab", self.ca, self._fastly, self._fastly_certificate),
            "cloudflare": Edge(CLOUDFLARE_EDGE, self.ca, self._cloudflare, self._cloudflare_certificate),
            **{name: Edge(name, self.ca, self._legacy_for(name), _named(name)) for name in LEGACY},
        }
        for edge in self.edges.values():
            stack.callback(edge.close)
        #: Fresh and stale resolvers (still caching what the zones said before), for A and AAAA queries.
        self.dns = {family: stack.enter_context(FakeDns({})) for family in ("v4", "v6")}
        self.stale = {family: stack.enter_context(FakeDns({})) for family in ("v4", "v6")}
        self.provider = TrackingDomainProvider()
        for name, value in {"SPARKPOST_API_KEY": KEY, "SPARKPOST_VERIFY_INTERVAL": "0",
                            "SPARKPOST_RETRY_BACKOFF": "0.01", "SPARKPOST_CERTIFICATE_TIMEOUT": "5",
                            "SPARKPOST_VERIFY_TIMEOUT": "0.1"}.items():
            os.environ[name] = value
        #: What exists now, by URN; a replaced resource's old copy waits in ``condemned`` until deleted.
        self.resources: dict[str, Resource] = {}
        self.condemned: dict[str, Resource] = {}
        #: The SparkPost side as the provider left it (its outputs), by URN (a replaced one's apart).
        self.sparkpost: dict[str, dict[str, Any]] = {}
        self.sparkpost_condemned: dict[str, dict[str, Any]] = {}
        self._seeding = False
        #: The accounts a step has written to since the last reset.
        self._dirty: set[str] = set()
        self._authoritative: dict[str, str] = {}
        self._base: tuple[dict[str, Resource], dict[str, dict[str, Any]]] | None = None

    def _server_context(self, host: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.num_tickets = 0
        self.ca.issue_cert(host).configure_cert(context)
        return context

    def trust(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    # ---- the state of the world --------------------------------------------------------------------------

    def load(self, resources: list[Resource]) -> None:
        """The world as state says it has been for a while (every SparkPost domain live)."""
        self.resources = {r.urn: r for r in resources}
        self.condemned = {}
        self._authoritative = {}
        for resource in resources:
            zone = self._zone_of(resource)
            if zone and resource.type in (ROUTE53, CF_RECORD):
                self._authoritative.setdefault(_host(resource.inputs.get("name")), zone.id)
        self.sparkpost, self.sparkpost_condemned = {}, {}
        self.publish()
        self.propagate()
        for region in self.emulators:
            self._seed(region)
        self._base = (dict(self.resources), {k: dict(v) for k, v in self.sparkpost.items()})

    def reset(self) -> None:
        """Back to what ``load`` set up (a SparkPost account seeded again only where it changed)."""
        assert self._base is not None
        resources, sparkpost = self._base
        self.resources, self.condemned = dict(resources), {}
        self.sparkpost = {k: dict(v) for k, v in sparkpost.items()}
        self.sparkpost_condemned = {}
        self.publish()
        self.propagate()
        for region in sorted(self._dirty):
            self._seed(region)
        self._dirty.clear()

    def _seed(self, region: str) -> None:
        emulator = self.emulators[region]
        emulator.reset()
        emulator.update_settings(tls_pending_reads=1)
        self._seeding = True
        try:
            for resource in self.resources.values():
                if resource.type == TRACKING_DOMAIN and str(resource.inputs.get("region") or "us") == region:
                    self.sparkpost[resource.urn] = self._converge(None, resource)
        finally:
            self._seeding = False

    def _zone_of(self, resource: Resource) -> Zone | None:
        zone = self.zones.get(str(resource.inputs.get("zoneId", "")))
        wanted = "route53" if resource.type == ROUTE53 else "cloudflare"
        return zone if zone and zone.provider == wanted else None

    def _records(self) -> Iterator[tuple[Resource, Zone]]:
        for resource in self.resources.values():
            if resource.type in (ROUTE53, CF_RECORD):
                zone = self._zone_of(resource)
                if zone is not None:
                    yield resource, zone

    def _visible(self, resource: Resource, zone: Zone) -> bool:
        """A record answers only from the zone its name is delegated to (the first that held it)."""
        name = _host(resource.inputs.get("name"))
        return self._authoritative.setdefault(name, zone.id) == zone.id

    def _answer(self, resource: Resource, family: str) -> str | None:
        """Where a record sends its name for an A (``v4``) or AAAA (``v6``) query: a CNAME's target, a Route 53
        alias's, Cloudflare's edge when proxied (it answers both); None when the record does not answer it."""
        props = resource.inputs
        kind = str(props.get("type", "")).upper()
        answers = {"CNAME", "A" if family == "v4" else "AAAA"}
        if resource.type == CF_RECORD:
            if props.get("proxied") is True and kind in ("CNAME", "A", "AAAA"):
                return CLOUDFLARE_EDGE
            return _host(props.get("content")) if kind == "CNAME" else None
        if kind not in answers:
            return None
        aliases = _items(props.get("aliases"))
        if aliases:
            return _host(aliases[0].get("name"))
        records = props.get("records")
        if kind == "CNAME" and isinstance(records, list) and records:
            return _host(records[0])
        return None

    def _view(self, family: str) -> dict[str, list[tuple[str, str]]]:
        records: dict[str, list[tuple[str, str]]] = {}
        for resource, zone in self._records():
            if not self._visible(resource, zone):
                continue
            target = self._answer(resource, family)
            name = _host(resource.inputs.get("name"))
            if target and name not in records:
                records[name] = [("CNAME", target)]
                if self.endpoint(target):
                    records.setdefault(target, [("A", LOOPBACK)])
        for name in (*LEGACY, *V2, CLOUDFLARE_EDGE, *self.fastly_addresses):
            records.setdefault(name, [("A", LOOPBACK)])
        return records

    def publish(self) -> None:
        """DNS as the zones now hold it (what a fresh resolver sees), for IPv4 and IPv6 clients."""
        for family, server in self.dns.items():
            records = self._view(family)
            server.records.clear()
            server.records.update(records)

    def views(self, *, stale: bool = True) -> list[tuple[str, FakeDns]]:
        """The DNS views that differ: fresh IPv4 first, then IPv6 and resolvers still caching the old records."""
        found = [("fresh DNS", self.dns["v4"])]
        if self.dns["v6"].records != self.dns["v4"].records:
            found.append(("fresh DNS, IPv6", self.dns["v6"]))
        for family, server in self.stale.items():
            if stale and server.records != self.dns[family].records:
                found.append((f"stale DNS{', IPv6' if family == 'v6' else ''}", server))
        return found

    def propagate(self) -> bool:
        """Every resolver has the zones' records now."""
        differs = False
        for family, server in self.stale.items():
            differs = differs or server.records != self.dns[family].records
            server.records.clear()
            server.records.update({k: list(v) for k, v in self.dns[family].records.items()})
        return differs

    def endpoint(self, name: str) -> tuple[str, tuple[int, int]] | None:
        """The edge (or V2 host) a DNS name leads to: (its name, (http port, https port))."""
        name = _host(name)
        if name.endswith(".cloudfront.net"):
            return "cloudfront", self.edges["cloudfront"].ports
        if name in self.fastly_addresses:
            return "fastly", self.edges["fastly"].ports
        if name == CLOUDFLARE_EDGE:
            return "cloudflare", self.edges["cloudflare"].ports
        if name in LEGACY:
            return name, self.edges[name].ports
        if name in V2:
            emulator = self.emulators[V2[name]]
            return name, (emulator.port, emulator.click_https_port)
        return None

    def touched(self, step: Planned, hosts: set[str]) -> set[str]:
        """The hosts a step may change the way of: those its resource names, or names something of theirs
        (a certificate's ARN, a policy's or a subscription's id) that the resource names."""
        text = json.dumps([r.inputs | r.outputs for r in (step.old, step.new) if r is not None], default=str)
        text += " ".join(r.id for r in (step.old, step.new) if r is not None)
        found = set()
        everything = [*self.resources.values(), *self.condemned.values(), *(r for r in (step.old, step.new) if r)]
        for host in hosts:
            if host in text:
                found.add(host)
                continue
            own = [r for r in everything if host in json.dumps(r.inputs, default=str)]
            tokens = {t for r in own for t in (r.id, r.outputs.get("arn")) if isinstance(t, str) and t}
            if any(token in text for token in tokens):
                found.add(host)
        return found

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in [*self.resources.values(), *self.condemned.values()] if r.type == type_]

    # ---- SparkPost ---------------------------------------------------------------------------------------

    def _origin(self, address: str, scheme: str, port: int, path: str, host: str, forwarded: str | None,
                user_agent: str | None) -> Answer:
        """A CDN's request to its origin: SparkPost's legacy host of a region answers, on 80 (http) or 443."""
        region = LEGACY.get(_host(address))
        if region is None:
            return Answer(502, {"server": "lab-cdn"})  # an origin the lab has no server for
        if port != (443 if scheme == "https" else 80):
            return Answer(504, {"server": "lab-cdn"})  # nothing listens there
        return self._sparkpost(region, path, host, forwarded, user_agent)

    def _sparkpost(self, region: str, path: str, host: str, forwarded: str | None, user_agent: str | None) -> Answer:
        emulator = self.emulators[region]
        connection = http.client.HTTPConnection(LOOPBACK, emulator.port, timeout=10)
        headers = {"Host": host, "User-Agent": user_agent or ""}
        if forwarded:
            headers["X-Forwarded-Host"] = forwarded
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        relayed = {k: v for k, v in response.getheaders() if k.lower() in ("server", "location")}
        relayed[ACCOUNT_HEADER] = region
        relayed[DOMAIN_HEADER] = _host(forwarded or host)
        return Answer(response.status, relayed)

    def _legacy_for(self, name: str) -> Callable[[str, str, str, dict[str, str]], Answer]:
        def serve(scheme: str, host: str, path: str, headers: dict[str, str]) -> Answer:
            return self._sparkpost(LEGACY[name], path, host, headers.get("X-Forwarded-Host"),
                                   headers.get("User-Agent"))
        return serve

    # ---- CloudFront --------------------------------------------------------------------------------------

    def _distribution(self, host: str) -> Resource | None:
        for resource in self.of_type(DISTRIBUTION):
            if resource.inputs.get("enabled") is True and host in {_host(a) for a in resource.inputs.get(
                    "aliases") or []}:
                return resource
        return None

    def _acm_names(self, arn: Any) -> set[str] | None:
        """The names of an issued ACM certificate (one the stack made, or imported by hand)."""
        if not isinstance(arn, str):
            return None
        if arn in self.imported:
            return self.imported[arn]
        validated = {v.inputs.get("certificateArn") for v in self.of_type(ACM_VALIDATION)}
        for certificate in self.of_type(ACM):
            if certificate.outputs.get("arn") == arn and arn in validated:
                return {_host(certificate.inputs.get("domainName")),
                        *(_host(n) for n in certificate.inputs.get("subjectAlternativeNames") or [])}
        return None

    def _cloudfront_certificate(self, host: str) -> bool:
        distribution = self._distribution(host)
        if distribution is None:
            return False
        viewer = distribution.inputs.get("viewerCertificate") or {}
        if viewer.get("cloudfrontDefaultCertificate") is True:
            return False
        return _covers(self._acm_names(viewer.get("acmCertificateArn")), host)

    def _cloudfront(self, scheme: str, host: str, path: str, headers: dict[str, str]) -> Answer:
        distribution = self._distribution(host)
        if distribution is None:
            return Answer(403, {"server": "CloudFront"})
        props = distribution.inputs
        behavior = props.get("defaultCacheBehavior") or {}
        for ordered in _items(props.get("orderedCacheBehaviors")):
            if fnmatch.fnmatch(path.split("?")[0], str(ordered.get("pathPattern") or "")):
                behavior = ordered
                break
        viewer_policy = behavior.get("viewerProtocolPolicy", "allow-all")
        if scheme == "http" and viewer_policy == "https-only":
            return Answer(403, {"server": "CloudFront"})
        if scheme == "http" and viewer_policy == "redirect-to-https":
            return Answer(301, {"server": "CloudFront", "location": f"https://{host}{path}"})
        origin = next((o for o in _items(props.get("origins")) if o.get("originId") == behavior.get(
            "targetOriginId")), None)
        if origin is None:
            return Answer(502, {"server": "CloudFront"})
        config = origin.get("customOriginConfig") or {}
        protocol = {"http-only": "http", "https-only": "https"}.get(str(config.get("originProtocolPolicy")), scheme)
        port = config.get(f"{protocol}Port")
        port = int(port) if isinstance(port, int | float) else (443 if protocol == "https" else 80)
        custom = {str(h.get("name", "")).lower(): str(h.get("value", "")) for h in _items(origin.get(
            "customHeaders"))}
        policy = self._request_policy(behavior.get("originRequestPolicyId"))
        sent_host = host if _forwards_header(policy, "host") else _host(origin.get("domainName"))
        agent = headers.get("User-Agent") if _forwards_header(policy, "user-agent") else "Amazon CloudFront"
        answer = self._origin(str(origin.get("domainName")), protocol, port, f"{origin.get('originPath') or ''}{path}",
                              sent_host, custom.get("x-forwarded-host"), agent)
        answer.headers.setdefault("server", "CloudFront")
        return answer

    def _request_policy(self, policy_id: Any) -> Mapping[str, Any] | None:
        for policy in self.of_type(ORIGIN_REQUEST_POLICY):
            if policy.id == policy_id:
                return policy.inputs
        return None

    # ---- Fastly ------------------------------------------------------------------------------------------

    def _service(self, host: str) -> Resource | None:
        for service in self.of_type(FASTLY_SERVICE):
            if host in {_host(d.get("name")) for d in _items(service.inputs.get("domains"))}:
                return service
        return None

    def _fastly_certificate(self, host: str) -> bool:
        validated = {v.inputs.get("subscriptionId") for v in self.of_type(FASTLY_VALIDATION)}
        return any(host in {_host(d) for d in s.inputs.get("domains") or []} and s.id in validated
                   for s in self.of_type(FASTLY_TLS))

    def _fastly(self, scheme: str, host: str, path: str, headers: dict[str, str]) -> Answer:
        service = self._service(host)
        if service is None:
            return Answer(500, {"server": "Varnish"})  # Fastly: "unknown domain"
        props = service.inputs
        if scheme == "http" and any(s.get("forceSsl") for s in _items(props.get("requestSettings"))):
            return Answer(301, {"server": "Varnish", "location": f"https://{host}{path}"})
        backends = _items(props.get("backends"))
        if not backends:
            return Answer(503, {"server": "Varnish"})
        backend = backends[0]
        address = _host(backend.get("address"))
        tls = backend.get("useSsl") is True
        if tls and backend.get("sslCheckCert") is not False:
            expected = _host(backend.get("sslCertHostname") or backend.get("address"))
            if expected != address or address not in LEGACY:
                return Answer(503, {"server": "Varnish"})  # the origin's certificate does not match
        port = backend.get("port")
        answer = self._origin(address, "https" if tls else "http", int(port) if isinstance(port, int | float) else 80,
                              path,
                              _host(backend.get("overrideHost")) or host, None, headers.get("User-Agent"))
        answer.headers.setdefault("server", "Varnish")
        return answer

    # ---- Cloudflare --------------------------------------------------------------------------------------

    def _proxied(self, host: str) -> tuple[Resource, Zone] | None:
        for resource, zone in self._records():
            if (resource.type == CF_RECORD and resource.inputs.get("proxied") is True
                    and _host(resource.inputs.get("name")) == host and self._visible(resource, zone)):
                return resource, zone
        return None

    def _cloudflare_certificate(self, host: str) -> bool:
        found = self._proxied(host)
        if found is None:
            return False
        apex = found[1].apex
        return host == apex or (host.endswith("." + apex) and "." not in host[:-len(apex) - 1])

    def _cloudflare(self, scheme: str, host: str, path: str, headers: dict[str, str]) -> Answer:
        found = self._proxied(host)
        if found is None:
            return Answer(403, {"server": "cloudflare"})  # error 1001
        record, zone = found
        for ruleset in self.of_type(CF_RULESET):
            if ruleset.inputs.get("zoneId") != zone.id:
                continue
            for rule in _items(ruleset.inputs.get("rules")):
                if rule.get("enabled") is False or host not in str(rule.get("expression", "")):
                    continue
                if _get(rule, "actionParameters", "ssl") in ("strict", "origin_pull"):
                    return Answer(526, {"server": "cloudflare"})
        target = _host(record.inputs.get("content"))
        if target in LEGACY:
            answer = self._origin(target, "https", 443, path, host, None, headers.get("User-Agent"))
        else:
            answer = self._through(target, path, host, headers)
        answer.headers["server"] = "cloudflare"
        return answer

    def _through(self, target: str, path: str, host: str, headers: dict[str, str]) -> Answer:
        """Cloudflare forwarding to another endpoint (a CDN) with the viewer's Host."""
        found = self.endpoint(target)
        if found is None or found[0] == "cloudflare":
            return Answer(522, {})
        name, (http_port, _https) = found
        if name in V2:
            return self._sparkpost(V2[name], path, host, None, headers.get("User-Agent"))
        connection = http.client.HTTPConnection(LOOPBACK, http_port, timeout=10)
        try:
            connection.request("GET", path, headers={"Host": host, "User-Agent": headers.get("User-Agent", "")})
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()
                                        if k.lower() in ("server", "location", ACCOUNT_HEADER, DOMAIN_HEADER)})

    # ---- one step of an up -------------------------------------------------------------------------------

    def apply(self, step: Planned) -> None:
        """What the cloud does with one step; raises ``Refused`` for what it refuses (nothing changes then)."""
        try:
            if step.op == "same" and step.old is not None and step.new is not None:
                self._move(step.old, step.new)
            elif step.op == "create" and step.new is not None:
                self._create(step.new)
            elif step.op == "update" and step.old is not None and step.new is not None:
                self._update(step.old, step.new)
            elif step.op == "create-replacement" and step.new is not None:
                self._replace(step.new)
            elif step.op in ("delete", "delete-replaced") and step.old is not None:
                self._delete(step.old)
        finally:
            self.publish()

    def _move(self, old: Resource, new: Resource) -> None:
        """A resource that stays as it is (perhaps under a new URN, through an alias)."""
        self.resources.pop(old.urn, None)
        self.resources[new.urn] = new
        if old.urn in self.sparkpost:
            self.sparkpost[new.urn] = self.sparkpost.pop(old.urn)

    def _replace(self, new: Resource) -> None:
        current = self.resources.pop(new.urn, None)
        if current is not None:
            self.condemned[new.urn] = current
            if new.urn in self.sparkpost:
                self.sparkpost_condemned[new.urn] = self.sparkpost.pop(new.urn)
        try:
            self._create(new, replacing=current)
        except Refused:
            if current is not None:
                self.resources[new.urn] = self.condemned.pop(new.urn)
                if new.urn in self.sparkpost_condemned:
                    self.sparkpost[new.urn] = self.sparkpost_condemned.pop(new.urn)
            raise

    def _create(self, new: Resource, replacing: Resource | None = None) -> None:
        if new.type in (ROUTE53, CF_RECORD):
            self._check_record(new, replacing)
        elif new.type == DISTRIBUTION:
            self._check_aliases(new, replacing)
        elif new.type == ACM_VALIDATION:
            self._check_acm_validation(new)
        elif new.type == FASTLY_VALIDATION:
            self._check_fastly_validation(new)
        elif new.type == TRACKING_DOMAIN:
            self.sparkpost[new.urn] = self._converge(None, new)
        self.resources[new.urn] = new

    def _update(self, old: Resource, new: Resource) -> None:
        if new.type == DISTRIBUTION:
            self._check_aliases(new, old)
        elif new.type in (ROUTE53, CF_RECORD):
            self._check_record(new, old)
        elif new.type == TRACKING_DOMAIN:
            self.sparkpost[new.urn] = self._converge(self.sparkpost.get(old.urn), new)
            if old.urn != new.urn:
                self.sparkpost.pop(old.urn, None)
        self.resources.pop(old.urn, None)
        self.resources[new.urn] = new

    def _delete(self, old: Resource) -> None:
        condemned = old.urn in self.condemned
        current = self.condemned.get(old.urn) if condemned else self.resources.get(old.urn)
        if current is None:
            return
        if current.type == ACM:
            arn = current.outputs.get("arn")
            if any(_get(d.inputs, "viewerCertificate", "acmCertificateArn") == arn for d in self.of_type(
                    DISTRIBUTION)):
                raise Refused(f"ACM: certificate {arn} is in use (ResourceInUseException)")
        if current.type in (CACHE_POLICY, ORIGIN_REQUEST_POLICY):
            key = "cachePolicyId" if current.type == CACHE_POLICY else "originRequestPolicyId"
            if any(_get(d.inputs, "defaultCacheBehavior", key) == current.id for d in self.of_type(DISTRIBUTION)):
                raise Refused(f"CloudFront: policy {current.id} is in use")
        if current.type == TRACKING_DOMAIN:
            outputs = (self.sparkpost_condemned if condemned else self.sparkpost).pop(current.urn, None)
            self._dirty.add(str(current.inputs.get("region") or "us"))
            if outputs is not None:
                try:
                    self.provider.delete(str(outputs.get("domain")), outputs)
                except SparkPostTrackingError as exc:
                    raise Refused(f"SparkPost: {str(exc).splitlines()[0]}") from None
        if condemned:
            del self.condemned[old.urn]
        else:
            self.resources.pop(old.urn, None)

    def _check_record(self, new: Resource, old: Resource | None) -> None:
        zone = self._zone_of(new)
        if zone is None:
            raise Refused(f"{new.type}: no such zone {new.inputs.get('zoneId')!r}")
        name, kind = _host(new.inputs.get("name")), str(new.inputs.get("type", "")).upper()
        for other, other_zone in self._records():
            if other is old or other.urn == new.urn or other_zone.id != zone.id:
                continue
            if _host(other.inputs.get("name")) != name:
                continue
            other_kind = str(other.inputs.get("type", "")).upper()
            if "CNAME" in (kind, other_kind) or (other_kind == kind and not new.inputs.get("allowOverwrite")):
                raise Refused(f"{zone.provider}: a {other_kind} record named {name} already exists")

    def _check_aliases(self, new: Resource, old: Resource | None) -> None:
        aliases = {_host(a) for a in new.inputs.get("aliases") or []}
        for other in self.of_type(DISTRIBUTION):
            if other is old or other.urn == new.urn:
                continue
            taken = aliases & {_host(a) for a in other.inputs.get("aliases") or []}
            if taken:
                raise Refused(f"CloudFront: CNAMEAlreadyExists ({', '.join(sorted(taken))})")

    def _resolves(self, name: str, value: str) -> bool:
        return self.dns["v4"].records.get(_host(name)) == [("CNAME", _host(value))]

    def _check_acm_validation(self, new: Resource) -> None:
        arn = new.inputs.get("certificateArn")
        for certificate in self.of_type(ACM):
            if certificate.outputs.get("arn") != arn:
                continue
            options = _items(certificate.outputs.get("domainValidationOptions"))
            wanted = [o for o in options if _host(o.get("domainName")) == _host(certificate.inputs.get(
                "domainName"))]
            if wanted and all(self._resolves(o["resourceRecordName"], o["resourceRecordValue"]) for o in wanted):
                return
        raise Refused(f"ACM: certificate {arn} never validates (no validation record in DNS)")

    def _check_fastly_validation(self, new: Resource) -> None:
        for subscription in self.of_type(FASTLY_TLS):
            if subscription.id != new.inputs.get("subscriptionId"):
                continue
            challenges = {_host(c.get("recordName")): str(c.get("recordValue")) for c in _items(
                subscription.outputs.get("managedDnsChallenges"))}
            if all(_host(f"_acme-challenge.{d}") in challenges and self._resolves(
                    f"_acme-challenge.{d}", challenges[_host(f"_acme-challenge.{d}")])
                   for d in subscription.inputs.get("domains") or []):
                return
        raise Refused("Fastly TLS: the subscription never validates (no ACME challenge record in DNS)")

    def _converge(self, outputs: dict[str, Any] | None, new: Resource) -> dict[str, Any]:
        """The provider's create or update of a tracking domain, against its region's account."""
        props = {k: v for k, v in new.inputs.items() if k != "__provider"}
        region = str(props.get("region") or "us")
        emulator = self.emulators[region]
        news, failures = check_inputs({**props, "api_url": emulator.base_url})
        if failures:
            raise Refused(f"SparkPost: {failures[0]}")
        domain = str(news["domain"])
        if not self._seeding:
            self._dirty.add(region)
        # SparkPost verifies through the chain (over https for a secure domain behind a CDN), and issues its
        # managed certificate only once the host's CNAME is on the V2 host.
        emulator.set_verification(domain, "valid" if self._verifies(news) else "fail")
        if news.get("managed_certificate") and self.dns["v4"].records.get(domain) != [
                ("CNAME", _v2_of(region))]:
            emulator.fail_issuance("acme:dns", domain=domain)
        try:
            if outputs is None:
                created = self.provider.create(dict(news))
                assert created.outs is not None
                return dict(created.outs)
            if outputs.get("api_url") != news.get("api_url") or outputs.get("domain") != domain:
                raise Refused("SparkPost: the provider replaces a domain whose name or account changes")
            updated = self.provider.update(domain, outputs, dict(news))
            assert updated.outs is not None
            return dict(updated.outs)
        except SparkPostTrackingError as exc:
            raise Refused(f"SparkPost: {str(exc).splitlines()[0]}") from None

    def _verifies(self, news: Mapping[str, Any]) -> bool:
        if not news.get("verify", True) or self._seeding:
            return True  # the world as it has been: every domain verified long ago
        domain = str(news["domain"])
        if news.get("managed_certificate"):
            return self.dns["v4"].records.get(domain) == [("CNAME", _v2_of(str(news.get("region") or "us")))]
        browser = Browser(self)
        link = Link("https" if news.get("secure", True) else "http", domain, "/f/verify", str(
            news.get("region") or "us"), news.get("subaccount_id"))
        return browser.follow(self.dns["v4"], link, expect_domain=False) == REDIRECTED


def _named(name: str) -> Callable[[str], bool]:
    """SparkPost's legacy host has a certificate for its own name only."""
    return lambda host: host == name


def _v2_of(region: str) -> str:
    return next(name for name, r in V2.items() if r == region)


def _covers(names: set[str] | None, host: str) -> bool:
    if not names:
        return False
    parent = host.split(".", 1)[1] if "." in host else ""
    return host in names or f"*.{parent}" in names


def _forwards_header(policy: Mapping[str, Any] | None, header: str) -> bool:
    config = (policy or {}).get("headersConfig") or {}
    behavior = config.get("headerBehavior")
    if behavior in ("allViewer", "allViewerAndWhitelistCloudFront"):
        return True
    items = {str(h).lower() for h in _get(config, "headers", "items", default=[]) or []}
    return behavior == "whitelist" and header in items


# ---- following a link -----------------------------------------------------------------------------------

REDIRECTED: Final[str] = "redirected by SparkPost"


@dataclass(frozen=True)
class Link:
    scheme: str
    host: str
    path: str
    #: The SparkPost account that sent it: (region, subaccount).
    region: str
    subaccount: int | None = None

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}{self.path}"


class Browser:
    """Follows a link as a browser does: DNS, TCP, TLS with the host's name, ``GET`` with its Host; it follows a
    redirect to the same link over https once. The link works when SparkPost's account that sent it answers 302
    for the link's own domain."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.trust = cloud.trust()
        #: What each link got from each endpoint in this moment: views that agree on DNS need one request.
        self._seen: dict[tuple[str, Link, bool], str] = {}
        self._resolved: dict[tuple[int, str], str | None] = {}

    def moment(self) -> None:
        """Something changed: ask again."""
        self._seen.clear()
        self._resolved.clear()

    def _target(self, server: FakeDns, host: str) -> str | None:
        resolver = dns.resolver.Resolver(configure=False)
        address, port = server.address.split(":")
        resolver.nameservers, resolver.port = [address], int(port)
        resolver.timeout = resolver.lifetime = 5.0
        try:
            answer = resolver.resolve(host, "A", search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.exception.DNSException):
            return None
        cnames = [str(rrset[0].target).rstrip(".") for rrset in answer.chaining_result.cnames]
        return cnames[-1] if cnames else host

    def follow(self, server: FakeDns, link: Link, *, expect_domain: bool = True) -> str:
        where = (id(server), link.host)
        if where not in self._resolved:
            self._resolved[where] = self._target(server, link.host)
        target = self._resolved[where]
        if target is None:
            return "no DNS record"
        key = (target, link, expect_domain)
        if key not in self._seen:
            self._seen[key] = self._fetch(target, link, expect_domain)
        return self._seen[key]

    def _fetch(self, target: str, link: Link, expect_domain: bool) -> str:
        found = self.cloud.endpoint(target)
        if found is None:
            return f"DNS points at {target}"
        name, (http_port, https_port) = found
        answer = self._get(link, http_port if link.scheme == "http" else https_port)
        if isinstance(answer, str):
            return answer
        status, headers = answer
        location = headers.get("location", "")
        if status in (301, 302, 307, 308) and location == f"https://{link.host}{link.path}" and link.scheme == "http":
            answer = self._get(Link("https", link.host, link.path, link.region, link.subaccount), https_port)
            if isinstance(answer, str):
                return answer
            status, headers = answer
        direct = name in V2 and headers.get("server") == "msys-http"
        region = headers.get(ACCOUNT_HEADER) or (V2[name] if direct else None)
        domain = headers.get(DOMAIN_HEADER) or (link.host if direct else None)
        if status != 302 or region is None:
            return f"{status} {headers.get('server', '')}".strip()
        if region != link.region:
            return f"answered by SparkPost's {region} account, not the {link.region} one that sent it"
        if expect_domain and domain != link.host:
            return f"SparkPost recognised {domain}, not {link.host}"
        scope = self.cloud.emulators[region].get(link.host)
        if expect_domain and (scope is None or (scope.get("subaccount_id") or None) != link.subaccount):
            return f"{link.host} is not in the account's scope that sent it"
        return REDIRECTED

    def _get(self, link: Link, port: int) -> tuple[int, dict[str, str]] | str:
        sock: socket.socket | ssl.SSLSocket | None = None
        try:
            sock = socket.create_connection((LOOPBACK, port), timeout=10)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # a browser's request goes out at once
            if link.scheme == "https":
                sock = self.trust.wrap_socket(sock, server_hostname=link.host)
            connection = http.client.HTTPConnection(link.host, port, timeout=10)
            connection.sock = sock
            connection.request("GET", link.path, headers={"Host": link.host, "User-Agent": USER_AGENT})
            response = connection.getresponse()
            response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}
        except ssl.SSLError as exc:
            return f"TLS failure ({getattr(exc, 'reason', None) or type(exc).__name__})"
        except (http.client.HTTPException, OSError) as exc:
            return f"connection failed ({type(exc).__name__})"
        finally:
            if sock is not None:
                sock.close()
