"""The CAA step (managed HTTPS): may Let's Encrypt issue SparkPost's certificate for DOMAIN?

A CA looks for CAA records the way RFC 8659 says: the CAA records of the host itself (a CNAME is followed, as any
query follows it), else of its parent, and so on up the tree; the first name that has any decides. With none
anywhere, every CA may issue. When that set holds ``issue`` properties, one of them must name the CA's domain
(``letsencrypt.org``); an ``issue`` value of ``;`` forbids every CA. A critical property the CA does not know
(flag 128) also forbids issuance.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.rdatatype
import dns.resolver

from sparkpost_tracking.dynamic_providers.certificate_errors import MANAGED_CA_DOMAIN

from .dns_step import make_resolver
from .options import CheckOptions
from .result import StepResult, failed, passed, warned

STEP = "caa"
#: The property tags a CA understands (RFC 8659); a critical property with any other tag forbids issuance.
KNOWN_TAGS = frozenset({"issue", "issuewild", "iodef"})
CRITICAL = 128


@dataclass(frozen=True)
class Property:
    flags: int
    tag: str
    value: str

    @property
    def issuer(self) -> str:
        """The issuer domain of an ``issue`` value (before any ``;`` parameters); empty forbids every CA."""
        return self.value.split(";", 1)[0].strip().lower().removesuffix(".")

    @property
    def parameters(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in self.value.split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip():
                found[key.strip().lower()] = value.strip()
        return found

    def __str__(self) -> str:
        return f'{self.flags} {self.tag} "{self.value}"'


def relevant_set(resolver: dns.resolver.Resolver, domain: str) -> tuple[str | None, list[Property]]:
    """The name whose CAA records decide for ``domain`` (climbing toward the root), and those records."""
    labels = domain.split(".")
    for start in range(len(labels)):
        name = ".".join(labels[start:])
        try:
            answer = resolver.resolve(name, dns.rdatatype.CAA, raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN:
            continue  # a name that does not exist has no records: its parent decides
        if answer.rrset is not None and len(answer.rrset):
            return name, [Property(r.flags, r.tag.decode("ascii", "replace").lower(),
                                   r.value.decode("utf-8", "replace")) for r in answer.rrset]
    return None, []


def check_caa(options: CheckOptions, issuer: str = MANAGED_CA_DOMAIN) -> StepResult:
    domain = options.domain
    try:
        owner, records = relevant_set(make_resolver(options), domain)
    except dns.exception.Timeout:
        return failed(STEP, f"no CAA answer within {options.timeout:g} s", "timeout",
                      "a CA that cannot read CAA records refuses to issue: check the zone's name servers")
    except dns.exception.DNSException as exc:
        return failed(STEP, f"CAA lookup failed: {exc}", "caa_lookup_failed",
                      "a CA that cannot read CAA records refuses to issue: check the zone's name servers")
    if owner is None:
        return passed(STEP, f"no CAA records at {domain} or any parent: every CA may issue", owner=None, records=[])
    facts: dict[str, object] = {"owner": owner, "records": [str(r) for r in records]}
    add = f'add {owner}. CAA 0 issue "{issuer}" beside the existing records'
    critical = [r for r in records if r.flags & CRITICAL and r.tag not in KNOWN_TAGS]
    if critical:
        return failed(STEP, f"CAA at {owner} has a critical property no CA knows ({critical[0]}): nobody may issue",
                      "caa_critical", f"remove the critical flag or the record {critical[0]} at {owner}", **facts)
    issue = [r for r in records if r.tag == "issue"]
    if not issue:
        return passed(STEP, f"CAA at {owner} has no issue property: every CA may issue", **facts)
    ours = [r for r in issue if r.issuer == issuer]
    if not ours:
        allowed = sorted({r.issuer for r in issue if r.issuer}) or ["no CA"]
        return failed(STEP, f"CAA at {owner} allows {', '.join(allowed)}, not {issuer}", "caa_forbids", add,
                      **facts)
    if all("accounturi" in r.parameters for r in ours):
        return warned(STEP, f"CAA at {owner} allows {issuer} for one ACME account only ({ours[0]})", "caa_account",
                      f"the account must be SparkPost's; if issuance fails with acme:dns, {add} without "
                      "accounturi", **facts)
    return passed(STEP, f"CAA at {owner} allows {issuer}", **facts)
