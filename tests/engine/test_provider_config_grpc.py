"""Tier 3a: a fresh ``python -m pulumi.dynamic`` driven over gRPC: what it sends the engine for our errors and for a
bug, and ``sparkpost:apiUrl`` as the ``api_url`` of every resource that sets none.
"""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.grpc_driver import DynamicProviderProcess

pytestmark = pytest.mark.engine

KEY = "provider-config-key-0123456789"
DOMAIN = "track.example.com"


@pytest.fixture
def engine() -> Iterator[DynamicProviderProcess]:
    process = DynamicProviderProcess()
    try:
        yield process
    finally:
        process.close()


def failure(call: object) -> str:
    """The details of the gRPC error a call ends in: what the CLI prints after ``error:``."""
    with pytest.raises(grpc.RpcError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.code() == grpc.StatusCode.UNKNOWN  # type: ignore[attr-defined]
    return str(caught.value.details())  # type: ignore[attr-defined]


def test_our_error_reaches_the_engine_as_its_message_alone(engine: DynamicProviderProcess) -> None:
    # A key that is no SparkPost key, refused at the first call: in Configure the provider only notes it.
    engine.configure({"sparkpost:apiKey": "provider-config-key-\u0434\u0435\u0439"})
    inputs, failures = engine.check("d", {"domain": DOMAIN, "api_url": "http://127.0.0.1:9/api/v1"})
    assert failures == []
    details = failure(lambda: engine.create("d", inputs))
    assert details == ("Stack config: The SparkPost API key from stack config 'sparkpost:apiKey' contains a "
                       "character outside ASCII (at position 21 of 23): SparkPost's keys are letters and digits, so "
                       "this is not the key as SparkPost issued it (a quote, a dash or a letter changed by a copy and "
                       "paste, often). Copy it again from SparkPost (Account > API Keys) and set it again: pulumi "
                       "config set --secret sparkpost:apiKey <key> (from a variable: printf '%s' \"$KEY\" | pulumi "
                       "config set --secret sparkpost:apiKey).")


def test_a_bug_keeps_its_traceback(engine: DynamicProviderProcess) -> None:
    engine.configure({"sparkpost:apiKey": KEY})
    # Inputs no check of ours ever returns (a subaccount that is no number): the provider fails in a way no message
    # of ours explains, and the frames are what a bug report needs.
    inputs = {"__provider": engine.provider, "domain": DOMAIN, "subaccount_id": "twelve"}
    details = failure(lambda: engine.create("d", inputs))
    assert details.startswith("Traceback (most recent call last):") and "ValueError" in details


def test_the_providers_api_url_is_every_resources_default(engine: DynamicProviderProcess) -> None:
    with Emulator(api_keys=[KEY]) as emu:
        engine.configure({"sparkpost:apiKey": KEY, "sparkpost:apiUrl": emu.base_url, "sparkpost:verifyInterval": "0"})
        inputs, failures = engine.check("d", {"domain": DOMAIN})
        assert failures == [] and inputs["api_url"] == emu.base_url  # in the inputs: state will say where it lives
        own, _ = engine.check("e", {"domain": "own.example.com", "api_url": "http://127.0.0.1:9/api/v1"})
        assert own["api_url"] == "http://127.0.0.1:9/api/v1"  # a resource's own api_url wins
        assert engine.create("d", inputs)[0] == DOMAIN
        assert [d["domain"] for d in emu.domains()] == [DOMAIN]


def test_without_it_a_resource_has_no_api_url(engine: DynamicProviderProcess) -> None:
    engine.configure({"sparkpost:apiKey": KEY})
    inputs, failures = engine.check("d", {"domain": DOMAIN})
    assert failures == [] and inputs.get("api_url") is None
