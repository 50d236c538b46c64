"""Tier 3a: TrackingDomainAssociation's provider loads from its serialized form in a fresh provider process
and does check, create, diff, read and delete over gRPC, taking its key from Configure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2

from sparkpost_tracking.dynamic_providers import TrackingDomainAssociationProvider
from sparkpost_tracking.emulator import Emulator
from tests.engine.grpc_driver import DynamicProviderProcess

pytestmark = pytest.mark.engine

KEY = "association-grpc-key-0123456789"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        emulator.add_sending_domain("example.com", subaccount_id=9)
        emulator.add_domain("click.example.com", subaccount_id=9, secure=True, verified=True)
        yield emulator


def test_association_over_grpc(emu: Emulator) -> None:
    engine = DynamicProviderProcess()
    engine.provider = str(_serialize(True, serialize_provider, TrackingDomainAssociationProvider())[0])
    assert len(engine.provider) < 300  # pickled by reference, like TrackingDomainProvider
    try:
        engine.configure({"sparkpost:apiKey": KEY})
        declared = {"sending_domain": "Example.com", "tracking_domain": "click.example.com", "subaccount_id": 9,
                    "api_url": emu.base_url}
        inputs, failures = engine.check("a", declared)
        assert failures == [] and inputs["sending_domain"] == "example.com"
        id_, state = engine.create("a", inputs)
        assert id_ == "example.com" and emu.get_sending_domain("example.com")["tracking_domain"] == "click.example.com"
        emu.clear_requests()
        assert engine.diff("a", id_, state, inputs).changes == provider_pb2.DiffResponse.DIFF_NONE
        assert emu.count() == 0
    finally:
        assert KEY not in engine.close()
    destroy = DynamicProviderProcess()  # refresh and destroy: a later deployment
    destroy.provider = engine.provider
    try:
        destroy.configure({"sparkpost:apiKey": KEY})
        _, refreshed, _ = destroy.read("a", id_, state)
        assert refreshed["tracking_domain"] == "click.example.com"
        destroy.delete("a", id_, state)
        assert "tracking_domain" not in emu.get_sending_domain("example.com")
        # The refresh's read; the delete's read (still ours?) and its PUT: every one in the subaccount.
        assert [(r.method, r.subaccount) for r in emu.requests()] == [("GET", "9"), ("GET", "9"), ("PUT", "9")]
    finally:
        assert KEY not in destroy.close()
