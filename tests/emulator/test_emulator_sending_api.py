"""The sending-domains API of the emulator: create (a generated key, a caller's key, none), the conflicts, scopes,
retrieve and list (with the filters), update (all or nothing), delete, ``creation_time``, and the controls that act
out of band (seeding, mutating, the two-week removal, a name held by another account)."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import serialization

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.dkim_keys import key_length, make_key
from sparkpost_tracking.emulator.testing import HttpApi, errors_of

D = "example1.com"
CREATION_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def create(api: HttpApi, domain: str = D, *, sub: int | None = None, **body: Any) -> requests.Response:
    return api("POST", "/sending-domains", json={"domain": domain, **body}, sub=sub)


def get(api: HttpApi, domain: str = D, *, sub: int | None = None) -> requests.Response:
    return api("GET", f"/sending-domains/{domain}", sub=sub)


def put(api: HttpApi, body: dict[str, Any], domain: str = D, *, sub: int | None = None) -> requests.Response:
    return api("PUT", f"/sending-domains/{domain}", json=body, sub=sub)


def names(api: HttpApi, *, sub: int | None = None, **params: str) -> list[str]:
    response = api("GET", "/sending-domains", sub=sub, params=params)
    assert response.status_code == 200, response.text
    return [item["domain"] for item in response.json()["results"]]


# ---- create ------------------------------------------------------------------------------------------------------

def test_a_create_generates_a_2048_bit_key_and_answers_it(api: HttpApi, emulator: Emulator) -> None:
    response = create(api, "Example1.COM")
    assert response.status_code == 200
    results = response.json()["results"]
    assert set(results) == {"message", "domain", "dkim"}
    assert results["message"] == "Successfully Created domain." and results["domain"] == D
    dkim = results["dkim"]
    assert set(dkim) == {"public", "selector", "signing_domain", "headers"}
    assert dkim["signing_domain"] == D and dkim["headers"] == "from:to:subject:date"
    assert re.fullmatch(r"scph\d{4}", dkim["selector"])
    assert key_length(dkim["public"]) == 2048
    found = get(api).json()["results"]
    assert found["dkim"] == {"public": dkim["public"], "selector": dkim["selector"], "headers": dkim["headers"]}
    assert found["status"] == {
        "ownership_verified": False, "spf_status": "unverified", "abuse_at_status": "unverified",
        "dkim_status": "unverified", "cname_status": "unverified", "mx_status": "unverified",
        "postmaster_at_status": "unverified", "verification_mailbox_status": "unverified",
        "compliance_status": "valid"}
    assert found["shared_with_subaccounts"] is False and found["is_default_bounce_domain"] is False
    assert "tracking_domain" not in found and "subaccount_id" not in found


def test_every_domain_gets_a_key_of_its_own(api: HttpApi) -> None:
    publics = {create(api, f"brand{i}.example").json()["results"]["dkim"]["public"] for i in range(5)}
    assert len(publics) == 5


@pytest.mark.parametrize("length", [1024, 3072])
def test_the_key_length_is_the_one_asked_for(api: HttpApi, length: int) -> None:
    public = create(api, dkim_key_length=length).json()["results"]["dkim"]["public"]
    assert key_length(public) == length


@pytest.mark.parametrize("length", [512, 1023, 4097, "2048", True, 2048.0])
def test_a_key_length_out_of_range_is_refused(api: HttpApi, emulator: Emulator, length: object) -> None:
    response = create(api, dkim_key_length=length)
    assert response.status_code == 400
    [error] = errors_of(response)
    assert error["code"] == "1200" and "dkim_key_length" in error["description"]
    assert emulator.sending_domains() == []


def test_no_key_without_generate_dkim(api: HttpApi) -> None:
    results = create(api, generate_dkim=False).json()["results"]
    assert results == {"message": "Successfully Created domain.", "domain": D}
    assert "dkim" not in get(api).json()["results"]


def test_a_callers_key_is_taken_and_not_answered(api: HttpApi, emulator: Emulator) -> None:
    key = make_key(1024)
    response = create(api, dkim={"private": key.private, "public": key.public, "selector": "brand2026",
                                 "signing_domain": "Mail.Example1.com"})
    assert response.json()["results"] == {"message": "Successfully Created domain.", "domain": D}
    assert get(api).json()["results"]["dkim"] == {"public": key.public, "selector": "brand2026",
                                                  "headers": "from:to:subject:date",
                                                  "signing_domain": "mail.example1.com"}
    # The log keeps that a private key was sent, never the key.
    [post] = [r for r in emulator.requests() if r.method == "POST"]
    assert post.body["dkim"]["private"] == "***" and key.private not in repr(emulator.requests())


def test_a_pem_key_pair_in_pkcs8_is_taken(api: HttpApi) -> None:
    key = make_key(1024)
    private = serialization.load_der_private_key(base64.b64decode(key.private), None)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    assert create(api, dkim={"private": pem, "public": key.public, "selector": "s1"}).status_code == 200


@pytest.mark.parametrize(("dkim", "reason"), [
    ({"public": "x", "selector": "s"}, "private, public, and selector must all be specified"),
    ({"private": "", "public": "x", "selector": "s"}, "private, public, and selector must all be specified"),
    ("a key", "dkim must be an object"),
    ("mismatch", "does not belong to the private key"),
    ("unreadable", "private key could not be read"),
    ("bad public", "public key could not be read"),
    ("bad selector", "is not a DNS label"),
])
def test_a_callers_key_must_be_whole_and_one_pair(api: HttpApi, emulator: Emulator, dkim: object,
                                                   reason: str) -> None:
    one, other = make_key(1024), make_key(1024)
    given = {"mismatch": {"private": one.private, "public": other.public, "selector": "s"},
             "unreadable": {"private": "bm90IGEga2V5", "public": one.public, "selector": "s"},
             "bad public": {"private": one.private, "public": "bm90IGEga2V5", "selector": "s"},
             "bad selector": {"private": one.private, "public": one.public, "selector": "no spaces"},
             }.get(dkim, dkim) if isinstance(dkim, str) else dkim
    response = create(api, dkim=given)
    assert response.status_code == 400
    [error] = errors_of(response)
    assert error["code"] == "1300" and error["message"] == "invalid params" and reason in error["description"]
    assert emulator.sending_domains() == []


@pytest.mark.parametrize(("body", "param"), [
    ({"domain": "nodot"}, "domain"), ({"domain": 7}, "domain"), ({}, "domain"),
    ({"domain": D, "generate_dkim": "yes"}, "generate_dkim"),
    ({"domain": D, "shared_with_subaccounts": 1}, "shared_with_subaccounts"),
    ({"domain": D, "tracking_domain": 7}, "tracking_domain"),
])
def test_bad_fields_are_422_naming_them(api: HttpApi, emulator: Emulator, body: dict[str, Any], param: str) -> None:
    response = api("POST", "/sending-domains", json=body)
    assert response.status_code == 422 and errors_of(response)[0]["param"] == param
    assert emulator.sending_domains() == []


def test_a_name_the_account_holds_is_a_409_in_any_scope(api: HttpApi, emulator: Emulator) -> None:
    assert create(api, sub=5, generate_dkim=False).status_code == 200
    for sub in (None, 5, 6):
        response = create(api, D.upper(), sub=sub)
        assert response.status_code == 409
        assert errors_of(response) == [{"message": "resource conflict", "description": f"Domain '{D}' already exists",
                                        "code": "1602"}]
    assert len(emulator.sending_domains()) == 1


def test_a_domain_and_its_subdomains_belong_to_one_account(api: HttpApi, emulator: Emulator) -> None:
    emulator.hold_in_another_account("brand.example")
    published = [{"code": "7004", "message": "Domain in use by another account",
                  "description": "Please contact SparkPost support to check about this org-domain availability."}]
    for name in ("brand.example", "bounce.brand.example", "a.b.brand.example"):
        response = create(api, name, generate_dkim=False)
        assert (response.status_code, errors_of(response)) == (400, published)
    for name in ("otherbrand.example", "brand.example.net"):  # a shared suffix is not a subdomain
        assert create(api, name, generate_dkim=False).status_code == 200
    emulator.hold_in_another_account("mail.other.example")
    assert create(api, "other.example", generate_dkim=False).status_code == 400  # a parent of a held name
    # Subaccounts are part of the account: a subdomain may live in another one.
    assert create(api, "bounce.otherbrand.example", sub=4, generate_dkim=False).status_code == 200
    with pytest.raises(ValueError):
        emulator.hold_in_another_account("not a domain")


def test_the_tracking_domain_must_be_of_the_same_scope(api: HttpApi, emulator: Emulator) -> None:
    api.create("click.example1.com")
    api.create("click5.example1.com", sub=5)
    response = create(api, tracking_domain="click5.example1.com", generate_dkim=False)
    assert response.status_code == 400 and errors_of(response) == [{
        "message": "invalid params", "code": "1200",
        "description": "Tracking domain 'click5.example1.com' is not a registered tracking domain"}]
    assert create(api, tracking_domain="Click.Example1.com", generate_dkim=False).status_code == 200
    assert get(api).json()["results"]["tracking_domain"] == "click.example1.com"
    assert create(api, "brand5.example", sub=5, tracking_domain="click5.example1.com",
                  generate_dkim=False).status_code == 200


def test_sharing_with_subaccounts_is_for_the_primary_account(api: HttpApi, emulator: Emulator) -> None:
    response = create(api, sub=5, shared_with_subaccounts=True, generate_dkim=False)
    assert response.status_code == 400 and errors_of(response)[0]["code"] == "1200"
    assert create(api, shared_with_subaccounts=True, generate_dkim=False).status_code == 200
    assert get(api).json()["results"]["shared_with_subaccounts"] is True
    assert create(api, "brand5.example", sub=5, generate_dkim=False).status_code == 200
    assert put(api, {"shared_with_subaccounts": True}, "brand5.example", sub=5).status_code == 400
    assert get(api, "brand5.example").json()["results"]["shared_with_subaccounts"] is False


# ---- retrieve, list ----------------------------------------------------------------------------------------------

def test_scopes_of_retrieve_and_list(api: HttpApi) -> None:
    create(api, "a.example", generate_dkim=False)
    create(api, "b.example", sub=3, generate_dkim=False)
    assert get(api, "b.example").json()["results"]["subaccount_id"] == 3  # no header: every scope
    assert get(api, "b.example", sub=3).status_code == 200
    missing = get(api, "b.example", sub=0)
    assert missing.status_code == 404 and errors_of(missing) == [
        {"message": "resource not found", "description": "Domain 'b.example' does not exist", "code": "1600"}]
    assert names(api) == ["a.example", "b.example"]
    assert names(api, sub=0) == ["a.example"] and names(api, sub=3) == ["b.example"]


def test_the_list_filters(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("dkim.example")  # verified by DKIM
    emulator.add_sending_domain("bounce.example", verified=False, cname_status="valid", is_default_bounce_domain=True)
    emulator.add_sending_domain("new.example", verified=False)
    emulator.add_sending_domain("blocked.example", verified=False, compliance_status="blocked", mx_status="pending")
    assert names(api, ownership_verified="true") == ["dkim.example", "bounce.example"]
    assert names(api, ownership_verified="false") == ["new.example", "blocked.example"]
    assert names(api, dkim_status="valid") == ["dkim.example"]
    assert names(api, dkim_status="unverified") == ["bounce.example", "new.example", "blocked.example"]
    assert names(api, cname_status="valid") == ["bounce.example"]
    assert names(api, mx_status="pending") == ["blocked.example"]
    assert names(api, compliance_status="blocked") == ["blocked.example"]
    assert names(api, is_default_bounce_domain="true") == ["bounce.example"]
    assert names(api, abuse_at_status="valid", postmaster_at_status="valid") == []
    assert names(api, compliance_status="valid") == ["dkim.example", "bounce.example", "new.example"]
    assert names(api, ownership_verified="true", cname_status="unverified") == ["dkim.example"]
    assert names(api, colour="red") == names(api)  # unknown parameters are ignored
    for name, value in (("dkim_status", "green"), ("compliance_status", "pending"), ("ownership_verified", "True")):
        response = api("GET", "/sending-domains", params={name: value})
        assert response.status_code == 400 and errors_of(response)[0]["param"] == name
    emulator.mutate_sending_domain("new.example", abuse_at_status="valid", dkim_status="invalid")
    emulator.mutate_sending_domain("dkim.example", postmaster_at_status="pending")
    assert names(api, abuse_at_status="valid") == ["new.example"]
    assert names(api, postmaster_at_status="pending") == ["dkim.example"]
    assert names(api, dkim_status="invalid") == ["new.example"]


# ---- update ------------------------------------------------------------------------------------------------------

def test_one_default_bounce_domain_per_scope_and_only_once_verified(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("bounce1.example", verified=False, cname_status="valid")
    emulator.add_sending_domain("bounce2.example", verified=False, mx_status="valid")
    emulator.add_sending_domain("bounce5.example", subaccount_id=5, verified=False, cname_status="valid")
    emulator.add_sending_domain("dkim-only.example")
    refused = put(api, {"is_default_bounce_domain": True}, "dkim-only.example")
    assert refused.status_code == 400 and errors_of(refused)[0]["code"] == "1200"
    assert "cname_status or mx_status" in errors_of(refused)[0]["description"]
    assert put(api, {"is_default_bounce_domain": True}, "bounce1.example").status_code == 200
    assert put(api, {"is_default_bounce_domain": True}, "bounce5.example", sub=5).status_code == 200
    assert names(api, is_default_bounce_domain="true") == ["bounce1.example", "bounce5.example"]
    assert put(api, {"is_default_bounce_domain": True}, "bounce2.example").status_code == 200  # MX counts too
    assert names(api, is_default_bounce_domain="true") == ["bounce2.example", "bounce5.example"]
    assert put(api, {"is_default_bounce_domain": False}, "bounce2.example").status_code == 200
    assert names(api, is_default_bounce_domain="true") == ["bounce5.example"]
    assert put(api, {"is_default_bounce_domain": "yes"}, "bounce2.example").status_code == 422


def test_an_update_is_all_or_nothing(api: HttpApi, emulator: Emulator) -> None:
    api.create("click.example1.com")
    create(api, generate_dkim=False)
    before = get(api).json()["results"]
    response = put(api, {"tracking_domain": "click.example1.com", "is_default_bounce_domain": True})
    assert response.status_code == 400 and get(api).json()["results"] == before  # the domain is no bounce domain
    response = put(api, {"tracking_domain": "click.example1.com", "shared_with_subaccounts": True, "other": 1})
    assert response.status_code == 200
    assert response.json()["results"] == {"message": "Successfully Updated Domain.", "domain": D}
    found = get(api).json()["results"]
    assert found["tracking_domain"] == "click.example1.com" and found["shared_with_subaccounts"] is True
    assert put(api, {"tracking_domain": ""}).status_code == 200
    assert "tracking_domain" not in get(api).json()["results"]
    assert put(api, {}, "missing.example").status_code == 404


def test_writes_act_on_the_headers_scope(api: HttpApi) -> None:
    create(api, sub=5, generate_dkim=False)
    assert put(api, {"shared_with_subaccounts": False}).status_code == 404  # no header: the primary account
    assert api("DELETE", f"/sending-domains/{D}").status_code == 404
    assert api("POST", f"/sending-domains/{D}/verify", json={"dkim_verify": True}).status_code == 404
    assert api("DELETE", f"/sending-domains/{D}", sub=5).status_code == 204


# ---- delete, creation_time ---------------------------------------------------------------------------------------

def test_delete_is_204_then_the_documented_404(api: HttpApi, emulator: Emulator) -> None:
    create(api, generate_dkim=False)
    assert api("DELETE", f"/sending-domains/{D}").status_code == 204
    assert emulator.sending_domains() == []
    response = api("DELETE", "/sending-domains/wrong.domain")
    assert response.status_code == 404 and errors_of(response) == [
        {"code": "1600", "message": "resource not found", "description": "Domain 'wrong.domain' does not exist"}]


def test_creation_time_is_documented_and_new_when_a_name_is_made_again(api: HttpApi, emulator: Emulator) -> None:
    first_key = create(api).json()["results"]["dkim"]
    first = get(api).json()["results"]["creation_time"]
    assert CREATION_TIME.fullmatch(first)
    assert api("GET", "/sending-domains").json()["results"][0]["creation_time"] == first
    api("DELETE", f"/sending-domains/{D}")
    second_key = create(api).json()["results"]["dkim"]
    second = get(api).json()["results"]["creation_time"]
    assert CREATION_TIME.fullmatch(second) and second > first  # within the same second too
    assert second_key["public"] != first_key["public"]


def test_creation_time_can_be_left_out_as_in_the_published_samples(api: HttpApi, emulator: Emulator) -> None:
    create(api, generate_dkim=False)
    assert emulator.settings()["omit_creation_time"] is False and "creation_time" in get(api).json()["results"]
    emulator.update_settings(omit_creation_time=True)
    assert "creation_time" not in get(api).json()["results"]
    assert "creation_time" not in api("GET", "/sending-domains").json()["results"][0]
    assert CREATION_TIME.fullmatch(emulator.get_sending_domain(D)["creation_time"])  # type: ignore[index]
    with pytest.raises(ValueError):
        emulator.update_settings(omit_creation_time="yes")


# ---- out of band -------------------------------------------------------------------------------------------------

def test_the_two_week_removal_is_a_control(api: HttpApi, emulator: Emulator) -> None:
    create(api, "new.example", generate_dkim=False)
    create(api, "new5.example", sub=5, generate_dkim=False)
    emulator.add_sending_domain("verified.example")
    emulator.add_sending_domain("bounce.example", verified=False, cname_status="valid")
    assert emulator.expire_unverified("new5.example") == ["new5.example"]
    assert emulator.expire_unverified("verified.example") == []
    with pytest.raises(KeyError):
        emulator.expire_unverified("missing.example")
    assert emulator.expire_unverified() == ["new.example"]
    assert names(api) == ["verified.example", "bounce.example"]
    assert emulator.expire_unverified() == []


def test_seeding_mutating_and_removing(emulator: Emulator) -> None:
    seeded = emulator.add_sending_domain("Brand.example", subaccount_id=7, tracking_domain="Click.brand.example")
    assert seeded["domain"] == "brand.example" and seeded["subaccount_id"] == 7
    assert seeded["tracking_domain"] == "click.brand.example"
    assert seeded["status"]["dkim_status"] == "valid" and seeded["status"]["ownership_verified"] is True
    assert key_length(seeded["dkim"]["public"]) == 2048 and CREATION_TIME.fullmatch(seeded["creation_time"])
    bare = emulator.add_sending_domain("bare.example", generate_dkim=False, verified=False,
                                       creation_time="2026-01-02T03:04:05+01:00")
    assert "dkim" not in bare and bare["creation_time"] == "2026-01-02T03:04:05+01:00"
    assert bare["status"]["ownership_verified"] is False
    given = emulator.add_sending_domain("given.example", dkim={"selector": "s1", "public": "PUB"})
    assert given["dkim"] == {"selector": "s1", "public": "PUB", "headers": "from:to:subject:date"}
    changed = emulator.mutate_sending_domain("bare.example", cname_status="valid", is_default_bounce_domain=True,
                                             dkim={"selector": "s2", "public": "P2", "signing_domain": "X.example"})
    assert changed["status"]["ownership_verified"] is True and changed["is_default_bounce_domain"] is True
    assert changed["dkim"]["signing_domain"] == "x.example"
    assert emulator.mutate_sending_domain("bare.example", dkim=None, verified=False)["status"]["cname_status"] \
        == "unverified"
    for bad in ({"colour": "red"}, {"dkim_status": "green"}, {"verified": "yes"}, {"dkim": {"selector": "s"}},
                {"creation_time": "yesterday"}, {"compliance_status": "pending"}, {"tracking_domain": 7},
                {"dkim": {"selector": "s", "public": "p", "extra": 1}}):
        with pytest.raises(ValueError):
            emulator.mutate_sending_domain("bare.example", **bad)
    with pytest.raises(ValueError):
        emulator.add_sending_domain("x.example", dkim_key_length=512)
    with pytest.raises(ValueError):
        emulator.add_sending_domain("x.example", subaccount_id=-1)
    with pytest.raises(KeyError):
        emulator.mutate_sending_domain("missing.example", verified=True)
    assert emulator.remove_sending_domain("bare.example") is True
    assert emulator.remove_sending_domain("bare.example") is False
    emulator.reset()
    assert emulator.sending_domains() == []


# ---- faults on the new routes ------------------------------------------------------------------------------------

def test_faults_reach_the_sending_domain_routes(api: HttpApi, emulator: Emulator) -> None:
    emulator.fail_next(1, status=503, method="POST", path_suffix="/sending-domains")
    assert create(api, generate_dkim=False).status_code == 503
    assert emulator.sending_domains() == []
    emulator.drop_after_commit(method="POST", path_suffix="/sending-domains")
    with pytest.raises(requests.ConnectionError):
        create(api, generate_dkim=False)
    assert emulator.get_sending_domain(D) is not None  # committed, then the answer was lost
    assert [(r.status, r.dropped, r.injected) for r in emulator.requests()] == [(503, False, True), (200, True, False)]
    emulator.fail_next(2, status=429, path_suffix="/verify")
    assert api("POST", f"/sending-domains/{D}/verify", json={}).status_code == 429


@pytest.mark.parametrize(("error", "code", "message"), [("restricted_domain", "7000", "Restricted domain"),
                                                        ("domain_in_use", "7004", "Domain in use by another account")])
def test_the_documented_compliance_blocks(api: HttpApi, emulator: Emulator, error: str, code: str,
                                          message: str) -> None:
    emulator.reject_next(error)
    response = create(api)
    assert response.status_code == 400
    [body] = errors_of(response)
    assert (body["code"], body["message"]) == (code, message) and body["description"].startswith("Please contact")
    assert emulator.sending_domains() == [] and create(api).status_code == 200


def test_a_colleagues_create_racing_ours(api: HttpApi, emulator: Emulator) -> None:
    emulator.create_sending_domain_on_next(D, subaccount_id=5)
    assert create(api, sub=5).status_code == 409
    theirs = emulator.get_sending_domain(D)
    assert theirs is not None and theirs["subaccount_id"] == 5 and theirs["status"]["ownership_verified"] is False
    assert key_length(theirs["dkim"]["public"]) == 2048
    with pytest.raises(ValueError):
        emulator.create_sending_domain_on_next("bad name")
    with pytest.raises(ValueError):
        emulator.create_sending_domain_on_next("ok.example", colour="red")
    assert emulator.pending_faults() == []
