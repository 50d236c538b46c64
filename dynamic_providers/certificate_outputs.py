"""What the outputs say of SparkPost's managed certificate: its dates, its error code, and its status.

SparkPost reports the certificate as ``tls_certificate {issued_at, expires_at, error_code}`` beside
``status.tls_status``; its published samples omit ``tls_status``, so when it is missing the status is read from the
certificate itself, at the moment of the read: a refresh then shows an expired certificate as expired.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from .certificate_errors import certificate_error_code

#: The outputs that describe the managed certificate (``TrackingDomainOutputs``).
CERTIFICATE_OUTPUTS: Final[tuple[str, ...]] = ("certificate_issued_at", "certificate_expires_at", "certificate_error")


def certificate_fields(found: Mapping[str, Any]) -> dict[str, Any]:
    """The ``certificate_*`` outputs of a SparkPost tracking-domain object (None where it reports nothing)."""
    certificate = found.get("tls_certificate") or {}
    issued_at, expires_at, error = CERTIFICATE_OUTPUTS
    return {issued_at: certificate.get("issued_at") or None, expires_at: certificate.get("expires_at") or None,
            error: certificate_error_code(found)}


def without_stale_certificate(merged: dict[str, Any], observed: Mapping[str, Any]) -> dict[str, Any]:
    """``merged`` (old outputs updated with the observed ones that are set) without a certificate output that
    SparkPost reported afresh as empty: a repaired certificate has no error code any more."""
    return {k: v for k, v in merged.items() if not (k in CERTIFICATE_OUTPUTS and k in observed and observed[k] is None)}


def reported_tls_status(found: Mapping[str, Any], now: datetime | None = None) -> str | None:
    """``status.tls_status`` as SparkPost reports it; when it is missing, what ``tls_certificate`` shows:
    ``failed`` (an error code), ``expired`` (past ``expires_at``), ``valid`` (issued), else None."""
    status = found.get("status") or {}
    if "tls_status" in status:
        return status["tls_status"]  # type: ignore[no-any-return]
    certificate = found.get("tls_certificate") or {}
    if certificate.get("error_code"):
        return "failed"
    if not certificate.get("issued_at"):
        return None
    expires = expiry(certificate.get("expires_at"))
    if expires is None:
        return None  # no readable expiry: no claim either way
    return "expired" if expires <= (now or datetime.now(UTC)) else "valid"


def certificate_state(found: Mapping[str, Any], now: datetime | None = None) -> str:
    """``valid``, ``failed`` or ``pending``: the managed certificate as SparkPost's object describes it.

    ``tls_status`` says it when it knows; SparkPost's published samples omit it, so without it (or when it is
    ``unknown``) an issued ``tls_certificate`` (``issued_at`` set, no ``error_code``, not expired) counts as valid.
    """
    tls = (found.get("status") or {}).get("tls_status")
    certificate = found.get("tls_certificate") or {}
    if tls in ("failed", "expired"):
        return "failed"
    if tls == "valid":
        return "valid"
    if tls in (None, "unknown"):
        if certificate.get("error_code"):
            return "failed"
        if certificate.get("issued_at") and not _expired(certificate.get("expires_at"), now):
            return "valid"
    return "pending"


def _expired(expires_at: Any, now: datetime | None) -> bool:
    if not expires_at:
        return False
    moment = expiry(expires_at)
    # An expiry we cannot read is no proof of a usable certificate.
    return moment is None or moment <= (now or datetime.now(UTC))


def expiry(expires_at: Any) -> datetime | None:
    """SparkPost's ``expires_at`` (ISO 8601, ``Z`` or an offset, UTC when it names none), or None when absent or
    unreadable."""
    if not expires_at:
        return None
    try:
        moment = datetime.fromisoformat(str(expires_at).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
