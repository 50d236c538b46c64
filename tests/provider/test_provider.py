"""Every provider method against the emulator: request counts, flows, faults, secrets."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider, errors
from sparkpost_tracking.dynamic_providers.schema import check_inputs
from sparkpost_tracking.emulator import Emulator

from .conftest import KEY

DOMAIN = "track.example.com"


@pytest.fixture
def emu() -> Emulator:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def inputs(emu: Emulator, **declared: Any) -> dict[str, Any]:
    checked, failures = check_inputs({"domain": DOMAIN, "api_url": emu.base_url, **declared})
    assert failures == []
    return {**checked, "__provider": "serialized"}


def create(emu: Emulator, **declared: Any) -> tuple[str, dict[str, Any]]:
    result = TrackingDomainProvider().create(inputs(emu, **declared))
    assert result.outs is not None
    return result.id, result.outs


# ---- request counts (the figures the issue asks for) ---------------------------------------

def steps(emu: Emulator) -> list[tuple[str, str, int]]:
    return [(r.method, r.path.rsplit("/", 1)[-1], r.status) for r in emu.requests()]


# A create first reads the domain (a 404 proves the name free just before the POST; see test_ownership.py).
READ_FREE = ("GET", DOMAIN, 404)
POSTED = ("POST", "tracking-domains", 200)


def test_create_without_verify_is_a_read_and_a_post(emu: Emulator, fast_env: str) -> None:
    id_, outs = create(emu, verify=False)
    assert id_ == DOMAIN and steps(emu) == [READ_FREE, POSTED]
    assert outs["secure"] is True and outs["port"] == 443 and outs["verified"] is False
    assert outs["domain"] == DOMAIN and outs["api_url"] == emu.base_url  # inputs are part of state


def test_create_that_verifies_first_time_is_three_requests(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu)
    assert steps(emu) == [READ_FREE, POSTED, ("POST", "verify", 200)]
    assert outs["verified"] is True and outs["cname_status"] == "valid"


def test_create_with_default_is_four_requests_and_default_comes_after_verify(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu, default=True)
    assert [(r.method, r.body) for r in emu.requests()] == [
        ("GET", None), ("POST", {"domain": DOMAIN, "secure": True}), ("POST", None), ("PUT", {"default": True})]
    assert emu.requests()[0].status == 404
    assert outs["default"] is True and emu.get(DOMAIN)["default"] is True


def test_noop_diff_makes_no_request(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu)
    emu.clear_requests()
    result = TrackingDomainProvider().diff(DOMAIN, outs, inputs(emu))
    assert result.changes is False and emu.count() == 0


def test_refresh_is_one_get(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu)
    emu.clear_requests()
    result = TrackingDomainProvider().read(DOMAIN, outs)
    assert emu.count() == 1 and emu.count(method="GET") == 1
    assert result.id == DOMAIN and result.outs == outs


def test_change_of_secure_is_a_read_and_one_put_with_only_that_key(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu)
    emu.clear_requests()
    news = inputs(emu, secure=False)
    result = TrackingDomainProvider().update(DOMAIN, outs, news)
    # The read shows the domain is still the one in state (no evidence that it was made again) before the write.
    assert [(r.method, r.body) for r in emu.requests()] == [("GET", None), ("PUT", {"secure": False})]
    assert result.outs is not None and result.outs["secure"] is False and result.outs["port"] == 80
    assert result.outs["verified"] is True  # outputs are full, not just the changed key


def test_delete_is_a_read_and_a_delete_and_404_is_success(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu)
    emu.clear_requests()
    TrackingDomainProvider().delete(DOMAIN, outs)
    assert [r.method for r in emu.requests()] == ["GET", "DELETE"] and emu.domains() == []
    emu.clear_requests()
    TrackingDomainProvider().delete(DOMAIN, outs)
    assert [(r.method, r.status) for r in emu.requests()] == [("GET", 404)]  # gone: nothing to delete


def test_bad_inputs_make_no_request(emu: Emulator, fast_env: str) -> None:
    from tests.unit.test_validation import BAD_INPUTS

    provider = TrackingDomainProvider()
    for _, bad, prop, _ in BAD_INPUTS:
        result = provider.check({}, {**bad, "__provider": "x"})
        assert [f.property for f in result.failures] == [prop]
    assert len(BAD_INPUTS) >= 15 and emu.count() == 0


# ---- refresh, drift, adoption ----------------------------------------------------------------

def test_refresh_reports_drift_and_keeps_declared_inputs(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu)
    emu.mutate(DOMAIN, secure=False)
    result = TrackingDomainProvider().read(DOMAIN, outs)
    assert result.outs is not None and result.inputs is not None
    assert result.outs["secure"] is False and result.outs["port"] == 80
    assert result.inputs["secure"] is True and "port" not in result.inputs


def test_refresh_of_a_deleted_domain_drops_it(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu)
    emu.remove(DOMAIN)
    result = TrackingDomainProvider().read(DOMAIN, outs)
    assert result.id == "" and result.outs == {}


def test_existing_domain_without_adopt_names_adopt_existing(emu: Emulator, fast_env: str) -> None:
    create(emu, secure=False, verify=False)
    with pytest.raises(errors.SparkPostTrackingError, match="adopt_existing") as caught:
        create(emu)
    assert "already exists" in str(caught.value)
    assert emu.get(DOMAIN)["secure"] is False  # left as it was


def test_adopt_existing_switches_an_insecure_domain_to_secure(emu: Emulator, fast_env: str) -> None:
    create(emu, secure=False, verify=False)
    emu.clear_requests()
    _, outs = create(emu, adopt_existing=True, default=True)
    # The read finds it, so it is adopted without a POST (and without a second read).
    assert [(r.method, r.path.rsplit("/", 1)[-1], r.status, r.body) for r in emu.requests()] == [
        ("GET", DOMAIN, 200, None), ("PUT", DOMAIN, 200, {"secure": True}), ("POST", "verify", 200, None),
        ("PUT", DOMAIN, 200, {"default": True})]
    stored = emu.get(DOMAIN)
    assert stored["secure"] is True and stored["default"] is True and stored["port"] == 443
    assert outs["secure"] is True and outs["default"] is True and outs["verified"] is True


def test_subaccount_scoping_on_every_call(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu, subaccount_id=7, default=True)
    TrackingDomainProvider().read(DOMAIN, outs)
    TrackingDomainProvider().update(DOMAIN, outs, inputs(emu, subaccount_id=7, secure=False, default=True))
    TrackingDomainProvider().delete(DOMAIN, outs)
    assert [r.method for r in emu.requests()] == ["GET", "POST", "POST", "PUT", "GET", "GET", "PUT", "GET",
                                                  "DELETE"]
    assert {r.subaccount for r in emu.requests()} == {"7"}
    assert outs["subaccount_id"] == 7


# ---- verification --------------------------------------------------------------------------

def test_unverified_at_the_bound_fails_with_what_to_check_and_rolls_back(emu: Emulator, fast_env: str) -> None:
    emu.set_verification(DOMAIN, "fail")
    with pytest.raises(errors.VerificationFailed) as caught:
        create(emu)
    message = str(caught.value)
    assert "HTTP request to https://track.example.com:443 failed" in message
    assert "certificate" in message and "DNS" in message and "sparkpost:verifyTimeout" in message
    assert emu.domains() == []  # nothing half-made is left for the next run to trip over


def test_verification_is_polled_until_it_succeeds(emu: Emulator, fast_env: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_VERIFY_TIMEOUT", "10")
    monkeypatch.setenv("SPARKPOST_VERIFY_INTERVAL", "0.05")
    emu.set_verification(DOMAIN, "pending")
    timer = threading.Timer(0.3, emu.set_verification, (DOMAIN, "valid"))
    timer.start()
    try:
        _, outs = create(emu)
    finally:
        timer.cancel()
    assert outs["verified"] is True and emu.count(path_suffix="/verify") >= 2


def test_verify_false_never_calls_verify(emu: Emulator, fast_env: str) -> None:
    emu.set_verification(DOMAIN, "fail")
    create(emu, verify=False)
    assert emu.count(path_suffix="/verify") == 0 and len(emu.domains()) == 1


def test_blank_cname_status_after_verification_is_not_an_error(emu: Emulator, fast_env: str) -> None:
    emu.update_settings(blank_cname_after_verify=True)
    _, outs = create(emu)
    assert outs["verified"] is True and outs["cname_status"] == ""


# ---- managed HTTPS -------------------------------------------------------------------------

def test_managed_certificate_flow(emu: Emulator, fast_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_CERTIFICATE_TIMEOUT", "10")
    emu.update_settings(tls_pending_reads=2)
    _, outs = create(emu, managed_certificate=True, default=True)
    steps = [(r.method, r.path.split(DOMAIN)[-1] or "/", r.body) for r in emu.requests()]
    assert steps[0] == ("GET", "/", None) and emu.requests()[0].status == 404
    assert steps[1] == ("POST", "/api/v1/tracking-domains", {"domain": DOMAIN, "secure": False})
    assert [s[1] for s in steps[2:5]] == ["/verify", "/certificate/check", "/certificate/enable"]
    assert [s[0] for s in steps[5:-1]] == ["GET"] * 3 and steps[-1] == ("PUT", "/", {"default": True})
    assert outs["tls_status"] == "valid" and outs["uses_managed_certificate"] is True
    assert outs["secure"] is True and outs["port"] == 443 and outs["default"] is True


@pytest.mark.parametrize("eligibility", ["ineligible", "forbidden"])
def test_ineligible_domain_gets_a_clear_error(emu: Emulator, fast_env: str, eligibility: str) -> None:
    emu.set_certificate_eligibility(DOMAIN, eligibility)
    with pytest.raises(errors.ManagedCertificateError, match="managed certificate"):
        create(emu, managed_certificate=True)
    assert emu.count(path_suffix="/certificate/enable") == 0 and emu.domains() == []


# ---- faults --------------------------------------------------------------------------------

def test_429_burst_during_create(emu: Emulator, fast_env: str) -> None:
    emu.fail_next(3, status=429)
    _, outs = create(emu)
    assert outs["verified"] is True and len(emu.domains()) == 1
    assert [(r.method, r.status) for r in emu.requests()] == [
        ("GET", 429), ("GET", 429), ("GET", 429), ("GET", 404), ("POST", 200), ("POST", 200)]


@pytest.mark.parametrize("step", ["create", "verify", "read", "update", "delete"])
def test_a_5xx_on_each_method_is_survived(emu: Emulator, fast_env: str, step: str) -> None:
    provider = TrackingDomainProvider()
    if step in ("create", "verify"):
        emu.fail_next(1, status=502, method="POST", path_suffix="/verify" if step == "verify" else "/tracking-domains")
        _, outs = create(emu)
        assert outs["verified"] is True
    else:
        _, outs = create(emu)
        emu.fail_next(1, status=503)
        if step == "read":
            assert provider.read(DOMAIN, outs).id == DOMAIN
        elif step == "update":
            updated = provider.update(DOMAIN, outs, inputs(emu, secure=False))
            assert updated.outs is not None and updated.outs["secure"] is False
        else:
            provider.delete(DOMAIN, outs)
    assert len(emu.domains()) == (0 if step == "delete" else 1)
    assert any(r.status >= 500 for r in emu.requests())


def test_read_timeout_is_survived(emu: Emulator, fast_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_REQUEST_TIMEOUT", "0.5")
    _, outs = create(emu)
    emu.delay_next(1, 1.5, method="GET")
    result = TrackingDomainProvider().read(DOMAIN, outs)
    assert result.id == DOMAIN and result.outs is not None and result.outs["secure"] is True


def test_dropped_connection_after_create(emu: Emulator, fast_env: str) -> None:
    emu.drop_after_commit(1, method="POST", path_suffix="/tracking-domains")
    id_, outs = create(emu)
    assert id_ == DOMAIN and outs["verified"] is True and outs["secure"] is True
    assert len(emu.domains()) == 1 and emu.count(method="POST", path_suffix="/tracking-domains") == 1


# ---- secrets -------------------------------------------------------------------------------

def test_key_appears_in_no_output_error_or_log(emu: Emulator, fast_env: str,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    emu.fail_next(1, status=503)
    _, outs = create(emu, default=True)
    assert KEY not in repr(outs)
    emu.set_verification("click.example.com", "fail")
    with pytest.raises(errors.VerificationFailed) as caught:
        TrackingDomainProvider().create(inputs(emu, domain="click.example.com"))
    assert KEY not in str(caught.value)
    assert all(KEY not in record.getMessage() for record in caplog.records)
    assert KEY not in repr(TrackingDomainProvider())



def test_update_of_a_domain_deleted_out_of_band_says_to_refresh(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu)
    emu.remove(DOMAIN)
    with pytest.raises(errors.SparkPostTrackingError, match="pulumi refresh"):
        TrackingDomainProvider().update(DOMAIN, outs, inputs(emu, secure=False))


# ---- drift: every declared property SparkPost can drift on converges ---------------------------

def refreshed_then_updated(emu: Emulator, outs: dict[str, Any], **declared: Any) -> dict[str, Any]:
    """refresh (read), then the diff the engine asks for, then the update: what `pulumi up` does."""
    provider = TrackingDomainProvider()
    read = provider.read(DOMAIN, outs)
    assert read.outs is not None
    news = inputs(emu, **declared)
    assert provider.diff(DOMAIN, read.outs, news).changes is True  # preview shows the drift
    emu.clear_requests()
    updated = provider.update(DOMAIN, read.outs, news).outs
    assert updated is not None
    assert provider.diff(DOMAIN, updated, news).changes is False  # and the next preview is clean
    return updated


def test_secure_drift_of_a_managed_domain_is_repaired(emu: Emulator, fast_env: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_CERTIFICATE_TIMEOUT", "10")
    _, outs = create(emu, managed_certificate=True)
    emu.mutate(DOMAIN, secure=False)
    updated = refreshed_then_updated(emu, outs, managed_certificate=True)
    assert ("PUT", {"secure": True}) in [(r.method, r.body) for r in emu.requests()]
    assert emu.get(DOMAIN)["secure"] is True and updated["secure"] is True and updated["port"] == 443


def test_lost_verification_is_verified_again(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu)
    emu.mutate(DOMAIN, verified=False)
    updated = refreshed_then_updated(emu, outs)
    assert [r.path.rsplit("/", 1)[-1] for r in emu.requests()] == [DOMAIN, "verify"]  # ordinary drift: repaired
    assert updated["verified"] is True and emu.get(DOMAIN)["status"]["verified"] is True


def test_an_expired_managed_certificate_is_requested_again(emu: Emulator, fast_env: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_CERTIFICATE_TIMEOUT", "10")
    _, outs = create(emu, managed_certificate=True)
    emu.mutate(DOMAIN, tls_status="expired")
    updated = refreshed_then_updated(emu, outs, managed_certificate=True)
    assert emu.count(path_suffix="/certificate/enable") == 1
    assert updated["tls_status"] == "valid" and emu.get(DOMAIN)["status"]["tls_status"] == "valid"


def test_a_default_taken_by_another_domain_is_taken_back(emu: Emulator, fast_env: str) -> None:
    _, outs = create(emu, default=True)
    emu.add_domain("other.example.com", verified=True, default=True)  # clears ours, as SparkPost does
    refreshed_then_updated(emu, outs, default=True)
    assert [(r.method, r.body) for r in emu.requests()] == [("GET", None), ("PUT", {"default": True})]
    assert emu.get(DOMAIN)["default"] is True and emu.get("other.example.com")["default"] is False


# ---- SparkPost's documented errors -----------------------------------------------------------

def test_a_blacklisted_domain_fails_in_sparkposts_words_and_leaves_nothing(emu: Emulator, fast_env: str) -> None:
    emu.reject_next("dns_blacklist")
    with pytest.raises(errors.SparkPostAPIError, match="domain is on a DNS blacklist") as caught:
        create(emu)
    assert caught.value.status == 400 and emu.domains() == []
    assert steps(emu) == [READ_FREE, ("POST", "tracking-domains", 400)]


def test_a_failed_eligibility_check_is_a_managed_certificate_error(emu: Emulator, fast_env: str) -> None:
    emu.reject_next("eligibility_check_failed")
    with pytest.raises(errors.ManagedCertificateError, match="Certificate eligibility check failed"):
        create(emu, managed_certificate=True)
    assert emu.domains() == []  # rolled back: SparkPost answered our create


def test_eligibility_timeouts_are_retried(emu: Emulator, fast_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_CERTIFICATE_TIMEOUT", "10")
    emu.reject_next("check_timed_out")
    emu.reject_next("enable_timed_out")
    _, outs = create(emu, managed_certificate=True)
    assert outs["tls_status"] == "valid"
    assert [r.status for r in emu.requests() if "/certificate/" in r.path] == [503, 200, 503, 200]


def test_ineligible_domain_error_quotes_sparkpost(emu: Emulator, fast_env: str) -> None:
    emu.set_certificate_eligibility(DOMAIN, "forbidden")
    with pytest.raises(errors.ManagedCertificateError, match="due to Let's Encrypt policies"):
        create(emu, managed_certificate=True)
