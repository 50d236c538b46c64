"""The emulator's control surface, written once: inspect and steer one emulator's state.

``Emulator`` (in-process) is a ``Control``; the admin API serves every public method of ``Control`` as
``POST /_emulator/<method>`` with the keyword arguments as a JSON object, and ``remote.AdminClient`` calls them
from another process with the same names and signatures. Arguments and results are plain JSON values, except
the request log (``RecordedRequest``) and pending faults (``Fault``), which travel as their ``to_json`` form.
"""

from __future__ import annotations

import inspect
from typing import Any

from .faults import Fault
from .recording import RecordedRequest
from .state import EmulatorState


class Control:
    """Everything a test, a demo or a benchmark may do to an emulator besides calling its API."""

    _state: EmulatorState

    # ---- request log ---------------------------------------------------------------------------

    def requests(self) -> list[RecordedRequest]:
        """Every API request received so far (admin calls excluded), oldest first."""
        return self._state.log.snapshot()

    def clear_requests(self) -> None:
        self._state.log.clear()

    def count(self, method: str | None = None, path_suffix: str | None = None) -> int:
        """How many recorded requests match ``method`` (any case) and ``path_suffix``."""
        return self._state.log.count(method, path_suffix)

    def in_flight(self) -> dict[str, int]:
        """API requests being handled now (``now``) and the most handled at once (``peak``) since the log was
        last cleared: how many calls a client really overlaps."""
        return self._state.log.in_flight()

    # ---- domains -------------------------------------------------------------------------------

    def domains(self) -> list[dict[str, Any]]:
        """Every stored domain in API GET shape (with ``subaccount_id`` when set)."""
        return self._state.store.snapshot()

    def get(self, domain: str) -> dict[str, Any] | None:
        """One stored domain in API GET shape, or ``None``. Has no side effects."""
        return self._state.store.peek(domain)

    def add_domain(self, domain: str, /, subaccount_id: int | None = None, **fields: Any) -> dict[str, Any]:
        """Create a domain out of band (as in the SparkPost UI); ``fields`` as in :meth:`mutate`."""
        return self._state.store.add(domain, subaccount_id=subaccount_id, **fields)

    def mutate(self, domain: str, /, **fields: Any) -> dict[str, Any]:
        """Change a domain out of band: ``secure`` (or ``port``), ``default``, ``verified``, ``cname_status``,
        ``compliance_status``, ``tls_status``, ``uses_managed_certificate``, ``tls_certificate``. ``KeyError``
        for an unknown domain, ``ValueError`` for an unknown field or value (then nothing changes)."""
        return self._state.store.mutate(domain, **fields)

    def remove(self, domain: str) -> bool:
        """Delete a domain out of band; ``False`` if it did not exist. Associations naming it are cleared."""
        removed = self._state.store.remove(domain)
        self._state.sending.forget_tracking_domain(domain)
        return removed

    # ---- sending domains (the API makes and verifies them; these act out of band) ---------------

    def add_sending_domain(self, domain: str, /, subaccount_id: int | None = None, tracking_domain: str = "",
                           **fields: Any) -> dict[str, Any]:
        """A sending domain of the account (or subaccount), as if made in SparkPost's UI: verified by DKIM unless
        ``verified=False``, with a DKIM key of its own (``dkim_key_length`` bits, 2048 by default) unless
        ``generate_dkim=False`` or ``dkim`` is given; other ``fields`` as in :meth:`mutate_sending_domain`."""
        return self._state.sending.add(domain, subaccount_id, tracking_domain, **fields)

    def sending_domains(self) -> list[dict[str, Any]]:
        """Every sending domain in the list call's shape (with ``domain``, ``creation_time`` always)."""
        return self._state.sending.snapshot()

    def get_sending_domain(self, domain: str) -> dict[str, Any] | None:
        """One sending domain in the list call's shape, or ``None``."""
        return self._state.sending.peek(domain)

    def mutate_sending_domain(self, domain: str, /, **fields: Any) -> dict[str, Any]:
        """Change a sending domain out of band: ``verified``, any status field (``dkim_status``, ``cname_status``,
        ``mx_status``, ...), ``compliance_status``, ``verification_mailbox``, ``shared_with_subaccounts``,
        ``is_default_bounce_domain`` (clears the scope's other one), ``tracking_domain``, ``dkim`` (``{selector,
        public[, private, signing_domain, headers]}`` or ``None``), ``creation_time``. ``KeyError`` for an unknown
        domain, ``ValueError`` for a bad field (then nothing changes)."""
        return self._state.sending.mutate(domain, **fields)

    def remove_sending_domain(self, domain: str) -> bool:
        """Delete a sending domain out of band; ``False`` if there was none."""
        return self._state.sending.remove(domain)

    def expire_unverified(self, domain: str | None = None) -> list[str]:
        """SparkPost's removal of sending domains left unverified for two weeks, done now (the emulator never
        expires anything by the clock): every domain whose ownership is not verified, or only ``domain``. Returns
        the names removed; ``KeyError`` for an unknown ``domain``."""
        return self._state.sending.expire_unverified(domain)

    def hold_in_another_account(self, domain: str) -> None:
        """Another SparkPost account holds ``domain``: a create of it, of a subdomain or of a parent answers
        SparkPost's 400 "Domain in use by another account" (code 7004)."""
        self._state.sending.hold_in_another_account(domain)

    def create_sending_domain_on_next(self, domain: str, /, subaccount_id: int | None = None,
                                      method: str | None = "POST", path_suffix: str | None = "/sending-domains",
                                      skip: int = 0, **fields: Any) -> None:
        """As :meth:`create_on_next`, for a sending domain: when the next matching request (after ``skip`` of them)
        arrives, someone else's ``domain`` is made first (as by :meth:`add_sending_domain`; unverified, as an API
        create makes it, unless ``fields`` say otherwise). ``ValueError`` (and nothing pending) for a bad name, owner
        or field."""
        fields = {"verified": False, **fields}
        record = self._state.sending.new_record(domain, subaccount_id, fields)
        self._state.faults.create_on_next(record.domain, subaccount_id, method, path_suffix, fields, skip,
                                          collection="sending-domains")

    def associate(self, domain: str, tracking_domain: str) -> dict[str, Any]:
        """Change a sending domain's tracking domain out of band (``""`` removes the association)."""
        return self._state.sending.associate(domain, tracking_domain)

    def set_verification(self, domain: str, outcome: str) -> None:
        """What ``verify`` answers for ``domain``: ``valid``, ``pending`` (200, unverified) or ``fail`` (400)."""
        self._state.store.set_verification(domain, outcome)  # type: ignore[arg-type]

    def set_certificate_eligibility(self, domain: str, eligibility: str) -> None:
        """``eligible``; ``ineligible`` (check: 200 with ``supportsManagedCertificate: false``); ``forbidden``
        (check: 403). ``certificate/enable`` answers 403 for both of the latter."""
        self._state.store.set_certificate_eligibility(domain, eligibility)  # type: ignore[arg-type]

    def fail_issuance(self, error_code: str, n: int = 1, domain: str | None = None) -> None:
        """The next ``n`` managed-certificate issuances (of ``domain``, or of any domain) fail with a documented
        ``error_code`` (``acme:dns``, ``acme:unauthorized``, ...): once ``tls_pending_reads`` GETs have shown
        ``pending``, the domain reads ``tls_status: failed`` with ``tls_certificate.error_code`` set.
        ``certificate/enable`` of a failed domain starts a new issuance."""
        self._state.store.fail_issuance(error_code, n, domain)

    # ---- settings ------------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """The current values of every setting in ``state.SETTINGS``."""
        return self._state.settings()

    def update_settings(self, **values: Any) -> dict[str, Any]:
        """Change some settings (see ``state.SETTINGS``); ``ValueError`` on an unknown name or bad value, and
        then nothing changes. Returns every setting."""
        return self._state.update_settings(values)

    def reset(self) -> None:
        """Empty state, faults and log; default settings (the API keys stay)."""
        self._state.reset()

    # ---- faults --------------------------------------------------------------------------------

    def fail_next(self, n: int = 1, status: int = 429, method: str | None = None,
                  path_suffix: str | None = None, retry_after: int | None = None, message: str | None = None,
                  skip: int = 0) -> None:
        """The next ``n`` matching requests answer ``status`` (429 or 5xx) in SparkPost's error shape, without
        touching state; with ``retry_after``, the answer carries that ``Retry-After`` header (whole seconds);
        with ``message``, the error's message is that (say, a server that echoes what it was sent); with
        ``skip``, that many matching requests pass first."""
        self._state.faults.fail_next(n, status, method, path_suffix, retry_after, message, skip)

    def create_on_next(self, domain: str, /, subaccount_id: int | None = None, method: str | None = "POST",
                       path_suffix: str | None = "/tracking-domains", skip: int = 0, **fields: Any) -> None:
        """When the next matching request arrives, someone else's ``domain`` is created first (as by
        :meth:`add_domain`, with ``fields`` as in :meth:`mutate`), then the request proceeds, other faults
        included: a colleague creating the name between our read and our POST. With ``skip``, that many matching
        requests pass first (the colleague is later: during a retry's backoff, say). If the name exists by then,
        nothing is added. ``ValueError`` (and nothing pending) for a bad name, owner or field."""
        record = self._state.store.new_record(domain, subaccount_id, fields)
        self._state.faults.create_on_next(record.domain, subaccount_id, method, path_suffix, fields, skip)

    def reject_next(self, error: str, n: int = 1) -> None:
        """The next ``n`` requests to the endpoint concerned answer an error SparkPost documents, without
        touching state: ``dns_blacklist`` (create, 400 "domain is on a DNS blacklist"),
        ``eligibility_check_failed`` (certificate/check, 400), ``check_timed_out`` (certificate/check, 503),
        ``enable_timed_out`` (certificate/enable, 503); for a sending domain's create, ``restricted_domain`` (400,
        code 7000) and ``domain_in_use`` (400, code 7004)."""
        self._state.faults.reject_next(error, n)

    def storm(self, rate: float, statuses: list[int] | None = None, burst_min: int = 1, burst_max: int = 1,
              drop_rate: float = 0.0, seed: int | None = None) -> None:
        """Until :meth:`clear_faults`, every API request may fail: with probability ``rate`` a burst of
        ``burst_min``..``burst_max`` requests answers a status from ``statuses`` (default 429 and 5xx) and
        changes nothing; a request not failed is, with probability ``drop_rate``, processed and then left
        unanswered (the connection closes). ``seed`` makes the sequence repeatable."""
        self._state.faults.storm(rate, tuple(statuses or (429, 500, 502, 503, 504)), burst_min, burst_max,
                                 drop_rate, seed)

    def delay_next(self, n: int, seconds: float, method: str | None = None,
                   path_suffix: str | None = None, until: int | None = None) -> None:
        """Hold the next ``n`` matching requests for ``seconds``, *then* process them normally (a client read
        timeout does not prevent the change: it lands after the delay). With ``until``, release them all as
        soon as that many are held at once."""
        self._state.faults.delay_next(n, seconds, method, path_suffix, until)

    def drop_after_commit(self, n: int = 1, method: str | None = "POST",
                          path_suffix: str | None = "/tracking-domains") -> None:
        """Process the next ``n`` matching requests fully, then close the TCP connection without any response
        bytes (the client sees a connection error; the log shows ``dropped=True``)."""
        self._state.faults.drop_after_commit(n, method, path_suffix)

    def pending_faults(self) -> list[Fault]:
        return self._state.faults.pending()

    def clear_faults(self) -> None:
        """Forget pending faults, end a storm and set the latency back to 0."""
        self._state.faults.clear()


#: The methods the admin API serves and the remote client calls.
METHODS: frozenset[str] = frozenset(name for name in vars(Control) if not name.startswith("_")
                                    and callable(getattr(Control, name)))


def invoke(control: Control, name: str, arguments: dict[str, Any]) -> Any:
    """Call a control method with arguments by name (positional-only ones included); ``TypeError`` if they
    do not fit its signature."""
    method = getattr(control, name)
    positional = [arguments.pop(p.name) for p in inspect.signature(method).parameters.values()
                  if p.kind is p.POSITIONAL_ONLY and p.name in arguments]
    return method(*positional, **arguments)
