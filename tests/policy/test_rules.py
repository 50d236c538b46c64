"""The policy pack's rules on the resources the components really register (under mocks, real provider types and
inputs): every chain as built passes; a chain with protection off, an insecure domain, or a CDN that drops
User-Agent or caches too long, or that no longer serves its domain (the serving declarations), does not."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest

from sparkpost_tracking.components import (
    CloudflareTrackingDomain,
    CloudFrontTrackingDomain,
    FastlyTrackingDomain,
    ManagedTrackingDomain,
)
from sparkpost_tracking.components.serving import UNKNOWN
from sparkpost_tracking.dynamic_providers import TrackingDomain
from sparkpost_tracking.policy import rules
from tests.components.conftest import Registration, run_program

ZONE = "0123456789abcdef0123456789abcdef"
R53 = {"dns": "route53", "dns_zone_id": "Z0123456789ABCDEFGHIJ"}


def declared(registrations: list[Registration]) -> list[rules.Declared]:
    return [rules.Declared(r.urn, r.type, r.parent or None, r.inputs, r.protect) for r in registrations]


def every_chain(**extra: Any) -> list[rules.Declared]:
    def program() -> None:
        ManagedTrackingDomain("ma", {"domain": "ma.example.com", "sending_domains": ["brand.com"], **R53, **extra})
        CloudFrontTrackingDomain("cf", {"domain": "cf.example.com", **R53, **extra})
        FastlyTrackingDomain("fa", {"domain": "fa.example.com", "dns": "cloudflare", "dns_zone_id": ZONE, **extra})
        CloudflareTrackingDomain("cl", {"domain": "cl.example.com", "zone_id": ZONE, "cache_rule": True, **extra})

    return declared(run_program(program).registrations)


def named(resources: list[rules.Declared], name: str) -> rules.Declared:
    [found] = [r for r in resources if r.urn.endswith(f"::{name}")]
    return found


def test_every_chain_as_built_passes_every_rule() -> None:
    resources = every_chain()
    assert rules.unprotected_live_chain(resources) == []
    assert rules.cdn_requirements(resources) == [] and rules.chain_serves(resources) == []
    assert [r.urn for r in resources if rules.insecure_behind_cdn(r) or rules.verification_off(r)] == []


def test_a_live_chain_without_protect_is_named_resource_by_resource() -> None:
    found = {v.urn.rsplit("::", 1)[-1] for v in rules.unprotected_live_chain(every_chain(protect=False))}
    assert found == {"ma-sparkpost", "ma-host", "ma-sending-brand-com", "cf-sparkpost", "cf-distribution",
                     "cf-host-a", "cf-host-aaaa", "fa-sparkpost", "fa-service", "fa-host", "cl-sparkpost",
                     "cl-record"}  # validation records, certificates and policies are not asked to be


def test_only_the_unprotected_chain_is_named_and_the_message_says_what_to_do() -> None:
    protected, open_ = every_chain(), every_chain(protect=False)
    mixed = [r for r in protected if "::cf" not in r.urn] + [r for r in open_ if "::cf" in r.urn]
    violations = rules.unprotected_live_chain(mixed)
    assert {v.urn.rsplit("::", 1)[-1] for v in violations} == {"cf-sparkpost", "cf-distribution", "cf-host-a",
                                                              "cf-host-aaaa"}
    [distribution] = [v for v in violations if v.urn.endswith("::cf-distribution")]
    assert distribution.message == (
        "cf-distribution serves links already sent through cf.example.com but is not protected: deleting it would "
        "break them (keep protect on; see docs/retiring.md to retire a domain)")


def changed(resources: list[rules.Declared], name: str, **props: Any) -> list[rules.Declared]:
    resource = named(resources, name)
    edited = rules.Declared(resource.urn, resource.type, resource.parent, {**copy.deepcopy(resource.props), **props},
                            resource.protect)
    return [edited if r is resource else r for r in resources]


@pytest.mark.parametrize(("name", "props", "message"), [
    ("cf-origin-request-policy", {"headersConfig": {"headerBehavior": "whitelist", "headers": {"items": ["Accept"]}}},
     "SparkPost requires the viewer's User-Agent forwarded: header behavior 'whitelist' does not forward User-Agent"),
    ("cf-cache-policy", {"maxTtl": 3600}, "SparkPost requires cache TTL at most 10 s: max TTL is 3600 s"),
    ("fa-service", {"defaultTtl": 300}, "SparkPost requires cache TTL at most 10 s: default TTL is 300 s"),
])
def test_a_cdn_that_drops_what_sparkpost_asks_for_fails(name: str, props: dict[str, Any], message: str) -> None:
    [violation] = rules.cdn_requirements(changed(every_chain(), name, **props))
    assert violation.message == message and violation.urn.endswith(f"::{name}")


@pytest.mark.parametrize(("name", "props", "message"), [
    ("cf-distribution", {"aliases": ["other.example.com"]},
     "cf-distribution no longer serves cf.example.com: the domain is an alternate domain name (aliases)"),
    ("cf-distribution", {"enabled": False}, "cf-distribution no longer serves cf.example.com: the distribution is "
                                            "enabled"),
    ("fa-service", {"backends": [{"name": "sparkpost", "address": "eu.spgo.io", "port": 443, "useSsl": True}]},
     "fa-service no longer serves fa.example.com: the backend is SparkPost's host: backend 'sparkpost' is "
     "'eu.spgo.io'"),
    ("cl-record", {"proxied": False}, "cl-record no longer serves cl.example.com: the record is proxied"),
    ("ma-host", {"records": ["spgo.io"]}, "ma-host no longer serves ma.example.com: the record points at the chain"),
])
def test_a_chain_that_no_longer_serves_its_domain_fails(name: str, props: dict[str, Any], message: str) -> None:
    [violation] = rules.chain_serves(changed(every_chain(), name, **props))
    assert violation.message.startswith(message) and violation.urn.endswith(f"::{name}")


def test_what_a_policy_cannot_see_is_left_unjudged() -> None:
    """A value unknown at preview, and what only outputs show (the distribution's address, its certificate)."""
    resources = changed(every_chain(), "fa-service", backends=[{"name": "sparkpost", "address": UNKNOWN}])
    assert rules.chain_serves(resources) == []
    assert rules.chain_serves(changed(every_chain(), "cf-host-a", aliases=[{"name": "d9.cloudfront.net"}])) == []


def test_secure_off_behind_a_cdn_fails_and_verify_off_is_advised() -> None:
    resources = declared(run_program(lambda: [
        TrackingDomain("plain", {"domain": "plain.example.com", "secure": False, "verify": False}),
        TrackingDomain("managed", {"domain": "m.example.com", "secure": False, "managed_certificate": True}),
    ]).registrations)
    plain, managed = named(resources, "plain"), named(resources, "managed")
    assert (rules.insecure_behind_cdn(plain), rules.insecure_behind_cdn(managed)) == (
        "plain.example.com: secure is false, so SparkPost writes http links although a CDN serves https for it; set "
        "secure: true", None)
    assert (rules.verification_off(plain), rules.verification_off(managed)) == (
        "plain.example.com: verify is false, so nothing proves the chain serves SparkPost", None)


def test_the_policies_report_what_the_rules_find() -> None:
    from sparkpost_tracking.policy import policies

    resources = every_chain(protect=False)
    reports: list[tuple[str, str | None]] = []
    stack = SimpleNamespace(resources=[SimpleNamespace(urn=r.urn, resource_type=r.type, props=r.props,
                                                       opts=SimpleNamespace(protect=r.protect, parent=r.parent))
                                       for r in resources])
    policies._protected(stack, lambda message, urn: reports.append((message, urn)))  # type: ignore[arg-type]
    assert len(reports) == 12 and all("not protected" in m for m, _urn in reports)
    levels = {p.name: p.enforcement_level.value for p in policies.POLICIES}
    assert levels == {"sparkpost-live-chain-protected": "mandatory", "sparkpost-chain-serves": "mandatory",
                      "sparkpost-secure-behind-cdn": "mandatory", "sparkpost-cdn-requirements": "mandatory",
                      "sparkpost-verify-on": "advisory"}
