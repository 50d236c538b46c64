"""The :class:`Emulator`: a threaded Werkzeug server on loopback plus a Python handle on its state."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .admin import ADMIN_PREFIX, AdminApp
from .app import API_PREFIX, ApiApp
from .faults import Fault
from .recording import RecordedRequest, RequestLog
from .state import EmulatorState
from .store import CertificateEligibility, VerificationOutcome

DEFAULT_API_KEY = "emulator-key"
_POLL_INTERVAL = 0.01  # how often serve_forever checks for shutdown; keeps stop() fast
_log = logging.getLogger("sparkpost_tracking.emulator")


def loopback_host(host: str) -> str:
    """The host to bind, which must be a loopback address (``localhost`` means ``127.0.0.1``)."""
    candidate = "127.0.0.1" if host == "localhost" else host.strip("[]")
    try:
        loopback = ipaddress.ip_address(candidate).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"refusing to listen on {host!r}: the emulator only binds to loopback addresses")
    return candidate


class _RequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its access log (the emulator records requests itself)."""

    protocol_version = "HTTP/1.1"  # set here so Werkzeug doesn't patch its shared handler class

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        _log.log(logging.WARNING if type == "error" else logging.DEBUG, message.rstrip(), *args)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


class Emulator:
    """A stateful SparkPost tracking-domains API on ``http://127.0.0.1:<port>/api/v1``.

    ``with Emulator(api_keys=["test-key"]) as emu:`` starts a threaded Werkzeug server (``port=0``
    picks a free port) and stops it on exit. ``emu.base_url`` is the value for ``api_url``. The
    methods below inspect and steer the state directly; the admin API (``emu.admin_url``) offers the
    same to other processes. ``on_request`` is called (in the server thread) with every recorded request.
    """

    def __init__(self, api_keys: Iterable[str] | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 on_request: Callable[[RecordedRequest], None] | None = None) -> None:
        self._host = loopback_host(host)
        self._requested_port = port
        self._state = EmulatorState(log=RequestLog(on_request))
        if isinstance(api_keys, str):  # one key given as a bare string
            api_keys = [api_keys]
        keys = [DEFAULT_API_KEY] if api_keys is None else list(api_keys)
        self._app = DispatcherMiddleware(ApiApp(self._state, keys),
                                         {ADMIN_PREFIX: AdminApp(self._state, lambda: self.base_url)})
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "not running"
        return f"Emulator({where})"

    # ---- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Bind and serve in a daemon thread; raises ``OSError`` when the port is taken."""
        if self._stopped:
            raise RuntimeError("an Emulator cannot be restarted; create a new one")
        if self._server is None:
            listener = _listen(self._host, self._requested_port)
            try:
                self._server = make_server(self._host, self._requested_port, self._app, threaded=True,
                                           request_handler=_RequestHandler, fd=listener.fileno())
            finally:
                listener.close()  # the server holds its own duplicate of the socket
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": _POLL_INTERVAL},
                                            name=f"sparkpost-emulator:{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; delayed requests wake up early. Idempotent."""
        self._stopped = True
        self._state.faults.close()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            if self._thread is not None:
                self._thread.join()
            server.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- addresses -----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return int(self._server.port)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (IPv6 hosts in brackets)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base, ``http://127.0.0.1:PORT/api/v1``: the value for ``api_url``."""
        return self.url + API_PREFIX

    @property
    def admin_url(self) -> str:
        return self.url + ADMIN_PREFIX

    # ---- request log ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every API request received so far (admin requests excluded), oldest first."""
        return self._state.log.snapshot()

    def clear_requests(self) -> None:
        self._state.log.clear()

    def count(self, method: str | None = None, path_suffix: str | None = None) -> int:
        """How many recorded requests match ``method`` (any case) and ``path_suffix``."""
        return self._state.log.count(method, path_suffix)

    # ---- state ---------------------------------------------------------------------------------

    def domains(self) -> list[dict[str, Any]]:
        """Every stored domain in API GET shape (with ``subaccount_id`` when set)."""
        return self._state.store.snapshot()

    def get(self, domain: str) -> dict[str, Any] | None:
        """One stored domain in API GET shape, or ``None``. Has no side effects."""
        return self._state.store.peek(domain)

    def add_domain(self, domain: str, /, *, subaccount_id: int | None = None,
                   **fields: Any) -> dict[str, Any]:
        """Create a domain out of band (as in the SparkPost UI); ``fields`` as in :meth:`mutate`."""
        return self._state.store.add(domain, subaccount_id=subaccount_id, **fields)

    def mutate(self, domain: str, /, **fields: Any) -> dict[str, Any]:
        """Change a domain out of band (fields: see :meth:`DomainStore.mutate`); ``KeyError`` if absent."""
        return self._state.store.mutate(domain, **fields)

    def remove(self, domain: str) -> bool:
        """Delete a domain out of band; ``False`` if it did not exist."""
        return self._state.store.remove(domain)

    def reset(self) -> None:
        """Empty state, faults and log, and default settings (the API keys stay)."""
        self._state.reset()

    # ---- verification and certificates -----------------------------------------------------------

    def set_verification(self, domain: str, outcome: VerificationOutcome) -> None:
        """What ``verify`` answers for ``domain``: ``valid``, ``pending`` (200, unverified) or ``fail``."""
        self._state.store.set_verification(domain, outcome)

    @property
    def default_verification(self) -> VerificationOutcome:
        """The ``verify`` outcome for domains without :meth:`set_verification` (initially ``valid``)."""
        return self._state.store.default_verification

    @default_verification.setter
    def default_verification(self, outcome: VerificationOutcome) -> None:
        self._state.store.default_verification = outcome

    @property
    def blank_cname_after_verify(self) -> bool:
        """Spec quirk: when True, verified domains report ``cname_status: ""`` (verify and GET)."""
        return self._state.store.blank_cname_after_verify

    @blank_cname_after_verify.setter
    def blank_cname_after_verify(self, blank: bool) -> None:
        self._state.update_settings({"blank_cname_after_verify": blank})

    def set_certificate_eligibility(self, domain: str, eligibility: CertificateEligibility) -> None:
        """``eligible``; ``ineligible`` (check: 200 with ``supportsManagedCertificate: false``); ``forbidden``
        (check: 403). ``enable`` answers 403 for both of the latter."""
        self._state.store.set_certificate_eligibility(domain, eligibility)

    @property
    def default_certificate_eligibility(self) -> CertificateEligibility:
        return self._state.store.default_certificate_eligibility

    @default_certificate_eligibility.setter
    def default_certificate_eligibility(self, eligibility: CertificateEligibility) -> None:
        self._state.store.default_certificate_eligibility = eligibility

    @property
    def tls_pending_reads(self) -> int:
        """After ``certificate/enable``, this many GETs of the domain show ``tls_status: pending``, then
        ``valid`` with a ``tls_certificate`` (initially 1). Listing does not count."""
        return self._state.store.tls_pending_reads

    @tls_pending_reads.setter
    def tls_pending_reads(self, reads: int) -> None:
        self._state.store.tls_pending_reads = reads

    # ---- faults --------------------------------------------------------------------------------

    @property
    def latency(self) -> float:
        """Seconds added to every API request (for benchmarks)."""
        return self._state.faults.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._state.faults.latency = seconds

    def fail_next(self, n: int = 1, status: int = 429, method: str | None = None,
                  path_suffix: str | None = None) -> None:
        """The next ``n`` matching requests answer ``status`` (429 or 5xx) in SparkPost's error shape,
        without touching state."""
        self._state.faults.fail_next(n, status, method, path_suffix)

    def delay_next(self, n: int, seconds: float, method: str | None = None,
                   path_suffix: str | None = None) -> None:
        """Hold the next ``n`` matching requests for ``seconds``, *then* process them normally (so a
        client read timeout does not prevent the change: it lands after the delay)."""
        self._state.faults.delay_next(n, seconds, method, path_suffix)

    def drop_after_commit(self, n: int = 1, method: str | None = "POST",
                          path_suffix: str | None = "/tracking-domains") -> None:
        """Process the next ``n`` matching requests fully, then close the TCP connection without any
        response bytes (the client sees a connection error; the log shows ``dropped=True``)."""
        self._state.faults.drop_after_commit(n, method, path_suffix)

    def pending_faults(self) -> list[Fault]:
        return self._state.faults.pending()

    def clear_faults(self) -> None:
        """Forget pending faults and set the latency back to 0."""
        self._state.faults.clear()

    def settings(self) -> dict[str, Any]:
        return self._state.settings()
