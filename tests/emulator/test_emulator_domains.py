"""CRUD endpoints: status codes, body shapes, validation, defaults, routing (spec §1, §1.1-§1.4)."""

from __future__ import annotations

from typing import Any

import pytest

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.testing import HttpApi, errors_of, message_of

NEW_DOMAIN = {
    "domain": "track.example.com",
    "port": 80,
    "secure": False,
    "default": False,
    "status": {"verified": False, "cname_status": "unverified", "compliance_status": "pending",
               "tls_status": "unavailable"},
    "uses_managed_certificate": False,
}


def test_create_answers_200_with_the_lower_cased_domain(api: HttpApi) -> None:
    response = api("POST", "/tracking-domains", json={"domain": "Track.Example.COM"})
    assert response.status_code == 200
    assert response.json() == {"results": {"domain": "track.example.com"}}


def test_new_domain_has_the_documented_shape(api: HttpApi, emulator: Emulator) -> None:
    api.create("track.example.com")
    response = api.get("track.example.com")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"results": NEW_DOMAIN}
    assert emulator.get("TRACK.example.com") == NEW_DOMAIN
    assert emulator.domains() == [NEW_DOMAIN]


def test_create_secure_sets_port_443(api: HttpApi) -> None:
    api.create("track.example.com", secure=True)
    found = api.get("track.example.com").json()["results"]
    assert (found["secure"], found["port"]) == (True, 443)


def test_create_ignores_default_port_and_subaccount_id_in_the_body(api: HttpApi, emulator: Emulator) -> None:
    body = {"domain": "track.example.com", "default": True, "port": 443, "subaccount_id": 7, "extra": 1}
    assert api("POST", "/tracking-domains", json=body).status_code == 200
    assert emulator.get("track.example.com") == NEW_DOMAIN


@pytest.mark.parametrize("existing_sub,new_sub", [(None, None), (None, 5), (5, None), (5, 6)])
def test_create_conflicts_across_every_scope(api: HttpApi, existing_sub: int | None,
                                             new_sub: int | None) -> None:
    api.create("track.example.com", sub=existing_sub)
    response = api("POST", "/tracking-domains", json={"domain": "TRACK.example.com"}, sub=new_sub)
    assert response.status_code == 409
    assert response.json() == {"errors": [{"message": "The tracking domain already exists"}]}


@pytest.mark.parametrize("value", [
    None, "", "ab", "a.", "nodot", "track..example.com", ".example.com", "example.com.", "track example.com",
    "track_x.example.com", "tr@ck.example.com", "-track.example.com", "tráck.example.com", 42, ["a.b.com"],
])
def test_create_rejects_invalid_domains_with_422(api: HttpApi, value: Any) -> None:
    body = {} if value is None else {"domain": value}
    response = api("POST", "/tracking-domains", json=body)
    assert response.status_code == 422
    assert errors_of(response) == [{"param": "domain", "message": "domain must be valid", "value": value}]


def test_create_accepts_short_and_deep_names(api: HttpApi) -> None:
    api.create("a.b")
    api.create("click-2.mail.eu.example.co.uk")


def test_create_rejects_a_non_boolean_secure(api: HttpApi) -> None:
    response = api("POST", "/tracking-domains", json={"domain": "track.example.com", "secure": "true"})
    assert response.status_code == 422
    assert errors_of(response)[0]["param"] == "secure"


@pytest.mark.parametrize("data", [b"{not json", b"[1, 2]", b'"track.example.com"'])
def test_create_rejects_malformed_bodies_with_400(api: HttpApi, data: bytes, emulator: Emulator) -> None:
    response = api("POST", "/tracking-domains", data=data, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert message_of(response)
    assert emulator.domains() == []


def test_retrieve_is_case_insensitive_and_404s_in_sparkposts_shape(api: HttpApi) -> None:
    api.create("track.example.com")
    assert api.get("TRACK.Example.com").status_code == 200
    missing = api.get("other.example.com")
    assert missing.status_code == 404
    assert missing.json() == {"errors": [{"message": "resource not found"}]}


def test_list_is_empty_then_in_creation_order(api: HttpApi) -> None:
    response = api("GET", "/tracking-domains")
    assert response.status_code == 200 and response.json() == {"results": []}
    for name in ("b.example.com", "a.example.com", "c.example.com"):
        api.create(name)
    assert api.listing() == ["b.example.com", "a.example.com", "c.example.com"]


def test_list_filters_on_default(api: HttpApi) -> None:
    api.create("a.example.com")
    api.create("b.example.com")
    api.verify("b.example.com")
    assert api.put("b.example.com", {"default": True}).status_code == 200
    assert api.listing(default="true") == ["b.example.com"]
    assert api.listing(default="false") == ["a.example.com"]


@pytest.mark.parametrize("value", ["True", "1", "yes", "", "TRUE"])
def test_list_accepts_only_lower_case_true_false(api: HttpApi, value: str) -> None:
    response = api("GET", "/tracking-domains", params={"default": value})
    assert response.status_code == 400
    assert errors_of(response)[0]["param"] == "default"


def test_update_secure_moves_the_port_without_verification(api: HttpApi) -> None:
    api.create("track.example.com")
    response = api.put("track.example.com", {"secure": True})
    assert response.status_code == 200
    assert response.json() == {"results": {"domain": "track.example.com"}}
    found = api.get("track.example.com").json()["results"]
    assert (found["secure"], found["port"], found["status"]["verified"]) == (True, 443, False)
    api.put("TRACK.example.com", {"secure": False})
    assert api.get("track.example.com").json()["results"]["port"] == 80


def test_update_default_on_an_unverified_domain_is_422(api: HttpApi, emulator: Emulator) -> None:
    api.create("Track.example.com")
    response = api.put("track.example.com", {"default": True, "secure": True})
    assert response.status_code == 422
    assert response.json() == {"errors": [{"message": "Tracking domain 'track.example.com' unverified."}]}
    assert emulator.get("track.example.com") == NEW_DOMAIN  # nothing of the request applied


def test_update_default_true_clears_the_previous_default(api: HttpApi, emulator: Emulator) -> None:
    for name in ("a.example.com", "b.example.com"):
        api.create(name)
        api.verify(name)
    api.put("a.example.com", {"default": True})
    assert api.listing(default="true") == ["a.example.com"]
    api.put("b.example.com", {"default": True})
    assert api.listing(default="true") == ["b.example.com"]
    api.put("b.example.com", {"default": False})
    assert api.listing(default="true") == []


def test_update_with_an_empty_body_changes_nothing(api: HttpApi, emulator: Emulator) -> None:
    api.create("track.example.com")
    assert api("PUT", "/tracking-domains/track.example.com").status_code == 200
    assert emulator.get("track.example.com") == NEW_DOMAIN


def test_update_ignores_unknown_fields_and_rejects_non_booleans(api: HttpApi, emulator: Emulator) -> None:
    api.create("track.example.com")
    ignored = {"port": 443, "domain": "x.example.com", "subaccount_id": 3}
    assert api.put("track.example.com", ignored).status_code == 200
    assert emulator.get("track.example.com") == NEW_DOMAIN
    response = api.put("track.example.com", {"default": "false"})
    assert response.status_code == 422 and errors_of(response)[0]["param"] == "default"
    assert api("PUT", "/tracking-domains/track.example.com", data=b"{").status_code == 400


def test_update_and_delete_of_a_missing_domain_are_404(api: HttpApi) -> None:
    assert api.put("missing.example.com", {"secure": True}).status_code == 404
    assert api("DELETE", "/tracking-domains/missing.example.com").status_code == 404


def test_delete_answers_204_with_an_empty_body(api: HttpApi, emulator: Emulator) -> None:
    api.create("track.example.com")
    response = api("DELETE", "/tracking-domains/TRACK.example.com")
    assert response.status_code == 204 and response.content == b""
    assert emulator.domains() == []
    assert api.get("track.example.com").status_code == 404


@pytest.mark.parametrize("method,path", [
    ("GET", "/tracking-domains/"),
    ("POST", "/tracking-domains/"),
    ("GET", "/tracking-domains/track.example.com/"),
    ("POST", "/tracking-domains/track.example.com/verify/"),
    ("POST", "/tracking-domains/track.example.com/certificate/check//"),
])
def test_trailing_slashes_are_ignored(api: HttpApi, method: str, path: str) -> None:
    if method == "GET" or "verify" in path or "check" in path:
        api.create("track.example.com")
        response = api(method, path)
    else:
        response = api(method, path, json={"domain": "track.example.com"})
    assert response.status_code == 200, response.text


def test_unknown_paths_are_404_and_wrong_methods_405(api: HttpApi, emulator: Emulator) -> None:
    for path in ("/webhooks", "/tracking-domains/a.example.com/bogus", "/Tracking-Domains"):
        response = api("GET", path)
        assert response.status_code == 404 and message_of(response) == "resource not found"
    outside = api.session.get(emulator.url + "/elsewhere", timeout=5)
    assert outside.status_code == 404
    response = api("PATCH", "/tracking-domains/a.example.com")
    assert response.status_code == 405 and message_of(response)
    assert "PUT" in response.headers["Allow"]


def test_oversized_bodies_are_413(api: HttpApi) -> None:
    response = api("POST", "/tracking-domains", data=b"{" + b" " * (1024 * 1024 + 1) + b"}")
    assert response.status_code == 413 and message_of(response)
