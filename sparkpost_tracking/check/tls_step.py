"""The TLS steps: the certificate the host serves for its own name (SNI), judged three ways.

- ``tls.chain``: it leads to a trusted root (the system's store, or only ``--ca-file``), through CA
  certificates that are all within their dates (each one that is not is named);
- ``tls.name``: it names the host (subjectAltName, one-label wildcards as browsers match them);
- ``tls.expiry``: it is valid now, with the days left (a warning with ``--warn-days`` days left or fewer).

Each is its own row, so an expired certificate is not reported as an untrusted one. OpenSSL verifies the
chain; the certificates themselves are read with ``cryptography``, because the standard library gives no details
of a certificate. OpenSSL stops at the first certificate outside its dates, so when it finds one the chain is
verified again without dates, and every certificate of it is judged here: an expired host certificate does not
hide an expired intermediate.
"""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Sequence
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
#: OpenSSL's X509_V_FLAG_NO_CHECK_TIME: verify trust alone, leaving every certificate's dates to be judged here.
_NO_CHECK_TIME = 0x200000
_DER = 2  # the standard library's ENCODING_DER, for the certificates of the verified chain before Python 3.13


@dataclass(frozen=True)
class Served:
    """The host's certificate, and OpenSSL's verdict on its chain (None when it verified)."""

    certificate: x509.Certificate
    verify_error: ssl.SSLCertVerificationError | None
    #: After a date error: the chain OpenSSL verified to a trusted root without dates, the host's certificate
    #: first (empty when it is not trusted even so).
    chain: tuple[x509.Certificate, ...] = ()


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
    """One verifying handshake. When it fails on a date, a second one that verifies trust without dates, to read
    the whole chain; when it fails otherwise, one that accepts anything, to read the certificate."""
    try:
        return Served(_handshake(options, _verifying(options), deadline)[0], None)
    except ssl.SSLCertVerificationError as exc:
        error = exc
    if error.verify_code in _DATE_CODES:
        try:
            chain = _handshake(options, _verifying(options, check_dates=False), deadline)
            return Served(chain[0], error, chain)
        except ssl.SSLCertVerificationError as exc:
            error = exc  # not trusted even without dates: that is what the row reports
    return Served(_handshake(options, unverified_context(), deadline)[0], error)


def _verifying(options: CheckOptions, *, check_dates: bool = True) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=options.ca_file)
    context.check_hostname = False  # the name is judged on its own row
    if not check_dates:
        context.verify_flags |= _NO_CHECK_TIME
    return context


def _handshake(options: CheckOptions, context: ssl.SSLContext, deadline: Deadline) -> tuple[x509.Certificate, ...]:
    """The host's certificate, followed (when ``context`` verifies) by the rest of the chain OpenSSL verified."""
    with open_socket(options, options.https_port, deadline) as raw, \
            tls_socket(context, raw, options.domain, deadline) as tls:
        der = tls.getpeercert(binary_form=True)
        rest = _verified_chain(tls)[1:] if context.verify_mode == ssl.CERT_REQUIRED else []
    if not der:
        raise ssl.SSLError("the server sent no certificate")
    return x509.load_der_x509_certificate(der), *(x509.load_der_x509_certificate(c) for c in rest)


def _verified_chain(tls: ssl.SSLSocket) -> Sequence[bytes]:
    """The chain OpenSSL verified, as DER: a public method from Python 3.13, on the private object before."""
    public = getattr(tls, "get_verified_chain", None)
    if public is not None:
        return list(public())
    return [certificate.public_bytes(_DER) for certificate in tls._sslobj.get_verified_chain()]  # type: ignore[attr-defined]


def chain_result(options: CheckOptions, served: Served, now: datetime.datetime) -> StepResult:
    trust = f"--ca-file {options.ca_file}" if options.ca_file else "the system's trust store"
    issuer = _common_name(served.certificate.issuer)
    error = served.verify_error
    if error is None:
        return passed(CHAIN, f"trusted by {trust}; issued by {issuer}", issuer=issuer)
    hint = "serve the CA's current intermediate certificate with the host's"
    if served.chain:  # trusted: only dates are wrong, the host's on the expiry row and the CAs' here
        outdated = [certificate for certificate in served.chain[1:] if not _current(certificate, now)]
        if outdated:
            named = ", ".join(f"{_common_name(c.subject)} ({_dates_wrong(c, now)})" for c in outdated)
            return failed(CHAIN, f"a CA certificate in the chain is outside its dates: {named}", "chain_expired",
                          hint, issuer=issuer, outdated=[_dates(c) for c in outdated])
        if not _current(served.certificate, now):
            return passed(CHAIN, f"trusted by {trust}; issued by {issuer} (dates: see {EXPIRY})", issuer=issuer)
        # OpenSSL saw a date error that no certificate shows at ``now``: its clock read a moment on the other side.
        return failed(CHAIN, f"a CA certificate in the chain is outside its dates: {error.verify_message}",
                      "chain_expired", hint, issuer=issuer)
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
    if days <= warn_days:
        return warned(EXPIRY, f"expires in {days} days ({not_after:%Y-%m-%d}), within the {warn_days}-day "
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


def _dates(certificate: x509.Certificate) -> dict[str, str]:
    return {"name": _common_name(certificate.subject), "not_before": f"{certificate.not_valid_before_utc:%Y-%m-%d}",
            "not_after": f"{certificate.not_valid_after_utc:%Y-%m-%d}"}


def _dates_wrong(certificate: x509.Certificate, now: datetime.datetime) -> str:
    if now > certificate.not_valid_after_utc:
        return f"expired {certificate.not_valid_after_utc:%Y-%m-%d}"
    return f"not valid before {certificate.not_valid_before_utc:%Y-%m-%d}"


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME) or name.get_attributes_for_oid(
        NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else name.rfc4514_string() or "(no issuer name)"

