"""The emulator against SparkPost's published examples: invalid names, documented errors and their wordings,
the terse published object (no ``tls_status``), Retry-After on injected failures, and the random storm."""

from __future__ import annotations

import pytest

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.remote import AdminClient
from sparkpost_tracking.emulator.testing import HttpApi, errors_of

D = "track.example.com"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("name", ["baddomain", "a..b.com", "bad_domain.example.com"])
def test_invalid_names_are_400_naming_the_parameter(api: HttpApi, emulator: Emulator, method: str,
                                                    name: str) -> None:
    response = api(method, f"/tracking-domains/{name}", json={"secure": True} if method == "PUT" else None)
    assert response.status_code == 400
    assert errors_of(response) == [{"param": "domain", "message": "domain must be valid", "value": name}]


def test_a_valid_name_that_does_not_exist_is_still_404(api: HttpApi) -> None:
    assert api.get("missing.example.com").status_code == 404


def certificate(api: HttpApi, step: str) -> tuple[int, list[dict[str, object]]]:
    response = api("POST", f"/tracking-domains/{D}/certificate/{step}")
    return response.status_code, errors_of(response) if response.status_code >= 400 else []


def test_the_documented_403_wordings(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    api.verify(D)
    emulator.set_certificate_eligibility(D, "forbidden")
    assert certificate(api, "check") == (403, [{"message": "Domain is not eligible for managed certificates due "
                                                           "to Let's Encrypt policies"}])
    assert certificate(api, "enable") == (403, [{"message": "Managed certificates cannot be issued for this "
                                                            "domain due to Let's Encrypt policies"}])


def test_dns_blacklist_on_create(api: HttpApi, emulator: Emulator) -> None:
    emulator.reject_next("dns_blacklist")
    response = api("POST", "/tracking-domains", json={"domain": "baddomain.com"})
    assert response.status_code == 400
    assert errors_of(response) == [{"param": "domain", "message": "domain is on a DNS blacklist",
                                    "value": "baddomain.com"}]
    assert emulator.domains() == [] and emulator.pending_faults() == []
    api.create(D)  # one request only


@pytest.mark.parametrize(("error", "step", "status", "message"), [
    ("eligibility_check_failed", "check", 400, "Certificate eligibility check failed"),
    ("check_timed_out", "check", 503, "Certificate eligibility check timed out"),
    ("enable_timed_out", "enable", 503, "Certificate eligibility check timed out"),
])
def test_documented_certificate_errors(api: HttpApi, emulator: Emulator, error: str, step: str, status: int,
                                       message: str) -> None:
    api.create(D)
    api.verify(D)
    emulator.reject_next(error)
    assert api.verify(D).status_code == 200  # a documented error waits for its own endpoint
    before = emulator.get(D)
    assert certificate(api, step) == (status, [{"message": message}])
    assert emulator.get(D) == before
    assert certificate(api, step)[0] == 200


def test_documented_errors_come_after_authentication(api: HttpApi, emulator: Emulator) -> None:
    emulator.reject_next("dns_blacklist")
    assert api("POST", "/tracking-domains", json={"domain": D}, headers={"Authorization": "wrong"}).status_code == 401
    assert api("POST", "/tracking-domains", json={"domain": D}).status_code == 400


def test_unknown_documented_error_is_refused(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="dns_blacklist"):
        emulator.reject_next("teapot")


def test_tls_status_can_be_omitted_as_in_the_published_samples(api: HttpApi, emulator: Emulator) -> None:
    emulator.update_settings(omit_tls_status=True, tls_pending_reads=0)
    api.create(D)
    assert "tls_status" not in api.verify(D).json()["results"]
    certificate(api, "enable")
    found = api.get(D).json()["results"]
    assert "tls_status" not in found["status"] and found["tls_certificate"]["issued_at"]
    assert all("tls_status" not in d["status"] for d in emulator.domains())
    with pytest.raises(ValueError):
        emulator.update_settings(omit_tls_status="yes")


def test_injected_failure_can_carry_retry_after(api: HttpApi, emulator: Emulator) -> None:
    emulator.fail_next(1, status=429, retry_after=3)
    assert api.get(D).headers["Retry-After"] == "3"
    emulator.fail_next(1, status=429)
    assert "Retry-After" not in api.get(D).headers
    with pytest.raises(ValueError):
        emulator.fail_next(1, status=429, retry_after=1.5)  # type: ignore[arg-type]


def statuses(api: HttpApi, emulator: Emulator, n: int) -> list[tuple[int, bool, bool]]:
    emulator.clear_requests()
    for _ in range(n):
        api("GET", "/tracking-domains")
    return [(r.status, r.injected, r.dropped) for r in emulator.requests()]


def test_a_seeded_storm_repeats_and_ends_with_clear_faults(api: HttpApi, emulator: Emulator) -> None:
    emulator.storm(0.3, statuses=[429, 503], burst_min=3, burst_max=4, seed=11)
    first = statuses(api, emulator, 60)
    emulator.storm(0.3, statuses=[429, 503], burst_min=3, burst_max=4, seed=11)
    assert statuses(api, emulator, 60) == first
    failed = [status for status, injected, _ in first if injected]
    assert failed and set(failed) <= {429, 503} and len(failed) < 60
    runs, run = [], 0
    for _status, injected, _ in [*first, (200, False, False)]:
        if injected:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    assert min(runs) >= 3  # bursts (two may touch)
    emulator.clear_faults()
    assert statuses(api, emulator, 20) == [(200, False, False)] * 20


def test_a_storm_can_lose_answers_after_commit(api: HttpApi, emulator: Emulator) -> None:
    emulator.storm(0.0, drop_rate=1.0, seed=1)
    with pytest.raises(Exception):  # noqa: B017 - the connection closes without an answer
        api("POST", "/tracking-domains", json={"domain": D})
    assert emulator.get(D) is not None  # committed
    assert [(r.status, r.dropped) for r in emulator.requests()] == [(200, True)]


@pytest.mark.parametrize("arguments", [
    {"rate": 1.5}, {"rate": 0.1, "statuses": [200]}, {"rate": 0.1, "burst_min": 3, "burst_max": 2},
    {"rate": 0.1, "drop_rate": -0.1}, {"rate": 0.1, "seed": "x"},
])
def test_storm_arguments_are_checked(emulator: Emulator, arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        emulator.storm(**arguments)  # type: ignore[arg-type]


def test_new_controls_work_over_the_admin_api(api: HttpApi, emulator: Emulator) -> None:
    admin = AdminClient(emulator.admin_url)
    try:
        admin.storm(1.0, statuses=[502], seed=3)
        assert api("POST", "/tracking-domains", json={"domain": D}).status_code == 502
        admin.clear_faults()
        admin.reject_next("dns_blacklist")
        assert api("POST", "/tracking-domains", json={"domain": D}).status_code == 400
        assert emulator.domains() == []
    finally:
        admin.close()
