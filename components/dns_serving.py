"""What the host's DNS record must hold to keep serving ``domain`` (read by review, policy and check).

Whatever the strategy (Route 53, or a DNS-only record in a Cloudflare zone), the host's record keeps the host's
name and points at the chain: a CNAME (or a Route 53 alias) to where the chain serves the domain (the region's
V2 host, the distribution, Fastly's TLS address). Any other record of the strategy is a certificate's validation
record: losing it stops renewals, not links.
"""

from __future__ import annotations

from typing import Final

from .serving import Carries, Chain, Inputs, Link, Requirement, Serving, Severity, host, known

ROUTE53_RECORD: Final[str] = "aws:route53/record:Record"
CLOUDFLARE_RECORD: Final[str] = "cloudflare:index/dnsRecord:DnsRecord"


def targets(inputs: Inputs) -> set[str]:
    """Where a record sends its name: a CNAME's value (``records``, ``content``) or a Route 53 alias's target."""
    aliases = {host(a.get("name")) for a in inputs.items("aliases")}
    return (aliases | inputs.names("records") | inputs.names("content")) - {""}


def _name(inputs: Inputs, chain: Chain) -> str | None:
    name = host(inputs.get("name"))
    return None if name == chain.domain else f"the record is now named {name!r}: {chain.domain} loses it"


def _kind(inputs: Inputs, chain: Chain) -> str | None:
    kind = str(inputs.get("type", default="")).upper()
    if kind == "CNAME" or (kind in ("A", "AAAA") and inputs.items("aliases")):
        return None
    return f"a {kind or 'typeless'} record, where the host needs a CNAME (or a Route 53 alias) to the chain"


def _target(inputs: Inputs, chain: Chain) -> str | None:
    found = targets(inputs)
    wanted = known(chain.host_targets, "where the chain serves the domain")
    if found and found <= wanted:
        return None
    return f"it points at {', '.join(sorted(found)) or 'nothing'}, where the chain does not serve the domain " \
           f"({', '.join(sorted(wanted)) or 'unknown'})"


def _is_host(inputs: Inputs, chain: Chain) -> bool:
    return host(inputs.get("name")) == chain.domain


REQUIREMENTS: Final[tuple[Requirement, ...]] = (
    Requirement("the record is the host's", Severity.SERVES, _name),
    Requirement("the record answers for the host", Severity.SERVES, _kind),
    Requirement("the record points at the chain", Severity.SERVES, _target),
)

RESOURCES: Final[tuple[Serving, ...]] = tuple(
    serving for type_ in (ROUTE53_RECORD, CLOUDFLARE_RECORD) for serving in (
        Serving(type_, Link.DNS, Carries.LINKS, REQUIREMENTS, applies=_is_host),
        Serving(type_, Link.CERTIFICATE, Carries.RENEWAL, applies=lambda inputs, chain: not _is_host(inputs, chain)),
    ))
