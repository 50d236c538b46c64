"""Managed certificates in the emulator: the issued certificate's dates, and issuance failing with each documented
error code (in process and through the admin API)."""

from __future__ import annotations

from datetime import datetime

import pytest

from sparkpost_tracking.dynamic_providers.certificate_errors import ERROR_CODES
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.remote import AdminClient
from sparkpost_tracking.emulator.testing import HttpApi

D = "managed.example.com"


def start_issuance(api: HttpApi, domain: str = D) -> None:
    api.create(domain)
    assert api.verify(domain).status_code == 200
    assert api("POST", f"/tracking-domains/{domain}/certificate/enable").status_code == 200


def certificate_after_pending(api: HttpApi, domain: str = D) -> dict:
    assert api.get(domain).json()["results"]["status"]["tls_status"] == "pending"  # tls_pending_reads: 1
    return api.get(domain).json()["results"]


def stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_an_issued_certificate_has_ninety_days_and_no_error(api: HttpApi) -> None:
    start_issuance(api)
    found = certificate_after_pending(api)
    certificate = found["tls_certificate"]
    assert found["status"]["tls_status"] == "valid" and certificate["error_code"] is None
    assert 89 <= (stamp(certificate["expires_at"]) - stamp(certificate["issued_at"])).days <= 90


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_an_issuance_fails_with_the_injected_code(api: HttpApi, emulator: Emulator, code: str) -> None:
    emulator.fail_issuance(code)
    start_issuance(api)
    found = certificate_after_pending(api)
    assert found["status"]["tls_status"] == "failed" and found["uses_managed_certificate"] is True
    assert found["tls_certificate"] == {"issued_at": None, "expires_at": None, "error_code": code}


def test_a_failure_is_used_once_and_can_name_its_domain(api: HttpApi, emulator: Emulator) -> None:
    emulator.fail_issuance("acme:unauthorized", domain="Other.Example.com")
    start_issuance(api)
    assert certificate_after_pending(api)["status"]["tls_status"] == "valid"  # not the named domain
    start_issuance(api, "other.example.com")
    failed = certificate_after_pending(api, "other.example.com")
    assert failed["tls_certificate"]["error_code"] == "acme:unauthorized"
    # certificate/enable of a failed domain starts a new issuance, which succeeds, and forgets the old error.
    assert api("POST", "/tracking-domains/other.example.com/certificate/enable").status_code == 200
    assert emulator.get("other.example.com")["tls_certificate"]["error_code"] is None  # type: ignore[index]
    again = certificate_after_pending(api, "other.example.com")
    assert again["status"]["tls_status"] == "valid" and again["tls_certificate"]["issued_at"]


def test_failures_count_down_and_reset_forgets_them(api: HttpApi, emulator: Emulator) -> None:
    emulator.fail_issuance("service:internal", n=2)
    for name in ("a.example.com", "b.example.com"):
        start_issuance(api, name)
        assert certificate_after_pending(api, name)["tls_certificate"]["error_code"] == "service:internal"
    emulator.fail_issuance("acme:dns")
    emulator.reset()
    start_issuance(api)
    assert certificate_after_pending(api)["status"]["tls_status"] == "valid"


def test_the_admin_client_injects_a_failure_too(api: HttpApi, emulator: Emulator) -> None:
    admin = AdminClient(emulator.admin_url)
    try:
        admin.fail_issuance("acme:rejected_identifier", domain=D)
    finally:
        admin.close()
    start_issuance(api)
    assert certificate_after_pending(api)["tls_certificate"]["error_code"] == "acme:rejected_identifier"
