"""Fault injection: injected errors, latency, delays and connections dropped after commit."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.testing import HttpApi, errors_of

D = "track.example.com"
CREATE = {"domain": D}


def test_fail_next_answers_429_without_touching_state(api: HttpApi, emulator: Emulator) -> None:
    emulator.fail_next(2)
    for _ in range(2):
        response = api("POST", "/tracking-domains", json=CREATE)
        assert response.status_code == 429
        assert errors_of(response) == [{"message": "Too Many Requests"}]
        assert emulator.domains() == []
    assert api("POST", "/tracking-domains", json=CREATE).status_code == 200
    assert [(r.status, r.injected) for r in emulator.requests()] == [(429, True), (429, True), (200, False)]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_fail_next_can_answer_any_5xx(api: HttpApi, emulator: Emulator, status: int) -> None:
    api.create(D)
    emulator.fail_next(1, status=status)
    response = api("DELETE", f"/tracking-domains/{D}")
    assert response.status_code == status and errors_of(response)[0]["message"]
    assert emulator.get(D) is not None


@pytest.mark.parametrize("status", [200, 404, 428, 600, True, "429"])
def test_fail_next_accepts_only_429_and_5xx(emulator: Emulator, status: object) -> None:
    with pytest.raises(ValueError):
        emulator.fail_next(1, status=status)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        emulator.fail_next(0)


def test_faults_match_on_method_and_path_suffix(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    emulator.fail_next(1, status=503, method="post", path_suffix="/verify")
    assert api.get(D).status_code == 200
    assert api("POST", "/tracking-domains", json={"domain": "b.example.com"}).status_code == 200
    assert api.verify(D).status_code == 503
    assert api.verify(D).status_code == 200
    assert emulator.pending_faults() == []


def test_injected_failures_come_before_authentication(emulator: Emulator) -> None:
    emulator.fail_next(1)
    response = requests.get(emulator.base_url + "/tracking-domains", timeout=5)
    assert response.status_code == 429


def test_latency_is_added_to_every_api_request(api: HttpApi, emulator: Emulator) -> None:
    emulator.update_settings(latency=0.05)
    started = time.monotonic()
    api.listing()
    assert time.monotonic() - started >= 0.05
    with pytest.raises(ValueError):
        emulator.update_settings(latency=-1)


def test_delay_next_holds_the_request_then_processes_it(api: HttpApi, emulator: Emulator) -> None:
    # Held until a second matching request arrives (a gate, not a timer), so "not committed yet" holds however
    # slow the machine is; the first request is processed after its client gave up.
    emulator.delay_next(2, 60, method="POST", until=2)
    with pytest.raises(requests.ReadTimeout):
        api("POST", "/tracking-domains", json=CREATE, timeout=0.05)
    assert emulator.get(D) is None  # not committed yet: the delay comes first
    second = threading.Thread(target=lambda: api("POST", "/tracking-domains", json=CREATE))
    second.start()
    second.join(30)
    assert not second.is_alive()
    deadline = time.monotonic() + 30
    while len([r for r in emulator.requests() if r.method == "POST" and r.status]) < 2:
        assert time.monotonic() < deadline, "the held POSTs were never processed"
        time.sleep(0.02)
    assert emulator.get(D) is not None  # committed, although the first client gave up
    assert sorted(r.status for r in emulator.requests() if r.method == "POST") == [200, 409]


def test_a_delayed_request_does_not_block_others(api: HttpApi, emulator: Emulator) -> None:
    emulator.delay_next(2, 60, method="GET", path_suffix=D, until=2)
    api.create(D)
    slow = threading.Thread(target=api.get, args=(D,))
    slow.start()
    deadline = time.monotonic() + 30
    while emulator.in_flight()["now"] < 1:  # the slow GET is held
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert api.listing() == [D]
    assert slow.is_alive()  # the listing was answered while the delayed GET was still held
    release = threading.Thread(target=api.get, args=(D,))  # the second held GET opens the gate
    release.start()
    for thread in (slow, release):
        thread.join(30)
        assert not thread.is_alive()


def test_stop_wakes_delayed_requests() -> None:
    with Emulator(api_keys=["k"]) as emu:
        emu.delay_next(1, 30)
        caller = threading.Thread(target=lambda: requests.get(emu.base_url + "/tracking-domains",
                                                               headers={"Authorization": "k"}, timeout=10))
        caller.start()
        deadline = time.monotonic() + 3
        while emu.pending_faults() and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
    caller.join(5)
    assert not caller.is_alive() and time.monotonic() - started < 3


def test_drop_after_commit_stores_the_domain_and_closes_the_connection(api: HttpApi,
                                                                      emulator: Emulator) -> None:
    emulator.drop_after_commit()
    with pytest.raises(requests.ConnectionError):
        api("POST", "/tracking-domains", json=CREATE)
    assert emulator.get(D) is not None
    last = emulator.requests()[-1]
    assert (last.method, last.status, last.dropped) == ("POST", 200, True)
    # The server keeps serving, and the fault was used up.
    retry = api("POST", "/tracking-domains", json=CREATE)
    assert retry.status_code == 409
    assert api.get(D).status_code == 200
    assert not emulator.requests()[-1].dropped


def test_drop_after_commit_sends_no_bytes_at_all(emulator: Emulator) -> None:
    emulator.drop_after_commit(1, method="GET", path_suffix="/tracking-domains")
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(b"GET /api/v1/tracking-domains HTTP/1.1\r\nHost: x\r\nAuthorization: test-key\r\n\r\n")
        assert sock.recv(1024) == b""


def test_drop_after_commit_can_target_other_calls(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    emulator.drop_after_commit(2, method="PUT", path_suffix=D)
    for secure in (True, False):
        with pytest.raises(requests.ConnectionError):
            api.put(D, {"secure": secure})
        assert emulator.get(D)["secure"] is secure  # type: ignore[index]
    assert api.put(D, {"secure": True}).status_code == 200


def test_an_injected_failure_is_not_dropped(api: HttpApi, emulator: Emulator) -> None:
    emulator.fail_next(1)
    emulator.drop_after_commit()
    assert api("POST", "/tracking-domains", json=CREATE).status_code == 429
    with pytest.raises(requests.ConnectionError):
        api("POST", "/tracking-domains", json=CREATE)


def test_pending_faults_and_clear(emulator: Emulator) -> None:
    emulator.fail_next(3, status=503, method="GET")
    emulator.delay_next(1, 0.5)
    emulator.drop_after_commit()
    emulator.update_settings(latency=0.2)
    kinds = [(f.kind, f.remaining) for f in emulator.pending_faults()]
    assert kinds == [("fail", 3), ("delay", 1), ("drop", 1)]
    emulator.clear_faults()
    assert emulator.pending_faults() == [] and emulator.settings()["latency"] == 0


# ---- someone else's create racing ours ---------------------------------------------------------

def test_create_on_next_adds_a_foreign_domain_as_the_next_create_arrives(api: HttpApi, emulator: Emulator) -> None:
    emulator.create_on_next(D, verified=True, secure=True)
    assert api.get(D).status_code == 404  # a GET is no create: the fault waits
    assert [f.kind for f in emulator.pending_faults()] == ["create"]
    response = api("POST", "/tracking-domains", json=CREATE)
    assert response.status_code == 409 and "already exists" in errors_of(response)[0]["message"]
    stored = emulator.get(D)
    assert stored is not None and stored["status"]["verified"] is True and stored["secure"] is True
    assert emulator.pending_faults() == [] and emulator.count() == 2  # the foreign create is not logged


def test_create_on_next_with_skip_lets_that_many_matching_requests_pass(api: HttpApi, emulator: Emulator) -> None:
    emulator.create_on_next(D, method="GET", path_suffix=f"/tracking-domains/{D}", skip=2, secure=True)
    assert [api.get(D).status_code for _ in range(2)] == [404, 404]  # the colleague is later
    assert api.get(D).status_code == 200 and emulator.pending_faults() == []
    with pytest.raises(ValueError, match="skip"):
        emulator.create_on_next("other.example.com", skip=-1)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_create_on_next_then_a_failure_answers_the_failure(api: HttpApi, emulator: Emulator, status: int) -> None:
    emulator.create_on_next(D, subaccount_id=5)
    emulator.fail_next(1, status=status, method="POST")
    assert api("POST", "/tracking-domains", json=CREATE).status_code == status
    stored = emulator.get(D)
    assert stored is not None and stored["subaccount_id"] == 5  # theirs, made before our request was failed


def test_create_on_next_then_a_drop_after_commit(api: HttpApi, emulator: Emulator) -> None:
    emulator.create_on_next(D, default=True, verified=True)
    emulator.drop_after_commit()
    with pytest.raises(requests.ConnectionError):
        api("POST", "/tracking-domains", json=CREATE)
    last = emulator.requests()[-1]
    assert (last.status, last.dropped) == (409, True) and emulator.get(D)["default"] is True  # type: ignore[index]


def test_create_on_next_before_a_delay(api: HttpApi, emulator: Emulator) -> None:
    emulator.create_on_next(D, secure=True)
    emulator.delay_next(1, 30, method="POST")
    with pytest.raises(requests.ReadTimeout):
        api("POST", "/tracking-domains", json=CREATE, timeout=0.2)
    assert emulator.get(D) is not None  # there on arrival, while our request is still held


def test_create_on_next_of_an_existing_name_adds_nothing(api: HttpApi, emulator: Emulator) -> None:
    api.create(D, secure=False)
    emulator.create_on_next(D, secure=True, verified=True)
    assert api("POST", "/tracking-domains", json=CREATE).status_code == 409
    assert emulator.get(D)["secure"] is False and emulator.pending_faults() == []  # type: ignore[index]


@pytest.mark.parametrize(("domain", "kwargs"), [
    ("nodot", {}), (D, {"subaccount_id": -1}), (D, {"colour": "red"}), (D, {"verified": "yes"})])
def test_create_on_next_refuses_bad_arguments_up_front(emulator: Emulator, domain: str,
                                                       kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        emulator.create_on_next(domain, **kwargs)  # type: ignore[arg-type]
    assert emulator.pending_faults() == []


def test_fail_next_with_skip_lets_requests_pass_first(api: HttpApi, emulator: Emulator) -> None:
    emulator.fail_next(2, status=503, method="GET", skip=1)
    assert api.get(D).status_code == 404
    assert api("POST", "/tracking-domains", json=CREATE).status_code == 200  # not a GET: not counted
    assert [api.get(D).status_code for _ in range(3)] == [503, 503, 200]
    with pytest.raises(ValueError):
        emulator.fail_next(1, skip=-1)


def test_fail_next_with_a_message_says_it(api: HttpApi, emulator: Emulator) -> None:
    emulator.fail_next(1, status=502, message="upstream said: key abc/def")
    response = api.get(D)
    assert response.status_code == 502 and errors_of(response) == [{"message": "upstream said: key abc/def"}]
    with pytest.raises(ValueError):
        emulator.fail_next(1, message="")
