"""Sending domains: SparkPost's ``/sending-domains`` API (create with a DKIM key, list with its filters, retrieve,
update, delete, verify by DNS), seeding out of band, and the association with a tracking domain.

Rules from SparkPost's reference (``sending-domains.apib``):

- a create generates a DKIM key pair (2048 bits unless ``dkim_key_length`` says otherwise) unless ``generate_dkim``
  is false or a ``dkim`` ``{private, public, selector}`` is given (all three, one key pair);
- ``tracking_domain`` names a tracking domain of the same account or subaccount (else 400, code 1200; ``""``
  removes it); ``shared_with_subaccounts`` is for the primary account's domains only;
- ``is_default_bounce_domain`` needs ``cname_status`` or ``mx_status`` valid; the primary account and each
  subaccount have one default bounce domain each;
- a ``PUT`` of ``dkim`` checks the new key against DNS first and fails (400, code 1404) if it does not verify;
- ``verify`` with ``dkim_verify`` reads the TXT at ``{selector}._domainkey.{signing domain or domain}``, with
  ``cname_verify`` the domain's CNAME, which must be the region's bounce host; the answer is the status object plus
  ``dns: {dkim_record, cname_record, dkim_error, cname_error}``;
- ``creation_time`` is ``YYYY-MM-DDTHH:MM:SS+HH:MM``, new each time a name is made again;
- a domain and its subdomains can be in one account only: names held by another account answer 400, code 7004;
- an unverified domain is removed after two weeks: here only when told (``expire_unverified``), never by a clock.

The emulator's choices where the reference is silent are listed in the emulator's README.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sparkpost_tracking.dynamic_providers.dkim import record_name
from sparkpost_tracking.dynamic_providers.hosts import DEFAULT_REGION, bounce_cname_target

from . import errors
from .dkim_keys import DEFAULT_KEY_LENGTH, MAX_KEY_LENGTH, MIN_KEY_LENGTH, KeyPair, new_key, pair_problem
from .dns_checks import DnsOutcome, DnsReader, parse_server
from .errors import ApiError
from .store import PRIMARY
from .validation import is_valid_domain, require_bool

STATUSES: Final[tuple[str, ...]] = ("unverified", "pending", "invalid", "valid")
COMPLIANCE_STATUSES: Final[tuple[str, ...]] = ("valid", "blocked")
#: The status fields in the order of the published samples; ``ownership_verified`` is true if any is valid.
STATUS_FIELDS: Final[tuple[str, ...]] = ("spf_status", "abuse_at_status", "dkim_status", "cname_status", "mx_status",
                                         "postmaster_at_status", "verification_mailbox_status")
#: The list call's filters: status fields with their values, and the two boolean ones.
ENUM_FILTERS: Final[dict[str, tuple[str, ...]]] = {
    "dkim_status": STATUSES, "cname_status": STATUSES, "mx_status": STATUSES, "abuse_at_status": STATUSES,
    "postmaster_at_status": STATUSES, "compliance_status": COMPLIANCE_STATUSES}
BOOL_FILTERS: Final[tuple[str, ...]] = ("ownership_verified", "is_default_bounce_domain")
DEFAULT_HEADERS: Final[str] = "from:to:subject:date"
CREATED: Final[str] = "Successfully Created domain."
UPDATED: Final[str] = "Successfully Updated Domain."
_SELECTOR = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62}))*")
_CREATION_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
#: What a seeded domain's state is made of (``add`` also takes ``generate_dkim`` and ``dkim_key_length``).
_SEED_FIELDS: Final[frozenset[str]] = frozenset({
    "verified", *STATUS_FIELDS, "compliance_status", "verification_mailbox", "shared_with_subaccounts",
    "is_default_bounce_domain", "tracking_domain", "dkim", "creation_time"})
_KEY_FIELDS: Final[tuple[str, ...]] = ("generate_dkim", "dkim_key_length")


@dataclass
class Dkim:
    """A domain's DKIM key. ``signing_domain`` is set only when given (SparkPost signs with the domain otherwise)."""

    selector: str
    public: str
    private: str = field(repr=False)
    signing_domain: str = ""
    headers: str = DEFAULT_HEADERS

    def to_api(self, *, signing_domain: str | None = None) -> dict[str, Any]:
        """The ``dkim`` object (never the private key); ``signing_domain`` names the domain when none is set."""
        body: dict[str, Any] = {"public": self.public, "selector": self.selector, "headers": self.headers}
        if self.signing_domain or signing_domain:
            body["signing_domain"] = self.signing_domain or signing_domain
        return body


@dataclass
class SendingDomain:
    domain: str
    subaccount_id: int | None = None
    tracking_domain: str = ""
    shared_with_subaccounts: bool = False
    is_default_bounce_domain: bool = False
    dkim: Dkim | None = None
    creation_time: str = ""
    spf_status: str = "unverified"
    abuse_at_status: str = "unverified"
    dkim_status: str = "unverified"
    cname_status: str = "unverified"
    mx_status: str = "unverified"
    postmaster_at_status: str = "unverified"
    verification_mailbox_status: str = "unverified"
    verification_mailbox: str = ""
    compliance_status: str = "valid"

    @property
    def scope(self) -> int:
        return self.subaccount_id or PRIMARY

    @property
    def ownership_verified(self) -> bool:
        return any(getattr(self, name) == "valid" for name in STATUS_FIELDS)

    @property
    def bounce_verified(self) -> bool:
        """May be a bounce domain: verified by CNAME or MX."""
        return "valid" in (self.cname_status, self.mx_status)

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = {"ownership_verified": self.ownership_verified}
        status.update((name, getattr(self, name)) for name in STATUS_FIELDS)
        status["compliance_status"] = self.compliance_status
        if self.verification_mailbox:
            status["verification_mailbox"] = self.verification_mailbox
        return status

    def to_api(self, *, with_domain: bool = True, creation_time: bool = True) -> dict[str, Any]:
        """The object as listed (``with_domain``; a GET of one domain leaves the name out, as documented):
        ``tracking_domain``, ``dkim``, ``subaccount_id`` only when set."""
        body: dict[str, Any] = {"domain": self.domain} if with_domain else {}
        if self.tracking_domain:
            body["tracking_domain"] = self.tracking_domain
        body["status"] = self.status()
        if self.dkim is not None:
            body["dkim"] = self.dkim.to_api()
        body["shared_with_subaccounts"] = self.shared_with_subaccounts
        body["is_default_bounce_domain"] = self.is_default_bounce_domain
        if self.subaccount_id is not None:
            body["subaccount_id"] = self.subaccount_id
        if creation_time and self.creation_time:
            body["creation_time"] = self.creation_time
        return body


def not_registered(tracking_domain: str) -> ApiError:
    return errors.invalid_params(f"Tracking domain '{tracking_domain}' is not a registered tracking domain")


# ---- request bodies --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateRequest:
    """A validated ``POST /sending-domains`` body."""

    domain: str
    tracking_domain: str
    shared_with_subaccounts: bool
    dkim: Dkim | None  # a caller's key
    generate_dkim: bool
    dkim_key_length: int


def parse_create(body: Mapping[str, Any]) -> CreateRequest:
    """The create body, or the API's error: 422 for a bad name or a field of the wrong type, 400 for a key."""
    domain = body.get("domain")
    if not isinstance(domain, str) or not is_valid_domain(domain):
        raise errors.invalid_param("domain", errors.INVALID_DOMAIN, domain)
    length = body.get("dkim_key_length", DEFAULT_KEY_LENGTH)
    if isinstance(length, bool) or not isinstance(length, int) or not MIN_KEY_LENGTH <= length <= MAX_KEY_LENGTH:
        raise errors.invalid_params(f"dkim_key_length must be a number of bits from {MIN_KEY_LENGTH} to "
                                    f"{MAX_KEY_LENGTH}; got {length!r}")
    return CreateRequest(
        domain=domain.lower(),
        tracking_domain=_tracking_name(body.get("tracking_domain", "")),
        shared_with_subaccounts=require_bool("shared_with_subaccounts", body.get("shared_with_subaccounts", False)),
        dkim=_caller_key(body["dkim"]) if body.get("dkim") is not None else None,
        generate_dkim=require_bool("generate_dkim", body.get("generate_dkim", True)),
        dkim_key_length=length,
    )


def _tracking_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ApiError(422, "tracking_domain must be a string", param="tracking_domain", value=value)
    return value.strip().lower()


def _caller_key(value: Any) -> Dkim:
    """A caller's ``dkim``: ``private``, ``public`` and ``selector`` together (code 1300, as the DKIM-key endpoints
    document it), one RSA key pair (the reference: "the API will reject mismatching pairs")."""
    if not isinstance(value, dict):
        raise errors.invalid_params("dkim must be an object", "1300")
    parts = {name: value.get(name) for name in ("private", "public", "selector")}
    if not all(isinstance(part, str) and part for part in parts.values()):
        raise errors.invalid_params("When providing custom keys, private, public, and selector must all be "
                                    "specified", "1300")
    if not _SELECTOR.fullmatch(str(parts["selector"])):
        raise errors.invalid_params(f"selector '{parts['selector']}' is not a DNS label", "1300")
    problem = pair_problem(str(parts["private"]), str(parts["public"]))
    if problem is not None:
        raise errors.invalid_params(problem, "1300")
    signing_domain = value.get("signing_domain") or ""
    if signing_domain and (not isinstance(signing_domain, str) or not is_valid_domain(signing_domain)):
        raise errors.invalid_params(f"signing_domain '{signing_domain}' is not a domain", "1300")
    headers = value.get("headers") or DEFAULT_HEADERS
    return Dkim(str(parts["selector"]), str(parts["public"]), str(parts["private"]), str(signing_domain).lower(),
                str(headers))


def _generated(key: KeyPair, created: datetime) -> Dkim:
    """A key SparkPost made: selector ``scph`` and the month and year of the create (as in the published samples,
    ``scph0316``)."""
    return Dkim(f"scph{created:%m%y}", key.public, key.private)


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be a bool; got {value!r}")
    return value


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return str(value)


class SendingDomainStore:
    """The account's sending domains; ``tracking_scope(name)`` tells which scope owns a tracking domain.

    API operations raise :class:`ApiError`; out-of-band ones ``KeyError``/``ValueError``. DNS is read outside the
    lock, and a change lands only if the domain is still the one that was read.
    """

    def __init__(self, tracking_scope: Callable[[str], int | None],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._lock = threading.RLock()
        self._domains: dict[str, SendingDomain] = {}
        self._tracking_scope = tracking_scope
        self._clock = clock
        self._held_elsewhere: set[str] = set()
        self._last_created: dict[str, datetime] = {}  # per name, kept across deletes: a new create is later
        self._dns_server: str | None = None
        self._dns_timeout = 2.0
        self._bounce_host = bounce_cname_target(DEFAULT_REGION)
        self.omit_creation_time = False

    # ---- settings ------------------------------------------------------------------------------

    @property
    def dns_server(self) -> str | None:
        """The name server verification asks (``ADDRESS[:PORT]``), or ``None`` for this machine's resolver."""
        return self._dns_server

    @dns_server.setter
    def dns_server(self, value: str | None) -> None:
        parse_server(value)
        self._dns_server = value

    @property
    def dns_timeout(self) -> float:
        """Seconds one verification lookup may take."""
        return self._dns_timeout

    @dns_timeout.setter
    def dns_timeout(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 60:
            raise ValueError(f"dns_timeout must be a number of seconds above 0 and at most 60; got {value!r}")
        self._dns_timeout = float(value)

    @property
    def bounce_host(self) -> str:
        """Where a bounce domain's CNAME must point (``sparkpostmail.com`` in the US; ``eu.sparkpostmail.com`` in
        the EU; ``<tenant>.mail.e.sparkpost.com`` for an Enterprise tenant)."""
        return self._bounce_host

    @bounce_host.setter
    def bounce_host(self, value: str) -> None:
        if not isinstance(value, str) or not is_valid_domain(value):
            raise ValueError(f"bounce_host must be a host name; got {value!r}")
        self._bounce_host = value.lower()

    # ---- API operations ------------------------------------------------------------------------

    def create(self, request: CreateRequest, *, scope: int) -> dict[str, Any]:
        """``POST /sending-domains``: the answer's ``results``."""
        key = new_key(request.dkim_key_length) if request.dkim is None and request.generate_dkim else None
        with self._lock:
            if self._held_by_another_account(request.domain):
                raise errors.domain_in_use()
            if request.domain in self._domains:
                raise errors.sending_conflict(request.domain)
            if request.tracking_domain and self._tracking_scope(request.tracking_domain) != scope:
                raise not_registered(request.tracking_domain)
            if request.shared_with_subaccounts and scope != PRIMARY:
                raise _primary_only()
            created = self._creation_moment(request.domain)
            record = SendingDomain(request.domain, scope or None, request.tracking_domain,
                                   request.shared_with_subaccounts,
                                   dkim=_generated(key, created) if key is not None else request.dkim,
                                   creation_time=created.isoformat())
            self._domains[record.domain] = record
        answer: dict[str, Any] = {"message": CREATED, "domain": record.domain}
        if key is not None and record.dkim is not None:
            answer["dkim"] = record.dkim.to_api(signing_domain=record.domain)
        return answer

    def retrieve(self, domain: str, *, viewer: int | None) -> dict[str, Any]:
        """``GET /sending-domains/{domain}``: the object without ``domain``, as the reference says."""
        with self._lock:
            return self._visible(domain, viewer).to_api(with_domain=False,
                                                        creation_time=not self.omit_creation_time)

    def list_domains(self, *, viewer: int | None, filters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """``GET /sending-domains``: without the header every scope's domains, else the one scope's; ``filters`` maps
        a status field (or ``ownership_verified``, ``is_default_bounce_domain``) to the value to keep."""
        wanted = dict(filters or {})
        with self._lock:
            return [record.to_api(creation_time=not self.omit_creation_time) for record in self._domains.values()
                    if (viewer is None or record.scope == viewer)
                    and all(getattr(record, name) == value for name, value in wanted.items())]

    def update(self, domain: str, body: Mapping[str, Any], *, scope: int) -> str:
        """``PUT``: ``tracking_domain``, ``shared_with_subaccounts``, ``is_default_bounce_domain`` and ``dkim`` (checked
        against DNS first). All or nothing; other fields are ignored."""
        tracking = _tracking_name(body["tracking_domain"]) if "tracking_domain" in body else None
        shared = require_bool("shared_with_subaccounts", body["shared_with_subaccounts"]) \
            if "shared_with_subaccounts" in body else None
        default = require_bool("is_default_bounce_domain", body["is_default_bounce_domain"]) \
            if "is_default_bounce_domain" in body else None
        key = _caller_key(body["dkim"]) if "dkim" in body else None
        with self._lock:
            record = self._visible(domain, scope)
        if key is not None:
            outcome = self._reader().dkim(record_name(key.selector, key.signing_domain or record.domain), key.public)
            if not outcome.valid:
                raise errors.dkim_not_verified(record.domain, str(outcome.error))
        with self._lock:
            current = self._visible(domain, scope)
            if current is not record:
                raise errors.sending_not_found(domain)  # deleted (and perhaps made again) meanwhile
            if tracking and self._tracking_scope(tracking) != record.scope:
                raise not_registered(tracking)
            if shared and record.scope != PRIMARY:
                raise _primary_only()
            if default and not record.bounce_verified:
                raise errors.invalid_params(f"Domain '{record.domain}' can be a default bounce domain only once its "
                                            "cname_status or mx_status is valid")
            if tracking is not None:
                record.tracking_domain = tracking
            if shared is not None:
                record.shared_with_subaccounts = shared
            if default is not None:
                self._set_default_bounce(record, default)
            if key is not None:
                record.dkim = key
                record.dkim_status = "valid"  # verified against DNS just now
            return record.domain

    def delete(self, domain: str, *, scope: int) -> None:
        with self._lock:
            del self._domains[self._visible(domain, scope).domain]

    def verify(self, domain: str, body: Mapping[str, Any], *, scope: int) -> dict[str, Any]:
        """``POST .../verify``: DKIM and CNAME read from DNS (``dns`` in the answer when either was asked for);
        a mailbox verification sends no mail here, and no token can match."""
        dkim = require_bool("dkim_verify", body.get("dkim_verify", False))
        cname = require_bool("cname_verify", body.get("cname_verify", False))
        mailbox = self._mailbox(body)
        with self._lock:
            record = self._visible(domain, scope)
            key = replace(record.dkim) if record.dkim else None
        reader = self._reader() if dkim or cname else None
        dkim_outcome = cname_outcome = None
        if reader is not None and dkim:
            dkim_outcome = (reader.dkim(record_name(key.selector, key.signing_domain or record.domain), key.public)
                            if key is not None else
                            DnsOutcome(None, None, f"Domain '{record.domain}' has no DKIM key"))
        if reader is not None and cname:
            cname_outcome = reader.cname(record.domain, self.bounce_host)
        with self._lock:
            if self._visible(domain, scope) is not record:
                raise errors.sending_not_found(domain)
            if mailbox:
                record.verification_mailbox = mailbox
            answer = record.status()
            if dkim_outcome is None and cname_outcome is None:
                return answer
            dns: dict[str, str] = {}
            for prefix, outcome in (("dkim", dkim_outcome), ("cname", cname_outcome)):
                if outcome is None:
                    continue
                if outcome.answered:
                    setattr(record, f"{prefix}_status", "valid" if outcome.valid else "invalid")
                if outcome.record is not None:
                    dns[f"{prefix}_record"] = outcome.record
                if outcome.error is not None:
                    dns[f"{prefix}_error"] = outcome.error
            return {**record.status(), "dns": dns}

    @staticmethod
    def _mailbox(body: Mapping[str, Any]) -> str:
        """The mailbox verification fields: emails are "sent" (nothing changes but the nominated mailbox); tokens
        are refused, as no email carried one."""
        for name in ("postmaster_at_verify", "abuse_at_verify", "verification_mailbox_verify"):
            if name in body:
                require_bool(name, body[name])
        tokens = [name for name in ("verification_mailbox_token", "postmaster_at_token", "abuse_at_token")
                  if body.get(name)]
        if tokens:
            raise errors.invalid_params(f"{tokens[0]} does not match: the emulator sends no verification email")
        if not body.get("verification_mailbox_verify"):
            return ""
        mailbox = body.get("verification_mailbox")
        if not isinstance(mailbox, str) or not mailbox or mailbox.lower() in ("postmaster", "abuse"):
            raise errors.missing_field("verification_mailbox is required (a local part other than postmaster or "
                                       "abuse) when verification_mailbox_verify is true")
        return mailbox

    # ---- out-of-band operations ----------------------------------------------------------------

    def add(self, domain: str, subaccount_id: int | None = None, tracking_domain: str = "",
            **fields: Any) -> dict[str, Any]:
        """Store a domain as if made in SparkPost's UI (verified by DKIM unless ``verified=False``), with a key of
        its own unless ``generate_dkim=False``; ``fields`` as in :meth:`mutate`, plus ``dkim_key_length``."""
        record = self.new_record(domain, subaccount_id, {"tracking_domain": tracking_domain, **fields})
        key = None
        if "dkim" not in fields and fields.get("generate_dkim", True):
            key = new_key(fields.get("dkim_key_length", DEFAULT_KEY_LENGTH))
        with self._lock:
            if record.domain in self._domains:
                raise ValueError(f"sending domain {record.domain} already exists")
            created = self._creation_moment(record.domain)
            if not record.creation_time:
                record.creation_time = created.isoformat()
            if key is not None:
                record.dkim = _generated(key, created)
            self._domains[record.domain] = record
            if record.is_default_bounce_domain:
                self._set_default_bounce(record, True)
            return record.to_api()

    def new_record(self, domain: str, subaccount_id: int | None, fields: dict[str, Any]) -> SendingDomain:
        """The record :meth:`add` would store, before its key and creation time; ``ValueError`` for a bad name,
        owner or field."""
        if not isinstance(domain, str) or not is_valid_domain(domain):
            raise ValueError(f"invalid domain name {domain!r}")
        if subaccount_id is not None and (isinstance(subaccount_id, bool) or not isinstance(subaccount_id, int)
                                          or subaccount_id < 0):
            raise ValueError(f"subaccount_id must be an int >= 0; got {subaccount_id!r}")
        length = fields.get("dkim_key_length", DEFAULT_KEY_LENGTH)
        if isinstance(length, bool) or not isinstance(length, int) or not MIN_KEY_LENGTH <= length <= MAX_KEY_LENGTH:
            raise ValueError(f"dkim_key_length must be an int from {MIN_KEY_LENGTH} to {MAX_KEY_LENGTH}")
        if "generate_dkim" in fields:
            _flag("generate_dkim", fields["generate_dkim"])
        seeded = {"verified": True, **{k: v for k, v in fields.items() if k not in _KEY_FIELDS}}
        return self._apply(SendingDomain(domain.lower(), subaccount_id or None), seeded)

    def mutate(self, domain: str, /, **fields: Any) -> dict[str, Any]:
        """Change a domain out of band: ``verified`` (True: DKIM valid; False: every status unverified), any status
        field (``dkim_status``, ``cname_status``, ...), ``compliance_status``, ``verification_mailbox``,
        ``shared_with_subaccounts``, ``is_default_bounce_domain`` (clears the scope's other one; no check),
        ``tracking_domain``, ``dkim`` (``{selector, public[, private, signing_domain, headers]}`` or ``None``),
        ``creation_time``. ``KeyError`` for an unknown domain, ``ValueError`` for a bad field (then no change)."""
        with self._lock:
            current = self._domains.get(domain.lower())
            if current is None:
                raise KeyError(domain)
            record = self._apply(replace(current), fields)
            self._domains[record.domain] = record
            if record.is_default_bounce_domain:
                self._set_default_bounce(record, True)
            return record.to_api()

    def remove(self, domain: str) -> bool:
        with self._lock:
            return self._domains.pop(domain.lower(), None) is not None

    def expire_unverified(self, domain: str | None = None) -> list[str]:
        """SparkPost's two-week removal, now: every domain whose ownership is not verified (or only ``domain``, if
        it is not) is removed. The names removed, in order."""
        with self._lock:
            if domain is not None and domain.lower() not in self._domains:
                raise KeyError(domain)
            expired = [name for name, record in self._domains.items()
                       if not record.ownership_verified and (domain is None or name == domain.lower())]
            for name in expired:
                del self._domains[name]
            return expired

    def hold_in_another_account(self, domain: str) -> None:
        """Another SparkPost account holds ``domain``: creating it, a subdomain or a parent answers 400 (7004)."""
        if not isinstance(domain, str) or not is_valid_domain(domain):
            raise ValueError(f"invalid domain name {domain!r}")
        with self._lock:
            self._held_elsewhere.add(domain.lower())

    def associate(self, domain: str, tracking_domain: str) -> dict[str, Any]:
        """Change an association out of band (``""`` removes it); ``KeyError`` for an unknown sending domain."""
        with self._lock:
            record = self._domains[domain.lower()]
            record.tracking_domain = tracking_domain.lower()
            return record.to_api()

    def forget_tracking_domain(self, tracking_domain: str) -> None:
        """A tracking domain was deleted: the associations that named it are cleared."""
        with self._lock:
            for record in self._domains.values():
                if record.tracking_domain == tracking_domain.lower():
                    record.tracking_domain = ""

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [record.to_api() for record in self._domains.values()]

    def peek(self, domain: str) -> dict[str, Any] | None:
        with self._lock:
            record = self._domains.get(domain.lower())
            return None if record is None else record.to_api()

    def reset(self) -> None:
        with self._lock:
            self._domains.clear()
            self._held_elsewhere.clear()
            self._last_created.clear()
            self._dns_server = None
            self._dns_timeout = 2.0
            self._bounce_host = bounce_cname_target(DEFAULT_REGION)
            self.omit_creation_time = False

    # ---- internals -----------------------------------------------------------------------------

    def _visible(self, domain: str, viewer: int | None) -> SendingDomain:
        record = self._domains.get(domain.lower())
        if record is None or (viewer is not None and record.scope != viewer):
            raise errors.sending_not_found(domain)
        return record

    def _reader(self) -> DnsReader:
        return DnsReader(self._dns_server, self._dns_timeout)

    def _held_by_another_account(self, domain: str) -> bool:
        return any(domain == held or domain.endswith("." + held) or held.endswith("." + domain)
                   for held in self._held_elsewhere)

    def _creation_moment(self, domain: str) -> datetime:
        """Now, to the second, but always later than the name's last creation: a name made again reads anew."""
        moment = self._clock().astimezone(UTC).replace(microsecond=0)
        last = self._last_created.get(domain)
        if last is not None and moment <= last:
            moment = last + timedelta(seconds=1)
        self._last_created[domain] = moment
        return moment

    def _set_default_bounce(self, record: SendingDomain, value: bool) -> None:
        if value:
            for other in self._domains.values():
                if other.scope == record.scope and other is not record:
                    other.is_default_bounce_domain = False
        record.is_default_bounce_domain = value

    @staticmethod
    def _apply(record: SendingDomain, fields: dict[str, Any]) -> SendingDomain:
        """Validate ``fields`` and apply them to ``record`` (a copy the caller commits)."""
        unknown = set(fields) - _SEED_FIELDS
        if unknown:
            raise ValueError(f"cannot set {', '.join(sorted(unknown))}")
        if "verified" in fields:
            verified = _flag("verified", fields["verified"])
            for name in STATUS_FIELDS:
                setattr(record, name, "unverified")
            record.dkim_status = "valid" if verified else "unverified"
        for name in STATUS_FIELDS:
            if name in fields:
                setattr(record, name, _choice(name, fields[name], STATUSES))
        if "compliance_status" in fields:
            record.compliance_status = _choice("compliance_status", fields["compliance_status"], COMPLIANCE_STATUSES)
        for name in ("shared_with_subaccounts", "is_default_bounce_domain"):
            if name in fields:
                setattr(record, name, _flag(name, fields[name]))
        for name in ("verification_mailbox", "tracking_domain"):
            if name in fields:
                if not isinstance(fields[name], str):
                    raise ValueError(f"{name} must be a string; got {fields[name]!r}")
                setattr(record, name, fields[name].lower() if name == "tracking_domain" else fields[name])
        if "creation_time" in fields:
            stamp = fields["creation_time"]
            if not isinstance(stamp, str) or not _CREATION_TIME.fullmatch(stamp):
                raise ValueError(f"creation_time must read YYYY-MM-DDTHH:MM:SS+HH:MM; got {stamp!r}")
            record.creation_time = stamp
        if "dkim" in fields:
            record.dkim = _seeded_key(fields["dkim"])
        return record


def _seeded_key(value: Any) -> Dkim | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("selector"), str) \
            or not isinstance(value.get("public"), str) or not value["selector"] or not value["public"]:
        raise ValueError("dkim must be None or a dict with a selector and a public key")
    unknown = set(value) - {"selector", "public", "private", "signing_domain", "headers"}
    if unknown:
        raise ValueError(f"dkim cannot hold {', '.join(sorted(unknown))}")
    return Dkim(value["selector"], value["public"], str(value.get("private") or ""),
                str(value.get("signing_domain") or "").lower(), str(value.get("headers") or DEFAULT_HEADERS))


def _primary_only() -> ApiError:
    return errors.invalid_params("shared_with_subaccounts is only available to domains of the primary account")
