"""SparkPost's managed-certificate error codes, in one table: what each means and what the user does about it.

SparkPost reports a failed Let's Encrypt issuance as ``tls_certificate.error_code``. The certificate wait turns the
first report of a code into an error carrying this table's fix (instead of waiting out its timeout), ``check``
and the docs (``docs/managed-https.md``) read the same table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from .hosts import HOSTS


@dataclass(frozen=True)
class CertificateErrorCode:
    """One documented ``error_code``: why issuance failed, what to do, and whether another try may succeed alone."""

    code: str
    cause: str
    fix: str
    transient: bool = False
    """SparkPost or Let's Encrypt failed, not the setup: the same request may succeed later unchanged."""


#: The issuer domain a CAA record must name for SparkPost's managed certificates (Let's Encrypt).
MANAGED_CA_DOMAIN: Final[str] = "letsencrypt.org"

_V2_TARGETS: Final[str] = " / ".join(f"{hosts.managed_cname_target} ({region.upper()})"
                                     for region, hosts in HOSTS.items())

ERROR_CODES: Final[dict[str, CertificateErrorCode]] = {entry.code: entry for entry in (
    CertificateErrorCode(
        "acme:rejected_identifier",
        "Let's Encrypt refuses to issue a certificate for this host name (its policy rejects the name, e.g. a "
        "blocked or malformed name).",
        "Use another tracking host name under a domain you control, or keep this name behind a CDN component "
        "with your own certificate."),
    CertificateErrorCode(
        "acme:dns",
        "Let's Encrypt's DNS lookup of the host failed: its CNAME does not point at SparkPost's V2 endpoint yet, "
        f"or a CAA record at the host or a parent domain does not allow {MANAGED_CA_DOMAIN}.",
        f"CNAME the host to {_V2_TARGETS}; if a CAA record exists at the host or any parent, add "
        f"'0 issue \"{MANAGED_CA_DOMAIN}\"' beside it. Then run 'sparkpost-tracking check {{domain}}' and 'pulumi up' "
        "again (a DNS change can take up to 48 hours to reach every resolver)."),
    CertificateErrorCode(
        "acme:unauthorized",
        "Let's Encrypt's HTTP challenge for the host was not answered by SparkPost: a CDN or proxy (for example "
        "Cloudflare's orange cloud) or an old A/AAAA record answers for the host instead.",
        f"Make the host a plain DNS-only CNAME to {_V2_TARGETS}: turn the proxy off and remove other A/AAAA "
        "records for it, then run 'pulumi up' again."),
    CertificateErrorCode(
        "acme:temporary",
        "Let's Encrypt failed for a while (an outage or a rate limit); the setup itself may be right.",
        "Run 'pulumi up' again later: it requests the certificate again. If it keeps failing, check the host with "
        "'sparkpost-tracking check {domain}'.",
        transient=True),
    CertificateErrorCode(
        "service:internal",
        "SparkPost's certificate service failed internally.",
        "Run 'pulumi up' again later: it requests the certificate again. If it keeps failing, contact SparkPost "
        "support with the domain and the time of the failure.",
        transient=True),
)}


def certificate_error_code(found: Mapping[str, Any]) -> str | None:
    """The ``error_code`` SparkPost reports for the domain's managed certificate, if any."""
    code = (found.get("tls_certificate") or {}).get("error_code")
    return str(code) if code else None


def fix_for(code: str, domain: str = "DOMAIN") -> str:
    """What to do about one error code for ``domain``; an undocumented code says so and what to check."""
    entry = ERROR_CODES.get(code)
    if entry is None:
        return (f"SparkPost reported an error code this library does not know ({code}). Run 'sparkpost-tracking "
                f"check {domain}' to check the host's DNS and CAA records, then 'pulumi up' again.")
    return entry.fix.format(domain=domain)


def explain(code: str, domain: str = "DOMAIN") -> str:
    """Cause and fix of one error code for ``domain``; an undocumented code says so."""
    entry = ERROR_CODES.get(code)
    return fix_for(code, domain) if entry is None else f"{entry.cause} Fix: {fix_for(code, domain)}"


def not_issued(domain: str, code: str) -> str:
    """The one-line fact of a failed issuance, before its cause and fix."""
    return f"SparkPost could not issue the managed certificate for {domain!r} (error_code {code})"


def issuance_failure(domain: str, found: Mapping[str, Any], stale: str | None = None) -> str | None:
    """The error message for a domain whose certificate issuance SparkPost reports as failed with a code, or None.

    An ``error_code`` beside ``tls_status: valid`` is a renewal that failed while the current certificate still
    serves: SparkPost retries it, and nothing is broken yet, so it is no failure here. ``stale`` is the code the
    domain showed before this run requested the certificate again: until SparkPost says ``failed``, that code
    may be the old attempt's, not the new one's.
    """
    code = certificate_error_code(found)
    tls_status = (found.get("status") or {}).get("tls_status")
    if code is None or tls_status == "valid" or (code == stale and tls_status not in ("failed", "expired")):
        return None
    return f"{not_issued(domain, code)}. {explain(code, domain)}"


def markdown_table() -> str:
    """The table of error codes as docs/managed-https.md shows it (a test keeps the page equal to this)."""
    rows = [f"| `{e.code}` | {e.cause} | {e.fix.format(domain='DOMAIN')} |" for e in ERROR_CODES.values()]
    return "\n".join(["| error_code | cause | fix |", "|---|---|---|", *rows])
