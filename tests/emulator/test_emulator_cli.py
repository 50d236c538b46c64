"""The command line (``python -m sparkpost_tracking.emulator``) and the out-of-process helper built on it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests

from sparkpost_tracking.emulator.__main__ import KEYS_ENV, _api_keys, format_request, main
from sparkpost_tracking.emulator.recording import RecordedRequest
from sparkpost_tracking.emulator.remote import EmulatorProcess

READY = re.compile(r"SparkPost emulator listening on (http://127\.0\.0\.1:\d+/api/v1)")
# Waits below end as soon as the process does; the bound only stops a hung process from hanging the suite, so
# it is generous for a machine busy with other test runs.
EXIT_BOUND = 120.0


def spawn(*args: str, env: dict[str, str] | None = None, sigint_ignored: bool = False) -> subprocess.Popen[str]:
    """Start the emulator; ``sigint_ignored`` starts it as a script's background job is (SIGINT set to SIG_IGN)."""
    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    return subprocess.Popen([sys.executable, "-m", "sparkpost_tracking.emulator", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
                            preexec_fn=ignore_sigint if sigint_ignored else None)


@pytest.fixture
def cli() -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = spawn("--port", "0", "--api-key", "cli-secret-key")
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = READY.fullmatch(first.strip())
        assert match, first
        yield process, match.group(1)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=EXIT_BOUND)


def test_first_line_is_the_base_url_then_one_line_per_request(cli: tuple[subprocess.Popen[str], str]) -> None:
    process, base_url = cli
    assert process.stdout is not None
    headers = {"Authorization": "cli-secret-key"}
    assert requests.get(base_url + "/tracking-domains", headers=headers, timeout=5).status_code == 200
    assert process.stdout.readline().strip() == "GET /api/v1/tracking-domains -> 200"
    response = requests.post(base_url + "/tracking-domains", json={"domain": "a.example.com"},
                             headers={**headers, "X-MSYS-SUBACCOUNT": "5"}, timeout=5)
    assert response.status_code == 200
    assert process.stdout.readline().strip() == "POST /api/v1/tracking-domains sub=5 -> 200"
    unauthorized = requests.get(base_url + "/tracking-domains", params={"default": "true"}, timeout=5)
    assert unauthorized.status_code == 401
    assert process.stdout.readline().strip() == "GET /api/v1/tracking-domains?default=true -> 401"
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=EXIT_BOUND)
    assert process.returncode == 0
    assert "cli-secret-key" not in out + err
    assert "stopped" in err


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["foreground", "background-job"])
def test_without_keys_it_accepts_emulator_key_and_ctrl_c_stops_it(sigint_ignored: bool) -> None:
    # A script's background job (a CI step, a parallel test run) starts with SIGINT ignored; Ctrl-C must still work.
    process = spawn("--port", "0", env={KEYS_ENV: ""}, sigint_ignored=sigint_ignored)
    try:
        assert process.stdout is not None
        # The ready line comes after the start-up notices: once it is read, Ctrl-C cannot cut them short.
        match = READY.fullmatch(process.stdout.readline().strip())
        assert match
        response = requests.get(match.group(1) + "/tracking-domains",
                                headers={"Authorization": "emulator-key"}, timeout=EXIT_BOUND)
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=EXIT_BOUND)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=EXIT_BOUND)
    assert process.returncode == 0
    assert "accepting the API key 'emulator-key'" in err and "stopped" in err
    assert err.index("accepting the API key") < err.index("stopped")


def test_non_loopback_hosts_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--host", "0.0.0.0", "--port", "0"])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and "loopback" in err


def test_key_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEYS_ENV, " a , b,,")
    assert _api_keys(["cli"]) == (["cli"], False)
    assert _api_keys(None) == (["a", "b"], False)
    monkeypatch.setenv(KEYS_ENV, "")
    assert _api_keys(None) == (["emulator-key"], True)


def test_emulator_process_passes_keys_through_the_environment() -> None:
    with EmulatorProcess(api_keys=["env-key-1", "env-key-2"]) as proc:
        for key in ("env-key-1", "env-key-2"):
            assert requests.get(proc.base_url + "/tracking-domains", headers={"Authorization": key},
                                timeout=5).status_code == 200
        proc.admin.fail_next(1, status=503)
        assert requests.get(proc.base_url + "/tracking-domains", timeout=5).status_code == 503
        assert proc.admin.count("GET", "/tracking-domains") == 3
        assert [r.status for r in proc.admin.requests()] == [200, 200, 503]
    assert "env-key" not in "\n".join(proc.lines)


def test_format_request() -> None:
    record = RecordedRequest("POST", "/api/v1/tracking-domains", {}, "7", None, 200, dropped=True)
    assert format_request(record) == "POST /api/v1/tracking-domains sub=7 -> 200 (connection dropped)"
    injected = RecordedRequest("GET", "/api/v1/tracking-domains", {"default": "true"}, None, None, 429,
                               injected=True)
    assert format_request(injected) == "GET /api/v1/tracking-domains?default=true -> 429 (injected)"
