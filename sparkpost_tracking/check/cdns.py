"""What ``check`` must know about a CDN: only the ways it changes what a viewer can observe.

The CDN names are the stack program's (``cdn:`` in stack config, ``cdn`` in the ``trackingDomains`` output).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sparkpost_tracking.stack import COMPONENTS


@dataclass(frozen=True)
class CdnTraits:
    #: Public DNS shows the CDN's own addresses, never the CNAME to the target (Cloudflare's proxied record).
    proxied_dns: bool = False
    #: The CDN replaces SparkPost's ``server: msys-http`` with its own, so its absence proves nothing.
    rewrites_server: bool = False


_PARTICULAR: Final[dict[str, CdnTraits]] = {
    "cloudflare": CdnTraits(proxied_dns=True, rewrites_server=True),
}
#: Every CDN the stack program knows; those not listed above change nothing a viewer sees.
CDNS: Final[dict[str, CdnTraits]] = {name: _PARTICULAR.get(name, CdnTraits()) for name in COMPONENTS}
UNKNOWN: Final[CdnTraits] = CdnTraits()


def traits(cdn: str | None) -> CdnTraits:
    return CDNS.get(cdn or "", UNKNOWN)
