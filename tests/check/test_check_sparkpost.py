"""The SparkPost step against the emulator: SparkPost's own verify, with the key from the provider's places,
and the key never in what `check` prints, whatever happens."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from sparkpost_tracking.__main__ import main
from sparkpost_tracking.check.result import Status
from sparkpost_tracking.check.sparkpost_step import Account, check_sparkpost
from sparkpost_tracking.dynamic_providers.certificate_errors import ERROR_CODES
from sparkpost_tracking.emulator import Emulator
from tests.check.conftest import DOMAIN, MakeChain, Outcome

Run = Callable[[list[str]], Outcome]
KEY = "check-key-5f0c9a1b2c3d4e5f"
EU_KEY = "check-eu-key-a1b2c3d4e5f6"
OFFLINE = ["--skip", "dns", "--skip", "tls", "--skip", "https", "--skip", "http"]


@pytest.fixture
def sparkpost(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    for name in ("SPARKPOST_API_KEY", "SPARKPOST_EU_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with Emulator(api_keys=[KEY, EU_KEY]) as emulator:
        emulator.add_domain(DOMAIN, secure=True)
        yield emulator


def verify_args(emulator: Emulator, *extra: str) -> list[str]:
    return ["check", DOMAIN, "--sparkpost-verify", "--api-url", emulator.base_url, *OFFLINE, *extra]


def test_a_verified_domain_passes_and_the_key_is_not_printed(make_chain: MakeChain, run_check: Run,
                                                             sparkpost: Emulator, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    chain = make_chain()
    outcome = run_check([*chain.args("--sparkpost-verify", "--api-url", sparkpost.base_url)])
    assert outcome.code == 0 and outcome.steps["sparkpost"]["status"] == "pass"
    assert outcome.steps["sparkpost"]["required"] is True
    assert outcome.steps["sparkpost"]["data"]["verified"] is True
    assert sparkpost.count("POST", "/verify") == 1
    assert main(chain.args("--sparkpost-verify", "--api-url", sparkpost.base_url)) == 0  # the table too
    table = capsys.readouterr()
    for text in (outcome.stdout, outcome.stderr, table.out, table.err):
        assert KEY not in text


def test_a_failed_verify_fails_the_step_with_sparkposts_words(run_check: Run, sparkpost: Emulator,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    sparkpost.set_verification(DOMAIN, "fail")
    outcome = run_check(verify_args(sparkpost))
    assert outcome.code == 1 and outcome.failed() == {"sparkpost": "verify_failed"}
    assert f"HTTP request to https://{DOMAIN}:443 failed" in outcome.steps["sparkpost"]["detail"]
    assert KEY not in outcome.stdout + outcome.stderr


def test_an_unverified_domain_fails(run_check: Run, sparkpost: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    sparkpost.set_verification(DOMAIN, "pending")
    outcome = run_check(verify_args(sparkpost))
    assert outcome.failed() == {"sparkpost": "unverified"}


def test_a_wrong_key_is_refused_and_printed_nowhere(run_check: Run, sparkpost: Emulator,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "wrong-key-0f1e2d3c4b5a6978"
    monkeypatch.setenv("SPARKPOST_API_KEY", wrong)
    outcome = run_check(verify_args(sparkpost))
    assert outcome.failed() == {"sparkpost": "unauthorized"}
    assert wrong not in outcome.stdout + outcome.stderr


def test_the_eu_key_is_used_for_an_eu_domain(run_check: Run, sparkpost: Emulator,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", "the-us-key-is-not-this-accounts")
    monkeypatch.setenv("SPARKPOST_EU_API_KEY", EU_KEY)
    outcome = run_check(verify_args(sparkpost, "--region", "eu"))
    assert outcome.steps["sparkpost"]["status"] == "pass"
    assert EU_KEY not in outcome.stdout + outcome.stderr


def test_no_key_fails_the_step_naming_where_to_put_it(run_check: Run, sparkpost: Emulator) -> None:
    outcome = run_check(verify_args(sparkpost))
    assert outcome.failed() == {"sparkpost": "no_key"}
    assert "SPARKPOST_API_KEY" in outcome.steps["sparkpost"]["detail"]
    assert sparkpost.count() == 0


def test_a_domain_of_another_subaccount_is_not_found(run_check: Run, sparkpost: Emulator,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    outcome = run_check(verify_args(sparkpost, "--subaccount", "7"))
    assert outcome.failed() == {"sparkpost": "not_found"}
    assert [r.subaccount for r in sparkpost.requests()] == ["7"]  # the raw header


def test_a_bad_setting_is_named(run_check: Run, sparkpost: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    monkeypatch.setenv("SPARKPOST_REQUEST_TIMEOUT", "soon")
    outcome = run_check(verify_args(sparkpost))
    assert outcome.failed() == {"sparkpost": "bad_setting"}
    assert "SPARKPOST_REQUEST_TIMEOUT" in outcome.steps["sparkpost"]["detail"] and sparkpost.count() == 0


@pytest.mark.parametrize(("tls_status", "code", "expected"), [
    ("failed", "acme:dns", "certificate_failed"),
    ("failed", "service:internal", "certificate_failed"),
    ("expired", None, "certificate_expired"),
])
def test_a_managed_certificate_in_trouble_fails_the_step_with_its_fix(run_check: Run, sparkpost: Emulator,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      tls_status: str, code: str | None,
                                                                      expected: str | None) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    sparkpost.mutate(DOMAIN, uses_managed_certificate=True, tls_status=tls_status,
                     tls_certificate={"issued_at": None, "expires_at": None, "error_code": code})
    sparkpost.clear_requests()
    outcome = run_check(verify_args(sparkpost))
    step = outcome.steps["sparkpost"]
    assert (step["code"], step["data"]["tls_status"]) == (expected, tls_status)
    assert sparkpost.count("GET") == 1  # one more call, to read the certificate's error code
    if code is not None:
        assert ERROR_CODES[code].fix.format(domain=DOMAIN) == step["hint"] and step["data"]["certificate_error"] == code
    assert KEY not in outcome.stdout + outcome.stderr


def test_a_valid_certificate_costs_no_extra_call(run_check: Run, sparkpost: Emulator,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    sparkpost.mutate(DOMAIN, uses_managed_certificate=True, tls_status="valid")
    sparkpost.clear_requests()
    outcome = run_check(verify_args(sparkpost))
    assert outcome.code == 0 and sparkpost.count() == 1


def test_a_verify_without_an_answer_is_tried_once_more_each_within_the_request_timeout(
        run_check: Run, sparkpost: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """SparkPost holds every verify and never answers: `check` waits ``SPARKPOST_REQUEST_TIMEOUT`` for each of two
    tries (a probe retries once, docs/check.md), then names the call that did not complete."""
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    monkeypatch.setenv("SPARKPOST_REQUEST_TIMEOUT", "0.5")
    monkeypatch.setenv("SPARKPOST_RETRY_BACKOFF", "0.05")
    sparkpost.delay_next(5, 600, method="POST", path_suffix="/verify")  # held until the emulator stops
    sparkpost.clear_requests()
    started = time.monotonic()
    step = run_check(verify_args(sparkpost)).steps["sparkpost"]
    elapsed = time.monotonic() - started
    assert (step["status"], step["code"], step["hint"]) == ("fail", "unreachable",
                                                            f"check the network path to {sparkpost.base_url}")
    assert step["detail"].startswith(f"SparkPost POST /tracking-domains/{DOMAIN}/verify did not complete: ")
    assert "read timeout=0.5" in step["detail"] and KEY not in step["detail"]
    assert wait_for(lambda: sparkpost.in_flight()["now"] == 2)  # the try and its retry, both still held
    assert sparkpost.in_flight()["peak"] == 2
    assert 1.0 <= elapsed < 30  # two reads of 0.5 s, not SparkPost's default 30 s each


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# ---- SparkPost's answers as a tiny server gives them (the emulator always answers in full) -------------------------

@contextmanager
def sparkpost_answering(status: int, body: dict[str, Any]) -> Iterator[str]:
    """A SparkPost that answers every call with ``status`` and ``body``; yields its API base."""
    @Request.application
    def answer(request: Request) -> Response:
        return Response(json.dumps(body), status, content_type="application/json")

    server = make_server("127.0.0.1", 0, answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api/v1"
    finally:
        server.shutdown()
        thread.join()


FAST = {"SPARKPOST_API_KEY": KEY, "SPARKPOST_RETRY_BACKOFF": "0.01"}


@pytest.mark.parametrize(("results", "status", "detail"), [
    ({"verified": True, "cname_status": "", "compliance_status": "valid", "tls_status": None}, Status.PASS,
     "verified by SparkPost (compliance_status valid)"),  # an empty status says nothing: not shown
    ({"verified": True}, Status.PASS, "verified by SparkPost"),
    ({"verified": False, "cname_status": ""}, Status.FAIL, "SparkPost reports the domain unverified (no status)"),
], ids=["some", "none", "unverified"])
def test_sparkpost_s_status_fields_are_shown_when_they_say_something(results: dict[str, Any], status: Status,
                                                                     detail: str) -> None:
    with sparkpost_answering(200, {"results": results}) as api:
        row = check_sparkpost(DOMAIN, Account(api_url=api), {}, 5.0, FAST)
    assert (row.status, row.detail) == (status, detail)
    # The row keeps SparkPost's four status fields as it said them, on either verdict.
    assert row.data == {key: results.get(key) for key in ("verified", "cname_status", "compliance_status",
                                                          "tls_status")}
    if status is Status.FAIL:
        assert (row.code, row.hint) == ("unverified", "SparkPost could not confirm the chain yet: fix the failed "
                                                      "steps above, then check again")


HINTS = {
    "verify_failed": "SparkPost's own request through the chain failed: fix the failed steps above first",
    "not_found": "create it (pulumi up), or give the right --region/--api-url/--subaccount",
    "unauthorized": "use a key of this account and region with the Tracking Domains: Read/Write grant",
    "api_error": "try again later; SparkPost's status page tells of outages",
    "no_key": "export the key in the environment (or use --from-stack); never pass it on a command line",
    "bad_setting": "fix or unset that setting",
}


@pytest.mark.parametrize(("status", "code"), [(400, "verify_failed"), (404, "not_found"), (401, "unauthorized"),
                                              (403, "unauthorized"), (500, "api_error")])
def test_each_refusal_says_what_to_do(status: int, code: str) -> None:
    with sparkpost_answering(status, {"errors": [{"message": "said by SparkPost"}]}) as api:
        row = check_sparkpost(DOMAIN, Account(api_url=api), {}, 5.0, FAST)
    assert (row.status, row.code, row.hint) == (Status.FAIL, code, HINTS[code])
    assert ("said by SparkPost" in row.detail) is (code != "not_found")  # 404 is said in our words: where we looked


@pytest.mark.parametrize(("environ", "code"), [({}, "no_key"),
                                               ({**FAST, "SPARKPOST_REQUEST_TIMEOUT": "soon"}, "bad_setting")])
def test_a_missing_key_or_a_bad_setting_says_what_to_do(environ: dict[str, str], code: str) -> None:
    row = check_sparkpost(DOMAIN, Account(api_url="http://127.0.0.1:9/api/v1"), {}, 5.0, environ)
    assert (row.status, row.code, row.hint) == (Status.FAIL, code, HINTS[code])


def test_a_sparkpost_that_does_not_accept_the_connection_is_given_up_on_within_timeout() -> None:
    """A listening socket whose queue is full drops every new connection attempt (the kernel ignores the SYN): the
    connect itself is bounded by ``--timeout``, not by the API's read timeout."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as full:
        queued = socket.create_connection(full.getsockname(), timeout=5)  # the one place in its queue
        try:
            started = time.monotonic()
            row = check_sparkpost(DOMAIN, Account(api_url=f"http://127.0.0.1:{full.getsockname()[1]}/api/v1"), {},
                                  0.5, FAST)
            elapsed = time.monotonic() - started
        finally:
            queued.close()
    assert (row.status, row.code) == (Status.FAIL, "unreachable")
    assert row.detail.startswith(f"SparkPost POST /tracking-domains/{DOMAIN}/verify was not sent: ")
    assert elapsed < 4  # two connection attempts of 0.5 s (a try and its retry), not SparkPost's 5 s each
