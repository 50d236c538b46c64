"""The Emulator's Python API: lifecycle, addresses, out-of-band changes, reset, concurrency."""

from __future__ import annotations

import re
import threading

import pytest
import requests

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.testing import HttpApi

D = "track.example.com"
DEFAULT_SETTINGS = {"default_verification": "valid", "default_certificate_eligibility": "eligible",
                    "tls_pending_reads": 1, "latency": 0.0, "blank_cname_after_verify": False,
                    "omit_tls_status": False, "dns_server": None, "dns_timeout": 2.0,
                    "bounce_host": "sparkpostmail.com", "omit_creation_time": False}


def test_addresses_and_lifecycle() -> None:
    emu = Emulator(api_keys=["k"])
    with pytest.raises(RuntimeError):
        _ = emu.base_url
    with emu:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/v1", emu.base_url)
        assert emu.base_url == f"http://127.0.0.1:{emu.port}/api/v1"
        assert emu.admin_url == f"http://127.0.0.1:{emu.port}/_emulator"
        assert "k" not in repr(emu).replace("/api", "")
        port = emu.port
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/api/v1/tracking-domains", timeout=2)
    emu.stop()  # idempotent
    with pytest.raises(RuntimeError):
        emu.start()


def test_two_emulators_get_different_ports() -> None:
    with Emulator() as one, Emulator() as two:
        assert one.port != two.port


def test_a_taken_port_raises_oserror(emulator: Emulator) -> None:
    with pytest.raises(OSError):
        Emulator(port=emulator.port).start()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::", ""])
def test_only_loopback_hosts_are_accepted(host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        Emulator(host=host)


def test_localhost_means_127_0_0_1() -> None:
    with Emulator(host="localhost") as emu:
        assert emu.base_url.startswith("http://127.0.0.1:")


def test_api_keys_must_not_be_empty() -> None:
    with pytest.raises(ValueError):
        Emulator(api_keys=[])
    with pytest.raises(ValueError):
        Emulator(api_keys=[""])


def test_add_domain_seeds_state_for_adoption(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_domain("Old.example.com", subaccount_id=9, verified=True, default=True)
    found = api.get("old.example.com").json()["results"]
    assert (found["subaccount_id"], found["default"], found["status"]["verified"]) == (9, True, True)
    assert api("POST", "/tracking-domains", json={"domain": "old.example.com"}).status_code == 409
    with pytest.raises(ValueError):
        emulator.add_domain("old.example.com")
    with pytest.raises(ValueError):
        emulator.add_domain("not valid")


def test_mutate_keeps_port_consistent_with_secure(api: HttpApi, emulator: Emulator) -> None:
    api.create(D, secure=True)
    assert emulator.mutate(D, secure=False)["port"] == 80
    assert api.get(D).json()["results"]["port"] == 80
    assert emulator.mutate(D, port=443)["secure"] is True
    with pytest.raises(ValueError):
        emulator.mutate(D, port=443, secure=False)
    with pytest.raises(ValueError):
        emulator.mutate(D, port=8443)


def test_mutate_verification_and_default(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    api.create("b.example.com")
    verified = emulator.mutate(D, verified=True, default=True)
    assert verified["status"] == {"verified": True, "cname_status": "valid", "compliance_status": "valid",
                                  "tls_status": "unavailable"}
    emulator.mutate("b.example.com", default=True)  # out of band: no verification needed
    assert api.listing(default="true") == ["b.example.com"]
    unverified = emulator.mutate(D, verified=False)
    assert (unverified["status"]["verified"], unverified["status"]["cname_status"]) == (False, "invalid")
    changed = emulator.mutate(D, cname_status="pending", compliance_status="blocked", tls_status="failed",
                              uses_managed_certificate=True, tls_certificate={"error_code": "acme:dns"})
    assert changed["status"] == {"verified": False, "cname_status": "pending", "compliance_status": "blocked",
                                 "tls_status": "failed"}
    assert emulator.get(D)["tls_certificate"] == {"error_code": "acme:dns"}  # type: ignore[index]


@pytest.mark.parametrize("fields", [{"domain": "x.example.com"}, {"subaccount_id": 3}, {"secure": 1},
                                    {"cname_status": "great"}, {"tls_certificate": "yes"}])
def test_mutate_rejects_unknown_fields_and_values_without_changing_anything(
        api: HttpApi, emulator: Emulator, fields: dict[str, object]) -> None:
    api.create(D)
    before = emulator.get(D)
    with pytest.raises(ValueError):
        emulator.mutate(D, **{"default": True, **fields})
    assert emulator.get(D) == before


def test_mutate_and_remove_of_missing_domains(emulator: Emulator) -> None:
    with pytest.raises(KeyError):
        emulator.mutate("missing.example.com", secure=True)
    assert emulator.remove("missing.example.com") is False


def test_remove_is_an_out_of_band_delete(api: HttpApi, emulator: Emulator) -> None:
    api.create(D, sub=3)
    assert emulator.remove("TRACK.example.com") is True
    assert api.get(D).status_code == 404
    assert emulator.requests()[-1].status == 404


def test_reset_empties_state_faults_log_and_settings(api: HttpApi, emulator: Emulator) -> None:
    api.create(D)
    emulator.set_verification(D, "fail")
    emulator.set_certificate_eligibility(D, "forbidden")
    emulator.fail_next(3)
    emulator.update_settings(latency=0.5)
    emulator.update_settings(tls_pending_reads=7)
    emulator.update_settings(blank_cname_after_verify=True)
    emulator.update_settings(default_certificate_eligibility="ineligible")
    emulator.reset()
    assert emulator.domains() == [] and emulator.requests() == [] and emulator.pending_faults() == []
    assert emulator.settings() == DEFAULT_SETTINGS
    api.create(D)
    assert api.verify(D).status_code == 200


def test_settings_are_validated(emulator: Emulator) -> None:
    with pytest.raises(ValueError):
        emulator.update_settings(tls_pending_reads=-1)
    with pytest.raises(ValueError):
        emulator.update_settings(default_certificate_eligibility="perhaps")
    with pytest.raises(ValueError):
        emulator.set_certificate_eligibility(D, "perhaps")  # type: ignore[arg-type]


def test_concurrent_creates_of_one_domain_store_it_once(emulator: Emulator, api_key: str) -> None:
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def create() -> None:
        barrier.wait()
        response = requests.post(emulator.base_url + "/tracking-domains", json={"domain": D},
                                 headers={"Authorization": api_key}, timeout=5)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 7
    assert len(emulator.domains()) == 1 and emulator.count("POST") == 8
