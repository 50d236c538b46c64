"""The API client's create under retries, against the emulator: how many times it posts, how long it waits before
each retry, the read before each retry, and exactly what each refusal says (the lifecycle builds its hints on these
errors). The same rules through both engine paths: tests/provider/test_ownership_seams.py."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from sparkpost_tracking.dynamic_providers import RetryPolicy, SparkPostClient, errors
from sparkpost_tracking.emulator import Emulator

KEY = "client-retries-key-0123456789"
DOMAIN = "track.example.com"
CREATE = ("POST", "/tracking-domains")
#: Waits that double from 1 s, no jitter: what each retry waits is exact (and recorded, not slept).
POLICY = RetryPolicy(attempts=3, backoff_factor=1.0, backoff_max=8.0, jitter=0.0, read_timeout=1.0)
FRESH = "secure=True, default=False, verified=False"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The client's sleeps between attempts, recorded instead of slept."""
    from sparkpost_tracking.dynamic_providers import client as client_module

    slept: list[float] = []
    monkeypatch.setattr(client_module.time, "sleep", slept.append)
    return slept


def create(emu: Emulator) -> dict[str, object] | None:
    with SparkPostClient(emu.base_url, KEY, policy=POLICY) as api:
        return api.create_domain(DOMAIN, secure=True)


def fail_posts(emu: Emulator, n: int) -> None:
    emu.fail_next(n, status=503, method=CREATE[0], path_suffix=CREATE[1])


def test_each_retry_waits_its_backoff_and_reads_first(emu: Emulator, waits: list[float],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    fail_posts(emu, 2)
    with caplog.at_level(logging.INFO, logger="sparkpost_tracking.client"):
        assert create(emu) is None  # the third POST was answered
    assert waits == [1.0, 2.0]
    assert [(r.method, r.status) for r in emu.requests()] == [
        ("GET", 404), ("POST", 503), ("GET", 404), ("GET", 404), ("POST", 503), ("GET", 404), ("GET", 404),
        ("POST", 200)]
    said = [r.getMessage() for r in caplog.records if r.name == "sparkpost_tracking.client"]
    assert said[0] == ("POST /tracking-domains: answer lost (SparkPost POST /tracking-domains failed with HTTP 503: "
                       "Service Unavailable); reading the state back")


def test_a_post_fails_at_most_attempts_plus_one_times(emu: Emulator, waits: list[float]) -> None:
    fail_posts(emu, POLICY.attempts)  # the last attempt allowed is answered
    assert create(emu) is None and emu.count(*CREATE) == POLICY.attempts + 1
    emu.reset()
    fail_posts(emu, POLICY.attempts + 2)
    with pytest.raises(errors.ServerError):
        create(emu)
    assert emu.count(*CREATE) == POLICY.attempts + 1


def test_a_lost_answer_read_back_as_made_is_ours(emu: Emulator, waits: list[float],
                                                 caplog: pytest.LogCaptureFixture) -> None:
    emu.drop_after_commit(1, *CREATE)
    with caplog.at_level(logging.INFO, logger="sparkpost_tracking.client"):
        found = create(emu)
    assert found is not None and found["domain"] == DOMAIN and waits == []
    said = [r.getMessage() for r in caplog.records if r.name == "sparkpost_tracking.client"]
    assert said[-1] == "POST /tracking-domains had taken effect; not posting again"


def test_what_each_refusal_says(emu: Emulator, waits: list[float]) -> None:
    emu.add_domain(DOMAIN, secure=True)
    with pytest.raises(errors.NotOurDomain) as there:
        create(emu)
    assert str(there.value) == f"it reads {FRESH}" and there.value.found == emu.get(DOMAIN)

    emu.reset()
    fail_posts(emu, 1)
    emu.create_on_next(DOMAIN, method="GET", path_suffix=f"/tracking-domains/{DOMAIN}", skip=2, secure=True)
    with pytest.raises(errors.NotOurDomain) as appeared:
        create(emu)
    assert str(appeared.value) == (f"a read after this create's failed POST showed '{DOMAIN}' free, and it exists "
                                   f"now (it reads {FRESH}): someone else created it meanwhile")
    assert appeared.value.found == emu.get(DOMAIN)

    emu.reset()
    fail_posts(emu, 1)
    emu.create_on_next(DOMAIN, skip=1, secure=True)
    with pytest.raises(errors.NotOurDomain) as conflict:
        create(emu)
    assert str(conflict.value) == (f"a read just before this retry showed '{DOMAIN}' free, and the retried POST "
                                   f"heard 409 (it reads {FRESH}): someone else created it meanwhile")
    assert conflict.value.found == emu.get(DOMAIN)

    emu.reset()
    emu.drop_after_commit(1, *CREATE)
    emu.create_on_next(DOMAIN, secure=False, verified=True)
    with pytest.raises(errors.NotOurDomain) as other_shape:
        create(emu)
    assert str(other_shape.value) == (f"the create's answer was unclear and '{DOMAIN}' now exists, but not as this "
                                      "create makes it (it reads secure=False, default=False, verified=True): "
                                      "someone else made it")


def test_a_409_on_a_retry_when_the_domain_cannot_be_read_still_refuses(emu: Emulator, waits: list[float]) -> None:
    fail_posts(emu, 1)
    emu.create_on_next(DOMAIN, skip=1, secure=True)
    emu.fail_next(10, status=503, method="GET", path_suffix=f"/tracking-domains/{DOMAIN}", skip=3)
    with pytest.raises(errors.NotOurDomain) as caught:
        create(emu)
    assert str(caught.value) == (f"a read just before this retry showed '{DOMAIN}' free, and the retried POST heard "
                                 "409: someone else created it meanwhile")
    assert caught.value.found is None


def test_a_read_back_that_keeps_failing_is_an_unknown_outcome(emu: Emulator, waits: list[float]) -> None:
    fail_posts(emu, 1)
    emu.fail_next(100, status=503, method="GET", skip=1)  # the proof read passes, every read-back fails
    with pytest.raises(errors.OutcomeUnknown) as caught:
        create(emu)
    assert str(caught.value).startswith("SparkPost POST /tracking-domains: the answer was lost (SparkPost POST "
                                        "/tracking-domains failed with HTTP 503")
    assert str(caught.value).endswith("), and reading the state back failed too (SparkPost GET "
                                      f"/tracking-domains/{DOMAIN} failed with HTTP 503: Service Unavailable): it "
                                      "may have taken effect")


def test_a_certificate_enable_whose_answer_was_lost_settles_by_reading_back(emu: Emulator,
                                                                             waits: list[float]) -> None:
    emu.add_domain(DOMAIN, secure=False, verified=True)
    emu.drop_after_commit(1, "POST", "/certificate/enable")
    with SparkPostClient(emu.base_url, KEY, policy=POLICY) as api:
        api.enable_certificate(DOMAIN)
    assert emu.count("POST", "/certificate/enable") == 1 and waits == []
    stored = emu.get(DOMAIN)
    assert stored is not None and stored["uses_managed_certificate"] is True
