"""Verification outcomes and the blank-cname quirk (spec §1.1, §1.5), managed certificates (spec §1.6)."""

from __future__ import annotations

import pytest

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.testing import HttpApi, errors_of

D = "track.example.com"


def status_of(api: HttpApi, domain: str = D) -> dict[str, object]:
    return dict(api.get(domain).json()["results"]["status"])


def test_verify_valid_marks_the_domain_verified_and_compliant(api: HttpApi) -> None:
    api.create(D)
    response = api.verify(D)
    expected = {"verified": True, "cname_status": "valid", "compliance_status": "valid",
                "tls_status": "unavailable"}
    assert response.status_code == 200
    assert response.json() == {"results": expected}
    assert status_of(api) == expected


def test_verify_pending_is_200_but_not_verified(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    emulator.set_verification("TRACK.example.com", "pending")
    response = api.verify(D)
    assert response.status_code == 200
    assert response.json()["results"] == {"verified": False, "cname_status": "pending",
                                          "compliance_status": "pending", "tls_status": "unavailable"}
    assert api.put(D, {"default": True}).status_code == 422


@pytest.mark.parametrize("secure,target", [(False, "http://track.example.com:80"),
                                           (True, "https://track.example.com:443")])
def test_verify_fail_is_400_with_the_documented_message(api: HttpApi, emulator: Emulator, secure: bool,
                                                        target: str) -> None:
    api.create(D, secure=secure)
    emulator.set_verification(D, "fail")
    before = emulator.get(D)
    response = api.verify(D)
    assert response.status_code == 400
    message = (f"HTTP request to {target} failed.  Please verify that your redirect is functioning and "
               "that your SSL certificate is valid.")
    assert errors_of(response) == [{"message": message}]
    assert emulator.get(D) == before


def test_default_verification_applies_to_domains_without_an_outcome(api: HttpApi, emulator: Emulator) -> None:
    emulator.update_settings(default_verification="fail")
    emulator.set_verification("ok.example.com", "valid")
    api.create(D)
    api.create("ok.example.com")
    assert api.verify(D).status_code == 400
    assert api.verify("ok.example.com").json()["results"]["verified"] is True
    with pytest.raises(ValueError):
        emulator.update_settings(default_verification="maybe")
    with pytest.raises(ValueError):
        emulator.set_verification(D, "yes")  # type: ignore[arg-type]


def test_a_pending_verify_unverifies_a_verified_domain(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    api.verify(D)
    emulator.set_verification(D, "pending")
    api.verify(D)
    assert status_of(api)["verified"] is False


def test_verify_of_a_missing_domain_is_404(api: HttpApi) -> None:
    assert api.verify("missing.example.com").status_code == 404


def test_blank_cname_quirk(api: HttpApi, emulator: Emulator) -> None:
    emulator.update_settings(blank_cname_after_verify=True)
    api.create(D)
    api.create("other.example.com")
    verified = api.verify(D).json()["results"]
    assert (verified["verified"], verified["cname_status"]) == (True, "")
    assert status_of(api)["cname_status"] == "" and status_of(api)["verified"] is True
    assert status_of(api, "other.example.com")["cname_status"] == "unverified"
    assert emulator.get(D)["status"]["cname_status"] == ""  # type: ignore[index]
    emulator.update_settings(blank_cname_after_verify=False)
    assert status_of(api)["cname_status"] == "valid"


# ---- managed certificates -------------------------------------------------------------------------

def check(api: HttpApi, domain: str = D) -> tuple[int, dict[str, object]]:
    response = api("POST", f"/tracking-domains/{domain}/certificate/check")
    return response.status_code, response.json()


def enable(api: HttpApi, domain: str = D) -> tuple[int, dict[str, object]]:
    response = api("POST", f"/tracking-domains/{domain}/certificate/enable")
    return response.status_code, response.json()


def test_check_works_on_unverified_domains_and_changes_nothing(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    before = emulator.get(D)
    assert check(api) == (200, {"results": {"domain": D, "supportsManagedCertificate": True}})
    assert emulator.get(D) == before


def test_check_reports_ineligible_and_forbidden(api: HttpApi, emulator: Emulator) -> None:
    api.create("no.example.com")
    api.create("forbidden.example.com")
    emulator.set_certificate_eligibility("no.example.com", "ineligible")
    emulator.set_certificate_eligibility("FORBIDDEN.example.com", "forbidden")
    assert check(api, "no.example.com") == (200, {"results": {"domain": "no.example.com",
                                                               "supportsManagedCertificate": False}})
    status, body = check(api, "forbidden.example.com")
    assert status == 403 and "Let's Encrypt" in body["errors"][0]["message"]  # type: ignore[index]


def test_enable_needs_a_verified_domain(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    assert enable(api) == (400, {"errors": [{"message": "Domain must be verified before enabling managed "
                                                        "certificates"}]})
    assert emulator.get(D)["uses_managed_certificate"] is False  # type: ignore[index]


@pytest.mark.parametrize("eligibility", ["ineligible", "forbidden"])
def test_enable_is_403_for_a_domain_lets_encrypt_refuses(api: HttpApi, emulator: Emulator,
                                                         eligibility: str) -> None:
    api.create(D)
    api.verify(D)
    emulator.set_certificate_eligibility(D, eligibility)  # type: ignore[arg-type]
    status, _ = enable(api)
    assert status == 403
    assert emulator.get(D)["status"]["tls_status"] == "unavailable"  # type: ignore[index]


def test_managed_certificate_lifecycle(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    api.verify(D)
    assert enable(api) == (200, {"results": {"message": f"Certificate issuance initiated for {D}"}})
    stored = emulator.get(D)
    assert stored is not None
    assert (stored["uses_managed_certificate"], stored["secure"], stored["port"]) == (True, False, 80)
    assert stored["status"]["tls_status"] == "pending" and "tls_certificate" not in stored
    assert api.listing() == [D] and emulator.get(D) == stored  # neither list nor get() advance it
    first = api.get(D).json()["results"]
    assert first["status"]["tls_status"] == "pending" and "tls_certificate" not in first
    second = api.get(D).json()["results"]
    assert second["status"]["tls_status"] == "valid"
    assert (second["secure"], second["port"]) == (True, 443)  # SparkPost switches to https once it can serve it
    certificate = second["tls_certificate"]
    assert set(certificate) == {"issued_at", "expires_at", "error_code"}
    assert certificate["error_code"] is None
    assert certificate["issued_at"].endswith(".000Z") and certificate["expires_at"] > certificate["issued_at"]
    assert enable(api)[0] == 200  # enabling again is harmless
    assert api.get(D).json()["results"] == second


@pytest.mark.parametrize("reads", [0, 3])
def test_tls_pending_reads_sets_how_many_gets_stay_pending(api: HttpApi, emulator: Emulator,
                                                           reads: int) -> None:
    emulator.update_settings(tls_pending_reads=reads)
    api.create(D)
    api.verify(D)
    enable(api)
    seen = [api.get(D).json()["results"]["status"]["tls_status"] for _ in range(reads + 1)]
    assert seen == ["pending"] * reads + ["valid"]


def test_secure_can_be_switched_off_after_a_managed_certificate(api: HttpApi, emulator: Emulator) -> None:
    emulator.update_settings(tls_pending_reads=0)
    api.create(D)
    api.verify(D)
    enable(api)
    api.get(D)
    assert api.put(D, {"secure": False}).status_code == 200
    found = api.get(D).json()["results"]
    assert (found["secure"], found["port"], found["uses_managed_certificate"]) == (False, 80, True)


def test_certificate_endpoints_404_for_a_missing_domain(api: HttpApi) -> None:
    assert check(api, "missing.example.com")[0] == 404
    assert enable(api, "missing.example.com")[0] == 404
