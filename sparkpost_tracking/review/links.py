"""Which link of a tracking domain's chain a resource is.

Our own type tokens come from the one table of them (``dynamic_providers.types``) and the stack program's table of
components, so they are written once. The CDNs' and DNS providers'
types are those of their SDKs, which ``review`` does not import (pulumi-cloudflare alone takes seconds): they are
listed here, and a test checks the list against what the components register.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final


class Link(enum.Enum):
    """A link of the chain, in the order a reviewer reads them."""

    SPARKPOST = "sparkpost"
    ASSOCIATION = "association"
    DNS = "dns"
    CDN = "cdn"
    CERTIFICATE = "certificate"


class Role(enum.Enum):
    """What a resource is to its tracking domain."""

    TRACKING_DOMAIN = "tracking-domain"
    ASSOCIATION = "association"
    COMPONENT = "component"
    #: A CDN resource that serves the traffic (a distribution, a service).
    CDN_SERVICE = "cdn-service"
    #: A CDN resource that holds settings SparkPost requires (cache and origin-request policies, rules).
    CDN_SETTINGS = "cdn-settings"
    #: A DNS record: the host's record (serving) or a certificate-validation record, told apart by its name.
    DNS_RECORD = "dns-record"
    CERTIFICATE = "certificate"


#: The SDK types the components create, by role (checked against the components by tests/review).
FOREIGN_ROLES: Final[Mapping[str, Role]] = {
    "aws:cloudfront/distribution:Distribution": Role.CDN_SERVICE,
    "aws:cloudfront/cachePolicy:CachePolicy": Role.CDN_SETTINGS,
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": Role.CDN_SETTINGS,
    "aws:acm/certificate:Certificate": Role.CERTIFICATE,
    "aws:acm/certificateValidation:CertificateValidation": Role.CERTIFICATE,
    "aws:route53/record:Record": Role.DNS_RECORD,
    "cloudflare:index/dnsRecord:DnsRecord": Role.DNS_RECORD,
    "cloudflare:index/ruleset:Ruleset": Role.CDN_SETTINGS,
    "cloudflare:index/pageRule:PageRule": Role.CDN_SETTINGS,
    "fastly:index/serviceVcl:ServiceVcl": Role.CDN_SERVICE,
    "fastly:index/tlsSubscription:TlsSubscription": Role.CERTIFICATE,
    "fastly:index/tlsSubscriptionValidation:TlsSubscriptionValidation": Role.CERTIFICATE,
}


@dataclass(frozen=True)
class OurTypes:
    tracking_domains: frozenset[str]
    associations: frozenset[str]
    components: frozenset[str]

    def role(self, type_: str) -> Role | None:
        if type_ in self.tracking_domains:
            return Role.TRACKING_DOMAIN
        if type_ in self.associations:
            return Role.ASSOCIATION
        if type_ in self.components:
            return Role.COMPONENT
        return FOREIGN_ROLES.get(type_)


@functools.cache
def our_types() -> OurTypes:
    """The type tokens of this package's resources, from the one table of them and the stack's components."""
    from sparkpost_tracking.dynamic_providers.types import ASSOCIATION, TRACKING_DOMAIN, package_token
    from sparkpost_tracking.stack import COMPONENTS

    return OurTypes(tracking_domains=frozenset(TRACKING_DOMAIN.tokens),
                    associations=frozenset(ASSOCIATION.tokens),
                    components=frozenset(package_token(name) for _module, name in COMPONENTS.values()))


def role_of(type_: str) -> Role | None:
    return our_types().role(type_)


def host_name(props: Mapping[str, Any]) -> str:
    """The name a DNS record's inputs give, as a domain (no trailing dot, lower-case)."""
    return str(props.get("name") or "").rstrip(".").lower()


def serves_links(role: Role | None, props: Mapping[str, Any], domain: str | None) -> bool:
    """Whether a resource carries the clicks of links already sent: the SparkPost domain, its associations, the
    CDN distribution or service, and the host's DNS record (not a certificate's validation record)."""
    if role in (Role.TRACKING_DOMAIN, Role.ASSOCIATION, Role.CDN_SERVICE):
        return True
    return role is Role.DNS_RECORD and domain is not None and host_name(props) == domain
