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

from sparkpost_tracking.dynamic_providers.hosts import DEFAULT_REGION, managed_cname_target

from .admin import ADMIN_PREFIX, AdminApp
from .app import API_PREFIX, ApiApp
from .clicks import ClickApp, ClickTls, ContextFactory, is_click
from .control import Control
from .recording import RecordedRequest, RequestLog
from .state import EmulatorState

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

    def send_response(self, code: int, message: str | None = None) -> None:
        """Status line and Date, without the HTTP server's own ``Server`` header: an answer names its server
        itself (SparkPost's tracking hosts say ``msys-http``)."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

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


class Emulator(Control):
    """A stateful SparkPost tracking-domains API on ``http://127.0.0.1:<port>/api/v1``.

    ``with Emulator(api_keys=["test-key"]) as emu:`` starts a threaded Werkzeug server (``port=0``
    picks a free port) and stops it on exit. ``emu.base_url`` is the value for ``api_url``. The
    ``Control`` methods (``emu.fail_next(...)``, ``emu.requests()``, ``emu.update_settings(...)``) steer
    the state directly; the admin API (``emu.admin_url``) serves the same to other processes.
    ``on_request`` is called (in the server thread) with every recorded request.

    Click traffic (``GET /f/...``, ``/q/...`` with a tracking domain as Host) is answered as SparkPost's tracking
    hosts answer it, over http on the same port, and with ``click_tls`` (a factory of server TLS contexts for a
    host name) over https on ``click_https_port``, for a host only while its managed certificate is valid.
    """

    def __init__(self, api_keys: Iterable[str] | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 on_request: Callable[[RecordedRequest], None] | None = None,
                 click_tls: ContextFactory | None = None) -> None:
        self._host = loopback_host(host)
        self._requested_port = port
        self._state = EmulatorState(log=RequestLog(on_request))
        if isinstance(api_keys, str):  # one key given as a bare string
            api_keys = [api_keys]
        keys = [DEFAULT_API_KEY] if api_keys is None else list(api_keys)
        self._api = DispatcherMiddleware(ApiApp(self._state, keys),
                                         {ADMIN_PREFIX: AdminApp(self, lambda: self.base_url)})
        self._clicks = ClickApp(self._state.store)
        self._click_tls = (ClickTls(self._state.store, click_tls, managed_cname_target(DEFAULT_REGION))
                           if click_tls is not None else None)
        self._tls_server: BaseWSGIServer | None = None
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
            if self._click_tls is not None:
                self._tls_server = make_server(self._host, 0, self._clicks, threaded=True,
                                               request_handler=_RequestHandler, ssl_context=self._click_tls.context)
                threading.Thread(target=self._tls_server.serve_forever, kwargs={"poll_interval": _POLL_INTERVAL},
                                 name=f"sparkpost-emulator-tls:{self._tls_server.port}", daemon=True).start()
        return self

    def _app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Clicks go to the click endpoint, everything else to the API (and the admin API)."""
        if is_click(environ.get("PATH_INFO", "")):
            return self._clicks(environ, start_response)
        return self._api(environ, start_response)

    def stop(self) -> None:
        """Stop serving and close the socket; delayed requests wake up early. Idempotent."""
        self._stopped = True
        self._state.faults.close()
        tls_server, self._tls_server = self._tls_server, None
        if tls_server is not None:
            tls_server.shutdown()
            tls_server.server_close()
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
    def click_https_port(self) -> int:
        """The port of the https click endpoint (needs ``click_tls``)."""
        if self._tls_server is None:
            raise RuntimeError("the emulator serves no https clicks: give it click_tls and start it")
        return int(self._tls_server.port)

    @property
    def admin_url(self) -> str:
        return self.url + ADMIN_PREFIX
