"""The DNS step: does DOMAIN point at the expected target (a CNAME, or an alias with the target's addresses)?

Asked through dnspython, of the system's resolver or ``--dns-server``, within ``--timeout``.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.rdatatype
import dns.resolver

from .cdns import is_cloudflare
from .options import CheckOptions
from .result import StepResult, failed, passed, warned

STEP = "dns"


@dataclass(frozen=True)
class Resolution:
    """What DNS says of one name: the CNAME chain in order, then the addresses at its end."""

    cnames: tuple[str, ...]
    addresses: frozenset[str]


def make_resolver(options: CheckOptions) -> dns.resolver.Resolver:
    return resolver_for(options.dns_server, options.timeout)


def resolver_for(dns_server: tuple[str, int] | None, timeout: float) -> dns.resolver.Resolver:
    """The system's resolver, or ``dns_server`` (address, port) alone; each lookup bounded by ``timeout``."""
    resolver = dns.resolver.Resolver(configure=dns_server is None)
    if dns_server is not None:
        resolver.nameservers = [dns_server[0]]
        resolver.port = dns_server[1]
    resolver.timeout = resolver.lifetime = timeout
    return resolver


def resolve(resolver: dns.resolver.Resolver, name: str) -> Resolution:
    """A and AAAA of ``name``; the CNAMEs the resolver followed come with the A answer."""
    cnames: tuple[str, ...] = ()
    addresses: set[str] = set()
    for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
        answer = resolver.resolve(name, rdtype, raise_on_no_answer=False, search=False)
        if rdtype == dns.rdatatype.A:
            cnames = tuple(_host(rrset[0].target) for rrset in answer.chaining_result.cnames)
        if answer.rrset is not None:
            addresses.update(str(rdata) for rdata in answer.rrset)
    return Resolution(cnames, frozenset(addresses))


def check_dns(options: CheckOptions, expected: str | None, *, proxied: bool, managed: bool = False) -> StepResult:
    domain = options.domain
    try:
        resolver = make_resolver(options)
        found = resolve(resolver, domain)
    except dns.resolver.NXDOMAIN:
        return failed(STEP, f"{domain} does not exist in DNS (NXDOMAIN)", "nxdomain",
                      f"create the record: {domain} CNAME {expected or '<cnameTarget>'}")
    except dns.exception.Timeout:
        return failed(STEP, f"no DNS answer within {options.timeout:g} s", "timeout",
                      "the resolver did not answer: check --dns-server or this machine's resolver")
    except dns.exception.DNSException as exc:
        return failed(STEP, f"DNS lookup failed: {exc}", "dns_error", "check the resolver and the zone's name servers")
    facts: dict[str, object] = {"cnames": list(found.cnames), "addresses": sorted(found.addresses),
                                "expected": expected}
    seen = _describe(found)
    if not found.cnames and not found.addresses:
        return failed(STEP, f"{domain} has no CNAME and no address", "no_record",
                      f"create the record: {domain} CNAME {expected or '<cnameTarget>'}", **facts)
    if expected is None:
        return warned(STEP, f"{seen} (not compared: no expected target)", "no_expected_target",
                      "give --expect-target HOST, or run with --from-stack in the stack's directory", **facts)
    if proxied:
        return _proxied(domain, expected, found, seen, facts)
    if managed and not found.cnames:
        return _not_a_cname(domain, expected, found, seen, facts)
    if expected in found.cnames:
        how = "CNAME" if found.cnames[0] == expected else f"CNAME chain {' -> '.join(found.cnames)}"
        return passed(STEP, f"{how} -> {expected}, as expected", **facts)
    if found.cnames:
        return failed(STEP, f"{seen}; expected CNAME {expected}", "wrong_target",
                      f"point the record at the target: {domain} CNAME {expected}", **facts)
    return _alias(resolver, domain, expected, found, seen, facts)


def _proxied(domain: str, expected: str, found: Resolution, seen: str, facts: dict[str, object]) -> StepResult:
    """A proxied record answers with the CDN's addresses; a visible CNAME means the proxy is off."""
    if found.cnames:
        if found.cnames[0] == expected:
            return failed(STEP, f"{seen}: the record is not proxied", "not_proxied",
                          "turn the record's proxy status to Proxied, so the CDN terminates TLS for the host",
                          **facts)
        return failed(STEP, f"{seen}; expected a proxied record for {expected}", "wrong_target",
                      f"make {domain} a proxied CNAME to {expected}", **facts)
    return passed(STEP, f"proxied: {seen} (a proxied record hides its CNAME to {expected})", **facts)


def _not_a_cname(domain: str, expected: str, found: Resolution, seen: str, facts: dict[str, object]) -> StepResult:
    """Managed HTTPS: Let's Encrypt must find SparkPost through a plain CNAME; addresses mean a proxy or a copy."""
    if any(is_cloudflare(address) for address in found.addresses):
        return failed(STEP, f"{seen}: Cloudflare's proxy answers for the host, hiding its CNAME to {expected}",
                      "proxied", f"set the Cloudflare record of {domain} to DNS only (grey cloud): SparkPost cannot "
                                 "get its certificate through the proxy", **facts)
    return failed(STEP, f"{seen}; managed HTTPS needs a CNAME to {expected}", "not_cname",
                  f"replace the A/AAAA records with {domain} CNAME {expected}", **facts)


def _alias(resolver: dns.resolver.Resolver, domain: str, expected: str, found: Resolution, seen: str,
           facts: dict[str, object]) -> StepResult:
    """No CNAME: an alias record (Route 53 A/AAAA alias) passes when it shares the target's addresses."""
    try:
        target = resolve(resolver, expected)
    except dns.exception.DNSException as exc:
        return failed(STEP, f"{seen}; the expected target {expected} does not resolve ({type(exc).__name__})",
                      "target_unresolved", f"check the target name, or point {domain} at it with a CNAME", **facts)
    facts["target_addresses"] = sorted(target.addresses)
    if found.addresses & target.addresses:
        return passed(STEP, f"alias: {seen}, addresses of {expected}", **facts)
    return failed(STEP, f"{seen}; not the addresses of {expected} ({', '.join(sorted(target.addresses))})",
                  "wrong_target", f"point the record at the target: {domain} CNAME {expected} (or an alias to it)",
                  **facts)


def _describe(found: Resolution) -> str:
    parts = [f"CNAME {' -> '.join(found.cnames)}"] if found.cnames else []
    if found.addresses:
        parts.append(", ".join(sorted(found.addresses)))
    return " -> ".join(parts) or "no answer"


def _host(name: object) -> str:
    return str(name).lower().removesuffix(".")
