"""Which CDN serves a tracking domain, as its DNS shows it: the stack program's ``cdn`` name, or nothing.

Only a CNAME chain that names a CDN's own host counts. A proxied record (Cloudflare) hides its CNAME, and an
address alone names no CDN: such a domain is left for the user to fill in, never guessed. Needs dnspython (the
``check`` extra); without it every domain is left to fill in.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final

from sparkpost_tracking.dynamic_providers.hosts import MANAGED_CNAME_TARGETS

#: The stack program's cdn name of a CNAME target, by the target's own host or its domain.
CDN_SUFFIXES: Final[tuple[tuple[str, str], ...]] = (
    (".cloudfront.net", "cloudfront"),
    (".fastly.net", "fastly"),
    (".fastlylb.net", "fastly"),
)
#: Lookups run side by side: each may wait for the timeout.
PARALLEL_LOOKUPS: Final[int] = 16


@dataclass(frozen=True)
class Inference:
    domain: str
    cdn: str | None
    #: What DNS answered, for the user to read ("CNAME v2.spgo.io", "no CNAME", "NXDOMAIN").
    seen: str


def cdn_of_target(host: str) -> str | None:
    host = host.lower().removesuffix(".")
    if host in MANAGED_CNAME_TARGETS:
        return "managed"
    return next((cdn for suffix, cdn in CDN_SUFFIXES if host.endswith(suffix)), None)


def infer_cdns(domains: Iterable[str], *, dns_server: tuple[str, int] | None, timeout: float) -> dict[str, Inference]:
    """One CNAME lookup per domain; a failed lookup infers nothing and says why."""
    names = list(domains)
    try:
        from sparkpost_tracking.check.dns_step import resolver_for  # dnspython, of the 'check' extra
    except ImportError:
        return {d: Inference(d, None, "not looked up: DNS lookups need the 'check' extra "
                                      "(pip install 'sparkpost-tracking[check]')") for d in names}
    resolver = resolver_for(dns_server, timeout)

    def infer(domain: str) -> Inference:
        import dns.exception
        import dns.rdatatype
        import dns.resolver

        try:
            answer = resolver.resolve(domain, dns.rdatatype.A, raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN:
            return Inference(domain, None, "no such name in DNS (NXDOMAIN)")
        except dns.exception.DNSException as exc:
            return Inference(domain, None, f"DNS lookup failed ({type(exc).__name__})")
        chain = [str(rrset[0].target).lower().removesuffix(".") for rrset in answer.chaining_result.cnames]
        if not chain:
            return Inference(domain, None, "no CNAME (an address record, or a proxied record that hides its CNAME)")
        cdn = next((found for found in map(cdn_of_target, chain) if found), None)
        return Inference(domain, cdn, "CNAME " + " -> ".join(chain))

    with ThreadPoolExecutor(min(PARALLEL_LOOKUPS, max(1, len(names)))) as pool:
        return {found.domain: found for found in pool.map(infer, names)}
