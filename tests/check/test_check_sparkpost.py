"""The SparkPost step against the emulator: SparkPost's own verify, with the key from the provider's places,
and the key never in what `check` prints, whatever happens."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from sparkpost_tracking.__main__ import main
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
