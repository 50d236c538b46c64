"""The SparkPost side of one tracking domain: create or adopt, converge, verify, managed HTTPS, default.

Every flow asks SparkPost for as little as it can: a create with verify off is a GET (proving the name is free)
and a POST, a create that verifies at the first try is three calls, a change of ``secure`` is one PUT (after the
update's read, ``tracking_domains``).

Ownership: it changes or deletes only a domain that this create made (SparkPost answered its POST), that was
absent just before this create's POST and, after an unclear answer, reads back as exactly what that POST makes,
or that the user adopts (``adopt_existing``, or ``SPARKPOST_ADOPT`` for one run). A failed create deletes the
domain again only when SparkPost answered its POST: a domain whose ownership was inferred is left in place. The
rules beyond the create (re-creation, renames, what a hint may propose) are in ``ownership``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from . import errors
from .certificate_errors import issuance_failure
from .certificate_outputs import certificate_fields, certificate_state, reported_tls_status
from .ownership import exists_message
from .progress import Progress, WaitStatus, ignore
from .schema import INPUT_DEFAULTS
from .settings import Settings

if TYPE_CHECKING:  # the HTTP stack is only needed where calls are made (the provider process)
    from .client import SparkPostClient

log = logging.getLogger("sparkpost_tracking.lifecycle")

#: Faults of one call that outlasted its retries; a wait polls on through them until its own deadline.
TRANSIENT = (errors.RateLimited, errors.ServerError, errors.TransportError)

MAX_POLL_INTERVAL = 60.0


@dataclass(frozen=True)
class Desired:
    """The checked inputs the lifecycle acts on, typed. Defaults come from the schema, not from here."""

    domain: str
    secure: bool
    default: bool
    verify: bool
    managed_certificate: bool
    adopt_existing: bool
    subaccount_id: int | None

    @classmethod
    def from_inputs(cls, props: Mapping[str, Any]) -> Desired:
        values = {**INPUT_DEFAULTS, **{k: v for k, v in props.items() if v is not None}}
        sub = values["subaccount_id"]
        return cls(**{f.name: values[f.name] for f in fields(cls)}
                   | {"domain": str(values["domain"]).lower(), "subaccount_id": None if sub is None else int(sub)})

    @property
    def scope(self) -> str:
        return f"subaccount {self.subaccount_id}" if self.subaccount_id else "the primary account"


def port_for(secure: bool) -> int:
    return 443 if secure else 80


def observed_from_api(obj: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten SparkPost's tracking-domain object into our output keys.

    The 2026 fields (``tls_status``, ``uses_managed_certificate``) may be missing on older
    domains, and ``cname_status`` may be ``""`` after verification: both are fine. A missing ``tls_status``
    is read from ``tls_certificate`` when there is one.
    """
    status = obj.get("status") or {}
    secure = bool(obj.get("secure", False))
    return {
        "secure": secure,
        "default": bool(obj.get("default", False)),
        "port": int(obj.get("port") or port_for(secure)),
        "verified": bool(status.get("verified", False)),
        "cname_status": status.get("cname_status"),
        "compliance_status": status.get("compliance_status"),
        "tls_status": reported_tls_status(obj),
        "uses_managed_certificate": bool(obj.get("uses_managed_certificate", False)),
        "subaccount_id": obj.get("subaccount_id"),
        **certificate_fields(obj),
    }


class _Poller:
    """Waits between polls with doubling intervals (capped); the last poll happens at the deadline."""

    def __init__(self, timeout: float, interval: float, sleep: Callable[[float], None],
                 clock: Callable[[], float]) -> None:
        self.started = clock()
        self.deadline = self.started + timeout
        self.interval = max(interval, 0.0)
        self.sleep = sleep
        self.clock = clock
        self.attempts = 1

    def wait(self) -> bool:
        """Sleep until the next poll, never past the deadline; False (without sleeping) once it has passed."""
        remaining = self.deadline - self.clock()
        if remaining <= 0:
            return False
        self.sleep(min(self.interval, remaining))
        self.interval = min(max(self.interval * 2, 1.0), MAX_POLL_INTERVAL)
        self.attempts += 1
        return True

    def elapsed(self) -> float:
        return self.clock() - self.started

    def gave_up(self) -> str:
        """How long the wait really lasted, for the error message."""
        plural = "s" if self.attempts != 1 else ""
        return f"gave up after {self.clock() - self.started:.0f}s and {self.attempts} attempt{plural}"


def _status_fields(status: Mapping[str, Any]) -> dict[str, Any]:
    fields = {k: status[k] for k in ("verified", "cname_status", "compliance_status", "tls_status") if k in status}
    fields["verified"] = bool(status.get("verified", False))
    return fields


def _verification_needed_by(desired: Desired, default_pending: bool) -> str | None:
    """What needs this domain verified besides ``verify`` itself (for the timeout's advice), or None."""
    if desired.managed_certificate:
        return "SparkPost issues a managed certificate (managed_certificate, as ManagedTrackingDomain sets it) " \
               "only to a verified domain"
    if default_pending:
        return "SparkPost makes only a verified domain the default (default)"
    return None


def _after_verification_timeout(needed_by: str | None) -> str:
    """The last sentence of a verification timeout: steps that work for this domain."""
    longer = "raise sparkpost:verifyTimeout (e.g. pulumi config set sparkpost:verifyTimeout 900)"
    if needed_by is None:
        return (f"Then run 'pulumi up' again; {longer} to wait longer, or declare the domain with verify: false to "
                "create it without waiting for SparkPost.")
    return (f"Then run 'pulumi up' again, and {longer} to wait longer. The wait cannot be skipped here: "
            f"{needed_by}.")


class TrackingDomainLifecycle:
    """Drives one domain toward its declared state through a ``SparkPostClient``."""

    def __init__(self, client: SparkPostClient, settings: Settings, *,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 progress: Progress = ignore) -> None:
        self.client = client
        self.settings = settings
        self.sleep = sleep
        self.clock = clock
        self.progress = progress

    # ---- create ----------------------------------------------------------------------------

    def create(self, desired: Desired) -> dict[str, Any]:
        """Create (or adopt) the domain and converge it; returns the observed state.

        A create that fails after SparkPost answered its POST deletes the domain again, so the next
        ``pulumi up`` starts clean instead of tripping over a 409 for a domain not in state.
        """
        # Managed HTTPS: SparkPost verifies over plain http until its own certificate exists,
        # and switches the domain to secure itself when the certificate is issued.
        post_secure = desired.secure and not desired.managed_certificate
        try:
            found = self.client.create_domain(desired.domain, secure=post_secure)
        except errors.Conflict as exc:
            return self._take_over(desired, exc.detail, None)
        except errors.NotOurDomain as exc:
            return self._take_over(desired, str(exc), exc.found)
        except errors.OutcomeUnknown as exc:
            exc.add_note(f"{desired.domain!r} may exist in SparkPost now, made by this run or by someone else. The "
                         "next 'pulumi up' reads it first: if it says the domain already exists and reads exactly as "
                         f"this resource's create leaves it, SPARKPOST_ADOPT={desired.domain} pulumi up adopts it "
                         "once (docs/recovery.md); if it reads otherwise, it is someone else's.")
            raise
        inferred = found is not None
        observed = observed_from_api(found) if found is not None else {
            "secure": post_secure, "default": False, "port": port_for(post_secure), "verified": False,
            "uses_managed_certificate": False}
        try:
            return self.converge(desired, observed)
        except Exception as exc:
            if inferred:
                exc.add_note(
                    f"The create's answer was unclear; {desired.domain!r} was absent just before and read back as "
                    "this run makes it, so it is most likely yours, but it was left in place rather than deleted on "
                    f"that inference. To keep it: SPARKPOST_ADOPT={desired.domain} pulumi up; else delete it in "
                    "SparkPost.")
            else:
                self._roll_back(desired, exc)
            raise

    def _adopting(self, desired: Desired) -> bool:
        return desired.adopt_existing or desired.domain in self.settings.adopt

    def _take_over(self, desired: Desired, detail: str, found: Mapping[str, Any] | None) -> dict[str, Any]:
        """The domain existed before this create: adopt it if the user said so, else fail touching nothing."""
        if not self._adopting(desired):
            if found is None:  # a 409: one read (no write) says which hint fits
                found = self.client.describe_domain(desired.domain)
            raise errors.SparkPostTrackingError(exists_message(desired, detail, found)) from None
        return self.converge(desired, self._adopt(desired, found))

    def _adopt(self, desired: Desired, found: Mapping[str, Any] | None) -> dict[str, Any]:
        if found is None:
            try:
                found = self.client.get_domain(desired.domain)
            except errors.NotFound:
                raise errors.SparkPostTrackingError(
                    f"SparkPost says {desired.domain!r} exists, but it is not in {desired.scope}: it belongs to "
                    "another subaccount (or the primary account). Set subaccount_id to its owner to adopt it."
                ) from None
        if found.get("subaccount_id") != desired.subaccount_id:
            raise errors.SparkPostTrackingError(
                f"{desired.domain!r} exists in SparkPost, but not in {desired.scope} (subaccount_id "
                f"{found.get('subaccount_id')!r}). Set subaccount_id to its owner to adopt it.")
        log.info("adopting existing tracking domain %s", desired.domain)
        return observed_from_api(found)

    def _roll_back(self, desired: Desired, cause: Exception) -> None:
        try:
            self.client.persist(lambda: self.client.delete_domain(desired.domain))
            log.warning("create of %s failed (%s); deleted it again so the next run starts clean",
                        desired.domain, type(cause).__name__)
        except errors.NotFound:
            pass
        except errors.SparkPostTrackingError as exc:
            cause.add_note(f"The domain was created but could not be deleted again ({exc}). It is yours: "
                           f"SPARKPOST_ADOPT={desired.domain} pulumi up takes it over, or delete it in SparkPost.")

    # ---- converge --------------------------------------------------------------------------

    def converge(self, desired: Desired, observed: Mapping[str, Any]) -> dict[str, Any]:
        """Bring an existing domain from ``observed`` to ``desired`` with as few calls as possible."""
        state = dict(observed)
        put: dict[str, Any] = {}
        # A managed-certificate domain is switched to secure by SparkPost when the certificate is issued; once
        # it has the certificate, a drift of secure is ours to repair like any other.
        if state.get("secure") != desired.secure and (
                not desired.managed_certificate or state.get("uses_managed_certificate")):
            put["secure"] = desired.secure
        default_pending = bool(state.get("default")) != desired.default
        # Clearing the default, or setting it on an already verified domain, rides along in the same PUT.
        if default_pending and (not desired.default or (state.get("verified") and not desired.managed_certificate)):
            put["default"] = desired.default
            default_pending = False
        if put:
            self.client.update_domain(desired.domain, put)
            state.update(put)
            state["port"] = port_for(bool(state["secure"]))
        needs_verified = desired.verify or desired.managed_certificate or default_pending
        if needs_verified and not state.get("verified"):
            state.update(self.wait_verified(desired.domain, _verification_needed_by(desired, default_pending)))
        if desired.managed_certificate:
            state.update(self.ensure_managed_certificate(desired.domain, state))
        if default_pending:
            self.client.update_domain(desired.domain, {"default": desired.default})
            state["default"] = desired.default
        return state

    def _poller(self, timeout: float) -> _Poller:
        return _Poller(timeout, self.settings.verify_interval, self.sleep, self.clock)

    # ---- verification ----------------------------------------------------------------------

    def wait_verified(self, domain: str, needed_by: str | None = None) -> dict[str, Any]:
        """Call verify until SparkPost reports the domain verified, within ``verify_timeout``.

        ``needed_by`` says what cannot do without the verification (managed HTTPS, the default); None when only
        ``verify`` asked for it, which the user may turn off. The timeout's advice offers only what works then.
        """
        timeout = self.settings.verify_timeout
        poller = self._poller(timeout)
        while True:
            try:
                status = self.client.verify_domain(domain)
                if status.get("verified"):
                    return _status_fields(status)
                last = ", ".join(f"{k}={status.get(k)!r}" for k in ("verified", "cname_status", "compliance_status"))
                said = f"cname_status {status.get('cname_status') or '?'}"
            except errors.BadRequest as exc:  # "HTTP request to https://...:443 failed"
                last = said = exc.detail
            except TRANSIENT as exc:  # a storm outlasted one call's retries: it is a "not yet", not a verdict
                last, said = str(exc), f"SparkPost answered {type(exc).__name__}"
            self.progress(WaitStatus(f"verifying {domain}", said, poller.elapsed(), timeout))
            if not poller.wait():
                raise errors.VerificationFailed(
                    f"SparkPost did not verify tracking domain {domain!r} within {timeout:g}s ({poller.gave_up()}). "
                    f"SparkPost's last answer: {last}. "
                    f"Check that DNS for {domain} points at your CDN (or the SparkPost CNAME target), that the "
                    f"CDN serves a valid certificate for {domain} (secure domains are verified with "
                    f"https://{domain}:443), and that it forwards Host and User-Agent to the SparkPost origin. "
                    + _after_verification_timeout(needed_by))

    # ---- managed HTTPS ---------------------------------------------------------------------

    def ensure_managed_certificate(self, domain: str, state: Mapping[str, Any]) -> dict[str, Any]:
        """certificate/check and certificate/enable unless a certificate is live or on its way, then wait
        until it is valid. A failed or expired certificate is requested again."""
        stale_error = state.get("certificate_error")
        if (not state.get("uses_managed_certificate") or state.get("tls_status") in ("failed", "expired")
                or (stale_error and state.get("tls_status") != "valid")):
            try:
                check = self.client.check_certificate(domain)
            except (errors.Forbidden, errors.BadRequest) as exc:
                raise errors.ManagedCertificateError(
                    f"{domain!r} is not eligible for a SparkPost-managed certificate ({exc.detail}). "
                    "Use a CDN component with your own certificate instead, or retry later if SparkPost's "
                    "eligibility check itself failed.") from None
            if check.get("supportsManagedCertificate") is False:
                raise errors.ManagedCertificateError(
                    f"SparkPost reports that {domain!r} does not support a managed certificate "
                    "(supportsManagedCertificate: false). Check that its CNAME points at the V2 endpoint "
                    "(v2.spgo.io / eu.v2.spgo.io), or use a CDN component with your own certificate.")
            try:
                self.client.enable_certificate(domain)
            except (errors.Forbidden, errors.BadRequest) as exc:
                raise errors.ManagedCertificateError(
                    f"SparkPost refused to issue a managed certificate for {domain!r}: {exc.detail}") from None
        return self.wait_certificate_valid(domain, stale_error)

    def wait_certificate_valid(self, domain: str, stale_error: str | None = None) -> dict[str, Any]:
        timeout = self.settings.certificate_timeout
        poller = self._poller(timeout)
        while True:
            try:
                found = self.client.get_domain(domain)
            except TRANSIENT as exc:  # as for verification: the wait is bounded by its deadline, not by one call
                if not poller.wait():
                    raise errors.ManagedCertificateError(
                        f"The managed certificate for {domain!r} could not be checked within {timeout:g}s "
                        f"({poller.gave_up()}): {exc}. Run 'pulumi up' again.") from None
                continue
            observed = observed_from_api(found)
            state = certificate_state(found)
            tls = observed.get("tls_status")
            if state == "valid":
                return observed
            # The first report of an error_code ends the wait with its fix: waiting out the timeout tells nothing more.
            failure = issuance_failure(domain, found, stale_error)
            if failure is not None:
                raise errors.ManagedCertificateError(failure)
            if state == "failed":
                code = (found.get("tls_certificate") or {}).get("error_code")
                raise errors.ManagedCertificateError(
                    f"SparkPost's managed certificate for {domain!r} is {tls or 'failed'!r}"
                    f"{f' (error_code {code})' if code else ''}. Check that {domain} still CNAMEs to the "
                    "SparkPost V2 endpoint and that no CAA record forbids Let's Encrypt.")
            self.progress(WaitStatus(f"waiting for the managed certificate of {domain}", f"tls_status {tls}",
                                     poller.elapsed(), timeout))
            if not poller.wait():
                raise errors.ManagedCertificateError(
                    f"The managed certificate for {domain!r} was not valid within {timeout:g}s ({poller.gave_up()}; "
                    f"tls_status {tls!r}). SparkPost says issuance usually takes up to 15 minutes; raise "
                    "sparkpost:certificateTimeout, then run 'pulumi up' again.")
