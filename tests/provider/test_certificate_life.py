"""The managed certificate's life through the dynamic provider against the emulator: its dates and error as
outputs, each documented error_code ending the create at SparkPost's first report of it (with that code's fix),
and a failed certificate found by refresh requested again by the next update."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider, errors
from sparkpost_tracking.dynamic_providers.certificate_errors import ERROR_CODES
from sparkpost_tracking.dynamic_providers.schema import check_inputs
from sparkpost_tracking.emulator import Emulator

from .conftest import KEY

DOMAIN = "managed.example.com"
PENDING_READS = 2


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    # A timeout far beyond the test's run: a wait that ended by timing out would show.
    monkeypatch.setenv("SPARKPOST_CERTIFICATE_TIMEOUT", "600")
    with Emulator(api_keys=[KEY]) as emulator:
        emulator.update_settings(tls_pending_reads=PENDING_READS)
        yield emulator


def inputs(emu: Emulator, **declared: Any) -> dict[str, Any]:
    checked, failures = check_inputs({"domain": DOMAIN, "api_url": emu.base_url, "managed_certificate": True,
                                      **declared})
    assert failures == []
    return {**checked, "__provider": "serialized"}


def moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_a_valid_certificate_reports_its_dates_and_no_error(emu: Emulator, fast_env: str) -> None:
    outs = TrackingDomainProvider().create(inputs(emu)).outs
    assert outs is not None
    certificate = emu.get(DOMAIN)["tls_certificate"]  # type: ignore[index]
    assert outs["certificate_issued_at"] == certificate["issued_at"]
    assert outs["certificate_expires_at"] == certificate["expires_at"]
    assert 89 <= (moment(outs["certificate_expires_at"]) - moment(outs["certificate_issued_at"])).days <= 90
    assert outs.get("certificate_error") is None


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_each_error_code_ends_the_create_at_its_first_report_with_its_fix(emu: Emulator, fast_env: str,
                                                                           code: str) -> None:
    emu.fail_issuance(code)
    with pytest.raises(errors.ManagedCertificateError) as raised:
        TrackingDomainProvider().create(inputs(emu))
    message = str(raised.value)
    assert f"error_code {code}" in message and ERROR_CODES[code].fix.format(domain=DOMAIN) in message
    assert "was not valid within" not in message
    # The GETs: PENDING_READS answers 'pending', the next one reports the code; after it only the roll-back.
    calls = [(r.method, r.path.rsplit("/", 1)[-1]) for r in emu.requests()]
    enable = calls.index(("POST", "enable"))
    assert calls[enable + 1:] == [("GET", DOMAIN)] * (PENDING_READS + 1) + [("DELETE", DOMAIN)]


def test_a_failed_certificate_found_by_refresh_is_drift_and_the_next_update_requests_it_again(
        emu: Emulator, fast_env: str) -> None:
    provider = TrackingDomainProvider()
    created = provider.create(inputs(emu)).outs
    assert created is not None
    emu.mutate(DOMAIN, tls_status="failed",
               tls_certificate={"issued_at": None, "expires_at": None, "error_code": "acme:dns"})
    read = provider.read(DOMAIN, created)
    assert read.outs is not None and read.outs["certificate_error"] == "acme:dns"
    assert "certificate_issued_at" not in read.outs
    news = inputs(emu)
    assert provider.diff(DOMAIN, read.outs, news).changes is True
    emu.clear_requests()
    updated = provider.update(DOMAIN, read.outs, news).outs
    assert updated is not None
    assert emu.count(path_suffix="/certificate/enable") == 1
    assert updated["tls_status"] == "valid" and "certificate_error" not in updated
    assert updated["certificate_issued_at"] == emu.get(DOMAIN)["tls_certificate"]["issued_at"]  # type: ignore[index]
    assert provider.diff(DOMAIN, updated, news).changes is False


def test_a_renewal_error_beside_a_valid_certificate_is_no_drift(emu: Emulator, fast_env: str) -> None:
    provider = TrackingDomainProvider()
    created = provider.create(inputs(emu)).outs
    assert created is not None
    certificate = {**emu.get(DOMAIN)["tls_certificate"], "error_code": "acme:temporary"}  # type: ignore[index]
    emu.mutate(DOMAIN, tls_certificate=certificate)
    read = provider.read(DOMAIN, created)
    assert read.outs is not None and read.outs["certificate_error"] == "acme:temporary"
    assert provider.diff(DOMAIN, read.outs, inputs(emu)).changes is False


def test_without_tls_status_an_expired_certificate_is_drift_by_its_date(emu: Emulator, fast_env: str) -> None:
    emu.update_settings(omit_tls_status=True)  # as in SparkPost's published samples
    provider = TrackingDomainProvider()
    created = provider.create(inputs(emu)).outs
    assert created is not None and created["tls_status"] == "valid"  # read from the issued certificate
    news = inputs(emu)
    assert provider.diff(DOMAIN, provider.read(DOMAIN, created).outs or {}, news).changes is False
    emu.mutate(DOMAIN, tls_status="expired", tls_certificate={
        "issued_at": "2026-01-01T00:00:00.000Z", "expires_at": "2026-03-31T23:59:59.000Z", "error_code": None})
    read = provider.read(DOMAIN, created).outs
    assert read is not None and read["tls_status"] == "expired"
    assert provider.diff(DOMAIN, read, news).changes is True
