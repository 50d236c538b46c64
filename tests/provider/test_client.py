"""The API client against the emulator: auth, scoping, typed errors, retries and fault recovery."""

from __future__ import annotations

import logging
import time
from itertools import pairwise

import pytest

from sparkpost_tracking.dynamic_providers import RetryPolicy, SparkPostClient, errors
from sparkpost_tracking.emulator import Emulator

KEY = "client-test-key-0123456789"
FAST = RetryPolicy(attempts=4, backoff_factor=0.01, backoff_max=0.05, jitter=0.0, read_timeout=1.0)


@pytest.fixture
def emu() -> Emulator:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def client(emu: Emulator, **kwargs: object) -> SparkPostClient:
    return SparkPostClient(emu.base_url, KEY, policy=FAST, **kwargs)  # type: ignore[arg-type]


def test_crud_round_trip(emu: Emulator) -> None:
    with client(emu) as api:
        api.create_domain("track.example.com", secure=True)
        found = api.get_domain("TRACK.example.com")
        assert found["domain"] == "track.example.com" and found["secure"] is True and found["port"] == 443
        api.update_domain("track.example.com", {"secure": False})
        assert api.get_domain("track.example.com")["port"] == 80
        assert [d["domain"] for d in emu.domains()] == ["track.example.com"]
        assert api.verify_domain("track.example.com")["verified"] is True
        api.delete_domain("track.example.com")
        with pytest.raises(errors.NotFound):
            api.get_domain("track.example.com")


def test_raw_key_in_authorization_and_wrong_key_is_typed(emu: Emulator) -> None:
    with SparkPostClient(emu.base_url, "not-the-key-000", policy=FAST) as api, pytest.raises(errors.Unauthorized) as e:
        api.get_domain("track.example.com")
    assert e.value.status == 401 and "not-the-key-000" not in str(e.value)


def test_subaccount_header_on_every_call(emu: Emulator) -> None:
    with client(emu, subaccount_id=42) as api:
        api.create_domain("track.example.com", secure=True)
        api.get_domain("track.example.com")
        api.update_domain("track.example.com", {"default": False})
        api.verify_domain("track.example.com")
        api.check_certificate("track.example.com")
        api.delete_domain("track.example.com")
    # The create's read before its POST is scoped too: a domain of another scope is not "absent" to it.
    assert [(r.method, r.path.rsplit("/", 1)[-1], r.status, r.subaccount) for r in emu.requests()] == [
        ("GET", "track.example.com", 404, "42"), ("POST", "tracking-domains", 200, "42"),
        ("GET", "track.example.com", 200, "42"), ("PUT", "track.example.com", 200, "42"),
        ("POST", "verify", 200, "42"), ("POST", "check", 200, "42"), ("DELETE", "track.example.com", 204, "42")]


def test_errors_carry_status_and_sparkposts_words(emu: Emulator) -> None:
    with client(emu) as api:
        api.create_domain("track.example.com", secure=True)
        emu.create_on_next("click.example.com")  # someone else's create lands between our read and our POST
        with pytest.raises(errors.Conflict) as conflict:
            api.create_domain("click.example.com", secure=True)
        assert conflict.value.status == 409 and "already exists" in conflict.value.detail
        emu.clear_requests()
        with pytest.raises(errors.BadRequest) as invalid:  # SparkPost's words for a name that is no domain
            api.create_domain("nodot", secure=True)
        assert invalid.value.status == 400
        assert invalid.value.errors[0]["param"] == "domain" and "'nodot'" in invalid.value.detail
        assert [r.method for r in emu.requests()] == ["GET"]  # refused at the read: no POST
        with pytest.raises(errors.Unprocessable, match="unverified"):
            api.update_domain("track.example.com", {"default": True})


def test_a_create_of_an_existing_domain_reads_it_and_posts_nothing(emu: Emulator) -> None:
    emu.add_domain("track.example.com", secure=True)  # exactly as our POST would make it, but already there
    with client(emu) as api, pytest.raises(errors.NotOurDomain) as caught:
        api.create_domain("track.example.com", secure=True)
    assert caught.value.found is not None and caught.value.found["domain"] == "track.example.com"
    assert [(r.method, r.status) for r in emu.requests()] == [("GET", 200)]


def test_429_burst_is_retried(emu: Emulator) -> None:
    emu.fail_next(3, status=429)
    with client(emu) as api:
        api.create_domain("track.example.com", secure=True)
    assert [(r.method, r.status) for r in emu.requests()] == [
        ("GET", 429), ("GET", 429), ("GET", 429), ("GET", 404), ("POST", 200)]
    assert len(emu.domains()) == 1


def test_429_beyond_the_bound_is_a_clear_error(emu: Emulator) -> None:
    emu.fail_next(10, status=429)
    with client(emu) as api, pytest.raises(errors.RateLimited) as caught:
        api.get_domain("track.example.com")
    assert caught.value.status == 429 and emu.count() == FAST.attempts + 1


@pytest.mark.parametrize(("method", "call"), [
    ("GET", lambda api: api.get_domain("track.example.com")),
    ("PUT", lambda api: api.update_domain("track.example.com", {"secure": False})),
    ("DELETE", lambda api: api.delete_domain("track.example.com")),
    ("POST", lambda api: api.verify_domain("track.example.com")),
])
def test_5xx_on_idempotent_calls_is_retried(emu: Emulator, method: str, call: object) -> None:
    with client(emu) as api:
        api.create_domain("track.example.com", secure=True)
        emu.clear_requests()
        emu.fail_next(2, status=503, method=method)
        call(api)  # type: ignore[operator]
    assert [r.status for r in emu.requests()][:2] == [503, 503] and emu.requests()[-1].status < 300


def test_5xx_on_create_is_settled_by_reading_back_never_duplicated(emu: Emulator) -> None:
    emu.fail_next(1, status=500, method="POST")
    with client(emu) as api:
        api.create_domain("track.example.com", secure=True)
    # The read-back settles the lost answer (absent), and one more read right before the retry keeps the time in
    # which someone else's create could pass for ours to that read's round trip.
    assert [(r.method, r.status) for r in emu.requests()] == [
        ("GET", 404), ("POST", 500), ("GET", 404), ("GET", 404), ("POST", 200)]
    assert len(emu.domains()) == 1


def test_dropped_connection_after_create_is_recovered_without_duplicate(emu: Emulator) -> None:
    emu.drop_after_commit(1, method="POST", path_suffix="/tracking-domains")
    with client(emu) as api:
        api.create_domain("track.example.com", secure=True)
    assert [(r.method, r.status, r.dropped) for r in emu.requests()] == [
        ("GET", 404, False), ("POST", 200, True), ("GET", 200, False)]
    assert emu.count(method="POST") == 1 and len(emu.domains()) == 1


def test_read_timeout_on_get_is_retried(emu: Emulator) -> None:
    with client(emu) as api:
        api.create_domain("track.example.com", secure=True)
        emu.clear_requests()
        emu.delay_next(1, 2.0, method="GET")
        assert api.get_domain("track.example.com")["domain"] == "track.example.com"
    # The slow first answer is logged when its handler finishes, after the retry already succeeded.
    deadline = time.monotonic() + 5
    while emu.count(method="GET") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert emu.count(method="GET") == 2


def test_connection_refused_is_a_transport_error_without_the_key() -> None:
    policy = RetryPolicy(attempts=1, backoff_factor=0.01, jitter=0.0, connect_timeout=0.5)
    with SparkPostClient("http://127.0.0.1:9/api/v1", KEY, policy=policy) as api:
        with pytest.raises(errors.TransportError) as caught:
            api.get_domain("track.example.com")
    assert "GET /tracking-domains" in str(caught.value) and KEY not in str(caught.value)


def test_key_never_logged(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    emu.fail_next(1, status=503)
    emu.drop_after_commit(1, method="POST", path_suffix="/tracking-domains")
    with client(emu) as api:
        api.create_domain("track.example.com", secure=True)
        api.get_domain("track.example.com")
    assert caplog.records and all(KEY not in r.getMessage() for r in caplog.records)


# ---- waits before retries ------------------------------------------------------------------

def gaps(emu: Emulator) -> list[float]:
    """Seconds between consecutive requests, as the emulator received them."""
    times = [r.received_at for r in emu.requests()]
    return [later - earlier for earlier, later in pairwise(times)]


def test_first_retry_after_a_429_waits_the_default_second(emu: Emulator) -> None:
    # SparkPost asks for 1-5 s after a 429; urllib3 2.x on its own retries the first time at once.
    emu.fail_next(1, status=429)
    with SparkPostClient(emu.base_url, KEY) as api:  # the default policy
        api.create_domain("track.example.com", secure=True)
    assert [(r.method, r.status) for r in emu.requests()] == [("GET", 429), ("GET", 404), ("POST", 200)]
    assert gaps(emu)[0] >= 1.0


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_retry_waits_its_backoff(emu: Emulator, method: str) -> None:
    policy = RetryPolicy(attempts=4, backoff_factor=0.2, backoff_max=1.0, jitter=0.0)
    emu.add_domain("track.example.com")
    emu.fail_next(2, status=429, method=method)
    with SparkPostClient(emu.base_url, KEY, policy=policy) as api:
        if method == "GET":
            api.get_domain("track.example.com")
        else:
            api.verify_domain("track.example.com")
    first, second = gaps(emu)[:2]
    assert first >= 0.2 and second >= 0.4  # 0.2 s, then doubled


def test_retry_after_is_honoured_when_longer_than_the_backoff(emu: Emulator) -> None:
    policy = RetryPolicy(attempts=2, backoff_factor=0.05, backoff_max=2.0, jitter=0.0)
    emu.fail_next(1, status=429, retry_after=1)
    with SparkPostClient(emu.base_url, KEY, policy=policy) as api:
        api.create_domain("track.example.com", secure=True)
    assert gaps(emu)[0] >= 1.0


# ---- a lost create answer whose read-back is hard to get -----------------------------------------

def test_the_read_back_of_a_lost_create_persists_through_a_burst(emu: Emulator) -> None:
    emu.drop_after_commit(1, method="POST", path_suffix="/tracking-domains")
    # More than one call's retries, on the read-back (the read before the POST passes).
    emu.fail_next(FAST.attempts + 2, status=503, method="GET", skip=1)
    with client(emu) as api:
        found = api.create_domain("track.example.com", secure=True)
    assert found is not None and found["domain"] == "track.example.com"
    assert [(r.method, r.status) for r in emu.requests()] == [
        ("GET", 404), ("POST", 200), *[("GET", 503)] * (FAST.attempts + 2), ("GET", 200)]


def test_a_read_back_that_keeps_failing_says_the_outcome_is_unknown(emu: Emulator) -> None:
    emu.drop_after_commit(1, method="POST", path_suffix="/tracking-domains")
    emu.fail_next(100, status=503, method="GET", skip=1)  # the read before the POST passes
    with client(emu) as api, pytest.raises(errors.OutcomeUnknown, match="may have taken effect"):
        api.create_domain("track.example.com", secure=True)
    assert emu.count("POST") == 1  # never posted blind a second time
    assert emu.requests()[0].status == 404 and emu.count("GET") > FAST.attempts + 1  # it did persist
