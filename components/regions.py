"""SparkPost tracking hosts per region and for Enterprise tenants: the one table the components share.

Facts (spec/sparkpost-tracking-domains-api.md §1.7, §3): CDNs use the legacy (V1) hosts as origin;
SparkPost-managed HTTPS needs a CNAME to the V2 hosts, which Enterprise does not offer.
"""

from __future__ import annotations

from typing import Any, Final

from sparkpost_tracking.dynamic_providers.validation import InvalidInput, validate_domain

#: CDN origin (the host a CDN forwards to, keeping the viewer's Host) per region.
CDN_ORIGINS: Final[dict[str, str]] = {"us": "spgo.io", "eu": "eu.spgo.io"}
#: CNAME target of a tracking domain with SparkPost-managed HTTPS (Let's Encrypt) per region.
MANAGED_CNAME_TARGETS: Final[dict[str, str]] = {"us": "v2.spgo.io", "eu": "eu.v2.spgo.io"}
#: Enterprise tenants track on ``<tenant>.et.e.sparkpost.com``.
ENTERPRISE_SUFFIX: Final[str] = ".et.e.sparkpost.com"


def enterprise_origin(tenant: str) -> str:
    return f"{tenant}{ENTERPRISE_SUFFIX}"


def validate_enterprise_tenant(value: Any, prop: str = "enterprise_tenant") -> str:
    """The tenant label (``acme`` of ``acme.et.e.sparkpost.com``); the full host is accepted too."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(prop, f"must be the Enterprise tenant name, e.g. 'acme' for 'acme{ENTERPRISE_SUFFIX}', "
                                 f"got {value!r}")
    tenant = value.strip().lower().removesuffix(".").removesuffix(ENTERPRISE_SUFFIX)
    if "." in tenant:
        raise InvalidInput(prop, f"must be one DNS label (the tenant of '<tenant>{ENTERPRISE_SUFFIX}'), got {value!r}")
    # The hostname rules live in one place: check the host this tenant makes.
    validate_domain(enterprise_origin(tenant), prop)
    return tenant


def cdn_origin(region: str, enterprise_tenant: str | None = None) -> str:
    """The SparkPost host a CDN forwards tracking traffic to."""
    if enterprise_tenant:
        return enterprise_origin(enterprise_tenant)
    return CDN_ORIGINS[region]


def managed_cname_target(region: str) -> str:
    """Where a tracking domain with SparkPost-managed HTTPS must CNAME to."""
    return MANAGED_CNAME_TARGETS[region]
