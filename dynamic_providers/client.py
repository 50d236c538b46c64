"""The SparkPost API client (tracking domains, sending domains): the only module that speaks HTTP.

One place for the base URL, auth, subaccount scoping, timeouts, retries and error mapping.
Retries are urllib3's ``Retry`` (through a ``requests`` adapter) with a total-time bound on top:
- idempotent calls (GET, PUT, DELETE, and the read-only probes ``verify`` and ``certificate/check``)
  are retried on connection errors, read timeouts, dropped connections, 429 and 5xx;
- state-changing POSTs (create, ``certificate/enable``) are retried only when the request
  provably did not reach SparkPost (connect errors) or on 429. A create whose answer was lost
  is settled by reading the domain back, so a retry never creates a duplicate; and it counts as
  this create's only when what it reads is exactly what the POST makes (``made_by_create``). Once that
  read has shown the name free, a later 409 or a domain found by the read before a retry is someone else's.
Every retry waits, the first included: SparkPost asks for 1-5 s after a 429, and urllib3 2.x would
retry the first time at once.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import takewhile
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from sparkpost_tracking import __version__

from . import errors
from .dkim import key_bits
from .ownership import summary
from .retry_policy import RetryPolicy
from .secrets import check_api_key, redact
from .sending_ownership import summary as sending_summary

log = logging.getLogger("sparkpost_tracking.client")

USER_AGENT = f"sparkpost-tracking-pulumi/{__version__}"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SUBACCOUNT_HEADER = "X-MSYS-SUBACCOUNT"
PERSISTENT_ROUNDS = 3  # full retry rounds for a call whose failure would leave SparkPost unrecorded
#: Retries of a connection that could not be opened (refused, no DNS answer, TLS failure). Nothing was sent, and
#: a wrong apiUrl or a stopped emulator never heals by waiting: a few seconds, then the user is told.
CONNECT_RETRIES = 2
T = TypeVar("T")


def made_by_create(found: Mapping[str, Any], *, secure: bool, subaccount_id: int | None) -> bool:
    """Is ``found`` exactly what ``POST /tracking-domains`` with ``secure`` makes in this scope?

    A new domain is unverified, not the default, has no managed certificate, carries the posted
    ``secure`` and names a subaccount only when it was created in one. Anything else existed before.
    """
    status = found.get("status") or {}
    return (bool(found.get("secure", False)) is secure
            and not found.get("default", False)
            and not status.get("verified", False)
            and not found.get("uses_managed_certificate", False)
            and found.get("subaccount_id") == subaccount_id)


class _BoundedRetry(Retry):
    """urllib3 Retry with our waits (``RetryPolicy.backoff``), that also gives up once ``total_seconds`` have
    passed since the first failure."""

    def __init__(self, *args: Any, policy: RetryPolicy | None = None, first_failure: float | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy or RetryPolicy()
        self.first_failure = first_failure

    def new(self, **kw: Any) -> _BoundedRetry:
        kw.setdefault("policy", self.policy)
        kw.setdefault("first_failure", self.first_failure or time.monotonic())
        return super().new(**kw)  # type: ignore[return-value]

    def get_backoff_time(self) -> float:
        # urllib3 2.x waits nothing before the first retry; SparkPost asks for 1-5 s after a 429.
        failures = len(list(takewhile(lambda h: h.redirect_location is None, reversed(self.history))))
        return self.policy.backoff(failures - 1) if failures else 0.0

    def parse_retry_after(self, retry_after: str) -> float:
        # SparkPost documents no Retry-After; if one appears, honour it but never beyond our own cap.
        return min(float(super().parse_retry_after(retry_after)), float(self.backoff_max))

    def sleep(self, response: Any = None) -> None:
        # The longer of our backoff and the server's Retry-After (capped): never sooner than either asks.
        retry_after = self.get_retry_after(response) if self.respect_retry_after_header and response else None
        time.sleep(max(self.get_backoff_time(), retry_after or 0.0))

    def is_exhausted(self) -> bool:
        if self.first_failure is not None:
            if time.monotonic() - self.first_failure > self.policy.total_seconds:
                return True
        return bool(super().is_exhausted())


def _retry(policy: RetryPolicy, *, idempotent: bool) -> Retry:
    common: dict[str, Any] = dict(
        total=policy.attempts,
        connect=min(policy.attempts, CONNECT_RETRIES),
        backoff_factor=policy.backoff_factor,
        backoff_max=policy.backoff_max,
        backoff_jitter=policy.jitter,
        raise_on_status=False,  # hand the last 429/5xx back so it becomes a typed error
        respect_retry_after_header=True,
        policy=policy,
    )
    if idempotent:
        return _BoundedRetry(read=policy.attempts, status=policy.attempts, other=policy.attempts,
                             allowed_methods=frozenset({"GET", "PUT", "DELETE", "POST"}),
                             status_forcelist=RETRY_STATUSES, **common)
    # A POST that may have reached the server is never replayed blindly: read=0 and no 5xx.
    return _BoundedRetry(read=0, other=0, status=policy.attempts, allowed_methods=frozenset({"POST"}),
                         status_forcelist=frozenset({429}), **common)


class SparkPostClient:
    """Tracking-domains calls for one API base, one key and (optionally) one subaccount.

    Every call carries ``X-MSYS-SUBACCOUNT`` when ``subaccount_id`` is set, because SparkPost
    scopes PUT/DELETE/verify to the primary account otherwise.
    """

    def __init__(self, api_base: str, api_key: str, *, subaccount_id: int | None = None,
                 policy: RetryPolicy | None = None, key_source: str | None = None) -> None:
        if not api_key:
            raise errors.ConfigurationError("a SparkPost API key is required")
        check_api_key(api_key, key_source or "the caller")
        self.api_base = api_base.rstrip("/")
        #: Where the key came from (a setting's name, never the key), for the message of a 401.
        self.key_source = key_source
        self.subaccount_id = subaccount_id
        self.policy = policy or RetryPolicy()
        self.__api_key = api_key  # name-mangled and never printed; see __repr__
        self._sessions: dict[bool, requests.Session] = {}

    def __repr__(self) -> str:
        return f"SparkPostClient(api_base={self.api_base!r}, subaccount_id={self.subaccount_id!r})"

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("SparkPostClient holds an API key and must not be pickled")

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()

    def __enter__(self) -> SparkPostClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- tracking-domain calls -------------------------------------------------------------

    def get_domain(self, domain: str) -> dict[str, Any]:
        return dict(self._call("GET", self._path(domain)))

    def get_domain_in_any_scope(self, domain: str) -> dict[str, Any]:
        """GET without ``X-MSYS-SUBACCOUNT``: SparkPost then shows the primary account's and every subaccount's
        domains (``subaccount_id`` names the owner). Only for telling a user where a domain lives."""
        return dict(self._call("GET", self._path(domain), scoped=False))

    def create_domain(self, domain: str, *, secure: bool) -> dict[str, Any] | None:
        """Create the domain, proving ownership of the outcome whatever happens to the POST's answer.

        One GET first: the domain must be absent from this scope just before the POST (``errors.NotOurDomain``
        with what was found otherwise, and nothing is posted). Then the POST; if its answer is unclear (a 5xx,
        a dropped connection, a read timeout), the domain is read back instead of posting twice.

        Returns ``None`` when SparkPost answered the POST (this POST made the domain), or the domain read back
        after an unclear answer: ours, because it was absent before this POST and now exists exactly as this
        POST makes it (``made_by_create``). Raises ``errors.Conflict`` when someone else created it between the
        GET and the POST, and ``errors.NotOurDomain`` when a read-back shows a domain this POST cannot have made.

        Once a read-back has shown the name free, the POST that failed did not make the domain: whatever appears
        afterwards is someone else's create (``errors.NotOurDomain``), whether the read just before a retry
        finds it or the retried POST hears 409. Reading again right before each retry keeps the time in which
        someone else's create could pass for ours to one round trip per attempt, not the backoff.
        """
        body = {"domain": domain, "secure": secure}
        _, found = self._create_proven(
            "/tracking-domains", body, domain, lambda: self._find_domain(domain),
            lambda found: made_by_create(found, secure=secure, subaccount_id=self.subaccount_id), summary)
        return found

    def _create_proven(self, path: str, body: Mapping[str, Any], name: str,
                       find: Callable[[], dict[str, Any] | None], made: Callable[[Mapping[str, Any]], bool],
                       summarize: Callable[[Mapping[str, Any]], str]) -> tuple[Any, dict[str, Any] | None]:
        """POST a create whose outcome must be proven ours (see ``create_domain``), whatever happens to its answer.

        ``find()`` reads the object in this scope (``None`` when absent), ``made(found)`` says whether ``found`` is
        exactly what this POST makes, ``summarize(found)`` says how it reads in a message. Returns the POST's
        ``results`` and ``None`` when SparkPost answered, or ``None`` and the object read back after an unclear
        answer when it is proven ours; raises ``errors.NotOurDomain`` (with what was found) or ``errors.Conflict``
        otherwise.
        """
        found = find()
        if found is not None:
            raise errors.NotOurDomain(f"it reads {summarize(found)}", found)
        lost: errors.SparkPostTrackingError | None = None
        for attempt in range(self.policy.attempts + 1):
            if lost is not None:
                time.sleep(self.policy.backoff(attempt - 1))
                found = self._settle(path, lost, find)
                if found is not None:
                    raise errors.NotOurDomain(
                        f"a read after this create's failed POST showed {name!r} free, and it exists now (it "
                        f"reads {summarize(found)}): someone else created it meanwhile", found)
            try:
                return self._call("POST", path, body, idempotent=False), None
            except errors.Conflict:
                if lost is None:
                    raise  # made between our read and our POST: the caller says whose it is
                try:
                    found = find()
                except errors.SparkPostTrackingError:
                    found = None
                raise errors.NotOurDomain(
                    f"a read just before this retry showed {name!r} free, and the retried POST heard 409"
                    f"{f' (it reads {summarize(found)})' if found else ''}: someone else created it meanwhile",
                    found) from None
            except errors.Unreachable:
                raise  # the POST was never sent: nothing to read back
            except (errors.TransportError, errors.ServerError) as exc:
                lost = exc
                log.warning("POST %s: answer lost (%s); reading the state back", path, exc)
            found = self._settle(path, lost, find)
            if found is None:
                continue
            if not made(found):
                raise errors.NotOurDomain(
                    f"the create's answer was unclear and {name!r} now exists, but not as this create makes it "
                    f"(it reads {summarize(found)}): someone else made it", found)
            log.info("POST %s had taken effect; not posting again", path)
            return None, found
        assert lost is not None
        raise lost

    def _find_domain(self, domain: str) -> dict[str, Any] | None:
        """The domain in this scope, or ``None`` when SparkPost answers 404."""
        try:
            return self.get_domain(domain)
        except errors.NotFound:
            return None

    def describe_domain(self, domain: str) -> dict[str, Any] | None:
        """The domain, for a message only: ``None`` when it is absent or cannot be read."""
        try:
            return self._find_domain(domain)
        except errors.SparkPostTrackingError:
            return None

    def _settle(self, path: str, lost: errors.SparkPostTrackingError, read_back: Callable[[], T | None]) -> T | None:
        """``read_back()`` through ``persist``: whether a POST whose answer was lost landed is unknown until this
        read succeeds (posting again blind could duplicate; giving up could leave an unrecorded object behind)."""
        try:
            return self.persist(read_back)
        except (errors.RateLimited, errors.ServerError, errors.TransportError) as exc:
            raise errors.OutcomeUnknown(
                f"SparkPost POST {path}: the answer was lost ({lost}), and reading the state back failed "
                f"too ({exc}): it may have taken effect") from None

    def update_domain(self, domain: str, fields: Mapping[str, Any]) -> None:
        self._call("PUT", self._path(domain), dict(fields))

    def delete_domain(self, domain: str) -> None:
        self._call("DELETE", self._path(domain))

    def verify_domain(self, domain: str) -> dict[str, Any]:
        # Verify has no body and only re-checks the chain, so it is safe to repeat.
        return dict(self._call("POST", self._path(domain) + "/verify", idempotent=True) or {})

    def check_certificate(self, domain: str) -> dict[str, Any]:
        # Read-only eligibility probe: safe to repeat.
        return dict(self._call("POST", self._path(domain) + "/certificate/check", idempotent=True) or {})

    def enable_certificate(self, domain: str) -> None:
        """Start managed-certificate issuance; a lost answer is settled by reading the domain back."""
        def read_back() -> dict[str, Any] | None:
            found = self.get_domain(domain)
            tls = (found.get("status") or {}).get("tls_status")
            started = bool(found.get("uses_managed_certificate")) or tls in ("pending", "valid")
            return found if started else None

        self._post_once(self._path(domain) + "/certificate/enable", None, read_back)

    def list_domains(self) -> list[dict[str, Any]]:
        """Every tracking domain of the account: one plain ``GET /tracking-domains``, no query and no
        ``X-MSYS-SUBACCOUNT``, which SparkPost answers with the primary account's domains and every subaccount's
        (a subaccount's carry ``subaccount_id``). No pagination is documented."""
        return _listed(self._call("GET", "/tracking-domains", scoped=False))

    # ---- sending domains ---------------------------------------------------------------------

    def get_sending_domain(self, domain: str) -> dict[str, Any]:
        """``GET /sending-domains/{domain}``: the object (SparkPost leaves ``domain`` out of it)."""
        return dict(self._call("GET", _sending_path(domain)))

    def get_sending_domain_in_any_scope(self, domain: str) -> dict[str, Any]:
        """The GET without ``X-MSYS-SUBACCOUNT`` (every scope; ``subaccount_id`` names the owner), as
        ``get_domain_in_any_scope``: only for telling a user where a sending domain lives."""
        return dict(self._call("GET", _sending_path(domain), scoped=False))

    def create_sending_domain(self, domain: str, *, tracking_domain: str = "", shared_with_subaccounts: bool = False,
                              dkim_key_length: int | None = None, generate_dkim: bool = True,
                              dkim: Mapping[str, str] | None = None) -> CreatedSendingDomain:
        """Create a sending domain, proving ownership of the outcome as ``create_domain`` does.

        One GET first: the domain must be absent from this scope (``errors.NotOurDomain`` with what was found
        otherwise, and nothing is posted). Then the POST: SparkPost generates the DKIM key (``dkim_key_length`` bits,
        its default 2048 when ``None``) unless ``generate_dkim`` is false or ``dkim`` (``private``, ``public``,
        ``selector``, optionally ``signing_domain``) gives one. If the POST's answer is lost, the domain is read back
        instead of posting twice, and it counts as this create's only when it reads exactly as this POST makes it
        (``sending_domain_made_by_create``); else ``errors.NotOurDomain``. Once a read has shown the name free, a
        domain found before a retry, or a retried POST that hears 409, is someone else's (``errors.NotOurDomain``).
        A create someone else's landed first
        answers ``errors.Conflict``; a name another account holds, SparkPost's 400 (code 7004) as
        ``errors.BadRequest``. The private key never appears in an error this raises.
        """
        body: dict[str, Any] = {"domain": domain}
        if tracking_domain:
            body["tracking_domain"] = tracking_domain
        if shared_with_subaccounts:
            body["shared_with_subaccounts"] = True
        if dkim is not None:
            body["dkim"] = dict(dkim)
        elif not generate_dkim:
            body["generate_dkim"] = False
        elif dkim_key_length is not None:
            body["dkim_key_length"] = dkim_key_length
        private = str(dkim.get("private") or "") if dkim is not None else ""

        def find() -> dict[str, Any] | None:
            try:
                return self.get_sending_domain(domain)
            except errors.NotFound:
                return None

        def made(found: Mapping[str, Any]) -> bool:
            return sending_domain_made_by_create(found, subaccount_id=self.subaccount_id,
                                                 tracking_domain=tracking_domain,
                                                 shared_with_subaccounts=shared_with_subaccounts,
                                                 generate_dkim=generate_dkim, dkim=dkim,
                                                 dkim_key_length=dkim_key_length)

        with self._private_key_redacted(private):
            results, found = self._create_proven("/sending-domains", body, domain, find, made, sending_summary)
        if found is None:
            answer = results if isinstance(results, dict) else {}
            key = answer.get("dkim") if isinstance(answer.get("dkim"), dict) else None
            if key is None and dkim is not None:
                key = {k: v for k, v in dkim.items() if k != "private"}
            return CreatedSendingDomain(str(answer.get("domain") or domain).lower(), key)
        key = found.get("dkim")
        return CreatedSendingDomain(domain.lower(), dict(key) if isinstance(key, dict) else None, found)

    def update_sending_domain(self, domain: str, fields: Mapping[str, Any]) -> None:
        """``PUT``: ``tracking_domain`` (``""`` removes it), ``shared_with_subaccounts``, ``is_default_bounce_domain``
        (SparkPost takes it only once ``cname_status`` or ``mx_status`` is valid) or a new ``dkim`` key, which
        SparkPost verifies against DNS first (400, code 1404, when it does not resolve). One idempotent call."""
        dkim = fields.get("dkim")
        private = str(dkim.get("private") or "") if isinstance(dkim, Mapping) else ""
        with self._private_key_redacted(private):
            self._call("PUT", _sending_path(domain), dict(fields))

    def delete_sending_domain(self, domain: str) -> None:
        self._call("DELETE", _sending_path(domain))

    def verify_sending_domain(self, domain: str, *, dkim: bool = False, cname: bool = False) -> dict[str, Any]:
        """``POST .../verify`` by DNS: the status object, plus ``dns`` (``dkim_record``, ``cname_record``,
        ``dkim_error``, ``cname_error``) when ``dkim`` or ``cname`` is asked for. It only reads DNS, so it is safe
        to repeat."""
        body = {name: True for name, wanted in (("dkim_verify", dkim), ("cname_verify", cname)) if wanted}
        return dict(self._call("POST", _sending_path(domain) + "/verify", body, idempotent=True) or {})

    def set_tracking_domain(self, sending_domain: str, tracking_domain: str) -> None:
        """Associate (or with ``""`` dissociate) a sending domain's tracking domain: one idempotent PUT."""
        self._call("PUT", _sending_path(sending_domain), {"tracking_domain": tracking_domain})

    def list_sending_domains(self, **filters: str | bool) -> list[dict[str, Any]]:
        """Every sending domain of every scope, as ``list_domains`` (items carry ``tracking_domain`` when
        associated, ``subaccount_id`` in a subaccount). ``filters`` are the list call's (``ownership_verified``,
        ``dkim_status``, ``cname_status``, ``mx_status``, ``abuse_at_status``, ``postmaster_at_status``,
        ``compliance_status``, ``is_default_bounce_domain``); booleans are sent as ``true``/``false``."""
        query = urlencode({name: str(value).lower() if isinstance(value, bool) else value
                           for name, value in filters.items()})
        return _listed(self._call("GET", "/sending-domains" + (f"?{query}" if query else ""), scoped=False))

    @contextlib.contextmanager
    def _private_key_redacted(self, private: str) -> Iterator[None]:
        """A DKIM private key sent in a body kept out of what happens inside: SparkPost's words in an error (a
        server may echo what it was sent), our messages that quote them, and this module's log."""
        if not private:
            yield
            return
        scrub = _Redacting(private)
        log.addFilter(scrub)
        try:
            yield
        except errors.SparkPostAPIError as exc:
            said = [{k: redact(v, private) if isinstance(v, str) else v for k, v in e.items()} for e in exc.errors]
            raise type(exc)(exc.status, exc.method, exc.path, said, hint=self._hint(exc.status)) from None
        except (errors.OutcomeUnknown, errors.TransportError) as exc:
            raise type(exc)(redact(str(exc), private)) from None
        finally:
            log.removeFilter(scrub)

    # ---- plumbing --------------------------------------------------------------------------

    @staticmethod
    def _path(domain: str) -> str:
        return "/tracking-domains/" + quote(domain, safe="")

    def _session(self, idempotent: bool) -> requests.Session:
        session = self._sessions.get(idempotent)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=_retry(self.policy, idempotent=idempotent))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update({
                "Authorization": self.__api_key,  # raw key, no "Bearer"
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            })
            if self.subaccount_id is not None:
                session.headers[SUBACCOUNT_HEADER] = str(self.subaccount_id)
            self._sessions[idempotent] = session
        return session

    def _post_once(self, path: str, body: Mapping[str, Any] | None, read_back: Callable[[], T | None]) -> T | None:
        """POST something that must happen exactly once, on an object that is ours already (the certificate's
        enable; a create proves more, see ``create_domain``).

        Returns ``None`` when SparkPost answered. When the answer is lost (dropped connection, read timeout,
        5xx), or a retry hears 409 after such a loss, ``read_back()`` looks at the server's state: what it
        finds (not ``None``) is returned, and the caller judges it; otherwise we post again after a backoff,
        within the retry policy's bounds. ``errors.OutcomeUnknown`` when even the read-back keeps failing.
        """
        lost: errors.SparkPostTrackingError | None = None
        for attempt in range(self.policy.attempts + 1):
            try:
                self._call("POST", path, body, idempotent=False)
                return None
            except errors.Conflict:
                if lost is None:
                    raise
                log.info("POST %s: an earlier attempt was stored after all; reading it back", path)
            except errors.Unreachable:
                raise  # the POST was never sent: nothing to read back
            except (errors.TransportError, errors.ServerError) as exc:
                lost = exc
                log.warning("POST %s: answer lost (%s); reading the state back", path, exc)
            assert lost is not None
            found = self._settle(path, lost, read_back)
            if found is not None:
                log.info("POST %s had taken effect; not posting again", path)
                return found
            time.sleep(self.policy.backoff(attempt))
        assert lost is not None
        raise lost

    def _hint(self, status: int) -> str:
        """What to check after an error answer, beyond SparkPost's own words."""
        if status != 401:
            return ""
        source = f"from {self.key_source}" if self.key_source else "given to this client"
        return (f"The API key {source} was refused by {self.api_base}: check that it is a current key of that "
                "account (US and EU are separate accounts with separate keys)")

    def persist(self, call: Callable[[], T]) -> T:
        """Run an idempotent call through up to ``PERSISTENT_ROUNDS`` full retry rounds, waiting the longest
        backoff between rounds: for calls whose failure would leave SparkPost in a state no one records
        (reading back a create whose answer was lost, deleting a create that failed)."""
        for round_ in range(PERSISTENT_ROUNDS):
            try:
                return call()
            except (errors.RateLimited, errors.ServerError, errors.TransportError):
                if round_ + 1 == PERSISTENT_ROUNDS:
                    raise
                time.sleep(self.policy.backoff_max)
        raise AssertionError("unreachable")

    def _redact(self, text: str) -> str:
        return redact(text, self.__api_key)

    def _unreachable(self, method: str, path: str, exc: requests.RequestException) -> errors.Unreachable:
        """The request never left this machine: say where we tried and what to check, and that nothing was sent."""
        cause = exc.args[0] if exc.args else exc
        reason = getattr(cause, "reason", cause)
        return errors.Unreachable(
            f"SparkPost {method} {path} was not sent: {self.api_base} could not be reached "
            f"({self._redact(type(reason).__name__)}: {self._redact(str(reason))}). Nothing was changed in "
            "SparkPost. Is api_url (or region) right? Is the emulator running, if you use one?")

    def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None, *,
              idempotent: bool | None = None, scoped: bool = True) -> Any:
        """Send one request (with its retries) and return ``results`` or raise a typed error.

        ``scoped=False`` leaves out the subaccount header (requests drops a header whose value is None).
        """
        if idempotent is None:
            idempotent = method != "POST"
        url = self.api_base + path
        started = time.monotonic()
        try:
            response = self._session(idempotent).request(
                method, url, json=body, headers=None if scoped else {SUBACCOUNT_HEADER: None},
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
            )
        except (requests.exceptions.SSLError, requests.exceptions.ConnectTimeout) as exc:
            raise self._unreachable(method, path, exc) from None
        except requests.exceptions.ConnectionError as exc:
            if _never_sent(exc):
                raise self._unreachable(method, path, exc) from None
            raise errors.TransportError(
                f"SparkPost {method} {path} did not complete: {self._redact(type(exc).__name__)}: "
                f"{self._redact(str(exc))}") from None
        except requests.RequestException as exc:
            raise errors.TransportError(
                f"SparkPost {method} {path} did not complete: {self._redact(type(exc).__name__)}: "
                f"{self._redact(str(exc))}") from None
        log.debug("%s %s -> %s in %.3fs", method, path, response.status_code, time.monotonic() - started)
        payload = _json_or_none(response)
        if response.status_code >= 400:
            # A server may echo what it was sent (the key included): SparkPost's own words are redacted too.
            said = [{k: self._redact(v) if isinstance(v, str) else v for k, v in e.items()}
                    for e in _error_list(payload, response)]
            raise errors.error_for_status(response.status_code, method, path, said,
                                          hint=self._hint(response.status_code))
        if isinstance(payload, dict):
            return payload.get("results")
        return None


def _never_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """A connection that was never opened (refused, no DNS answer, connect timeout): the request was not sent."""
    cause = exc.args[0] if exc.args else None
    return isinstance(getattr(cause, "reason", cause), urllib3.exceptions.ConnectTimeoutError)


class _Redacting(logging.Filter):
    """Takes one secret out of every record of the logger it is added to."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secret)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


@dataclass(frozen=True)
class CreatedSendingDomain:
    """What ``create_sending_domain`` made: the domain, its DKIM key as SparkPost answers it (``public``,
    ``selector``, and from a create's answer ``signing_domain`` and ``headers``; ``None`` without a key), and
    ``read_back``, the object read after a lost answer (``None`` when SparkPost answered the POST)."""

    domain: str
    dkim: dict[str, Any] | None
    read_back: dict[str, Any] | None = None


#: The status fields of a sending domain that a create leaves ``unverified``.
SENDING_STATUS_FIELDS = ("dkim_status", "cname_status", "mx_status", "spf_status", "abuse_at_status",
                         "postmaster_at_status", "verification_mailbox_status")


def sending_domain_made_by_create(found: Mapping[str, Any], *, subaccount_id: int | None, tracking_domain: str = "",
                                  shared_with_subaccounts: bool = False, generate_dkim: bool = True,
                                  dkim: Mapping[str, str] | None = None, dkim_key_length: int | None = None) -> bool:
    """Is ``found`` exactly what ``POST /sending-domains`` with these fields makes in this scope?

    A new sending domain is verified in no way, is no default bounce domain, names the posted tracking domain (or
    none) and sharing, names a subaccount only when made in one, and holds the posted key (same public key and
    selector), or a key SparkPost generated (of ``dkim_key_length`` bits, when given), or none when none was asked
    for. Anything else existed before.
    """
    status = found.get("status") or {}
    key = found.get("dkim") or {}
    if dkim is not None:
        key_fits = key.get("public") == dkim.get("public") and key.get("selector") == dkim.get("selector")
    else:
        key_fits = bool(key.get("public") and key.get("selector")) is generate_dkim
        if key_fits and generate_dkim and dkim_key_length is not None:
            key_fits = key_bits(str(key["public"])) == dkim_key_length
    return (key_fits
            and not status.get("ownership_verified", False)
            and all(status.get(name, "unverified") == "unverified" for name in SENDING_STATUS_FIELDS)
            and not found.get("is_default_bounce_domain", False)
            and str(found.get("tracking_domain") or "").lower() == tracking_domain.lower()
            and bool(found.get("shared_with_subaccounts", False)) is shared_with_subaccounts
            and found.get("subaccount_id") == (subaccount_id or None))


def _sending_path(domain: str) -> str:
    return "/sending-domains/" + quote(domain, safe="")


def _listed(results: Any) -> list[dict[str, Any]]:
    """A list call's ``results``: the objects in it (an absent or empty answer is an empty account)."""
    if results is None:
        return []
    if not isinstance(results, list):
        raise errors.SparkPostTrackingError(f"SparkPost answered a list call with {type(results).__name__}, "
                                            "not a list")
    return [dict(item) for item in results if isinstance(item, dict)]


def _json_or_none(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _error_list(payload: Any, response: requests.Response) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("errors"), list):
        return [e if isinstance(e, dict) else {"message": str(e)} for e in payload["errors"]]
    text = response.text.strip()[:200] if response.content else ""
    return [{"message": text or response.reason or f"HTTP {response.status_code}"}]
