"""The sending-domain store on its own, with a clock the test holds: ``creation_time`` is new each time a name is
made again, even within one second; and the rules of seeding and of a caller's key that the API tests do not
reach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.dkim_keys import key_length, make_key
from sparkpost_tracking.emulator.errors import ApiError
from sparkpost_tracking.emulator.sending import CreateRequest, Dkim, SendingDomainStore, parse_create
from sparkpost_tracking.emulator.testing import HttpApi, errors_of

NOON = datetime(2026, 3, 16, 12, 0, 0, 500_000, tzinfo=timezone(timedelta(hours=2)))


def store_at(moment: datetime) -> SendingDomainStore:
    return SendingDomainStore(lambda name: None, clock=lambda: moment)


def request(domain: str) -> CreateRequest:
    return CreateRequest(domain, "", False, None, False, 2048)


def test_creation_time_is_the_creates_second_in_utc() -> None:
    store = store_at(NOON)
    store.create(request("a.example"), scope=0)
    assert store.peek("a.example")["creation_time"] == "2026-03-16T10:00:00+00:00"  # type: ignore[index]


def test_a_name_made_again_in_the_same_second_reads_a_later_time() -> None:
    store = store_at(NOON)
    times = []
    for _ in range(3):
        store.create(request("a.example"), scope=0)
        times.append(store.peek("a.example")["creation_time"])  # type: ignore[index]
        store.delete("a.example", scope=0)
    assert times == ["2026-03-16T10:00:00+00:00", "2026-03-16T10:00:01+00:00", "2026-03-16T10:00:02+00:00"]
    store.create(request("b.example"), scope=0)  # another name keeps the clock's time
    assert store.peek("b.example")["creation_time"] == "2026-03-16T10:00:00+00:00"  # type: ignore[index]
    seeded = store.add("a.example", generate_dkim=False)  # out of band too
    assert seeded["creation_time"] == "2026-03-16T10:00:03+00:00"


def test_a_generated_selector_names_the_month_and_year() -> None:
    store = store_at(NOON)
    answer = store.create(CreateRequest("a.example", "", False, None, True, 1024), scope=0)
    assert answer["dkim"]["selector"] == "scph0326"


def test_seeding_rules() -> None:
    store = store_at(NOON)
    with pytest.raises(ValueError, match=r"^generate_dkim must be a bool; got 'yes'$"):
        store.add("a.example", generate_dkim="yes")
    assert store.add("a.example", shared_with_subaccounts=True, generate_dkim=False)["shared_with_subaccounts"] is True
    for field in ("generate_dkim", "dkim_key_length"):  # what a seed is made with, not a state to change later
        with pytest.raises(ValueError, match=f"^cannot set {field}$"):
            store.mutate("a.example", **{field: 1024})
    with pytest.raises(ValueError, match=r"^sending domain a\.example already exists$"):
        store.add("A.example")
    with pytest.raises(ValueError, match=r"^invalid domain name 'nodot'$"):
        store.add("nodot")
    with pytest.raises(ValueError, match=r"^bounce_host must be a host name; got 'no host'$"):
        store.bounce_host = "no host"
    assert key_length(store.add("k.example", dkim_key_length=1024)["dkim"]["public"]) == 1024


def test_the_sending_settings_start_at_their_defaults(emulator: Emulator) -> None:
    settings = emulator.settings()
    assert {name: settings[name] for name in ("dns_server", "dns_timeout", "bounce_host", "omit_creation_time")} \
        == {"dns_server": None, "dns_timeout": 2.0, "bounce_host": "sparkpostmail.com", "omit_creation_time": False}
    emulator.update_settings(dns_server="127.0.0.1:53", dns_timeout=1, bounce_host="EU.sparkpostmail.com",
                             omit_creation_time=True)
    assert emulator.settings()["bounce_host"] == "eu.sparkpostmail.com"
    emulator.reset()
    settings = emulator.settings()
    assert {name: settings[name] for name in ("dns_server", "dns_timeout", "bounce_host", "omit_creation_time")} \
        == {"dns_server": None, "dns_timeout": 2.0, "bounce_host": "sparkpostmail.com", "omit_creation_time": False}


@pytest.mark.parametrize("signing_domain", ["not a domain", 7, "nodot"])
def test_a_callers_signing_domain_must_be_a_domain(api: HttpApi, emulator: Emulator, signing_domain: object) -> None:
    key = make_key(1024)
    response = api("POST", "/sending-domains", json={"domain": "a.example", "dkim": {
        "private": key.private, "public": key.public, "selector": "s1", "signing_domain": signing_domain}})
    assert response.status_code == 400
    assert errors_of(response) == [{"message": "invalid params", "code": "1300",
                                    "description": f"signing_domain '{signing_domain}' is not a domain"}]
    assert emulator.sending_domains() == []


def test_a_clock_in_utc_is_kept() -> None:
    store = store_at(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    store.create(request("a.example"), scope=0)
    assert store.peek("a.example")["creation_time"] == "2026-01-02T03:04:05+00:00"  # type: ignore[index]


def test_a_seed_names_no_tracking_domain_unless_told() -> None:
    store = store_at(NOON)
    assert "tracking_domain" not in store.add("a.example", generate_dkim=False)


@pytest.mark.parametrize("length", [True, "2048", 512, 4097, 2048.0])
def test_a_seeds_key_length_is_checked(length: object) -> None:
    with pytest.raises(ValueError, match=r"^dkim_key_length must be an int from 1024 to 4096$"):
        store_at(NOON).add("a.example", dkim_key_length=length)


def test_a_seeds_key_length_bounds_are_allowed() -> None:
    store = store_at(NOON)
    store.add("a.example", dkim_key_length=4096, generate_dkim=False)
    store.add("b.example", dkim_key_length=1024, generate_dkim=False)
    assert [d["domain"] for d in store.snapshot()] == ["a.example", "b.example"]


def test_reset_forgets_everything_sending_domains_hold() -> None:
    store = store_at(NOON)
    store.hold_in_another_account("held.example")
    store.create(request("a.example"), scope=0)
    store.dns_server, store.dns_timeout, store.bounce_host = "127.0.0.1:53", 1.0, "eu.sparkpostmail.com"
    store.omit_creation_time = True
    store.reset()
    assert store.snapshot() == [] and (store.dns_server, store.dns_timeout, store.bounce_host,
                                       store.omit_creation_time) == (None, 2.0, "sparkpostmail.com", False)
    store.create(request("held.example"), scope=0)  # no longer held elsewhere
    store.create(request("a.example"), scope=0)  # made again, but the store forgot the first: the clock's time
    assert store.peek("a.example")["creation_time"] == "2026-03-16T10:00:00+00:00"  # type: ignore[index]


def test_mailbox_flags_must_be_booleans(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("a.example", generate_dkim=False)
    for name in ("postmaster_at_verify", "abuse_at_verify", "verification_mailbox_verify"):
        response = api("POST", "/sending-domains/a.example/verify", json={name: "yes"})
        assert response.status_code == 422 and errors_of(response)[0]["param"] == name
    assert api("POST", "/sending-domains/a.example/verify", json={"postmaster_at_verify": True}).status_code == 200


def test_a_keys_private_part_never_shows() -> None:
    key = Dkim("s1", "PUBLIC", "THE-PRIVATE-KEY")
    assert "THE-PRIVATE-KEY" not in repr(key) and "PUBLIC" in repr(key)


def refusal(body: dict[str, object]) -> dict[str, object]:
    with pytest.raises(ApiError) as caught:
        parse_create({"domain": "a.example", **body})
    return {"status": caught.value.status, **caught.value.errors[0]}


def test_the_create_bodys_rules_and_words() -> None:
    one, other = make_key(1024), make_key(1024)
    assert parse_create({"domain": "A.example", "dkim_key_length": 4096}).dkim_key_length == 4096
    assert parse_create({"domain": "a.example", "dkim_key_length": 1024}).dkim_key_length == 1024
    taken = parse_create({"domain": "a.example", "dkim": {"private": one.private, "public": one.public,
                                                          "selector": "s1", "headers": "from:to"}}).dkim
    assert taken is not None and taken.headers == "from:to" and taken.signing_domain == ""
    assert refusal({"tracking_domain": 7}) == {"status": 422, "param": "tracking_domain",
                                               "message": "tracking_domain must be a string", "value": 7}
    assert refusal({"dkim": "key"}) == {"status": 400, "message": "invalid params", "code": "1300",
                                        "description": "dkim must be an object"}
    assert refusal({"dkim": {"public": "x"}}) == {
        "status": 400, "message": "invalid params", "code": "1300",
        "description": "When providing custom keys, private, public, and selector must all be specified"}
    assert refusal({"dkim": {"private": one.private, "public": other.public, "selector": "s1"}})["description"] \
        == "the DKIM public key does not belong to the private key"
    assert refusal({"dkim": {"private": one.private, "public": one.public, "selector": "a b"}})["description"] \
        == "selector 'a b' is not a DNS label"
    assert refusal({"dkim_key_length": 4097})["description"] \
        == "dkim_key_length must be a number of bits from 1024 to 4096; got 4097"


def test_sharing_from_a_subaccount_is_refused_in_sparkposts_shape(api: HttpApi) -> None:
    response = api("POST", "/sending-domains", json={"domain": "a.example", "generate_dkim": False,
                                                     "shared_with_subaccounts": True}, sub=5)
    assert errors_of(response) == [{"message": "invalid params", "code": "1200", "description":
                                    "shared_with_subaccounts is only available to domains of the primary account"}]


def test_verify_flags_must_be_booleans_named(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("a.example", generate_dkim=False)
    for name in ("dkim_verify", "cname_verify"):
        response = api("POST", "/sending-domains/a.example/verify", json={name: 1})
        assert response.status_code == 422 and errors_of(response) == [
            {"param": name, "message": f"{name} must be a boolean", "value": 1}]


def test_one_default_bounce_domain_per_scope_out_of_band_too() -> None:
    store = store_at(NOON)
    store.add("b1.example", generate_dkim=False, is_default_bounce_domain=True)
    store.add("b5.example", 5, generate_dkim=False, is_default_bounce_domain=True)
    store.add("b2.example", generate_dkim=False, is_default_bounce_domain=True)
    assert [(d["domain"], d["is_default_bounce_domain"]) for d in store.snapshot()] == [
        ("b1.example", False), ("b5.example", True), ("b2.example", True)]
    store.mutate("b1.example", is_default_bounce_domain=True)
    assert [(d["domain"], d["is_default_bounce_domain"]) for d in store.snapshot()] == [
        ("b1.example", True), ("b5.example", True), ("b2.example", False)]


def test_seeded_keys_and_choices_say_what_is_wrong() -> None:
    store = store_at(NOON)
    seeded = store.add("a.example", dkim={"selector": "s1", "public": "P", "private": "K",
                                          "signing_domain": "M.example", "headers": "from:to"})
    assert seeded["dkim"] == {"selector": "s1", "public": "P", "headers": "from:to", "signing_domain": "m.example"}
    with pytest.raises(ValueError, match=r"^dkim must be None or a dict with a selector and a public key$"):
        store.mutate("a.example", dkim={"selector": "s1"})
    with pytest.raises(ValueError, match=r"^dkim cannot hold colour$"):
        store.mutate("a.example", dkim={"selector": "s1", "public": "P", "colour": "red"})
    with pytest.raises(ValueError, match=r"^dkim_status must be one of unverified, pending, invalid, valid; got 'ok'$"):
        store.mutate("a.example", dkim_status="ok")
    with pytest.raises(ValueError, match=r"^verified must be a bool; got 'yes'$"):
        store.mutate("a.example", verified="yes")
    with pytest.raises(ValueError, match=r"^compliance_status must be one of valid, blocked; got 'pending'$"):
        store.mutate("a.example", compliance_status="pending")


def test_the_dns_timeout_bounds() -> None:
    store = store_at(NOON)
    store.dns_timeout = 60
    assert store.dns_timeout == 60.0
    store.dns_timeout = 0.01
    with pytest.raises(ValueError, match=r"^dns_timeout must be a number of seconds above 0 and at most 60; got 0$"):
        store.dns_timeout = 0


def test_update_fields_must_be_booleans_named(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("a.example", generate_dkim=False)
    for name in ("shared_with_subaccounts", "is_default_bounce_domain"):
        response = api("PUT", "/sending-domains/a.example", json={name: "yes"})
        assert errors_of(response) == [{"param": name, "message": f"{name} must be a boolean", "value": "yes"}]


@pytest.mark.parametrize("token", ["verification_mailbox_token", "postmaster_at_token", "abuse_at_token"])
def test_no_token_can_match(api: HttpApi, emulator: Emulator, token: str) -> None:
    emulator.add_sending_domain("a.example", generate_dkim=False)
    response = api("POST", "/sending-domains/a.example/verify", json={token: "abc"})
    assert errors_of(response) == [{"message": "invalid params", "code": "1200", "description":
                                    f"{token} does not match: the emulator sends no verification email"}]


@pytest.mark.parametrize("mailbox", ["postmaster", "Abuse", "", 7])
def test_the_nominated_mailbox_is_another_one(api: HttpApi, emulator: Emulator, mailbox: object) -> None:
    emulator.add_sending_domain("a.example", generate_dkim=False)
    response = api("POST", "/sending-domains/a.example/verify",
                   json={"verification_mailbox_verify": True, "verification_mailbox": mailbox})
    assert response.status_code == 422 and errors_of(response)[0]["code"] == "1400"


def test_the_words_of_seeding_and_bounce_refusals(api: HttpApi, emulator: Emulator) -> None:
    store = store_at(NOON)
    store.add("a.example", generate_dkim=False)
    with pytest.raises(ValueError, match=r"^creation_time must read YYYY-MM-DDTHH:MM:SS\+HH:MM; got 'today'$"):
        store.mutate("a.example", creation_time="today")
    with pytest.raises(ValueError, match=r"^tracking_domain must be a string; got 7$"):
        store.mutate("a.example", tracking_domain=7)
    emulator.add_sending_domain("b.example", generate_dkim=False)
    response = api("PUT", "/sending-domains/b.example", json={"is_default_bounce_domain": True})
    assert errors_of(response) == [{"message": "invalid params", "code": "1200", "description":
                                    "Domain 'b.example' can be a default bounce domain only once its cname_status or "
                                    "mx_status is valid"}]


def test_the_log_keeps_bodies_and_hides_only_private_keys(api: HttpApi, emulator: Emulator) -> None:
    api("POST", "/sending-domains", json={"domain": "a.example", "generate_dkim": False})
    api("POST", "/sending-domains", json={"domain": "b.example", "dkim": "not an object"})
    assert [r.body for r in emulator.requests()] == [{"domain": "a.example", "generate_dkim": False},
                                                     {"domain": "b.example", "dkim": "not an object"}]


def test_a_filter_outside_its_values_is_named(api: HttpApi) -> None:
    response = api("GET", "/sending-domains", params={"compliance_status": "pending"})
    assert errors_of(response) == [{"param": "compliance_status", "message":
                                    "compliance_status must be one of valid, blocked", "value": "pending"}]
