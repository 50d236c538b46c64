"""sparkpost_tracking.recovery reading SparkPost (the emulator) as each path's provider would: the key from that
path's stack config namespace or the environment, the API base from the inputs or (native) the provider's config,
the subaccount header, and nothing but reads."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.types import TRACKING_DOMAIN
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.recovery import main, sparkpost_reader

KEY = "recovery-reads-key-0123456789"


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    for var in ("SPARKPOST_API_KEY", "SPARKPOST_EU_API_KEY", "SPARKPOST_ADOPT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SPARKPOST_RETRY_BACKOFF", "0.01")
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def pending(token: str, name: str, **inputs: Any) -> dict[str, Any]:
    return {"type": "creating", "resource": {"urn": f"urn:pulumi:s::p::{token}::{name}", "type": token,
                                             "inputs": {"domain": name, **inputs}}}


def recover(emu: Emulator, config: dict[str, Any], *operations: dict[str, Any],
            resources: list[dict[str, Any]] | None = None) -> tuple[int, str, str]:
    document = {"deployment": {"resources": resources or [], "pending_operations": list(operations)}}
    out, err = io.StringIO(), io.StringIO()
    code = main([], io.StringIO(json.dumps(document)), out, err, reader=sparkpost_reader(config))
    return code, out.getvalue(), err.getvalue()


def test_the_dynamic_path_reads_with_its_stack_config_key(emu: Emulator) -> None:
    emu.add_domain("ours.example.com", secure=True)
    emu.add_domain("theirs.example.com", subaccount_id=4, secure=True)
    code, out, err = recover(emu, {"sparkpost:apiKey": KEY, "sparkpost-tracking:apiKey": "wrong-namespace"},
                             pending(TRACKING_DOMAIN.dynamic, "ours.example.com", api_url=emu.base_url),
                             pending(TRACKING_DOMAIN.dynamic, "theirs.example.com", api_url=emu.base_url,
                                     subaccount_id=4, secure=False),
                             pending(TRACKING_DOMAIN.dynamic, "new.example.com", api_url=emu.base_url))
    assert (code, out) == (0, "ours.example.com\n"), err
    assert "theirs.example.com (resource 'theirs.example.com'): NOT OURS" in err
    assert "new.example.com (resource 'new.example.com'): not in SparkPost" in err
    assert {r.method for r in emu.requests()} == {"GET"}
    assert [r.subaccount for r in emu.requests()] == [None, "4", None]


def test_the_native_path_reads_where_its_provider_config_points(emu: Emulator) -> None:
    emu.add_domain("ours.example.com", secure=True)
    config = {"sparkpost-tracking:apiKey": KEY, "sparkpost-tracking:apiUrl": emu.base_url}
    code, out, err = recover(emu, config, pending(TRACKING_DOMAIN.native, "ours.example.com"))
    assert (code, out) == (0, "ours.example.com\n"), err


def test_an_explicit_provider_resource_says_where_to_read(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    emu.add_domain("ours.example.com", secure=True)
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    operation = pending(TRACKING_DOMAIN.native, "ours.example.com")
    operation["resource"]["provider"] = "urn:pulumi:s::p::pulumi:providers:sparkpost-tracking::prov::abc"
    provider = {"urn": "urn:pulumi:s::p::pulumi:providers:sparkpost-tracking::prov", "id": "abc",
                "type": "pulumi:providers:sparkpost-tracking", "inputs": {"apiUrl": emu.base_url}}
    code, out, err = recover(emu, {}, operation, resources=[provider])
    assert (code, out) == (0, "ours.example.com\n"), err


def test_without_a_key_nothing_is_proposed(emu: Emulator) -> None:
    emu.add_domain("ours.example.com", secure=True)
    code, out, err = recover(emu, {"sparkpost-tracking:apiKey": KEY},  # the other path's key only
                             pending(TRACKING_DOMAIN.dynamic, "ours.example.com", api_url=emu.base_url))
    assert (code, out) == (1, "") and "No SparkPost API key" in err and KEY not in err
    assert emu.count() == 0
