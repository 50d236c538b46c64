"""The TLS steps: the certificate the host serves for its own name (SNI), judged three ways.

- ``tls.chain``: it leads to a trusted root (the system's store, or only ``--ca-file``);
- ``tls.name``: it names the host (subjectAltName, one-label wildcards as browsers match them);
- ``tls.expiry``: it is valid now, with the days left (a warning under ``--warn-days``).

Each is its own row, so an expired certificate is not reported as an untrusted one. OpenSSL verifies the
chain; the certificate itself is read with ``cryptography``, because the standard library gives no details
of a certificate it did not verify.
"""

from __future__ import annotations

import datetime
import ssl
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

from .connect import Deadline, classify, open_socket, tls_socket, unverified_context
from .options import CheckOptions
from .result import StepResult, failed, passed, skipped, warned

CHAIN, NAME, EXPIRY = "tls.chain", "tls.name", "tls.expiry"
STEPS = (CHAIN, NAME, EXPIRY)
#: OpenSSL's verify codes for a certificate outside its validity dates (the chain itself was trusted).
_DATE_CODES = frozenset({9, 10})  # X509_V_ERR_CERT_NOT_YET_VALID, X509_V_ERR_CERT_HAS_EXPIRED


@dataclass(frozen=True)
class Served:
    """The host's certificate, and OpenSSL's verdict on its chain (None when it verified)."""

    certificate: x509.Certificate
    verify_error: ssl.SSLCertVerificationError | None


def check_tls(options: CheckOptions, now: datetime.datetime | None = None) -> list[StepResult]:
    now = now or datetime.datetime.now(datetime.UTC)
    try:
        with Deadline(options.timeout) as deadline:
            served = fetch(options, deadline)
    except OSError as exc:  # ssl.SSLError included
        failure = classify(exc, options, options.https_port)
        return [failed(CHAIN, failure.detail, failure.code, failure.hint), *_unchecked()]
    except ValueError as exc:
        return [failed(CHAIN, f"the certificate served cannot be read: {exc}", "unreadable",
                       "the CDN serves a malformed certificate: deploy a certificate issued by a CA"), *_unchecked()]
    return [chain_result(options, served, now), name_result(options.domain, served.certificate),
            expiry_result(served.certificate, now, options.warn_days)]


def _unchecked() -> list[StepResult]:
    return [skipped(step, "no certificate to check", required=True) for step in (NAME, EXPIRY)]


def fetch(options: CheckOptions, deadline: Deadline) -> Served:
    """One verifying handshake; when it fails, a second one that accepts anything, to read the certificate."""
    context = ssl.create_default_context(cafile=options.ca_file)
    context.check_hostname = False  # the name is judged on its own row
    try:
        return Served(_handshake(options, context, deadline), None)
    except ssl.SSLCertVerificationError as exc:
        return Served(_handshake(options, unverified_context(), deadline), exc)


def _handshake(options: CheckOptions, context: ssl.SSLContext, deadline: Deadline) -> x509.Certificate:
    with open_socket(options, options.https_port, deadline) as raw, \
            tls_socket(context, raw, options.domain, deadline) as tls:
        der = tls.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError("the server sent no certificate")
    return x509.load_der_x509_certificate(der)


def chain_result(options: CheckOptions, served: Served, now: datetime.datetime) -> StepResult:
    trust = f"--ca-file {options.ca_file}" if options.ca_file else "the system's trust store"
    issuer = _common_name(served.certificate.issuer)
    error = served.verify_error
    if error is None:
        return passed(CHAIN, f"trusted by {trust}; issued by {issuer}", issuer=issuer)
    # OpenSSL checks dates after trust, so a date error means the chain itself was trusted. The host's
    # own dates are the expiry row's; a date error with a current host certificate is a CA in the chain.
    if error.verify_code in _DATE_CODES and not _current(served.certificate, now):
        return passed(CHAIN, f"trusted by {trust}; issued by {issuer} (dates: see {EXPIRY})", issuer=issuer)
    if error.verify_code in _DATE_CODES:
        return failed(CHAIN, f"a CA certificate in the chain is outside its dates: {error.verify_message}",
                      "chain_expired", "serve the CA's current intermediate certificate with the host's",
                      issuer=issuer)
    return failed(CHAIN, f"not trusted by {trust}: {error.verify_message}; issued by {issuer}", "untrusted",
                  "serve a certificate from a public CA with its intermediates (a private CA: pass --ca-file)",
                  issuer=issuer)


def name_result(domain: str, certificate: x509.Certificate) -> StepResult:
    names = dns_names(certificate)
    shown = ", ".join(names[:5]) + (f" (+{len(names) - 5} more)" if len(names) > 5 else "") or "no DNS names"
    if any(name_matches(domain, name) for name in names):
        return passed(NAME, f"certificate names {shown}", names=names)
    return failed(NAME, f"certificate names {shown}, not {domain}", "name_mismatch",
                  f"the CDN serves another host's certificate: attach one for {domain} (alternate domain name, "
                  "TLS subscription or edge certificate)", names=names)


def warn_threshold(certificate: x509.Certificate) -> int:
    """Days before expiry by which the certificate should have been renewed: a third of its lifetime (ACME
    clients renew then), so the warning keeps its meaning as lifetimes shrink from 90 days to 64 and 45."""
    return (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days // 3


def expiry_result(certificate: x509.Certificate, now: datetime.datetime, warn_days: int | None) -> StepResult:
    not_before, not_after = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    warn_days = warn_threshold(certificate) if warn_days is None else warn_days
    facts: dict[str, object] = {"not_before": not_before.isoformat(), "not_after": not_after.isoformat(),
                                "lifetime_days": (not_after - not_before).days, "warn_days": warn_days}
    if now < not_before:
        return failed(EXPIRY, f"not valid before {not_before:%Y-%m-%d %H:%M} UTC", "not_yet_valid",
                      "the certificate is dated in the future: check the issuer, or this machine's clock", **facts)
    days = (not_after - now).days
    if now > not_after:
        return failed(EXPIRY, f"expired {(now - not_after).days} days ago ({not_after:%Y-%m-%d})", "expired",
                      "renew the certificate (or let the CDN's managed renewal finish) and deploy it",
                      days_left=days, **facts)
    if days < warn_days:
        return warned(EXPIRY, f"expires in {days} days ({not_after:%Y-%m-%d}), under the {warn_days}-day "
                              f"threshold of a {facts['lifetime_days']}-day certificate", "expires_soon",
                      "renew it now; a managed certificate that is not renewed by now needs attention (SparkPost's "
                      "tls_status and tls_certificate.error_code say why)", days_left=days, **facts)
    return passed(EXPIRY, f"{days} days left (until {not_after:%Y-%m-%d})", days_left=days, **facts)


def dns_names(certificate: x509.Certificate) -> list[str]:
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []  # browsers ignore the subject's common name
    return [name.lower() for name in extension.value.get_values_for_type(x509.DNSName)]


def name_matches(host: str, pattern: str) -> bool:
    """A certificate name matches ``host`` exactly, or as ``*.`` standing for exactly one leftmost label."""
    pattern = pattern.lower().removesuffix(".")
    if pattern.startswith("*."):
        first, _, rest = host.partition(".")
        return bool(first) and rest == pattern[2:]
    return host == pattern


def _current(certificate: x509.Certificate, now: datetime.datetime) -> bool:
    return certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME) or name.get_attributes_for_oid(
        NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else name.rfc4514_string() or "(no issuer name)"

