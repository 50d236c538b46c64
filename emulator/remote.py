"""Drive an emulator in another process: :class:`EmulatorProcess` runs ``python -m sparkpost_tracking.emulator``,
:class:`AdminClient` speaks its admin API with the same method names as :class:`~sparkpost_tracking.emulator.Emulator`.

Used by the Pulumi CLI tests and the offline demo, where the emulator must outlive one Python process::

    with EmulatorProcess(api_keys=["k"]) as proc:
        run_pulumi(env={"SPARKPOST_API_KEY": "k"}, api_url=proc.base_url)
        proc.admin.fail_next(2, status=503)
        assert proc.admin.count("POST", "/tracking-domains") == 1
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests

from .__main__ import KEYS_ENV, READY_PREFIX
from .recording import RecordedRequest


class AdminClient:
    """The admin API (``<root>/_emulator``) of a running emulator."""

    def __init__(self, admin_url: str, *, timeout: float = 10.0) -> None:
        self.admin_url = admin_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()

    def close(self) -> None:
        self._session.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self._session.request(method, self.admin_url + path, json=body, timeout=self._timeout)
        if response.status_code >= 400:
            raise RuntimeError(f"emulator admin {method} {path} -> {response.status_code}: {response.text}")
        return response.json().get("results") if response.content else None

    @staticmethod
    def _domain(domain: str) -> str:
        return quote(domain, safe="")

    # ---- request log ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        return [RecordedRequest.from_json(item) for item in self._call("GET", "/requests")]

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def count(self, method: str | None = None, path_suffix: str | None = None) -> int:
        return sum(1 for record in self.requests if record.matches(method, path_suffix))

    # ---- state ---------------------------------------------------------------------------------

    def domains(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/domains"))

    def get(self, domain: str) -> dict[str, Any] | None:
        url = f"{self.admin_url}/domains/{self._domain(domain)}"
        response = self._session.get(url, timeout=self._timeout)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return dict(response.json()["results"])

    def add_domain(self, domain: str, /, *, subaccount_id: int | None = None,
                   **fields: Any) -> dict[str, Any]:
        body = {"domain": domain, **fields}
        if subaccount_id is not None:
            body["subaccount_id"] = subaccount_id
        return dict(self._call("POST", "/domains", body))

    def mutate(self, domain: str, /, **fields: Any) -> dict[str, Any]:
        return dict(self._call("PATCH", f"/domains/{self._domain(domain)}", fields))

    def remove(self, domain: str) -> bool:
        url = f"{self.admin_url}/domains/{self._domain(domain)}"
        response = self._session.delete(url, timeout=self._timeout)
        return response.status_code == 204

    def reset(self) -> None:
        self._call("POST", "/reset")

    def set_verification(self, domain: str, outcome: str) -> None:
        self._call("PUT", f"/verification/{self._domain(domain)}", {"outcome": outcome})

    def set_certificate_eligibility(self, domain: str, eligibility: str) -> None:
        self._call("PUT", f"/certificate/{self._domain(domain)}", {"eligibility": eligibility})

    def settings(self) -> dict[str, Any]:
        return dict(self._call("GET", "/settings"))

    def update_settings(self, **values: Any) -> dict[str, Any]:
        """``default_verification``, ``default_certificate_eligibility``, ``tls_pending_reads``, ``latency``,
        ``blank_cname_after_verify``."""
        return dict(self._call("PUT", "/settings", values))

    # ---- faults --------------------------------------------------------------------------------

    def fail_next(self, n: int = 1, status: int = 429, method: str | None = None,
                  path_suffix: str | None = None) -> None:
        self._call("POST", "/faults", {"kind": "fail_next", "n": n, "status": status, "method": method,
                                       "path_suffix": path_suffix})

    def delay_next(self, n: int, seconds: float, method: str | None = None,
                   path_suffix: str | None = None) -> None:
        self._call("POST", "/faults", {"kind": "delay_next", "n": n, "seconds": seconds, "method": method,
                                       "path_suffix": path_suffix})

    def drop_after_commit(self, n: int = 1, method: str | None = "POST",
                          path_suffix: str | None = "/tracking-domains") -> None:
        self._call("POST", "/faults", {"kind": "drop_after_commit", "n": n, "method": method,
                                       "path_suffix": path_suffix})

    def set_latency(self, seconds: float) -> None:
        self._call("POST", "/faults", {"kind": "latency", "seconds": seconds})

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")


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
    def admin(self) -> AdminClient:
        """The admin API of the running emulator."""
        if self._admin is None:
            raise RuntimeError("the emulator process is not running")
        return self._admin

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
