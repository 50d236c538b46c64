"""Drive an emulator in another process: :class:`EmulatorProcess` runs ``python -m sparkpost_tracking.emulator``,
:class:`AdminClient` speaks its admin API with the same method names as :class:`~sparkpost_tracking.emulator.Emulator`.

Used by the Pulumi CLI tests and the offline demo, where the emulator must outlive one Python process::

    with EmulatorProcess(api_keys=["k"]) as proc:
        run_pulumi(env={"SPARKPOST_API_KEY": "k"}, api_url=proc.base_url)
        proc.admin.fail_next(2, status=503)
        assert proc.admin.count("POST", "/tracking-domains") == 1
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import Any, cast

import requests

from .__main__ import KEYS_ENV, READY_PREFIX
from .control import METHODS, Control
from .faults import Fault
from .recording import RecordedRequest


class AdminClient:
    """The admin API (``<root>/_emulator``) of a running emulator, with ``Control``'s methods.

    Each method of :class:`~sparkpost_tracking.emulator.control.Control` is one ``POST /_emulator/<method>``;
    records and faults come back as ``RecordedRequest`` and ``Fault`` objects, as in process.
    """

    def __init__(self, admin_url: str, *, timeout: float = 10.0) -> None:
        self.admin_url = admin_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()

    def close(self) -> None:
        self._session.close()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in METHODS:
            raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")
        signature = inspect.signature(getattr(Control, name))
        decode = _DECODERS.get(name, lambda value: value)

        def call(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(None, *args, **kwargs)  # None stands for self
            body: dict[str, Any] = {}
            for parameter in list(signature.parameters.values())[1:]:
                if parameter.name not in bound.arguments:
                    continue
                value = bound.arguments[parameter.name]
                if parameter.kind is parameter.VAR_KEYWORD:
                    body.update(value)  # **fields travel flat
                else:
                    body[parameter.name] = value
            response = self._session.post(f"{self.admin_url}/{name}", json=body, timeout=self._timeout)
            if response.status_code >= 400:
                raise RuntimeError(f"emulator admin {name} -> {response.status_code}: {response.text}")
            return decode(response.json().get("results"))

        return call


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "requests": lambda items: [RecordedRequest.from_json(item) for item in items],
    "pending_faults": lambda items: [Fault(**item) for item in items],
}


class EmulatorProcess:
    """``python -m sparkpost_tracking.emulator`` as a child process on a free loopback port.

    ``start()`` waits for the ready line and keeps draining stdout in a thread (the request lines
    are kept in :attr:`lines`); ``stop()`` sends SIGTERM, then kills after ``stop_timeout``.
    """

    def __init__(self, api_keys: Sequence[str] = ("emulator-key",), *, extra_args: Sequence[str] = (),
                 python: str = sys.executable, startup_timeout: float = 15.0,
                 stop_timeout: float = 5.0) -> None:
        self._command = [python, "-m", "sparkpost_tracking.emulator", "--port", "0", *extra_args]
        self._env = {**os.environ, KEYS_ENV: ",".join(api_keys)}  # keys stay out of the process list
        self._startup_timeout = startup_timeout
        self._stop_timeout = stop_timeout
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._stderr: Any = None
        self._admin: AdminClient | None = None
        self.lines: list[str] = []
        self.base_url = ""

    @property
    def admin(self) -> Control:
        """The control surface of the running emulator (through its admin API)."""
        if self._admin is None:
            raise RuntimeError("the emulator process is not running")
        return cast(Control, self._admin)

    def start(self) -> EmulatorProcess:
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen(self._command, stdout=subprocess.PIPE, stderr=self._stderr,
                                         text=True, env=self._env, bufsize=1)
        ready = threading.Event()
        self._reader = threading.Thread(target=self._read, args=(ready,), daemon=True,
                                        name="sparkpost-emulator-stdout")
        self._reader.start()
        if not ready.wait(self._startup_timeout) or not self.base_url:
            self.stop()
            raise RuntimeError(f"the emulator did not start: {self.stderr_text().strip()[-2000:]}")
        root = self.base_url.rsplit("/api/v1", 1)[0]
        self._admin = AdminClient(root + "/_emulator")
        return self

    def _read(self, ready: threading.Event) -> None:
        assert self._process is not None and self._process.stdout is not None
        for raw in self._process.stdout:
            line = raw.rstrip("\n")
            if not self.base_url and line.startswith(READY_PREFIX):
                self.base_url = line[len(READY_PREFIX):]
                ready.set()
            else:
                self.lines.append(line)
        ready.set()  # the process ended

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(self._stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._reader is not None:
            self._reader.join(self._stop_timeout)
        if process.stdout is not None:
            process.stdout.close()
        if self._admin is not None:
            self._admin.close()
            self._admin = None

    def stderr_text(self) -> str:
        """What the emulator wrote to stderr so far (notices, errors)."""
        if self._stderr is None or self._stderr.closed:
            return ""
        self._stderr.seek(0)
        return str(self._stderr.read())

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self._stderr is not None:
            self._stderr.close()
