"""The request log: what is recorded, matching and counting, and that the key never appears."""

from __future__ import annotations

import dataclasses

import pytest
import requests

from sparkpost_tracking.emulator import Emulator, RecordedRequest
from sparkpost_tracking.emulator.testing import HttpApi

D = "track.example.com"


def test_each_request_is_recorded_with_its_details(api: HttpApi, emulator: Emulator) -> None:
    api("POST", "/tracking-domains", json={"domain": D, "secure": True}, sub=5)
    api("GET", "/tracking-domains/", params={"default": "false", "subaccounts": "5"})
    api.verify(D, sub=5)
    create, listing, verify = emulator.requests()
    assert (create.method, create.path, create.query, create.subaccount, create.body, create.status) == (
        "POST", "/api/v1/tracking-domains", {}, "5", {"domain": D, "secure": True}, 200)
    assert not create.dropped and not create.injected and create.received_at > 0
    assert (listing.path, listing.query, listing.subaccount, listing.body) == (
        "/api/v1/tracking-domains", {"default": "false", "subaccounts": "5"}, None, None)
    assert (verify.method, verify.path, verify.status) == (
        "POST", f"/api/v1/tracking-domains/{D}/verify", 200)


def test_failed_and_unparsable_requests_are_recorded_too(api: HttpApi, emulator: Emulator) -> None:
    api("POST", "/tracking-domains", data=b"{broken")
    requests.get(emulator.base_url + "/tracking-domains", timeout=5)
    bad_json, unauthorized = emulator.requests()
    assert (bad_json.status, bad_json.body) == (400, None)
    assert unauthorized.status == 401


def test_records_are_frozen_and_snapshots_are_copies(api: HttpApi, emulator: Emulator) -> None:
    api.listing()
    snapshot = emulator.requests()
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot[0].status = 500  # type: ignore[misc]
    api.listing()
    assert len(snapshot) == 1 and len(emulator.requests()) == 2


def test_count_and_clear(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    api.create("b.example.com", sub=2)
    api.verify(D)
    api.get(D)
    assert emulator.count() == 4
    assert emulator.count("POST") == 3
    assert emulator.count("post", "/tracking-domains") == 2
    assert emulator.count(path_suffix="/verify") == 1
    assert emulator.count("GET", D) == 1
    emulator.clear_requests()
    assert emulator.requests() == [] and emulator.count() == 0


def test_the_api_key_is_never_recorded(emulator: Emulator, api_key: str) -> None:
    requests.get(emulator.base_url + "/tracking-domains", headers={"Authorization": api_key}, timeout=5)
    requests.get(emulator.base_url + "/tracking-domains", auth=(api_key, ""), timeout=5)
    requests.post(emulator.base_url + "/tracking-domains", headers={"Authorization": "Bearer wrong-secret"},
                  json={"domain": D}, timeout=5)
    recorded = repr(emulator.requests()) + repr([r.to_json() for r in emulator.requests()])
    assert api_key not in recorded and "wrong-secret" not in recorded
    assert "Authorization" not in {f.name for f in dataclasses.fields(RecordedRequest)}


def test_json_round_trip(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    record = emulator.requests()[0]
    assert RecordedRequest.from_json(record.to_json()) == record
    assert record.matches("POST", "/tracking-domains") and not record.matches("GET")


def test_on_request_sees_every_record() -> None:
    seen: list[RecordedRequest] = []
    with Emulator(api_keys=["k"], on_request=seen.append) as emu:
        requests.get(emu.base_url + "/tracking-domains", headers={"Authorization": "k"}, timeout=5)
        requests.get(emu.admin_url + "/requests", timeout=5)
    assert [(r.method, r.status) for r in seen] == [("GET", 200)]
