"""Tracking-domain state: domains, their owners, one default per scope, verification, managed certificates.

All methods are thread-safe (one re-entrant lock). API operations raise
:class:`~sparkpost_tracking.emulator.errors.ApiError`; out-of-band operations (the emulator's Python and admin
interfaces) raise ``KeyError``/``ValueError`` instead.

Scopes: ``0`` is the primary account, ``N`` is subaccount N. Reads take a *viewer*
(``None`` = no ``X-MSYS-SUBACCOUNT`` header, which sees every scope); writes take the exact scope that
must own the domain (no header means the primary account).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast, get_args

from sparkpost_tracking.dynamic_providers.certificate_errors import ERROR_CODES

from . import errors
from .errors import ApiError
from .validation import is_valid_domain

VerificationOutcome = Literal["valid", "pending", "fail"]
CertificateEligibility = Literal["eligible", "ineligible", "forbidden"]
CNAME_STATUSES = ("unverified", "pending", "invalid", "valid")
COMPLIANCE_STATUSES = ("pending", "valid", "blocked")
TLS_STATUSES = ("unknown", "unavailable", "pending", "failed", "expired", "valid")
PRIMARY = 0
CERTIFICATE_LIFETIME = timedelta(days=90) - timedelta(seconds=1)  # Let's Encrypt, as in SparkPost's sample


@dataclass
class DomainRecord:
    """One stored tracking domain. ``port`` and ``verified`` are derived, never stored."""

    domain: str
    subaccount_id: int | None = None
    secure: bool = False
    default: bool = False
    cname_status: str = "unverified"
    compliance_status: str = "pending"
    tls_status: str = "unavailable"
    uses_managed_certificate: bool = False
    tls_certificate: dict[str, Any] | None = None
    tls_pending_reads_left: int = 0
    tls_failing_with: str | None = None  # the error_code the issuance under way ends in (None: it succeeds)

    @property
    def scope(self) -> int:
        return self.subaccount_id or PRIMARY

    @property
    def port(self) -> int:
        return 443 if self.secure else 80

    @property
    def verified(self) -> bool:
        return self.cname_status == "valid"

    def status(self, *, blank_cname: bool, omit_tls: bool = False) -> dict[str, Any]:
        """The ``status`` object; with ``blank_cname`` a verified domain shows ``cname_status: ""`` (documented),
        with ``omit_tls`` there is no ``tls_status`` (as in SparkPost's published samples)."""
        status = {
            "verified": self.verified,
            "cname_status": "" if blank_cname and self.verified else self.cname_status,
            "compliance_status": self.compliance_status,
            "tls_status": self.tls_status,
        }
        if omit_tls:
            del status["tls_status"]
        return status

    def to_api(self, *, blank_cname: bool, omit_tls: bool = False) -> dict[str, Any]:
        """The object as GET and list return it: ``subaccount_id`` and ``tls_certificate`` only when set."""
        body: dict[str, Any] = {
            "domain": self.domain,
            "port": self.port,
            "secure": self.secure,
            "default": self.default,
            "status": self.status(blank_cname=blank_cname, omit_tls=omit_tls),
            "uses_managed_certificate": self.uses_managed_certificate,
        }
        if self.subaccount_id is not None:
            body["subaccount_id"] = self.subaccount_id
        if self.tls_certificate is not None:
            body["tls_certificate"] = dict(self.tls_certificate)
        return body


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return cast(str, value)


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be a bool; got {value!r}")
    return value


def _new_certificate() -> dict[str, Any]:
    issued = datetime.now(UTC).replace(microsecond=0)

    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    expires = issued + CERTIFICATE_LIFETIME
    return {"issued_at": stamp(issued), "expires_at": stamp(expires), "error_code": None}


def _failed_certificate(error_code: str) -> dict[str, Any]:
    return {"issued_at": None, "expires_at": None, "error_code": error_code}


class DomainStore:
    """The emulated account: every tracking domain of the primary account and its subaccounts."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._domains: dict[str, DomainRecord] = {}  # lower-case name -> record, in creation order
        self._verification: dict[str, VerificationOutcome] = {}
        self._eligibility: dict[str, CertificateEligibility] = {}
        self._default_verification: VerificationOutcome = "valid"
        self._default_eligibility: CertificateEligibility = "eligible"
        self._tls_pending_reads = 1
        self.blank_cname_after_verify = False
        self.omit_tls_status = False
        self._issuance_failures: list[list[Any]] = []  # [domain or None, error_code, issuances left], oldest first

    # ---- settings ------------------------------------------------------------------------------

    @property
    def default_verification(self) -> VerificationOutcome:
        """The verify outcome for domains without :meth:`set_verification`."""
        return self._default_verification

    @default_verification.setter
    def default_verification(self, outcome: VerificationOutcome) -> None:
        self._default_verification = cast(VerificationOutcome,
                                          _choice("outcome", outcome, get_args(VerificationOutcome)))

    @property
    def default_certificate_eligibility(self) -> CertificateEligibility:
        """The certificate eligibility for domains without :meth:`set_certificate_eligibility`."""
        return self._default_eligibility

    @default_certificate_eligibility.setter
    def default_certificate_eligibility(self, eligibility: CertificateEligibility) -> None:
        checked = _choice("eligibility", eligibility, get_args(CertificateEligibility))
        self._default_eligibility = cast(CertificateEligibility, checked)

    @property
    def tls_pending_reads(self) -> int:
        """How many GETs of a domain show ``tls_status: pending`` after ``certificate/enable``."""
        return self._tls_pending_reads

    @tls_pending_reads.setter
    def tls_pending_reads(self, reads: int) -> None:
        if not isinstance(reads, int) or isinstance(reads, bool) or reads < 0:
            raise ValueError(f"tls_pending_reads must be an int >= 0; got {reads!r}")
        self._tls_pending_reads = reads

    def set_verification(self, domain: str, outcome: VerificationOutcome) -> None:
        checked = cast(VerificationOutcome, _choice("outcome", outcome, get_args(VerificationOutcome)))
        with self._lock:
            self._verification[domain.lower()] = checked

    def set_certificate_eligibility(self, domain: str, eligibility: CertificateEligibility) -> None:
        checked = cast(CertificateEligibility,
                       _choice("eligibility", eligibility, get_args(CertificateEligibility)))
        with self._lock:
            self._eligibility[domain.lower()] = checked

    # ---- API operations ------------------------------------------------------------------------

    def list_domains(self, *, viewer: int | None, default: bool | None = None,
             subaccounts: frozenset[int] | None = None) -> list[dict[str, Any]]:
        """``GET /tracking-domains``: what ``viewer`` sees, filtered by ``default`` and ``subaccounts``.

        ``subaccounts`` keeps only the domains of the listed scopes (``0`` = primary account); the
        API reference only says "subaccount IDs to include", so this reading is the emulator's choice.
        Listing does not advance a pending certificate (only a GET of the domain does).
        """
        with self._lock:
            return [record.to_api(**self._shape())
                    for record in self._domains.values()
                    if (viewer is None or record.scope == viewer)
                    and (default is None or record.default == default)
                    and (subaccounts is None or record.scope in subaccounts)]

    def create(self, domain: str, *, secure: bool, scope: int) -> str:
        """``POST /tracking-domains`` for an already validated name; 409 if it exists in any scope."""
        key = domain.lower()
        with self._lock:
            if key in self._domains:
                raise ApiError(409, errors.ALREADY_EXISTS)
            self._domains[key] = DomainRecord(domain=key, subaccount_id=scope or None, secure=secure)
            return key

    def retrieve(self, domain: str, *, viewer: int | None) -> dict[str, Any]:
        """``GET /tracking-domains/{d}``; each call moves a pending managed certificate one read closer to
        ``valid``."""
        with self._lock:
            record = self._visible(domain, viewer)
            if record.uses_managed_certificate and record.tls_status == "pending":
                if record.tls_pending_reads_left > 0:
                    record.tls_pending_reads_left -= 1
                elif record.tls_failing_with:
                    record.tls_status = "failed"
                    record.tls_certificate = _failed_certificate(record.tls_failing_with)
                    record.tls_failing_with = None
                else:
                    record.tls_status = "valid"
                    record.tls_certificate = _new_certificate()
                    record.secure = True  # https links only once the certificate can serve them
            return record.to_api(**self._shape())

    def update(self, domain: str, *, scope: int, secure: bool | None = None,
               default: bool | None = None) -> str:
        """``PUT``: ``secure`` (port follows) and ``default`` (one per scope; only when verified)."""
        with self._lock:
            record = self._owned(domain, scope)
            if default and not record.verified:
                raise ApiError(422, errors.unverified_message(record.domain))
            if secure is not None:
                record.secure = secure
            if default is not None:
                self._set_default(record, default)
            return record.domain

    def delete(self, domain: str, *, scope: int) -> None:
        with self._lock:
            del self._domains[self._owned(domain, scope).domain]

    def verify(self, domain: str, *, scope: int) -> dict[str, Any]:
        """``POST .../verify``: applies the configured outcome; a failure (400) leaves the state unchanged."""
        with self._lock:
            record = self._owned(domain, scope)
            outcome = self._verification.get(record.domain, self._default_verification)
            if outcome == "fail":
                raise ApiError(400, errors.verify_failed_message(record.domain, record.secure))
            if outcome == "valid":
                record.cname_status = "valid"
                record.compliance_status = "valid"
            else:
                record.cname_status = "pending"
            return record.status(**self._shape())

    def check_certificate(self, domain: str, *, scope: int) -> dict[str, Any]:
        """``POST .../certificate/check``: read-only, works on unverified domains."""
        with self._lock:
            record = self._owned(domain, scope)
            eligibility = self._eligibility_of(record)
            if eligibility == "forbidden":
                raise ApiError(403, errors.CHECK_NOT_ELIGIBLE)
            return {"domain": record.domain, "supportsManagedCertificate": eligibility == "eligible"}

    def enable_certificate(self, domain: str, *, scope: int) -> str:
        """``POST .../certificate/enable``: 400 unless verified, 403 unless eligible; else starts issuance.

        SparkPost sets ``secure`` (port 443) itself, once the certificate is issued: until then links stay http,
        which the domain can serve. Both "ineligible" and "forbidden" domains get the 403 here (only ``check``
        tells them apart). Enabling again while pending or valid changes nothing.
        """
        with self._lock:
            record = self._owned(domain, scope)
            if not record.verified:
                raise ApiError(400, errors.MUST_BE_VERIFIED_FOR_CERTIFICATE)
            if self._eligibility_of(record) != "eligible":
                raise ApiError(403, errors.ENABLE_NOT_ELIGIBLE)
            record.uses_managed_certificate = True
            if record.tls_status not in ("pending", "valid"):
                record.tls_status = "pending"
                record.tls_pending_reads_left = self._tls_pending_reads
                record.tls_failing_with = self._take_issuance_failure(record.domain)
                if record.tls_certificate is not None:  # a new attempt: the old one's error is history
                    record.tls_certificate = {**record.tls_certificate, "error_code": None}
            return f"Certificate issuance initiated for {record.domain}"

    # ---- out-of-band operations ----------------------------------------------------------------

    def fail_issuance(self, error_code: str, n: int = 1, domain: str | None = None) -> None:
        """The next ``n`` certificate issuances (of ``domain``, or of any domain) end in ``error_code``."""
        _choice("error_code", error_code, tuple(ERROR_CODES))
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be an int >= 1; got {n!r}")
        with self._lock:
            self._issuance_failures.append([None if domain is None else domain.lower(), error_code, n])

    def _take_issuance_failure(self, domain: str) -> str | None:
        for failure in self._issuance_failures:
            if failure[0] in (None, domain):
                failure[2] -= 1
                if failure[2] == 0:
                    self._issuance_failures.remove(failure)
                return str(failure[1])
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        """Every domain in API GET shape, without side effects."""
        return self.list_domains(viewer=None)

    def serves_https(self, domain: str, now: datetime | None = None) -> bool:
        """Whether SparkPost's V2 endpoint serves ``domain`` over https: its managed certificate is valid now."""
        with self._lock:
            record = self._domains.get(domain.lower())
            if record is None or not record.uses_managed_certificate or record.tls_status != "valid":
                return False
            expires = (record.tls_certificate or {}).get("expires_at")
        if not expires:
            return False
        try:
            moment = datetime.fromisoformat(str(expires).replace("Z", "+00:00"))
        except ValueError:
            return False
        return moment > (now or datetime.now(UTC))

    def scope_of(self, domain: str) -> int | None:
        """The scope that owns ``domain`` (``0`` = primary account), or ``None`` if there is no such domain."""
        with self._lock:
            record = self._domains.get(domain.lower())
            return None if record is None else record.scope

    def peek(self, domain: str) -> dict[str, Any] | None:
        """One domain in API GET shape, or ``None``; never advances a pending certificate."""
        with self._lock:
            record = self._domains.get(domain.lower())
            return None if record is None else record.to_api(**self._shape())

    def add(self, domain: str, /, *, subaccount_id: int | None = None, **fields: Any) -> dict[str, Any]:
        """Create a domain as if in the SparkPost UI (e.g. one to adopt); ``fields`` as in :meth:`mutate`."""
        record = self.new_record(domain, subaccount_id, fields)
        with self._lock:
            if record.domain in self._domains:
                raise ValueError(f"{record.domain} already exists")
            self._domains[record.domain] = record
            if record.default:
                self._set_default(record, True)
            return record.to_api(**self._shape())

    @classmethod
    def new_record(cls, domain: str, subaccount_id: int | None, fields: dict[str, Any]) -> DomainRecord:
        """The record :meth:`add` would store (not stored); ``ValueError`` for a bad name, owner or field."""
        if not isinstance(domain, str) or not is_valid_domain(domain):
            raise ValueError(f"invalid domain name {domain!r}")
        if subaccount_id is not None and (isinstance(subaccount_id, bool)
                                          or not isinstance(subaccount_id, int) or subaccount_id < 0):
            raise ValueError(f"subaccount_id must be an int >= 0; got {subaccount_id!r}")
        return cls._apply(DomainRecord(domain=domain.lower(), subaccount_id=subaccount_id or None), dict(fields))

    def mutate(self, domain: str, /, **fields: Any) -> dict[str, Any]:
        """Change a domain out of band (as the SparkPost UI would) and return its new GET shape.

        Fields: ``secure`` (or ``port`` 80/443; they stay consistent), ``default`` (clears the other
        default of the scope; no verification needed), ``verified`` (True: cname and compliance
        ``valid``; False: cname ``invalid``), ``cname_status``, ``compliance_status``, ``tls_status``,
        ``uses_managed_certificate``, ``tls_certificate`` (dict or None). Raises ``KeyError`` for an
        unknown domain and ``ValueError`` for an unknown field or value; nothing changes on error.
        """
        with self._lock:
            current = self._domains.get(domain.lower())
            if current is None:
                raise KeyError(domain)
            record = self._apply(replace(current), fields)
            self._domains[record.domain] = record
            if record.default:
                self._set_default(record, True)
            return record.to_api(**self._shape())

    def remove(self, domain: str) -> bool:
        """Delete a domain out of band; ``False`` if there was none."""
        with self._lock:
            return self._domains.pop(domain.lower(), None) is not None

    def reset(self) -> None:
        """No domains, no per-domain outcomes, default settings."""
        with self._lock:
            self._domains.clear()
            self._verification.clear()
            self._eligibility.clear()
            self._default_verification = "valid"
            self._default_eligibility = "eligible"
            self._tls_pending_reads = 1
            self.blank_cname_after_verify = False
            self.omit_tls_status = False
            self._issuance_failures.clear()

    # ---- internals -----------------------------------------------------------------------------

    def _shape(self) -> dict[str, bool]:
        """How answers are shaped: the settings that mimic older or terser SparkPost answers."""
        return {"blank_cname": self.blank_cname_after_verify, "omit_tls": self.omit_tls_status}

    def _visible(self, domain: str, viewer: int | None) -> DomainRecord:
        record = self._domains.get(domain.lower())
        if record is None or (viewer is not None and record.scope != viewer):
            raise errors.not_found()
        return record

    def _owned(self, domain: str, scope: int) -> DomainRecord:
        return self._visible(domain, scope)

    def _eligibility_of(self, record: DomainRecord) -> CertificateEligibility:
        return self._eligibility.get(record.domain, self._default_eligibility)

    def _set_default(self, record: DomainRecord, value: bool) -> None:
        if value:
            for other in self._domains.values():
                if other.scope == record.scope and other.domain != record.domain:
                    other.default = False
        record.default = value

    @staticmethod
    def _apply(record: DomainRecord, fields: dict[str, Any]) -> DomainRecord:
        """Validate ``fields`` and apply them to ``record`` (a copy the caller commits)."""
        unknown = set(fields) - {"secure", "port", "default", "verified", "cname_status", "compliance_status",
                                 "tls_status", "uses_managed_certificate", "tls_certificate"}
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
        if "port" in fields:
            if fields["port"] not in (80, 443):
                raise ValueError(f"port must be 80 or 443; got {fields['port']!r}")
            secure = fields["port"] == 443
            if "secure" in fields and fields["secure"] is not secure:
                raise ValueError("port and secure disagree")
            record.secure = secure
        if "secure" in fields:
            record.secure = _flag("secure", fields["secure"])
        if "default" in fields:
            record.default = _flag("default", fields["default"])
        if "verified" in fields:
            verified = _flag("verified", fields["verified"])
            record.cname_status = "valid" if verified else "invalid"
            if verified:
                record.compliance_status = "valid"
        if "cname_status" in fields:
            record.cname_status = _choice("cname_status", fields["cname_status"], CNAME_STATUSES)
        if "compliance_status" in fields:
            record.compliance_status = _choice("compliance_status", fields["compliance_status"],
                                               COMPLIANCE_STATUSES)
        if "tls_status" in fields:
            record.tls_status = _choice("tls_status", fields["tls_status"], TLS_STATUSES)
        if "uses_managed_certificate" in fields:
            record.uses_managed_certificate = _flag("uses_managed_certificate",
                                                    fields["uses_managed_certificate"])
        if "tls_certificate" in fields:
            certificate = fields["tls_certificate"]
            if certificate is not None and not isinstance(certificate, dict):
                raise ValueError("tls_certificate must be a dict or None")
            record.tls_certificate = None if certificate is None else dict(certificate)
        return record

