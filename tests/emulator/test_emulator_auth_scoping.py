"""Authentication (spec §2) and subaccount scoping (spec §1.2, §1.4), including one default per scope."""

from __future__ import annotations

import base64

import pytest
import requests

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.testing import SUBACCOUNT_HEADER, HttpApi, errors_of

UNAUTHORIZED = {"errors": [{"message": "Unauthorized."}]}


@pytest.mark.parametrize("headers,auth", [
    ({"Authorization": "test-key"}, None),
    ({}, ("test-key", "")),
])
def test_raw_key_and_basic_auth_are_accepted(emulator: Emulator, headers: dict[str, str],
                                             auth: tuple[str, str] | None) -> None:
    response = requests.get(emulator.base_url + "/tracking-domains", headers=headers, auth=auth, timeout=5)
    assert response.status_code == 200


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer test-key", "wrong-key", "TEST-KEY", "test-key test-key",
    "Basic " + base64.b64encode(b"wrong-key:").decode(), "Basic " + base64.b64encode(b":test-key").decode(),
    "Basic not-base64!",
])
def test_anything_else_is_401_in_the_errors_shape(emulator: Emulator, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, path in (("GET", "/tracking-domains"), ("POST", "/tracking-domains/x.example.com/verify"),
                         ("GET", "/nowhere")):
        response = requests.request(method, emulator.base_url + path, headers=headers, timeout=5)
        assert response.status_code == 401
        assert response.json() == UNAUTHORIZED


def test_several_keys_can_be_accepted() -> None:
    with Emulator(api_keys=["us-key", "eu-key"]) as emu:
        for key in ("us-key", "eu-key"):
            assert requests.get(emu.base_url + "/tracking-domains", headers={"Authorization": key},
                                timeout=5).status_code == 200
        assert requests.get(emu.base_url + "/tracking-domains", headers={"Authorization": "emulator-key"},
                            timeout=5).status_code == 401


def test_the_default_key_is_emulator_key() -> None:
    with Emulator() as emu:
        response = requests.get(emu.base_url + "/tracking-domains", headers={"Authorization": "emulator-key"},
                                timeout=5)
        assert response.status_code == 200


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "", "0x10", "99999999999"])
def test_a_non_numeric_subaccount_header_is_400(api: HttpApi, value: str) -> None:
    for method, path in (("GET", "/tracking-domains"), ("POST", "/tracking-domains")):
        response = api(method, path, headers={SUBACCOUNT_HEADER: value}, json={"domain": "track.example.com"})
        assert response.status_code == 400
        assert errors_of(response)[0]["message"]


def test_the_subaccount_comes_from_the_header(api: HttpApi, emulator: Emulator) -> None:
    api.create("sub.example.com", sub=5)
    api.create("zero.example.com", sub=0)
    assert api.get("sub.example.com").json()["results"]["subaccount_id"] == 5
    assert "subaccount_id" not in api.get("zero.example.com").json()["results"]
    assert emulator.get("sub.example.com")["subaccount_id"] == 5  # type: ignore[index]


@pytest.fixture
def three_scopes(api: HttpApi) -> HttpApi:
    api.create("primary.example.com")
    api.create("five.example.com", sub=5)
    api.create("six.example.com", sub=6)
    return api


def test_get_without_header_sees_every_scope(three_scopes: HttpApi) -> None:
    api = three_scopes
    assert api.listing() == ["primary.example.com", "five.example.com", "six.example.com"]
    for name in ("primary.example.com", "five.example.com", "six.example.com"):
        assert api.get(name).status_code == 200


def test_header_0_sees_the_primary_account_only(three_scopes: HttpApi) -> None:
    api = three_scopes
    assert api.listing(sub=0) == ["primary.example.com"]
    assert api.get("primary.example.com", sub=0).status_code == 200
    assert api.get("five.example.com", sub=0).status_code == 404


def test_header_n_sees_subaccount_n_only(three_scopes: HttpApi) -> None:
    api = three_scopes
    assert api.listing(sub=5) == ["five.example.com"]
    assert api.get("five.example.com", sub=5).status_code == 200
    assert api.get("six.example.com", sub=5).status_code == 404
    assert api.get("primary.example.com", sub=5).status_code == 404


def test_the_subaccounts_query_keeps_the_listed_scopes(three_scopes: HttpApi) -> None:
    api = three_scopes
    assert api.listing(subaccounts="5,6") == ["five.example.com", "six.example.com"]
    assert api.listing(subaccounts="0,6") == ["primary.example.com", "six.example.com"]
    assert api.listing(subaccounts="6", sub=5) == []
    response = api("GET", "/tracking-domains", params={"subaccounts": "5,x"})
    assert response.status_code == 400 and errors_of(response)[0]["param"] == "subaccounts"


@pytest.mark.parametrize("method,suffix,body", [
    ("PUT", "", {"secure": True}),
    ("DELETE", "", None),
    ("POST", "/verify", None),
    ("POST", "/certificate/check", None),
    ("POST", "/certificate/enable", None),
])
def test_writes_without_header_act_on_the_primary_account_only(
        three_scopes: HttpApi, method: str, suffix: str, body: dict[str, bool] | None) -> None:
    api = three_scopes
    api.verify("five.example.com", sub=5)
    path = "/tracking-domains/five.example.com" + suffix
    assert api(method, path, json=body).status_code == 404
    assert api(method, path, json=body, sub=6).status_code == 404
    assert api(method, path, json=body, sub=0).status_code == 404
    assert api(method, path, json=body, sub=5).status_code in (200, 204)
    primary = "/tracking-domains/primary.example.com" + suffix
    api.verify("primary.example.com")
    assert api(method, primary, json=body, sub=5).status_code == 404
    assert api(method, primary, json=body).status_code in (200, 204)


def test_one_default_per_scope(three_scopes: HttpApi, emulator: Emulator) -> None:
    api = three_scopes
    api.create("five-b.example.com", sub=5)
    for name, sub in (("primary.example.com", None), ("five.example.com", 5), ("five-b.example.com", 5),
                      ("six.example.com", 6)):
        api.verify(name, sub=sub)
        assert api.put(name, {"default": True}, sub=sub).status_code == 200
    defaults = {d["domain"] for d in emulator.domains() if d["default"]}
    assert defaults == {"primary.example.com", "five-b.example.com", "six.example.com"}
    assert api.listing(default="true", sub=5) == ["five-b.example.com"]
    api.put("five.example.com", {"default": True}, sub=5)
    assert api.listing(default="true") == ["primary.example.com", "five.example.com", "six.example.com"]
