"""Tier 3a: the provider in a fresh ``python -m pulumi.dynamic`` process, driven over gRPC.

Proves the provider loads from its serialized form in another process, takes its key from
Configure (stack config), and that every engine method works end to end against the emulator.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import grpc
import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from sparkpost_tracking.emulator import Emulator
from tests.engine.grpc_driver import DynamicProviderProcess

pytestmark = pytest.mark.engine

KEY = "grpc-test-key-0123456789"


@pytest.fixture
def engine() -> Iterator[DynamicProviderProcess]:
    process = DynamicProviderProcess()
    yield process
    stderr = process.close()
    assert KEY not in stderr


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def test_full_lifecycle_over_grpc(engine: DynamicProviderProcess, emu: Emulator) -> None:
    engine.configure({"sparkpost:apiKey": KEY, "sparkpost:verifyInterval": "0"})
    declared = {"domain": "Track.Example.com", "api_url": emu.base_url, "default": True}

    inputs, failures = engine.check("td", declared)
    assert failures == []
    assert inputs["domain"] == "track.example.com" and inputs["secure"] is True

    id_, state = engine.create("td", inputs)
    assert id_ == "track.example.com"
    assert state["verified"] is True and state["default"] is True and state["port"] == 443
    assert emu.get("track.example.com")["default"] is True
    assert KEY not in str(state)

    # No-op diff: nothing changes and SparkPost hears nothing.
    emu.clear_requests()
    same = engine.diff("td", id_, state, inputs)
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE
    assert emu.count() == 0

    # Refresh after an out-of-band change reports the drift; inputs stay as declared.
    emu.mutate("track.example.com", secure=False)
    read_id, refreshed, read_inputs = engine.read("td", id_, state)
    assert read_id == id_ and refreshed["secure"] is False and refreshed["port"] == 80
    assert read_inputs["secure"] is True
    assert emu.count(method="GET") == 1

    # The next up repairs it with one PUT.
    repair = engine.diff("td", id_, refreshed, inputs)
    assert repair.changes == provider_pb2.DiffResponse.DIFF_SOME and list(repair.replaces) == []
    emu.clear_requests()
    updated = engine.update("td", id_, refreshed, inputs)
    assert updated["secure"] is True and emu.get("track.example.com")["secure"] is True
    # One read (still the domain in state?), then the PUT.
    assert [(r.method, r.body) for r in emu.requests()] == [("GET", None), ("PUT", {"secure": True})]

    # A change of domain replaces.
    new_inputs, _ = engine.check("td", {**declared, "domain": "click.example.com"})
    replace = engine.diff("td", id_, updated, new_inputs)
    assert "domain" in list(replace.replaces)

    # In the deployment that created it, another resource's delete of the same domain (a renamed resource) only
    # drops state; a later deployment (destroy) deletes it.
    emu.clear_requests()
    engine.delete("td", id_, updated)
    assert emu.count() == 0 and emu.get("track.example.com") is not None
    destroy = DynamicProviderProcess()
    try:
        destroy.configure({"sparkpost:apiKey": KEY})
        destroy.delete("td", id_, updated)
        assert emu.domains() == []
        destroy.delete("td", id_, updated)  # a 404 is success

        # Gone: an empty id tells the engine to drop it from state.
        gone_id, gone, _ = destroy.read("td", id_, updated)
        assert gone_id == "" and set(gone) <= {"__provider"}
    finally:
        assert KEY not in destroy.close()


def test_bad_input_fails_check_without_a_request(engine: DynamicProviderProcess, emu: Emulator) -> None:
    engine.configure({"sparkpost:apiKey": KEY})
    _, failures = engine.check("bad", {"domain": "example.com", "region": "usa", "api_url": emu.base_url})
    assert sorted(prop for prop, _ in failures) == ["domain", "region"]
    assert emu.count() == 0


def test_missing_key_is_reported_before_any_request(engine: DynamicProviderProcess, emu: Emulator) -> None:
    engine.configure({})
    inputs, _ = engine.check("td", {"domain": "track.example.com", "api_url": emu.base_url})
    with pytest.raises(grpc.RpcError) as caught:
        engine.create("td", inputs)
    assert "sparkpost:apiKey" in str(caught.value.details()) and "SPARKPOST_API_KEY" in str(caught.value.details())
    assert emu.count() == 0


def test_wrong_key_is_a_clear_error_that_does_not_echo_it(engine: DynamicProviderProcess, emu: Emulator) -> None:
    wrong = "wrong-key-abcdef0123456789"
    engine.configure({"sparkpost:apiKey": wrong})
    inputs, _ = engine.check("td", {"domain": "track.example.com", "api_url": emu.base_url})
    with pytest.raises(grpc.RpcError) as caught:
        engine.create("td", inputs)
    details = str(caught.value.details())
    assert "401" in details and wrong not in details
    assert "The API key from stack config 'sparkpost:apiKey' was refused by " + emu.base_url in details
    assert "lifecycle.py" not in details  # our call stack is cut from an expected error
    assert emu.count() == 1


def test_wrong_key_from_the_environment_names_the_variable(emu: Emulator) -> None:
    wrong = "wrong-env-key-abcdef0123456789"
    process = DynamicProviderProcess(env={"SPARKPOST_API_KEY": wrong})
    try:
        process.configure({})
        inputs, _ = process.check("td", {"domain": "track.example.com", "api_url": emu.base_url, "verify": False})
        with pytest.raises(grpc.RpcError) as caught:
            process.create("td", inputs)
    finally:
        process.close()
    details = str(caught.value.details())
    assert "The API key from environment variable SPARKPOST_API_KEY was refused" in details and wrong not in details


def test_unknown_setting_is_refused_before_any_request(engine: DynamicProviderProcess, emu: Emulator) -> None:
    # refresh and destroy do not run the program, so the provider checks the keys it is handed too
    engine.configure({"sparkpost:apiKey": KEY, "sparkpost:verifyTimout": "5"})
    inputs, failures = engine.check("td", {"domain": "track.example.com", "api_url": emu.base_url})
    assert failures == []  # check makes no call and needs no setting
    with pytest.raises(grpc.RpcError) as caught:
        engine.delete("td", "track.example.com", inputs)
    details = str(caught.value.details())
    assert ("sparkpost:verifyTimout: is not a setting of the SparkPost provider. Did you mean "
            "'sparkpost:verifyTimeout'?") in details
    assert emu.count() == 0


# ---- preview with unknown inputs ---------------------------------------------------------------

UNKNOWN = rpc.UNKNOWN  # how the engine sends a value it does not know yet


@pytest.mark.parametrize("unknown", ["domain", "api_url", "subaccount_id", "default", "secure", "region"])
def test_check_and_diff_pass_unknowns_through_without_a_request(engine: DynamicProviderProcess, emu: Emulator,
                                                                unknown: str) -> None:
    engine.configure({"sparkpost:apiKey": KEY})
    declared = {"domain": "track.example.com", "api_url": emu.base_url, unknown: UNKNOWN}
    inputs, failures = engine.check("td", declared)
    assert failures == []
    assert isinstance(inputs[unknown], Unknown)  # handed back as unknown, not validated
    known, _ = engine.check("td", {"domain": "track.example.com", "api_url": emu.base_url})
    state = {**known, "port": 443, "verified": True}
    response = engine.diff("td", "track.example.com", state, inputs)
    assert response.changes == provider_pb2.DiffResponse.DIFF_SOME
    replaced = {"domain", "api_url", "subaccount_id", "region"}
    assert (unknown in response.replaces) is (unknown in replaced)
    assert emu.count() == 0


# ---- plain http only to literal loopback ---------------------------------------------------------

@pytest.mark.parametrize("api_url", ["http://127.evil.example/api/v1", "http://127.0.0.1.nip.io/api/v1"])
def test_look_alike_loopback_hosts_are_refused_by_check(engine: DynamicProviderProcess, emu: Emulator,
                                                        api_url: str) -> None:
    engine.configure({"sparkpost:apiKey": KEY})
    _, failures = engine.check("td", {"domain": "track.example.com", "api_url": api_url})
    assert [prop for prop, _ in failures] == ["api_url"]
    assert "https" in failures[0][1] and "loopback" in failures[0][1]
    assert emu.count() == 0


# ---- an engine that dies takes the provider with it -----------------------------------------------

def test_the_provider_process_ends_soon_after_its_engine(emu: Emulator) -> None:
    # The engine holds the reading end of the provider's stdout; closing it is what the engine's death does.
    engine = DynamicProviderProcess()
    try:
        engine.configure({"sparkpost:apiKey": KEY, "sparkpost:verifyInterval": "0.2",
                          "sparkpost:verifyTimeout": "3600"})
        emu.update_settings(default_verification="pending")
        inputs, _ = engine.check("td", {"domain": "track.example.com", "api_url": emu.base_url})
        def create_until_killed() -> None:
            with contextlib.suppress(grpc.RpcError):
                engine.create("td", inputs)

        create = threading.Thread(target=create_until_killed, daemon=True)
        create.start()
        wait_for(lambda: emu.count(path_suffix="/verify") >= 2, "the create to poll verify")
        assert engine.process.stdout is not None
        engine.process.stdout.close()
        engine.process.wait(timeout=60)  # without the watchdog it would poll verify for an hour
        gone = time.time()
        polls = emu.count(path_suffix="/verify")
        assert engine.process.returncode != 0
        assert all(r.received_at <= gone for r in emu.requests())
        assert emu.count(path_suffix="/verify") == polls  # and nothing later
    finally:
        engine.close()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
