"""Preview documents in the engine's own format (``pulumi preview --json --show-sames``), for chains this machine
cannot run: CloudFront, Fastly, Cloudflare and DNS records need cloud plugins. The shape (``steps`` with ``op``,
``urn``, ``oldState``/``newState`` carrying ``type``, ``parent``, ``inputs``, ``outputs``, ``protect``; a
replacement as ``create-replacement``, ``replace`` and ``delete-replaced``) is the one the real CLI prints, as
tests/engine/test_review_cli.py records from it; the SparkPost side is checked there against real previews.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

STACK = "dev"
PROJECT = "sparkpost-tracking"
STACK_TYPE = "pulumi:pulumi:Stack"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::{STACK_TYPE}::{PROJECT}-{STACK}"
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
ASSOCIATION = "pulumi-python:dynamic/sparkpost:TrackingDomainAssociation"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
REQUEST_POLICY = "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"
CERT = "aws:acm/certificate:Certificate"
R53 = "aws:route53/record:Record"
CF_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
SERVICE = "fastly:index/serviceVcl:ServiceVcl"
RULESET = "cloudflare:index/ruleset:Ruleset"


@dataclass
class Res:
    type: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    parent: Res | None = None
    protect: bool = True
    custom: bool = True

    @property
    def urn(self) -> str:
        chain, up = [self.type], self.parent
        while up is not None:
            chain.insert(0, up.type)
            up = up.parent
        return f"urn:pulumi:{STACK}::{PROJECT}::{'$'.join(chain)}::{self.name}"

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"urn": self.urn, "custom": self.custom, "type": self.type,
                                 "outputs": copy.deepcopy({**self.inputs, **self.outputs}),
                                 "parent": self.parent.urn if self.parent else STACK_URN}
        if self.custom:  # the engine leaves out what is empty or false
            state["id"], state["inputs"] = f"{self.name}-id", copy.deepcopy(self.inputs)
        if self.protect:
            state["protect"] = True
        return state


def tracking_domain(domain: str, parent: Res | None, **inputs: Any) -> Res:
    name = f"{parent.name}-sparkpost" if parent else domain
    declared = {"domain": domain, "secure": True, "default": False, "region": "us", "verify": True,
                "managed_certificate": False, "adopt_existing": False, "__provider": "gASV...", **inputs}
    return Res(TRACKING_DOMAIN, name, declared, {"verified": True, "port": 443, "cname_status": "valid"}, parent)


def association(sending: str, domain: str, parent: Res) -> Res:
    return Res(ASSOCIATION, f"{parent.name}-sending-{sending.replace('.', '-')}",
               {"sending_domain": sending, "tracking_domain": domain, "region": "us"}, parent=parent)


def cloudfront(domain: str, name: str | None = None, sending: tuple[str, ...] = ()) -> list[Res]:
    """A CloudFront chain with Route 53 DNS, as the component builds it."""
    name = name or domain.replace(".", "-")
    component = Res(f"{PROJECT}:index:CloudFrontTrackingDomain", name, {}, {"domain": domain}, custom=False,
                    protect=False)
    cache = Res(CACHE_POLICY, f"{name}-cache-policy", {"minTtl": 1, "defaultTtl": 10, "maxTtl": 10},
                parent=component, protect=False)
    request = Res(REQUEST_POLICY, f"{name}-origin-request-policy", {
        "headersConfig": {"headerBehavior": "whitelist", "headers": {"items": ["User-Agent"]}}},
        parent=component, protect=False)
    cert = Res(CERT, f"{name}-cert", {"domainName": domain}, parent=component, protect=False)
    validation = Res(R53, f"{name}-acm-validation", {"name": f"_3f2a.{domain}.", "type": "CNAME",
                                                     "records": ["_9c1b.acm-validations.aws."]},
                     parent=component, protect=False)
    distribution = Res(DISTRIBUTION, f"{name}-distribution", {
        "aliases": [domain],
        "origins": [{"originId": "sparkpost", "domainName": "spgo.io",
                     "customOriginConfig": {"originProtocolPolicy": "match-viewer", "httpPort": 80,
                                            "httpsPort": 443},
                     "customHeaders": [{"name": "X-Forwarded-Host", "value": domain}]}],
        "defaultCacheBehavior": {"viewerProtocolPolicy": "allow-all"}}, {"domainName": "d1.cloudfront.net"},
        parent=component)
    host = Res(R53, f"{name}-host-a", {"name": domain, "type": "A",
                                       "aliases": [{"name": "d1.cloudfront.net", "zoneId": "Z2FDTNDATAQYW2"}]},
               parent=component)
    td = tracking_domain(domain, component)
    return [component, cache, request, cert, validation, distribution, host, td,
            *(association(s, domain, component) for s in sending)]


def fastly(domain: str) -> list[Res]:
    name = domain.replace(".", "-")
    component = Res(f"{PROJECT}:index:FastlyTrackingDomain", name, {}, {"domain": domain}, custom=False,
                    protect=False)
    service = Res(SERVICE, f"{name}-service", {"defaultTtl": 10, "backends": [
        {"name": "sparkpost", "address": "spgo.io", "port": 443}]}, parent=component)
    host = Res(CF_RECORD, f"{name}-host", {"name": domain, "type": "CNAME", "content": "t.sni.global.fastly.net",
                                           "proxied": False}, parent=component)
    return [component, service, host, tracking_domain(domain, component)]


def cloudflare(domain: str) -> list[Res]:
    name = domain.replace(".", "-")
    component = Res(f"{PROJECT}:index:CloudflareTrackingDomain", name, {}, {"domain": domain}, custom=False,
                    protect=False)
    ruleset = Res(RULESET, f"{name}-http-request-cache-settings", {"rules": [
        {"actionParameters": {"cache": True, "edgeTtl": {"mode": "override_origin", "default": 10}}}]},
        parent=component, protect=False)
    record = Res(CF_RECORD, f"{name}-record", {"name": domain, "type": "CNAME", "content": "spgo.io",
                                               "proxied": True}, parent=component)
    return [component, ruleset, record, tracking_domain(domain, component)]


def step(op: str, old: Res | None, new: Res | None, **extra: Any) -> dict[str, Any]:
    found = old or new
    assert found is not None
    raw: dict[str, Any] = {"op": op, "urn": found.urn}
    if old is not None:
        raw["oldState"] = old.state()
    if new is not None:
        raw["newState"] = new.state()
    return {**raw, **extra}


def changed(resource: Res, **inputs: Any) -> Res:
    """The same resource with some inputs changed (what the program now declares)."""
    new = copy.deepcopy(resource)
    new.parent = resource.parent
    new.inputs.update(inputs)
    return new


def document(steps: list[dict[str, Any]], diagnostics: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    summary: dict[str, int] = {}
    for s in steps:
        summary[s["op"]] = summary.get(s["op"], 0) + 1
    return {"steps": steps, "diagnostics": diagnostics or [], "duration": 1000, "changeSummary": summary}


def sames(resources: list[Res], *, but: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """A ``same`` step for each resource, except those (by name) given as other steps in ``but``."""
    but = but or {}
    return [but.get(r.name) or step("same", r, r) for r in resources]
