"""What SparkPost's DNS verification of a sending domain reads: the DKIM TXT record and the bounce CNAME.

The emulator asks a name server it is given (``dns_server``, ``ADDRESS[:PORT]``: in tests, the loopback DNS a test
publishes records in), or this machine's resolver when none is given, as SparkPost asks public DNS. A lookup that
gets no answer (a timeout, a failing server) concludes nothing: ``valid`` is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.rdatatype
import dns.resolver
import dns.rrset

from sparkpost_tracking.check.dns_step import resolver_for
from sparkpost_tracking.check.options import parse_dns_server
from sparkpost_tracking.dynamic_providers.dkim import join_txt, key_problem


@dataclass(frozen=True)
class DnsOutcome:
    """One verification's reading: ``valid`` (``None`` when the lookup got no answer, so the status should not
    move), what resolved (``record``: the TXT value or the CNAME target) and why it is not valid (``error``)."""

    valid: bool | None
    record: str | None = None
    error: str | None = None

    @property
    def answered(self) -> bool:
        return self.valid is not None


def parse_server(value: str | None) -> tuple[str, int] | None:
    """``ADDRESS[:PORT]`` (``[ADDRESS]:PORT`` for IPv6) as (address, port); ``None`` for this machine's resolver.
    ``ValueError`` when it is neither."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"dns_server must be 'ADDRESS[:PORT]' or None; got {value!r}")
    return parse_dns_server(value)


class DnsReader:
    """Lookups against one name server (or this machine's resolver), each bounded by ``timeout`` seconds."""

    def __init__(self, server: str | None, timeout: float) -> None:
        self._resolver = resolver_for(parse_server(server), timeout)

    def dkim(self, name: str, public: str) -> DnsOutcome:
        """Does the TXT record at ``name`` (its strings joined) publish ``public`` as SparkPost checks it?"""
        found = self._lookup(name, dns.rdatatype.TXT, "DKIM")
        if isinstance(found, DnsOutcome):
            return found
        values = [join_txt(rdata.strings) for rdata in found]
        if len(values) > 1:  # no one record resolved: which one a verifier reads is chance
            return DnsOutcome(False, None, f"DNS DKIM query error: {len(values)} TXT records at {name}; "
                                           "a DKIM selector needs exactly one")
        problem = key_problem(values[0], public)
        return DnsOutcome(problem is None, values[0], None if problem is None else f"DNS DKIM query error: {problem}")

    def cname(self, name: str, expected: str) -> DnsOutcome:
        """Is ``name`` a CNAME to ``expected`` (the region's bounce host)?"""
        found = self._lookup(name, dns.rdatatype.CNAME, "CNAME")
        if isinstance(found, DnsOutcome):
            return found
        target = str(found[0].target).lower().removesuffix(".")
        if target != expected.lower():
            return DnsOutcome(False, target, f"{name} is a CNAME to {target}, not to {expected}")
        return DnsOutcome(True, target)

    def _lookup(self, name: str, rdtype: dns.rdatatype.RdataType, what: str) -> dns.rrset.RRset | DnsOutcome:
        """The answer's records, or the outcome that ends the check (no such record, or no answer at all)."""
        kind = dns.rdatatype.to_text(rdtype)
        try:
            answer = self._resolver.resolve(name, rdtype, raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN:
            return DnsOutcome(False, None, f"DNS {what} query error: no {kind} record at {name} (no such name)")
        except dns.exception.DNSException as exc:
            return DnsOutcome(None, None, f"DNS {what} query error: no answer ({type(exc).__name__})")
        if answer.rrset is None or answer.rrset.rdtype != rdtype:
            return DnsOutcome(False, None, f"DNS {what} query error: no {kind} record at {name}")
        return answer.rrset
