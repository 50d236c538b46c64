"""SparkPost's hosts, in one table: per region the API base, the CDN origin, the managed-HTTPS CNAME target and the
bounce domains' CNAME target.

US and EU are separate SparkPost accounts with separate API keys. A CDN forwards tracking traffic to the
region's legacy tracking host (``spgo.io``), keeping the viewer's Host; SparkPost-managed HTTPS (Let's
Encrypt) needs the tracking domain to CNAME to the region's V2 host instead. Enterprise tenants have their own
API base (given as ``api_url``) and track on ``<tenant>.et.e.sparkpost.com``; they have no managed HTTPS, and their
bounce domains CNAME to ``<tenant>.mail.e.sparkpost.com``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RegionHosts:
    api_base: str
    """The API base URL, ending in ``/api/v1``."""
    cdn_origin: str
    """Where a CDN forwards tracking traffic (the viewer's Host is kept)."""
    managed_cname_target: str
    """Where a tracking domain with SparkPost-managed HTTPS must CNAME to."""
    bounce_cname_target: str
    """Where a bounce domain (a sending domain verified by CNAME) must CNAME to."""


HOSTS: Final[dict[str, RegionHosts]] = {
    "us": RegionHosts("https://api.sparkpost.com/api/v1", "spgo.io", "v2.spgo.io", "sparkpostmail.com"),
    "eu": RegionHosts("https://api.eu.sparkpost.com/api/v1", "eu.spgo.io", "eu.v2.spgo.io", "eu.sparkpostmail.com"),
}
REGIONS: Final[tuple[str, ...]] = tuple(HOSTS)
DEFAULT_REGION: Final[str] = REGIONS[0]
#: Every region's V2 host, where a managed-HTTPS tracking domain's CNAME points.
MANAGED_CNAME_TARGETS: Final[frozenset[str]] = frozenset(hosts.managed_cname_target for hosts in HOSTS.values())
ENTERPRISE_TRACKING_SUFFIX: Final[str] = ".et.e.sparkpost.com"
ENTERPRISE_BOUNCE_SUFFIX: Final[str] = ".mail.e.sparkpost.com"


def normalize_api_url(api_url: str) -> str:
    """Canonical form of an explicit API base: no trailing slash, lower-case scheme and host."""
    parts = urlsplit(api_url.strip())
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def effective_api_base(region: str | None, api_url: str | None) -> str:
    """The API base a domain lives under: an explicit ``api_url`` wins over ``region``."""
    if api_url:
        return normalize_api_url(api_url)
    return HOSTS[(region or DEFAULT_REGION).lower()].api_base


def enterprise_origin(tenant: str) -> str:
    return f"{tenant}{ENTERPRISE_TRACKING_SUFFIX}"


def cdn_origin(region: str, enterprise_tenant: str | None = None) -> str:
    """The SparkPost host a CDN forwards tracking traffic to."""
    return enterprise_origin(enterprise_tenant) if enterprise_tenant else HOSTS[region].cdn_origin


def managed_cname_target(region: str) -> str:
    """Where a tracking domain with SparkPost-managed HTTPS must CNAME to."""
    return HOSTS[region].managed_cname_target


def bounce_cname_target(region: str, enterprise_tenant: str | None = None) -> str:
    """Where a bounce domain must CNAME to: the region's host, or an Enterprise tenant's
    ``<tenant>.mail.e.sparkpost.com``."""
    return f"{enterprise_tenant}{ENTERPRISE_BOUNCE_SUFFIX}" if enterprise_tenant else HOSTS[region].bounce_cname_target


def is_loopback(host: str | None) -> bool:
    """True only for ``localhost`` and literal loopback addresses: the hosts a key may reach over plain http.

    A name that merely starts with ``127.`` (``127.0.0.1.nip.io``) resolves wherever its owner likes.
    """
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
