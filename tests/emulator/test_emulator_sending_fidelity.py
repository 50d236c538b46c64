"""The emulator against the request and response samples of SparkPost's ``sending-domains.apib`` (the revision of
2026-06-23 in SparkPost/developers.sparkpost.com), replayed one by one: same requests, same status codes, and the
published bodies field for field (values the emulator makes itself, a key and a time, by their form).

The published objects carry neither ``creation_time`` nor (on lists) ``dkim``; the replays set ``omit_creation_time``
and seed without a key where a sample has none, so the answers must equal the samples whole."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.dkim import quote_txt, record_name
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.dkim_keys import key_length, make_key, pair_problem
from sparkpost_tracking.emulator.testing import HttpApi, errors_of
from tests.check.fake_dns import FakeDns

D = "example1.com"
PUBLIC = ("MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC+W6scd3XWwvC/hPRksfDYFi3ztgyS9OSqnnjtNQeDdTSD1DRx/xFar2wjmzxp2+SnJ5ps"
          "paF77VZveN3P/HVmXZVghr3asoV9WBx/uW1nDIUxU35L4juXiTwsMAbgMyh3NqIKTNKyMDy4P8vpEhtH1iv/BrwMdBjHDVCycB8WnwIDAQAB")
PRIVATE = ("MIICXgIBAAKBgQC+W6scd3XWwvC/hPRksfDYFi3ztgyS9OSqnnjtNQeDdTSD1DRx/xFar2wjmzxp2+SnJ5pspaF77VZveN3P/HVmXZVgh"
           "r3asoV9WBx/uW1nDIUxU35L4juXiTwsMAbgMyh3NqIKTNKyMDy4P8vpEhtH1iv/BrwMdBjHDVCycB8WnwIDAQABAoGBAITb3BCRPBi5lGh"
           "Hdn+1RgC7cjUQEbSb4eFHm+ULRwQ0UIPWHwiVWtptZ09usHq989fKp1g/PfcNzm8c78uTS6gCxfECweFCRK6EdO6cCCr1cfWvmBdSjzYhO"
           "DUdQeyWZi2ozqd0FhGWoV4VHseh4iLj36DzleTLtOZj3FhAo1WJAkEA68T+KkGeDyWwvttYtuSiQCCTrXYAWTQnkIUxduCp7Ap6tVeIDn3T"
           "aXTj74UbEgaNgLhjG4bX//fdeDW6PaK9YwJBAM6xJmwHLPMgwNVjiz3u/6fhY3kaZTWcxtMkXCjh1QE82KzDwqyrCg7EFjTtFysSHCAZxXZ"
           "McivGl4TZLHnydJUCQQCx16+M+mAatuiCnvxlQUMuMiSTNK6Amzm45u9v53nlZeY3weYMYFdHdfe1pebMiwrT7MI9clKebz6svYJVmdtXAk"
           "ApDAc8VuR3WB7TgdRKNWdyGJGfoD1PO1ZE4iinOcoKV+IT1UCY99Kkgg6C7j62n/8T5OpRBvd5eBPpHxP1F9BNAkEA5Nf2VO9lcTetksHdIe"
           "KK+F7sio6UZn0Rv7iUo3ALrN1D1cGfWIh/Y1g==")

# ---- the published samples ---------------------------------------------------------------------------------------

CREATE_REQUEST = {"domain": "example1.com", "tracking_domain": "click.example1.com", "shared_with_subaccounts": False}
CREATE_RESPONSE = {"results": {"message": "Successfully Created domain.", "domain": "example1.com", "dkim": {
    "public": PUBLIC, "selector": "scph0316", "signing_domain": "example1.com", "headers": "from:to:subject:date"}}}
CREATE_RESTRICTED = {"errors": [{"code": "7000", "message": "Restricted domain", "description":
                                 "Please contact SparkPost support to get this domain authorized for your account."}]}
CREATE_IN_USE = {"errors": [{"code": "7004", "message": "Domain in use by another account", "description":
                             "Please contact SparkPost support to check about this org-domain availability."}]}
CREATE_NOT_REGISTERED = {"errors": [{"message": "invalid params", "code": "1200", "description":
                                     "Tracking domain 'click.example1.com' is not a registered tracking domain"}]}
VERIFY_DKIM_RESPONSE = {"results": {
    "ownership_verified": True, "dns": {"dkim_record": f"k=rsa; h=sha256; p={PUBLIC}"},
    "dkim_status": "valid", "cname_status": "unverified", "mx_status": "unverified", "compliance_status": "valid",
    "spf_status": "unverified", "abuse_at_status": "unverified", "postmaster_at_status": "unverified",
    "verification_mailbox_status": "unverified"}}
VERIFY_MAILBOX_REQUEST = {"verification_mailbox_verify": True, "verification_mailbox": "susan.calvin"}
VERIFY_MAILBOX_RESPONSE = {"results": {
    "ownership_verified": False, "spf_status": "unverified", "compliance_status": "valid",
    "dkim_status": "unverified", "abuse_at_status": "unverified", "postmaster_at_status": "unverified",
    "verification_mailbox_status": "unverified", "verification_mailbox": "susan.calvin"}}
RETRIEVE_RESPONSE = {"results": {
    "tracking_domain": "click.example1.com",
    "status": {"ownership_verified": False, "spf_status": "unverified", "abuse_at_status": "unverified",
               "dkim_status": "unverified", "cname_status": "unverified", "mx_status": "pending",
               "compliance_status": "valid", "postmaster_at_status": "unverified",
               "verification_mailbox_status": "unverified"},
    "dkim": {"headers": "from:to:subject:date", "public": PUBLIC, "selector": "hello_selector"},
    "shared_with_subaccounts": False, "is_default_bounce_domain": False}}
UPDATE_REQUEST = {"tracking_domain": "click.example1.com",
                  "dkim": {"private": PRIVATE, "public": PUBLIC, "selector": "hello_selector"},
                  "is_default_bounce_domain": True}
UPDATE_RESPONSE = {"results": {"message": "Successfully Updated Domain.", "domain": "example1.com"}}
UPDATE_NOT_REGISTERED = {"errors": [{"message": "invalid params", "code": "1200", "description":
                                     "Tracking domain '(domain)' is not a registered tracking domain"}]}
UPDATE_DKIM_FAILED = {"errors": [{"message": "request to remote endpoint failed", "code": "1404", "description":
                                  "Unable to verify DKIM record of example1.com. DNS DKIM query error: 'v=DKIM1;' is "
                                  "missing a p= tag"}]}
DELETE_NOT_FOUND = {"errors": [{"code": "1600", "message": "resource not found",
                                "description": "Domain 'wrong.domain' does not exist"}]}
LIST_RESPONSE = {"results": [
    {"domain": "example1.com", "tracking_domain": "click.example1.com",
     "status": {"ownership_verified": True, "spf_status": "unverified", "abuse_at_status": "unverified",
                "dkim_status": "valid", "cname_status": "valid", "mx_status": "unverified",
                "compliance_status": "valid", "postmaster_at_status": "unverified",
                "verification_mailbox_status": "valid", "verification_mailbox": "susan.calvin"},
     "shared_with_subaccounts": False, "is_default_bounce_domain": False},
    {"domain": "example2.com",
     "status": {"ownership_verified": True, "spf_status": "unverified", "abuse_at_status": "unverified",
                "dkim_status": "valid", "cname_status": "valid", "mx_status": "unverified",
                "compliance_status": "valid", "postmaster_at_status": "unverified",
                "verification_mailbox_status": "unverified"},
     "shared_with_subaccounts": False, "is_default_bounce_domain": False}]}


@pytest.fixture
def dns(emulator: Emulator) -> Iterator[FakeDns]:
    with FakeDns({}) as server:
        emulator.update_settings(dns_server=server.address, omit_creation_time=True)
        yield server


def shape(value: Any) -> Any:
    """A body with every value replaced by its type, keys kept: two bodies of one shape compare equal."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def test_create(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    api.create("click.example1.com")
    response = api("POST", "/sending-domains", json=CREATE_REQUEST)
    assert response.status_code == 200
    body = response.json()
    assert shape(body) == shape(CREATE_RESPONSE)
    made, published = body["results"], CREATE_RESPONSE["results"]
    assert {k: made[k] for k in ("message", "domain")} == {k: published[k] for k in ("message", "domain")}
    assert {k: made["dkim"][k] for k in ("signing_domain", "headers")} \
        == {k: published["dkim"][k] for k in ("signing_domain", "headers")}  # type: ignore[index]
    assert re.fullmatch(r"scph\d{4}", made["dkim"]["selector"])
    # The sample's key is 1024 bits; this revision makes 2048 unless told otherwise.
    assert key_length(PUBLIC) == 1024 and key_length(made["dkim"]["public"]) == 2048


@pytest.mark.parametrize(("set_up", "published"), [
    ("reject_next:restricted_domain", CREATE_RESTRICTED), ("reject_next:domain_in_use", CREATE_IN_USE),
    ("hold_in_another_account", CREATE_IN_USE), ("no tracking domain", CREATE_NOT_REGISTERED)])
def test_create_refused(api: HttpApi, emulator: Emulator, set_up: str, published: dict[str, Any]) -> None:
    if set_up.startswith("reject_next:"):
        api.create("click.example1.com")
        emulator.reject_next(set_up.partition(":")[2])
    elif set_up == "hold_in_another_account":
        api.create("click.example1.com")
        emulator.hold_in_another_account("example1.com")
    response = api("POST", "/sending-domains", json=CREATE_REQUEST)
    assert (response.status_code, response.json()) == (400, published)
    assert emulator.sending_domains() == []


def test_verify_dkim(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    emulator.add_sending_domain(D, verified=False, dkim={"selector": "scph0316", "public": PUBLIC})
    dns.records[record_name("scph0316", D)] = [("TXT", quote_txt(f"k=rsa; h=sha256; p={PUBLIC}"))]
    response = api("POST", f"/sending-domains/{D}/verify", json={"dkim_verify": True})
    assert (response.status_code, response.json()) == (200, VERIFY_DKIM_RESPONSE)


def test_verify_by_mailbox(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    emulator.add_sending_domain(D, verified=False, generate_dkim=False)
    response = api("POST", f"/sending-domains/{D}/verify", json=VERIFY_MAILBOX_REQUEST)
    assert response.status_code == 200
    # The sample lists neither cname_status nor mx_status; the emulator answers every documented status field.
    assert {k: v for k, v in response.json()["results"].items() if k not in ("cname_status", "mx_status")} \
        == VERIFY_MAILBOX_RESPONSE["results"]
    assert dns.queries == []


def test_retrieve(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    emulator.add_domain("click.example1.com")
    emulator.add_sending_domain(D, tracking_domain="click.example1.com", verified=False, mx_status="pending",
                                dkim={"selector": "hello_selector", "public": PUBLIC})
    response = api("GET", f"/sending-domains/{D}", headers={"Accept": "application/json"})
    assert (response.status_code, response.json()) == (200, RETRIEVE_RESPONSE)  # no "domain", as documented


def test_update(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    api.create("click.example1.com")
    emulator.add_sending_domain(D, verified=False, cname_status="valid", generate_dkim=False)
    # The sample's private key is cut short (587 of its 606 bytes), so no server can take the sample as it is...
    assert pair_problem(PRIVATE, PUBLIC) is not None
    dns.records[record_name("hello_selector", D)] = [("TXT", quote_txt(f"v=DKIM1; k=rsa; h=sha256; p={PUBLIC}"))]
    refused = api("PUT", f"/sending-domains/{D}", json=UPDATE_REQUEST)
    assert refused.status_code == 400 and errors_of(refused)[0]["code"] == "1300"
    # ...and the same request with a whole key pair is the published success.
    key = make_key(1024)
    dns.records[record_name("hello_selector", D)] = [("TXT", quote_txt(f"v=DKIM1; k=rsa; h=sha256; p={key.public}"))]
    whole = {**UPDATE_REQUEST, "dkim": {"private": key.private, "public": key.public, "selector": "hello_selector"}}
    response = api("PUT", f"/sending-domains/{D}", json=whole)
    assert (response.status_code, response.json()) == (200, UPDATE_RESPONSE)
    found = emulator.get_sending_domain(D)
    assert found is not None and found["is_default_bounce_domain"] is True
    assert found["tracking_domain"] == "click.example1.com" and found["dkim"]["public"] == key.public


def test_update_refused(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    emulator.add_sending_domain(D, generate_dkim=False)
    response = api("PUT", f"/sending-domains/{D}", json={"tracking_domain": "click.example1.com"})
    assert (response.status_code, response.json()) == (400, {"errors": [{
        **UPDATE_NOT_REGISTERED["errors"][0],
        "description": "Tracking domain 'click.example1.com' is not a registered tracking domain"}]})
    key = make_key(1024)
    dns.records[record_name("hello_selector", D)] = [("TXT", '"v=DKIM1;"')]
    response = api("PUT", f"/sending-domains/{D}",
                   json={"dkim": {"private": key.private, "public": key.public, "selector": "hello_selector"}})
    assert (response.status_code, response.json()) == (400, UPDATE_DKIM_FAILED)


def test_delete(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain(D)
    response = api("DELETE", f"/sending-domains/{D}")
    assert (response.status_code, response.content) == (204, b"")
    response = api("DELETE", "/sending-domains/wrong.domain")
    assert (response.status_code, response.json()) == (404, DELETE_NOT_FOUND)


def test_list(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    emulator.add_domain("click.example1.com")
    emulator.add_sending_domain("example1.com", tracking_domain="click.example1.com", generate_dkim=False,
                                cname_status="valid", verification_mailbox_status="valid",
                                verification_mailbox="susan.calvin")
    emulator.add_sending_domain("example2.com", generate_dkim=False, cname_status="valid")
    response = api("GET", "/sending-domains", headers={"Accept": "application/json"})
    assert (response.status_code, response.json()) == (200, LIST_RESPONSE)
