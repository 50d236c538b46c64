"""The CAA step (managed HTTPS): may Let's Encrypt issue SparkPost's certificate for DOMAIN?

A CA looks for CAA records the way RFC 8659 says: the CAA records of the host itself (a CNAME is followed, as any
query follows it), else of its parent, and so on up the tree; the first name that has any decides. With none
anywhere, every CA may issue. The host's own certificate is not a wildcard, so only ``issue`` properties count
(``issuewild`` is ignored, RFC 8659 §4.3). When the set holds any, one of them must allow the issuance SparkPost
asks for:

- its issuer is ``letsencrypt.org`` exactly, as RFC 8659 §4.2 writes an issuer-domain-name (labels joined by
  dots: no trailing dot, no other case). A value off that syntax is an empty issuer, which allows no CA;
- every RFC 8657 parameter admits the issuance: ``validationmethods`` lists the method SparkPost's issuance
  uses; ``accounturi`` can name only one account, and whether that is SparkPost's `check` cannot see, so a set
  that allows Let's Encrypt only for named accounts warns.

A critical property the CA does not know forbids issuance; Let's Encrypt reads flag 1 as critical too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

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
#: The critical flag (128), and flag 1, which Let's Encrypt also reads as critical because many zones set it so.
CRITICAL_FLAGS = 128 | 1
#: How SparkPost proves control of the host to Let's Encrypt: its V2 host answers the HTTP challenge (the
#: ``acme:unauthorized`` error code is that challenge going unanswered, docs/managed-https.md).
MANAGED_VALIDATION_METHOD: Final[str] = "http-01"
ACCOUNT_URI, VALIDATION_METHODS = "accounturi", "validationmethods"  # RFC 8657's parameters

# RFC 8659 §4.2: issue-value = *WSP [issuer-domain-name *WSP] [";" *WSP [parameters *WSP]]
_LABEL = r"[A-Za-z0-9](?:-*[A-Za-z0-9])*"
_WSP = r"[ \t]*"
_PARAMETER = rf"{_LABEL}{_WSP}={_WSP}[\x21-\x3a\x3c-\x7e]*"
_ISSUE_VALUE = re.compile(rf"{_WSP}(?P<issuer>{_LABEL}(?:\.{_LABEL})*)?{_WSP}"
                          rf"(?:;{_WSP}(?P<parameters>{_PARAMETER}(?:{_WSP};{_WSP}{_PARAMETER})*)?{_WSP})?")
# RFC 8657 §4: a comma-separated list of ACME method names.
_METHODS = re.compile(rf"{_LABEL}(?:,{_LABEL})*")


@dataclass(frozen=True)
class Property:
    flags: int
    tag: str
    value: str

    @property
    def well_formed(self) -> bool:
        """The value follows RFC 8659's issue-value syntax (for ``issue`` and ``issuewild``)."""
        return _ISSUE_VALUE.fullmatch(self.value) is not None

    @property
    def issuer(self) -> str:
        """The issuer-domain-name as written; empty (no CA) when there is none or the value is off the syntax."""
        found = _ISSUE_VALUE.fullmatch(self.value)
        return (found.group("issuer") or "") if found else ""

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """Each ``tag=value`` parameter in order, the tag in lower case (none when the value is off the syntax)."""
        found = _ISSUE_VALUE.fullmatch(self.value)
        listed = found.group("parameters") if found else None
        pairs = (part.partition("=") for part in listed.split(";")) if listed else ()
        return [(tag.strip(" \t").lower(), value.strip(" \t")) for tag, _, value in pairs]

    def values(self, tag: str) -> list[str]:
        return [value for name, value in self.parameters if name == tag]

    def admits(self, method: str) -> bool:
        """Every RFC 8657 parameter admits an issuance by ``method``: one ``validationmethods`` list at most, and
        it names the method exactly; one ``accounturi`` at most (two make the property unsatisfiable)."""
        methods = self.values(VALIDATION_METHODS)
        if len(methods) > 1 or len(self.values(ACCOUNT_URI)) > 1:
            return False
        return not methods or (_METHODS.fullmatch(methods[0]) is not None and method in methods[0].split(","))

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


def check_caa(options: CheckOptions, issuer: str = MANAGED_CA_DOMAIN,
              method: str = MANAGED_VALIDATION_METHOD) -> StepResult:
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
    return judge(owner, records, issuer, method)


def judge(owner: str, records: list[Property], issuer: str, method: str) -> StepResult:
    """The verdict of the CAA records at ``owner`` on an issuance by ``issuer`` proven by ``method``."""
    facts: dict[str, object] = {"owner": owner, "records": [str(r) for r in records]}
    add = f'add {owner}. CAA 0 issue "{issuer}" beside the existing records'
    critical = [r for r in records if r.flags & CRITICAL_FLAGS and r.tag not in KNOWN_TAGS]
    if critical:
        return failed(STEP, f"CAA at {owner} has a critical property no CA knows ({critical[0]}): nobody may issue",
                      "caa_critical", f"remove the critical flag or the record {critical[0]} at {owner}", **facts)
    issue = [r for r in records if r.tag == "issue"]
    if not issue:
        return passed(STEP, f"CAA at {owner} has no issue property: every CA may issue", **facts)
    named = [r for r in issue if r.issuer == issuer]
    if not named:
        return failed(STEP, _forbidden(owner, issue, issuer), "caa_forbids", add, **facts)
    usable = [r for r in named if r.admits(method)]
    if not usable:
        return failed(STEP, f"CAA at {owner} allows {issuer} only with parameters SparkPost's issuance does not "
                            f"meet: {'; '.join(str(r) for r in named)}", "caa_parameters",
                      f"SparkPost proves the host over HTTP ({method}): list it in {VALIDATION_METHODS}, or {add}",
                      **facts)
    if all(r.values(ACCOUNT_URI) for r in usable):
        return warned(STEP, f"CAA at {owner} allows {issuer} for one ACME account only ({usable[0]})", "caa_account",
                      f"the account must be SparkPost's; if issuance fails with acme:dns, {add} without "
                      f"{ACCOUNT_URI}", **facts)
    return passed(STEP, f"CAA at {owner} allows {issuer}", **facts)


def _forbidden(owner: str, issue: list[Property], issuer: str) -> str:
    allowed = sorted({r.issuer for r in issue if r.issuer})
    detail = f"CAA at {owner} allows {', '.join(allowed) or 'no CA'}, not {issuer}"
    malformed = [str(r) for r in issue if not r.well_formed]
    if malformed:
        detail += (f"; {malformed[0]} is not an issuer name as RFC 8659 writes it, so it allows no CA"
                   if len(malformed) == 1 else
                   f"; {', '.join(malformed)} are not issuer names as RFC 8659 writes them, so they allow no CA")
    if any(name.lower() == issuer for name in allowed):
        detail += "; the CA compares the name exactly"
    return detail
