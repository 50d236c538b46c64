"""``SparkPostClient.list_domains``/``list_sending_domains`` against the emulator: one plain GET each (no query, no
subaccount header, even from a client bound to a subaccount) returns every scope; failures are typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sparkpost_tracking.dynamic_providers import RetryPolicy, SparkPostClient, errors
from sparkpost_tracking.emulator import Emulator

KEY = "listing-test-key-0123456789"
FAST = RetryPolicy(attempts=3, backoff_factor=0.01, backoff_max=0.02, jitter=0.0, read_timeout=2.0)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def seed(emu: Emulator) -> None:
    emu.add_domain("track.example.com", secure=True, verified=True, default=True)
    emu.add_domain("click.brand.example", subaccount_id=12, verified=True)
    emu.add_domain("m.other.example", subaccount_id=31, uses_managed_certificate=True, verified=True,
                   tls_status="valid")
    emu.add_sending_domain("example.com", tracking_domain="track.example.com")
    emu.add_sending_domain("brand.example", subaccount_id=12, tracking_domain="click.brand.example")
    emu.add_sending_domain("other.example", subaccount_id=31)


@pytest.mark.parametrize("bound_to", [None, 12])
def test_one_plain_get_lists_every_scope(emu: Emulator, bound_to: int | None) -> None:
    seed(emu)
    emu.clear_requests()
    with SparkPostClient(emu.base_url, KEY, policy=FAST, subaccount_id=bound_to) as client:
        domains = client.list_domains()
        sending = client.list_sending_domains()
    assert [(d["domain"], d.get("subaccount_id")) for d in domains] == [
        ("track.example.com", None), ("click.brand.example", 12), ("m.other.example", 31)]
    assert domains == emu.domains()
    assert [(s["domain"], s.get("subaccount_id"), s.get("tracking_domain")) for s in sending] == [
        ("example.com", None, "track.example.com"), ("brand.example", 12, "click.brand.example"),
        ("other.example", 31, None)]
    assert [(r.method, r.path, r.query, r.subaccount) for r in emu.requests()] == [
        ("GET", "/api/v1/tracking-domains", {}, None), ("GET", "/api/v1/sending-domains", {}, None)]


def test_an_empty_account_lists_nothing(emu: Emulator) -> None:
    with SparkPostClient(emu.base_url, KEY, policy=FAST) as client:
        assert client.list_domains() == [] and client.list_sending_domains() == []


def test_a_list_is_retried_through_a_429_burst_and_a_wrong_key_is_typed(emu: Emulator) -> None:
    seed(emu)
    emu.fail_next(2, status=429)
    with SparkPostClient(emu.base_url, KEY, policy=FAST) as client:
        assert len(client.list_domains()) == 3
    with SparkPostClient(emu.base_url, "not-the-key", policy=FAST) as client, \
            pytest.raises(errors.Unauthorized) as caught:
        client.list_sending_domains()
    assert "not-the-key" not in str(caught.value)
