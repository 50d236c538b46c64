"""Long (but valid) tracking domains through every CDN under mocks: every input stays inside each provider's
documented limits. ``LIMITS`` lists each limit with its source (docs/cdn-limits.md has the same table).

The longest domain each chain can take goes through it, with DNS in Route 53 and in Cloudflare: 253 characters
(the longest ``validate_domain`` accepts) for CloudFront with a given certificate, Cloudflare and managed
HTTPS; 237 for Fastly (its ACME challenge record ``_acme-challenge.<host>`` must be a DNS name too); 64 for
CloudFront with an ACM certificate of its own (ACM's limit for a certificate's first name). A longer host is
refused with the limit named before anything is registered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from sparkpost_tracking.components import (
    CloudflareTrackingDomain,
    CloudFrontTrackingDomain,
    FastlyTrackingDomain,
    ManagedTrackingDomain,
)
from sparkpost_tracking.dynamic_providers.validation import validate_domain
from tests.components.cloud_answers import GET_TOTAL_TLS


def domain_of(length: int) -> str:
    """A valid host of ``length`` characters below example.com, in labels of at most 63."""
    labels, left = [], length - len(".example.com")
    while left > 0:
        size = min(63, left - 2 if left > 63 else left)  # leave room for at least a one-letter label
        labels.append("abcdefgh"[len(labels)] * size)
        left -= size + 1
    return ".".join([*labels, "example", "com"])


LONGEST = domain_of(253)
FASTLY_LONGEST = domain_of(237)
ACM_LONGEST = domain_of(64)
CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc"
R53 = {"dns": "route53", "dns_zone_id": "Z0123456789ABCDEFGHIJ"}
CF_DNS = {"dns": "cloudflare", "dns_zone_id": "0123456789abcdef0123456789abcdef"}
POLICY_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


@dataclass(frozen=True)
class Limit:
    resource: str
    what: str
    source: str
    holds: Callable[[dict[str, Any]], bool]


def _fqdn_ok(name: Any) -> bool:
    return isinstance(name, str) and len(name.rstrip(".")) <= 253 and all(
        0 < len(label) <= 63 for label in name.rstrip(".").split("."))


LIMITS: list[Limit] = [
    Limit("aws:cloudfront/distribution:Distribution", "comment at most 128 characters",
          "CloudFront API Reference, DistributionConfig: 'The comment cannot be longer than 128 characters'",
          lambda i: len(i.get("comment", "")) <= 128),
    Limit("aws:cloudfront/distribution:Distribution", "at most 100 alternate domain names",
          "CloudFront quotas (AWS General Reference, cf_region): alternate domain names per distribution 100",
          lambda i: len(i["aliases"]) <= 100),
    Limit("aws:cloudfront/cachePolicy:CachePolicy", "comment at most 128 characters",
          "CloudFront API Reference, CachePolicyConfig: 'The comment cannot be longer than 128 characters'",
          lambda i: len(i.get("comment", "")) <= 128),
    Limit("aws:cloudfront/cachePolicy:CachePolicy", "name: letters, digits, '-', '_', at most 128",
          "AWS CDK CachePolicyProps ('must only include -, _, or alphanumeric characters'); 128: the CloudFront "
          "console's name field", lambda i: bool(POLICY_NAME.match(i["name"]))),
    Limit("aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "name: letters, digits, '-', '_', at most 128",
          "AWS CDK OriginRequestPolicyProps ('must only include -, _, or alphanumeric characters'); 128: as above",
          lambda i: bool(POLICY_NAME.match(i["name"]))),
    Limit("aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "comment at most 128 characters",
          "CloudFront API Reference, OriginRequestPolicyConfig (as CachePolicyConfig)",
          lambda i: len(i.get("comment", "")) <= 128),
    Limit("aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "at most 10 headers and 10 query strings",
          "CloudFront quotas: headers per origin request policy 10, query strings per origin request policy 10",
          lambda i: len(i["headersConfig"]["headers"]["items"]) <= 10
          and len(i["queryStringsConfig"]["queryStrings"]["items"]) <= 10),
    Limit("aws:acm/certificate:Certificate", "first domain name at most 64 characters",
          "ACM API Reference, RequestCertificate DomainName: 'cannot exceed 64 octets (characters), including "
          "periods' (RFC 5280 Common Name)", lambda i: len(i["domainName"]) <= 64),
    Limit("aws:route53/record:Record", "a DNS name: at most 253 characters, labels of 1-63",
          "RFC 1035 section 2.3.4 (Route 53 Developer Guide, DNS domain name format)",
          lambda i: _fqdn_ok(i["name"]) if isinstance(i["name"], str) else True),
    Limit("cloudflare:index/dnsRecord:DnsRecord", "ttl 1 (automatic) or 60-86400",
          "pulumi-cloudflare 6.23 DnsRecord.ttl docstring ('Setting to 1 means automatic. Value must be between 60 "
          "and 86400')", lambda i: i["ttl"] == 1 or 60 <= i["ttl"] <= 86400),
    Limit("cloudflare:index/dnsRecord:DnsRecord", "a DNS name: at most 253 characters, labels of 1-63",
          "RFC 1035 section 2.3.4", lambda i: _fqdn_ok(i["name"])),
    Limit("cloudflare:index/dnsRecord:DnsRecord", "comment: a fixed text under 100 characters, without the domain",
          "Cloudflare DNS record attributes (a per-plan comment length exists; no figure confirmed, so we stay "
          "far below any)", lambda i: len(i.get("comment", "")) <= 100),
    Limit("fastly:index/tlsSubscription:TlsSubscription", "domains in lower case",
          "terraform-provider-fastly resource_fastly_tls_subscription.go: 'domains must not contain uppercase "
          "letters'", lambda i: all(d == d.lower() for d in i["domains"])),
    Limit("fastly:index/serviceVcl:ServiceVcl", "backend port 443 with TLS, domain a DNS name",
          "Fastly TLS prerequisites (SNI, TLS 1.2); RFC 1035 for the domain",
          lambda i: all(_fqdn_ok(d["name"]) for d in i["domains"]) and i["backends"][0]["port"] == 443),
]

#: chain → (component, arguments, the longest host it takes)
CHAINS: dict[str, tuple[type, dict[str, Any], str]] = {
    "cloudfront-own-certificate-route53": (CloudFrontTrackingDomain, {"certificate_arn": CERTIFICATE_ARN, **R53},
                                           LONGEST),
    "cloudfront-acm-cloudflare-dns": (CloudFrontTrackingDomain, CF_DNS, ACM_LONGEST),
    "cloudfront-acm-route53": (CloudFrontTrackingDomain, R53, ACM_LONGEST),
    "fastly-route53": (FastlyTrackingDomain, R53, FASTLY_LONGEST),
    "fastly-cloudflare-dns": (FastlyTrackingDomain, CF_DNS, FASTLY_LONGEST),
    "cloudflare": (CloudflareTrackingDomain, {"zone_id": "0123456789abcdef0123456789abcdef", "cache_rule": True,
                                              "ssl_mode_rule": True}, LONGEST),
    "managed-route53": (ManagedTrackingDomain, R53, LONGEST),
    "managed-cloudflare-dns": (ManagedTrackingDomain, CF_DNS, LONGEST),
}


def test_the_long_domains_are_valid_and_at_the_limits():
    for domain, length in ((LONGEST, 253), (FASTLY_LONGEST, 237), (ACM_LONGEST, 64)):
        assert validate_domain(domain) == domain and len(domain) == length


@pytest.mark.parametrize("chain", list(CHAINS))
def test_every_input_stays_inside_the_documented_limits(pulumi_run, chain):
    cls, args, domain = CHAINS[chain]
    # Cloudflare: the long host is several levels below its zone, covered here by Total TLS.
    run = pulumi_run(lambda: cls("long", {"domain": domain, **args}), invokes={GET_TOTAL_TLS: {"enabled": True}})
    checked = 0
    for limit in LIMITS:
        for registration in run.of_type(limit.resource):
            assert limit.holds(registration.inputs), (
                f"{limit.resource} {registration.name}: {limit.what} ({limit.source}): {registration.inputs}")
            checked += 1
    types = {r.type for r in run.children}
    assert checked >= len([limit for limit in LIMITS if limit.resource in types]) > 0


@pytest.mark.parametrize(("cls", "args", "domain", "prop"), [
    (CloudFrontTrackingDomain, CF_DNS, domain_of(65), "certificate_arn"),
    (FastlyTrackingDomain, R53, domain_of(238), "domain"),
])
def test_a_host_too_long_for_its_certificate_is_refused_before_anything_is_sent(pulumi_run_failing, cls, args,
                                                                                domain, prop):
    error, registered = pulumi_run_failing(lambda: cls("long", {"domain": domain, **args}))
    assert getattr(error, "prop", None) == prop, error
    assert registered == []
