"""The admin API under /_emulator/ (the control surface over HTTP) and its Python client."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.control import METHODS, Control
from sparkpost_tracking.emulator.remote import AdminClient
from sparkpost_tracking.emulator.testing import HttpApi, errors_of

D = "track.example.com"
DEFAULT_SETTINGS = {"default_verification": "valid", "default_certificate_eligibility": "eligible",
                    "tls_pending_reads": 1, "latency": 0.0, "blank_cname_after_verify": False,
                    "omit_tls_status": False, "dns_server": None, "dns_timeout": 2.0,
                    "bounce_host": "sparkpostmail.com", "omit_creation_time": False}


class Admin:
    """Plain HTTP to the admin API (no key): ``call("fail_next", n=1)`` is ``POST /_emulator/fail_next``."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, method: str, path: str = "", body: Any = None) -> requests.Response:
        return requests.request(method, self.url + path, json=body, timeout=5)

    def call(self, name: str, **kwargs: Any) -> Any:
        response = self("POST", f"/{name}", kwargs)
        assert response.status_code == 200, response.text
        return response.json()["results"]


@pytest.fixture
def admin(emulator: Emulator) -> Admin:
    return Admin(emulator.admin_url)


def test_info_needs_no_key_and_is_not_recorded(admin: Admin, emulator: Emulator) -> None:
    response = admin("GET")
    assert response.status_code == 200
    info = response.json()["results"]
    assert info["base_url"] == emulator.base_url and info["settings"] == DEFAULT_SETTINGS
    assert admin("GET", "/").status_code == 200
    assert emulator.requests() == []


def test_every_control_method_is_served() -> None:
    assert {"requests", "count", "domains", "add_domain", "mutate", "remove", "fail_next", "update_settings",
            "reset"} <= METHODS
    assert not any(name.startswith("_") for name in METHODS)


def test_requests_can_be_read_and_cleared(admin: Admin, api: HttpApi, emulator: Emulator) -> None:
    api.create(D, sub=3)
    records = admin.call("requests")
    assert records == [emulator.requests()[0].to_json()]
    assert records[0]["subaccount"] == "3" and records[0]["body"] == {"domain": D, "secure": False}
    assert admin.call("count", method="POST") == 1
    assert admin.call("clear_requests") is None
    assert emulator.requests() == []


def test_domains_can_be_listed_added_read_changed_and_removed(admin: Admin, api: HttpApi,
                                                              emulator: Emulator) -> None:
    added = admin.call("add_domain", domain="Old.Example.com", subaccount_id=4, verified=True, secure=True)
    assert (added["domain"], added["subaccount_id"], added["port"], added["status"]["verified"]) == (
        "old.example.com", 4, 443, True)
    assert admin.call("domains") == emulator.domains() == [added]
    assert admin.call("get", domain="old.example.com") == added
    changed = admin.call("mutate", domain="old.example.com", secure=False, verified=False)
    assert (changed["secure"], changed["port"], changed["status"]["verified"]) == (False, 80, False)
    assert api.get("old.example.com", sub=4).json()["results"] == changed
    assert admin.call("remove", domain="old.example.com") is True
    assert emulator.domains() == []
    assert admin.call("remove", domain="old.example.com") is False
    assert admin.call("get", domain="old.example.com") is None
    assert admin("POST", "/mutate", {"domain": "old.example.com", "secure": True}).status_code == 404


@pytest.mark.parametrize("name,body", [
    ("mutate", {"domain": D, "colour": "blue"}),
    ("mutate", {"domain": D, "secure": "yes"}),
    ("mutate", {"domain": D, "port": 8080}),
    ("add_domain", {"domain": D}),
    ("add_domain", {"domain": "bad domain"}),
    ("add_domain", {}),
    ("set_verification", {"domain": D, "outcome": "maybe"}),
    ("set_certificate_eligibility", {"domain": D, "eligibility": "sometimes"}),
    ("fail_next", {"n": 1, "status": 404}),
    ("delay_next", {"n": 1}),
    ("drop_after_commit", {"colour": "blue"}),
    ("update_settings", {"latency": -1}),
    ("update_settings", {"colour": "blue"}),
    ("update_settings", {"tls_pending_reads": -1}),
    ("update_settings", {"blank_cname_after_verify": "yes"}),
    ("update_settings", [1]),
    ("fail_issuance", {"error_code": "acme:nope"}),
    ("fail_issuance", {"error_code": "acme:dns", "n": 0}),
])
def test_bad_admin_calls_are_400(admin: Admin, api: HttpApi, name: str, body: Any) -> None:
    api.create(D)
    response = admin("POST", f"/{name}", body)
    assert response.status_code == 400, response.text
    assert errors_of(response)[0]["message"]


def test_verification_and_certificate_outcomes(admin: Admin, api: HttpApi) -> None:
    api.create(D)
    admin.call("set_verification", domain=D, outcome="fail")
    assert api.verify(D).status_code == 400
    admin.call("set_certificate_eligibility", domain=D, eligibility="forbidden")
    assert api("POST", f"/tracking-domains/{D}/certificate/check").status_code == 403


def test_faults_work_as_in_process(admin: Admin, api: HttpApi, emulator: Emulator) -> None:
    admin.call("fail_next", n=1, status=503, method="GET")
    admin.call("delay_next", n=1, seconds=0.01)
    admin.call("drop_after_commit")
    admin.call("update_settings", latency=0.01)
    assert [f["kind"] for f in admin.call("pending_faults")] == ["fail", "delay", "drop"]
    assert api("GET", "/tracking-domains").status_code == 503
    with pytest.raises(requests.ConnectionError):
        api("POST", "/tracking-domains", json={"domain": D})
    assert emulator.get(D) is not None
    assert admin.call("pending_faults") == [] and admin.call("settings")["latency"] == 0.01
    admin.call("create_on_next", domain="racer.example.com", secure=True, default=True, verified=True)
    assert admin("POST", "/create_on_next", {"domain": "racer.example.com", "colour": "red"}).status_code == 400
    assert api("POST", "/tracking-domains", json={"domain": "racer.example.com"}).status_code == 409
    assert emulator.get("racer.example.com")["default"] is True  # type: ignore[index]
    admin.call("fail_next")
    admin.call("clear_faults")
    assert admin.call("pending_faults") == [] and admin.call("settings")["latency"] == 0.0


def test_settings_and_reset(admin: Admin, api: HttpApi, emulator: Emulator) -> None:
    new = {"default_verification": "pending", "default_certificate_eligibility": "ineligible",
           "tls_pending_reads": 0, "latency": 0.0, "blank_cname_after_verify": True, "omit_tls_status": True,
           "dns_server": "127.0.0.1:5353", "dns_timeout": 1.5, "bounce_host": "eu.sparkpostmail.com",
           "omit_creation_time": True}
    assert admin.call("update_settings", **new) == new == admin.call("settings") == emulator.settings()
    assert admin("POST", "/update_settings", {"tls_pending_reads": 5, "latency": -1}).status_code == 400
    assert emulator.settings()["tls_pending_reads"] == 0  # a rejected update changes nothing
    api.create(D)
    emulator.fail_next(5)
    admin.call("reset")
    assert emulator.domains() == [] and emulator.requests() == [] and emulator.pending_faults() == []
    assert emulator.settings() == DEFAULT_SETTINGS


def test_unknown_admin_paths(admin: Admin) -> None:
    response = admin("POST", "/explode", {})
    assert response.status_code == 404 and "fail_next" in errors_of(response)[0]["message"]
    assert admin("POST", "/_private", {}).status_code == 404
    assert admin("GET", "/requests").status_code == 405


@pytest.fixture
def client(emulator: Emulator) -> Iterator[AdminClient]:
    remote = AdminClient(emulator.admin_url)
    yield remote
    remote.close()


def test_admin_client_has_exactly_the_control_methods(client: AdminClient) -> None:
    for name in METHODS:
        assert callable(getattr(client, name))
    with pytest.raises(AttributeError):
        _ = client.explode
    assert inspect.signature(Control.fail_next).parameters.keys() >= {"n", "status", "method", "path_suffix"}


def test_admin_client_mirrors_the_emulator(client: AdminClient, api: HttpApi, emulator: Emulator) -> None:
    remote: Control = client  # type: ignore[assignment]
    remote.add_domain("old.example.com", subaccount_id=2, verified=True)
    api.create(D)
    assert remote.domains() == emulator.domains()
    assert remote.get("OLD.example.com") == emulator.get("old.example.com")
    assert remote.get("missing.example.com") is None
    assert remote.mutate(D, secure=True)["port"] == 443
    assert remote.remove(D) is True and remote.remove(D) is False
    remote.set_verification("old.example.com", "pending")
    assert api.verify("old.example.com", sub=2).json()["results"]["verified"] is False
    remote.set_certificate_eligibility("old.example.com", "ineligible")
    assert remote.update_settings(tls_pending_reads=4)["tls_pending_reads"] == 4
    assert remote.settings() == emulator.settings()
    remote.fail_next(1, status=502, method="GET")
    remote.delay_next(1, 0.0, path_suffix="/nothing")
    remote.drop_after_commit(1, method="DELETE")
    assert [f.kind for f in remote.pending_faults()] == ["fail", "delay", "drop"] == [
        f.kind for f in emulator.pending_faults()]
    assert api("GET", "/tracking-domains").status_code == 502
    assert remote.count("GET") == 1 and remote.requests() == emulator.requests()
    remote.clear_faults()
    remote.create_on_next("racer.example.com", subaccount_id=3, verified=True)
    assert [(f.kind, f.domain, f.fields) for f in remote.pending_faults()] == [
        ("create", "racer.example.com", {"verified": True})]
    assert api("POST", "/tracking-domains", json={"domain": "racer.example.com"}).status_code == 409
    assert remote.get("racer.example.com") == emulator.get("racer.example.com")
    assert emulator.get("racer.example.com")["subaccount_id"] == 3  # type: ignore[index]
    remote.clear_requests()
    assert emulator.requests() == [] and emulator.pending_faults() == []
    remote.reset()
    assert emulator.domains() == []
    with pytest.raises(RuntimeError):
        remote.mutate("missing.example.com", secure=True)
