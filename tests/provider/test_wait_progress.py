"""How a long wait reports its progress: each poll's status from the lifecycle, and how often a path passes it on.

The clock is fake (it moves only when the lifecycle sleeps), so elapsed times are exact.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sparkpost_tracking.dynamic_providers import RetryPolicy, SparkPostClient
from sparkpost_tracking.dynamic_providers.lifecycle import TrackingDomainLifecycle
from sparkpost_tracking.dynamic_providers.progress import LATER_FACTOR, Throttled, WaitStatus
from sparkpost_tracking.dynamic_providers.settings import Settings
from sparkpost_tracking.emulator import Emulator
from tests.provider.test_waits import DOMAIN, KEY, FakeTime


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def test_each_poll_of_a_held_verification_says_what_is_awaited_the_answer_and_the_time(emu: Emulator) -> None:
    emu.add_domain(DOMAIN, secure=True)
    emu.set_verification(DOMAIN, "pending")
    time, heard = FakeTime(), []

    def progress(status: WaitStatus) -> None:
        heard.append(status)
        if len(heard) == 4:
            emu.set_verification(DOMAIN, "valid")  # the wait ends at its next poll

    client = SparkPostClient(emu.base_url, KEY, policy=RetryPolicy(backoff_factor=0.01, jitter=0.0))
    lifecycle = TrackingDomainLifecycle(client, Settings(verify_interval=5.0), sleep=time.sleep, clock=time.clock,
                                        progress=progress)
    assert lifecycle.wait_verified(DOMAIN)["verified"] is True
    assert [s.elapsed for s in heard] == [0.0, 5.0, 15.0, 35.0]  # doubling intervals
    assert heard[-1].line == f"verifying {DOMAIN}: cname_status pending, 35 s of 300 s"
    assert {s.limit for s in heard} == {300.0}


def test_a_certificate_wait_reports_its_tls_status(emu: Emulator) -> None:
    emu.add_domain(DOMAIN, verified=True)
    emu.update_settings(tls_pending_reads=3)
    time, heard = FakeTime(), []
    client = SparkPostClient(emu.base_url, KEY, policy=RetryPolicy(backoff_factor=0.01, jitter=0.0))
    lifecycle = TrackingDomainLifecycle(client, Settings(verify_interval=1.0), sleep=time.sleep, clock=time.clock,
                                        progress=heard.append)
    client.enable_certificate(DOMAIN)
    assert lifecycle.wait_certificate_valid(DOMAIN)["tls_status"] == "valid"
    assert heard and heard[0].line == (f"waiting for the managed certificate of {DOMAIN}: tls_status pending, 0 s of "
                                       "1800 s")


def test_throttled_says_a_wait_once_it_has_lasted_then_seldom() -> None:
    said: list[str] = []
    throttled = Throttled(said.append, first=30)
    for elapsed in (0, 10, 29, 30, 60, 200, 209, 210, 400):
        throttled(WaitStatus("verifying t.example.com", "cname_status pending", elapsed, 300))
    # At 30 s, then no sooner than 30 + 30 x LATER_FACTOR.
    assert [line.split(", ")[-1] for line in said] == ["30 s of 300 s", "210 s of 300 s", "400 s of 300 s"]
    assert 30 + 30 * LATER_FACTOR == 210


def test_throttled_keeps_each_wait_apart() -> None:
    said: list[str] = []
    throttled = Throttled(said.append, first=1)
    throttled(WaitStatus("verifying a", "x", 1, 300))
    throttled(WaitStatus("waiting for the managed certificate of a", "tls_status pending", 1, 1800))
    assert len(said) == 2
