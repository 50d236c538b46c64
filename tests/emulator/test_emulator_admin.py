"""The admin API under /_emulator/ (for out-of-process control) and its Python client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.remote import AdminClient
from sparkpost_tracking.emulator.testing import HttpApi, errors_of

D = "track.example.com"
DEFAULT_SETTINGS = {"default_verification": "valid", "default_certificate_eligibility": "eligible",
                    "tls_pending_reads": 1, "latency": 0.0, "blank_cname_after_verify": False}


class Admin:
    """Plain HTTP to the admin API (no key)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, method: str, path: str = "", body: Any = None) -> requests.Response:
        return requests.request(method, self.url + path, json=body, timeout=5)

    def results(self, method: str, path: str = "", body: Any = None) -> Any:
        response = self(method, path, body)
        assert response.status_code == 200, response.text
        return response.json()["results"]


@pytest.fixture
def admin(emulator: Emulator) -> Admin:
    return Admin(emulator.admin_url)


def test_info_needs_no_key_and_is_not_recorded(admin: Admin, emulator: Emulator) -> None:
    info = admin.results("GET")
    assert info["base_url"] == emulator.base_url
    assert info["settings"] == DEFAULT_SETTINGS
    assert admin("GET", "/").status_code == 200
    assert emulator.requests == []


def test_requests_can_be_read_and_cleared(admin: Admin, api: HttpApi, emulator: Emulator) -> None:
    api.create(D, sub=3)
    records = admin.results("GET", "/requests")
    assert records == [emulator.requests[0].to_json()]
    assert records[0]["subaccount"] == "3" and records[0]["body"] == {"domain": D, "secure": False}
    assert admin("DELETE", "/requests").status_code == 204
    assert emulator.requests == []


def test_domains_can_be_listed_added_read_changed_and_removed(admin: Admin, api: HttpApi,
                                                              emulator: Emulator) -> None:
    body = {"domain": "Old.Example.com", "subaccount_id": 4, "verified": True, "secure": True}
    added = admin.results("POST", "/domains", body)
    assert (added["domain"], added["subaccount_id"], added["port"], added["status"]["verified"]) == (
        "old.example.com", 4, 443, True)
    assert admin.results("GET", "/domains") == emulator.domains() == [added]
    assert admin.results("GET", "/domains/old.example.com") == added
    changed = admin.results("PATCH", "/domains/old.example.com", {"secure": False, "verified": False})
    assert (changed["secure"], changed["port"], changed["status"]["verified"]) == (False, 80, False)
    assert api.get("old.example.com", sub=4).json()["results"] == changed
    assert admin("DELETE", "/domains/old.example.com").status_code == 204
    assert emulator.domains() == []
    assert admin("DELETE", "/domains/old.example.com").status_code == 404
    assert admin("GET", "/domains/old.example.com").status_code == 404
    assert admin("PATCH", "/domains/old.example.com", {"secure": True}).status_code == 404


@pytest.mark.parametrize("method,path,body", [
    ("PATCH", f"/domains/{D}", {"colour": "blue"}),
    ("PATCH", f"/domains/{D}", {"secure": "yes"}),
    ("PATCH", f"/domains/{D}", {"port": 8080}),
    ("POST", "/domains", {"domain": D}),
    ("POST", "/domains", {"domain": "bad domain"}),
    ("POST", "/domains", {}),
    ("PUT", f"/verification/{D}", {"outcome": "maybe"}),
    ("PUT", f"/certificate/{D}", {"eligibility": "sometimes"}),
    ("POST", "/faults", {"kind": "explode"}),
    ("POST", "/faults", {"kind": "fail_next", "n": 1, "status": 404}),
    ("POST", "/faults", {"kind": "delay_next", "n": 1}),
    ("POST", "/faults", {"kind": "drop_after_commit", "colour": "blue"}),
    ("POST", "/faults", {"kind": "latency", "seconds": -1}),
    ("PUT", "/settings", {"colour": "blue"}),
    ("PUT", "/settings", {"tls_pending_reads": -1}),
    ("PUT", "/settings", {"blank_cname_after_verify": "yes"}),
    ("PUT", "/settings", [1]),
])
def test_bad_admin_requests_are_400(admin: Admin, api: HttpApi, method: str, path: str, body: Any) -> None:
    api.create(D)
    response = admin(method, path, body)
    assert response.status_code == 400, response.text
    assert errors_of(response)[0]["message"]


def test_verification_and_certificate_outcomes(admin: Admin, api: HttpApi) -> None:
    api.create(D)
    assert admin("PUT", f"/verification/{D}", {"outcome": "fail"}).status_code == 204
    assert api.verify(D).status_code == 400
    assert admin("PUT", f"/certificate/{D}", {"eligibility": "forbidden"}).status_code == 204
    assert api("POST", f"/tracking-domains/{D}/certificate/check").status_code == 403


def test_faults_mirror_the_python_methods(admin: Admin, api: HttpApi, emulator: Emulator) -> None:
    admin.results("POST", "/faults", {"kind": "fail_next", "n": 1, "status": 503, "method": "GET"})
    admin.results("POST", "/faults", {"kind": "delay_next", "n": 1, "seconds": 0.01})
    admin.results("POST", "/faults", {"kind": "drop_after_commit"})
    state = admin.results("POST", "/faults", {"kind": "latency", "seconds": 0.01})
    assert [f["kind"] for f in state["faults"]] == ["fail", "delay", "drop"] and state["latency"] == 0.01
    assert api("GET", "/tracking-domains").status_code == 503
    with pytest.raises(requests.ConnectionError):
        api("POST", "/tracking-domains", json={"domain": D})
    assert emulator.get(D) is not None
    assert admin.results("GET", "/faults") == {"faults": [], "latency": 0.01}
    admin.results("POST", "/faults", {"kind": "fail_next"})
    assert admin("DELETE", "/faults").status_code == 204
    assert admin.results("GET", "/faults") == {"faults": [], "latency": 0.0}


def test_settings_and_reset(admin: Admin, api: HttpApi, emulator: Emulator) -> None:
    new = {"default_verification": "pending", "default_certificate_eligibility": "ineligible",
           "tls_pending_reads": 0, "latency": 0.0, "blank_cname_after_verify": True}
    assert admin.results("PUT", "/settings", new) == new == admin.results("GET", "/settings")
    assert emulator.default_verification == "pending" and emulator.blank_cname_after_verify is True
    assert admin("PUT", "/settings", {"tls_pending_reads": 5, "latency": -1}).status_code == 400
    assert emulator.tls_pending_reads == 0  # a rejected update changes nothing
    api.create(D)
    emulator.fail_next(5)
    assert admin("POST", "/reset").status_code == 204
    assert emulator.domains() == [] and emulator.requests == [] and emulator.pending_faults() == []
    assert emulator.default_verification == "valid" and emulator.blank_cname_after_verify is False


def test_unknown_admin_paths(admin: Admin) -> None:
    assert admin("GET", "/nothing").status_code == 404
    assert admin("POST", "/requests").status_code == 405


@pytest.fixture
def client(emulator: Emulator) -> Iterator[AdminClient]:
    remote = AdminClient(emulator.admin_url)
    yield remote
    remote.close()


def test_admin_client_mirrors_the_emulator(client: AdminClient, api: HttpApi, emulator: Emulator) -> None:
    client.add_domain("old.example.com", subaccount_id=2, verified=True)
    api.create(D)
    assert client.domains() == emulator.domains()
    assert client.get("OLD.example.com") == emulator.get("old.example.com")
    assert client.get("missing.example.com") is None
    assert client.mutate(D, secure=True)["port"] == 443
    assert client.remove(D) is True and client.remove(D) is False
    client.set_verification("old.example.com", "pending")
    assert api.verify("old.example.com", sub=2).json()["results"]["verified"] is False
    client.set_certificate_eligibility("old.example.com", "ineligible")
    assert client.update_settings(tls_pending_reads=4)["tls_pending_reads"] == 4
    assert client.settings() == emulator.settings()
    client.fail_next(1, status=502, method="GET")
    client.delay_next(1, 0.0, path_suffix="/nothing")
    client.drop_after_commit(1, method="DELETE")
    client.set_latency(0.0)
    assert [f.kind for f in emulator.pending_faults()] == ["fail", "delay", "drop"]
    assert api("GET", "/tracking-domains").status_code == 502
    assert client.count("GET") == 1 and client.requests == emulator.requests
    client.clear_faults()
    client.clear_requests()
    assert emulator.requests == [] and emulator.pending_faults() == []
    client.reset()
    assert emulator.domains() == []
    with pytest.raises(RuntimeError):
        client.mutate("missing.example.com", secure=True)
