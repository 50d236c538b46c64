"""Bounded waits: verification and certificate polls run until the real deadline and say how long they took.

The emulator answers for real; the lifecycle's clock and sleep are a fake that advances time by what is slept,
so a 300 s limit is checked in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sparkpost_tracking.dynamic_providers import RetryPolicy, SparkPostClient, errors
from sparkpost_tracking.dynamic_providers.lifecycle import Desired, TrackingDomainLifecycle
from sparkpost_tracking.dynamic_providers.settings import Settings
from sparkpost_tracking.emulator import Emulator

KEY = "waits-test-key-0123456789"
DOMAIN = "track.example.com"


class FakeTime:
    """A clock that moves only when someone sleeps; it records each poll's moment."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def lifecycle(emu: Emulator, time: FakeTime, **settings: float) -> TrackingDomainLifecycle:
    client = SparkPostClient(emu.base_url, KEY, policy=RetryPolicy(backoff_factor=0.01, jitter=0.0))
    return TrackingDomainLifecycle(client, Settings(**settings), sleep=time.sleep, clock=time.clock)


def desired(**overrides: object) -> Desired:
    return Desired.from_inputs({"domain": DOMAIN, **overrides})


def test_verification_polls_until_the_deadline_and_reports_the_true_elapsed_time(emu: Emulator) -> None:
    emu.add_domain(DOMAIN)
    emu.set_verification(DOMAIN, "pending")
    time = FakeTime()
    polls: list[float] = []
    life = lifecycle(emu, time, verify_timeout=300, verify_interval=5)
    verify = life.client.verify_domain
    life.client.verify_domain = lambda domain: polls.append(time.now) or verify(domain)  # type: ignore[method-assign]
    with pytest.raises(errors.VerificationFailed) as caught:
        life.wait_verified(DOMAIN)
    # 5, 10, 20, 40, 60, 60, 60 s between polls, then the last one at the deadline itself (not at 255 s).
    assert polls == [0, 5, 15, 35, 75, 135, 195, 255, 300]
    assert "within 300s (gave up after 300s and 9 attempts)" in str(caught.value)
    assert emu.count(path_suffix="/verify") == 9


def test_certificate_wait_polls_until_the_deadline(emu: Emulator) -> None:
    emu.add_domain(DOMAIN, verified=True)
    emu.update_settings(tls_pending_reads=1000)
    time = FakeTime()
    life = lifecycle(emu, time, certificate_timeout=120, verify_interval=5)
    life.client.enable_certificate(DOMAIN)
    with pytest.raises(errors.ManagedCertificateError) as caught:
        life.wait_certificate_valid(DOMAIN)
    assert time.now == 120  # not 75 s: the last poll waits for the deadline
    assert "within 120s (gave up after 120s and 6 attempts" in str(caught.value)
    assert emu.count("GET") == 6


def test_a_poll_that_succeeds_at_the_deadline_counts(emu: Emulator) -> None:
    emu.add_domain(DOMAIN)
    emu.set_verification(DOMAIN, "pending")
    time = FakeTime()
    life = lifecycle(emu, time, verify_timeout=12, verify_interval=5)
    verify = life.client.verify_domain

    def verify_at_deadline(domain: str) -> dict[str, object]:
        if time.now >= 12:
            emu.set_verification(DOMAIN, "valid")
        return verify(domain)

    life.client.verify_domain = verify_at_deadline  # type: ignore[method-assign]
    assert life.wait_verified(DOMAIN)["verified"] is True
    assert time.now == 12


def test_managed_certificate_without_tls_status_is_ready_once_issued(emu: Emulator) -> None:
    # SparkPost's published samples omit status.tls_status: an issued tls_certificate must be enough.
    emu.update_settings(omit_tls_status=True, tls_pending_reads=2)
    emu.add_domain(DOMAIN)
    time = FakeTime()
    state = lifecycle(emu, time, certificate_timeout=60, verify_interval=1).converge(
        desired(managed_certificate=True), {"secure": False, "default": False, "verified": False})
    assert state["uses_managed_certificate"] is True and state["secure"] is True
    assert "tls_status" not in (emu.get(DOMAIN) or {})["status"]
    assert emu.count("GET") == 3 and time.now < 60


def test_a_storm_longer_than_one_calls_retries_only_delays_verification(emu: Emulator) -> None:
    # Every verify call of the first rounds exhausts its retries (6 attempts each); the wait polls on through
    # them and the create succeeds once SparkPost answers, inside the verify deadline.
    emu.add_domain(DOMAIN)
    emu.fail_next(14, status=503, method="POST", path_suffix="/verify")
    time = FakeTime()
    life = lifecycle(emu, time, verify_timeout=300, verify_interval=5)
    assert life.wait_verified(DOMAIN)["verified"] is True
    assert emu.count("POST", "/verify") == 15 and time.now < 300


def test_a_storm_past_the_deadline_still_fails_with_its_last_answer(emu: Emulator) -> None:
    emu.add_domain(DOMAIN)
    emu.fail_next(1000, status=429, method="POST", path_suffix="/verify")
    time = FakeTime()
    with pytest.raises(errors.VerificationFailed) as caught:
        lifecycle(emu, time, verify_timeout=30, verify_interval=5).wait_verified(DOMAIN)
    assert "429" in str(caught.value) and time.now == pytest.approx(30)


def test_the_certificate_wait_polls_through_a_storm_too(emu: Emulator) -> None:
    emu.add_domain(DOMAIN, verified=True, secure=True, uses_managed_certificate=True, tls_status="pending")
    emu.fail_next(8, status=500, method="GET")
    time = FakeTime()
    observed = lifecycle(emu, time, certificate_timeout=600, verify_interval=5).wait_certificate_valid(DOMAIN)
    assert observed["tls_status"] == "valid"


@pytest.mark.parametrize(("inputs", "needed_by"), [
    ({"managed_certificate": True}, "SparkPost issues a managed certificate (managed_certificate, as "
                                    "ManagedTrackingDomain sets it) only to a verified domain"),
    ({"default": True}, "SparkPost makes only a verified domain the default (default)"),
    ({"default": True, "managed_certificate": True}, "SparkPost issues a managed certificate (managed_certificate, "
                                                     "as ManagedTrackingDomain sets it) only to a verified domain"),
])
def test_a_verification_timeout_offers_verify_false_only_where_it_is_allowed(emu: Emulator, inputs: dict[str, bool],
                                                                            needed_by: str) -> None:
    """A domain that cannot do without verification (managed HTTPS, the default) is not told to set verify: false,
    which check_inputs refuses for it; a domain verified only because ``verify`` asks is."""
    emu.set_verification(DOMAIN, "pending")
    with pytest.raises(errors.VerificationFailed) as caught:
        lifecycle(emu, FakeTime(), verify_timeout=10, verify_interval=5).create(desired(**inputs))
    message = str(caught.value)
    assert "verify: false" not in message
    assert message.endswith("Then run 'pulumi up' again, and raise sparkpost:verifyTimeout (e.g. pulumi config set "
                            f"sparkpost:verifyTimeout 900) to wait longer. The wait cannot be skipped here: "
                            f"{needed_by}.")

    emu.reset()
    emu.set_verification(DOMAIN, "pending")
    with pytest.raises(errors.VerificationFailed) as plain:
        lifecycle(emu, FakeTime(), verify_timeout=10, verify_interval=5).create(desired())
    assert str(plain.value).endswith(
        "Then run 'pulumi up' again; raise sparkpost:verifyTimeout (e.g. pulumi config set sparkpost:verifyTimeout "
        "900) to wait longer, or declare the domain with verify: false to create it without waiting for SparkPost.")


def test_the_verify_false_the_timeout_offers_is_accepted(emu: Emulator) -> None:
    from sparkpost_tracking.dynamic_providers.schema import check_inputs

    assert check_inputs({"domain": DOMAIN, "verify": False})[1] == []
    # ... and refused where the timeout does not offer it.
    assert check_inputs({"domain": DOMAIN, "verify": False, "managed_certificate": True})[1]
    assert check_inputs({"domain": DOMAIN, "verify": False, "default": True})[1]
