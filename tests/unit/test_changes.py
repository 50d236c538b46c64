"""diff(): what replaces, what updates, what is no change. Pure, no API calls."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider
from sparkpost_tracking.dynamic_providers.schema import check_inputs

STATE: dict[str, Any] = {
    "domain": "track.example.com", "secure": True, "default": False, "region": "us", "verify": True,
    "managed_certificate": False, "adopt_existing": False, "port": 443, "verified": True,
    "cname_status": "valid", "__provider": "old-serialized-provider",
}


def diff(**changes: Any) -> Any:
    inputs, failures = check_inputs({k: v for k, v in {**STATE, **changes}.items() if k in (
        "domain", "secure", "default", "region", "api_url", "verify", "managed_certificate", "adopt_existing",
        "subaccount_id")})
    assert failures == []
    news = {**inputs, "__provider": changes.get("__provider", STATE["__provider"])}
    return TrackingDomainProvider().diff("track.example.com", STATE, news)


def test_no_change() -> None:
    result = diff()
    assert result.changes is False and result.replaces == []


def test_a_provider_pickled_elsewhere_is_a_state_only_update() -> None:
    # State written by a release whose provider lived under another module path: refresh and destroy
    # would fail to load it, so the next up rewrites state (no replace, and update makes no call).
    result = diff(__provider="new-serialized-provider")
    assert result.changes is True and result.replaces == [] and not result.delete_before_replace


def test_domain_case_is_no_change() -> None:
    assert diff(domain="TRACK.example.com").changes is False


@pytest.mark.parametrize(("key", "value"), [("secure", False), ("default", True), ("verify", False),
                                            ("adopt_existing", True)])
def test_updates_in_place(key: str, value: Any) -> None:
    result = diff(**{key: value})
    assert result.changes is True and result.replaces == []


@pytest.mark.parametrize(("key", "value"), [
    ("domain", "click.example.com"),
    ("subaccount_id", 12),
    ("region", "eu"),
    ("api_url", "http://127.0.0.1:9/api/v1"),
])
def test_replaces(key: str, value: Any) -> None:
    result = diff(**{key: value})
    assert result.changes is True and key in result.replaces


def test_same_api_base_spelled_differently_is_an_update_not_a_replace() -> None:
    result = diff(api_url="https://api.sparkpost.com/api/v1")
    assert result.changes is True and result.replaces == []


def test_replacing_under_the_same_name_deletes_first() -> None:
    assert diff(subaccount_id=3).delete_before_replace is True
    assert diff(domain="click.example.com").delete_before_replace is False


def test_managed_certificate_can_be_turned_on_but_only_removed_by_replacement() -> None:
    assert diff(managed_certificate=True).replaces == []
    managed_state = {**STATE, "managed_certificate": True}
    inputs, _ = check_inputs({"domain": "track.example.com"})
    result = TrackingDomainProvider().diff("track.example.com", managed_state, {**inputs, "__provider": "x"})
    assert result.replaces == ["managed_certificate"]


def test_unknown_domain_in_preview_is_a_replace() -> None:
    result = diff(domain=rpc.UNKNOWN)
    assert result.changes is True and "domain" in result.replaces


def test_drift_found_by_refresh_shows_as_an_update() -> None:
    # After refresh the state (olds) holds what SparkPost reports; the program still declares secure.
    drifted = {**STATE, "secure": False, "port": 80}
    inputs, _ = check_inputs({"domain": "track.example.com"})
    result = TrackingDomainProvider().diff("track.example.com", drifted, {**inputs, "__provider": "x"})
    assert result.changes is True and result.replaces == []


@pytest.mark.parametrize(("observed", "declared"), [
    ({"verified": False}, {}),
    ({"verified": False, "default": True}, {"default": True}),
    ({"uses_managed_certificate": False}, {"managed_certificate": True}),
    ({"tls_status": "expired"}, {"managed_certificate": True}),
    ({"tls_status": "failed"}, {"managed_certificate": True}),
])
def test_drift_of_an_outcome_the_inputs_declare_is_an_update(observed: dict[str, Any],
                                                            declared: dict[str, Any]) -> None:
    state = {**STATE, "managed_certificate": declared.get("managed_certificate", False),
             "uses_managed_certificate": declared.get("managed_certificate", False), **observed}
    inputs, failures = check_inputs({"domain": "track.example.com", **declared})
    assert failures == []
    result = TrackingDomainProvider().diff("track.example.com", state, {**inputs, "__provider": STATE["__provider"]})
    assert result.changes is True and result.replaces == []


def test_outcomes_not_declared_are_no_drift() -> None:
    unverified = {**STATE, "verify": False, "verified": False}
    inputs, _ = check_inputs({"domain": "track.example.com", "verify": False})
    news = {**inputs, "__provider": STATE["__provider"]}
    assert TrackingDomainProvider().diff("track.example.com", unverified, news).changes is False
    older_state = {k: v for k, v in STATE.items() if k != "verified"}  # absent is not "false"
    inputs, _ = check_inputs({"domain": "track.example.com"})
    news = {**inputs, "__provider": STATE["__provider"]}
    assert TrackingDomainProvider().diff("track.example.com", older_state, news).changes is False
