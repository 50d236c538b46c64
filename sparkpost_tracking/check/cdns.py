"""What ``check`` must know about a CDN: only the ways it changes what a viewer can observe.

The CDN names are the stack program's (``cdn:`` in stack config, ``cdn`` in the ``trackingDomains`` output); what
each way of serving changes is read from its serving declaration (``components/*_serving.py``), as ``review``
and the policy pack read it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final

from sparkpost_tracking.components.serving import Way, declarations
from sparkpost_tracking.stack import COMPONENTS


@dataclass(frozen=True)
class CdnTraits:
    #: Public DNS shows the CDN's own addresses, never the CNAME to the target (Cloudflare's proxied record).
    proxied_dns: bool = False
    #: The CDN replaces SparkPost's ``server: msys-http`` with its own, so its absence proves nothing.
    rewrites_server: bool = False
    #: No CDN: SparkPost serves the host itself with its managed (Let's Encrypt) certificate, so the host must be a
    #: plain CNAME to the region's V2 host, and CAA records must allow Let's Encrypt.
    managed_certificate: bool = False


def _traits(way: Way) -> CdnTraits:
    return CdnTraits(proxied_dns=way.proxied_dns, rewrites_server=way.rewrites_server,
                     managed_certificate=way.managed_certificate)


#: Every CDN the stack program knows, with what its serving declaration says a viewer sees of it.
CDNS: Final[dict[str, CdnTraits]] = {name: _traits(declarations().ways[name]) for name in COMPONENTS}
UNKNOWN: Final[CdnTraits] = CdnTraits()


def traits(cdn: str | None) -> CdnTraits:
    return CDNS.get(cdn or "", UNKNOWN)


def host_target(cdn: str | None, region: str) -> str | None:
    """Where the host's record must point when the way of serving fixes it (managed HTTPS: the V2 host)."""
    way = declarations().ways.get(cdn or "")
    return way.host_target(region) if way and way.host_target else None


#: The address ranges Cloudflare's proxy answers from (its published list, 2026). A proxied ("orange cloud")
#: record shows these instead of its CNAME, which hides a managed-HTTPS host from Let's Encrypt's check.
CLOUDFLARE_NETWORKS: Final[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]] = tuple(
    ipaddress.ip_network(n) for n in (
        "173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22", "141.101.64.0/18",
        "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22", "198.41.128.0/17",
        "162.158.0.0/15", "104.16.0.0/13", "104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
        "2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32", "2405:8100::/32",
        "2a06:98c0::/29", "2c0f:f248::/32"))


def is_cloudflare(address: str) -> bool:
    """Whether an A/AAAA answer is one of Cloudflare's proxy addresses."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in CLOUDFLARE_NETWORKS)
