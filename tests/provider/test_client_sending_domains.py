"""The API client's sending-domain calls against the emulator: the requests each makes, scoping, typed errors,
retries, a create whose answer is lost (read back, judged by ``sending_domain_made_by_create``, never posted twice),
and a DKIM private key kept out of every error."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import RetryPolicy, SparkPostClient, errors
from sparkpost_tracking.dynamic_providers.client import CreatedSendingDomain, sending_domain_made_by_create
from sparkpost_tracking.dynamic_providers.dkim import DkimRecord, quote_txt
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.dkim_keys import key_length, make_key
from tests.check.fake_dns import FakeDns

KEY = "client-test-key-0123456789"
FAST = RetryPolicy(attempts=4, backoff_factor=0.01, backoff_max=0.05, jitter=0.0, read_timeout=2.0)
D = "brand.example"
BOUNCE = "bounce.brand.example"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@pytest.fixture
def dns(emu: Emulator) -> Iterator[FakeDns]:
    with FakeDns({}) as server:
        emu.update_settings(dns_server=server.address, dns_timeout=1.0)
        yield server


def client(emu: Emulator, **kwargs: Any) -> SparkPostClient:
    return SparkPostClient(emu.base_url, KEY, policy=FAST, **kwargs)


def calls(emu: Emulator) -> list[tuple[str, str, int]]:
    return [(r.method, r.path.removeprefix("/api/v1"), r.status) for r in emu.requests()]


def test_a_brand_from_nothing_to_verified_and_gone(emu: Emulator, dns: FakeDns) -> None:
    emu.add_domain("click.brand.example")
    with client(emu) as api:
        made = api.create_sending_domain(D, tracking_domain="click.brand.example")
        assert made.domain == D and made.read_back is None and made.dkim is not None
        assert key_length(made.dkim["public"]) == 2048
        record = DkimRecord.for_key(made.dkim["selector"], D, made.dkim["public"])
        dns.records[record.name] = [("TXT", record.quoted)]
        api.create_sending_domain(BOUNCE, generate_dkim=False)
        dns.records[BOUNCE] = [("CNAME", "sparkpostmail.com")]
        assert api.verify_sending_domain(D, dkim=True)["dns"] == {"dkim_record": record.value}
        assert api.verify_sending_domain(BOUNCE, cname=True)["cname_status"] == "valid"
        api.update_sending_domain(BOUNCE, {"is_default_bounce_domain": True})
        found = api.get_sending_domain(D)
        assert found["status"]["dkim_status"] == "valid" and found["tracking_domain"] == "click.brand.example"
        assert [d["domain"] for d in api.list_sending_domains(is_default_bounce_domain=True)] == [BOUNCE]
        api.delete_sending_domain(D)
        with pytest.raises(errors.NotFound):
            api.get_sending_domain(D)
    assert calls(emu) == [
        ("GET", f"/sending-domains/{D}", 404), ("POST", "/sending-domains", 200),
        ("GET", f"/sending-domains/{BOUNCE}", 404), ("POST", "/sending-domains", 200),
        ("POST", f"/sending-domains/{D}/verify", 200), ("POST", f"/sending-domains/{BOUNCE}/verify", 200),
        ("PUT", f"/sending-domains/{BOUNCE}", 200), ("GET", f"/sending-domains/{D}", 200),
        ("GET", "/sending-domains", 200), ("DELETE", f"/sending-domains/{D}", 204),
        ("GET", f"/sending-domains/{D}", 404)]
    bodies = [r.body for r in emu.requests() if r.method in ("POST", "PUT")]
    assert bodies == [{"domain": D, "tracking_domain": "click.brand.example"},
                      {"domain": BOUNCE, "generate_dkim": False}, {"dkim_verify": True}, {"cname_verify": True},
                      {"is_default_bounce_domain": True}]
    assert [r.query for r in emu.requests() if r.path.endswith("/sending-domains") and r.method == "GET"] == [
        {"is_default_bounce_domain": "true"}]


def test_the_create_body_says_only_what_was_asked(emu: Emulator) -> None:
    key = make_key(1024)
    with client(emu) as api:
        api.create_sending_domain("a.example", dkim_key_length=1024, shared_with_subaccounts=True)
        made = api.create_sending_domain("b.example", dkim={"private": key.private, "public": key.public,
                                                            "selector": "s1"})
    assert made == CreatedSendingDomain("b.example", {"public": key.public, "selector": "s1"})
    bodies = [r.body for r in emu.requests() if r.method == "POST"]
    assert bodies == [{"domain": "a.example", "dkim_key_length": 1024, "shared_with_subaccounts": True},
                      {"domain": "b.example", "dkim": {"private": "***", "public": key.public, "selector": "s1"}}]
    assert key_length(emu.get_sending_domain("a.example")["dkim"]["public"]) == 1024  # type: ignore[index]


def test_the_subaccount_header_on_every_call_but_the_listing(emu: Emulator, dns: FakeDns) -> None:
    with client(emu, subaccount_id=42) as api:
        api.create_sending_domain(D, generate_dkim=False)
        api.get_sending_domain(D)
        api.update_sending_domain(D, {"tracking_domain": ""})
        api.verify_sending_domain(D, cname=True)
        api.list_sending_domains()
        api.get_sending_domain_in_any_scope(D)
        api.delete_sending_domain(D)
    assert [(r.method, r.subaccount) for r in emu.requests()] == [
        ("GET", "42"), ("POST", "42"), ("GET", "42"), ("PUT", "42"), ("POST", "42"), ("GET", None), ("GET", None),
        ("DELETE", "42")]


def test_an_existing_domain_is_read_and_nothing_posted(emu: Emulator) -> None:
    emu.add_sending_domain(D, verified=False)  # exactly as our POST would make it, but already there
    with client(emu) as api, pytest.raises(errors.NotOurDomain, match="ownership_verified=False") as caught:
        api.create_sending_domain(D)
    assert caught.value.found["dkim"]["public"] and "created " in str(caught.value)
    assert calls(emu) == [("GET", f"/sending-domains/{D}", 200)]


def test_a_create_that_lands_after_our_read_is_a_conflict(emu: Emulator) -> None:
    emu.create_sending_domain_on_next(D)
    with client(emu) as api, pytest.raises(errors.Conflict) as caught:
        api.create_sending_domain(D)
    assert caught.value.status == 409 and "already exists" in caught.value.detail
    assert emu.count("POST") == 1


def test_a_name_another_account_holds(emu: Emulator) -> None:
    emu.hold_in_another_account("brand.example")
    with client(emu) as api, pytest.raises(errors.BadRequest) as caught:
        api.create_sending_domain(BOUNCE)
    assert "Domain in use by another account" in caught.value.detail and "[code 7004]" in caught.value.detail


def test_a_lost_answer_is_read_back_never_posted_twice(emu: Emulator) -> None:
    emu.drop_after_commit(1, method="POST", path_suffix="/sending-domains")
    with client(emu) as api:
        made = api.create_sending_domain(D)
    stored = emu.get_sending_domain(D)
    assert stored is not None and made.read_back is not None
    assert made.dkim == stored["dkim"] and made.domain == D
    assert calls(emu) == [("GET", f"/sending-domains/{D}", 404), ("POST", "/sending-domains", 200),
                          ("GET", f"/sending-domains/{D}", 200)]
    assert len(emu.sending_domains()) == 1


def test_a_5xx_is_read_back_then_posted_again(emu: Emulator) -> None:
    emu.fail_next(1, status=500, method="POST")
    with client(emu) as api:
        made = api.create_sending_domain(D)
    assert made.read_back is None and made.dkim is not None
    # Read back after the 500, and again right before the retry (the name must still be free then).
    assert calls(emu) == [("GET", f"/sending-domains/{D}", 404), ("POST", "/sending-domains", 500),
                          ("GET", f"/sending-domains/{D}", 404), ("GET", f"/sending-domains/{D}", 404),
                          ("POST", "/sending-domains", 200)]


def test_a_409_after_a_read_showed_the_name_free_is_someone_elses(emu: Emulator) -> None:
    emu.fail_next(1, status=500, method="POST")  # our first POST is refused with a 500: nothing made
    emu.create_sending_domain_on_next(D, skip=1)  # someone else's create lands as our retried POST arrives
    with client(emu) as api, pytest.raises(errors.NotOurDomain, match="the retried POST heard 409") as caught:
        api.create_sending_domain(D)
    # Exactly as our POST makes it (unverified, a generated key): still not ours, as the read showed the name free.
    assert sending_domain_made_by_create(caught.value.found, subaccount_id=None)
    assert [(m, s) for m, _, s in calls(emu)] == [("GET", 404), ("POST", 500), ("GET", 404), ("GET", 404),
                                                  ("POST", 409), ("GET", 200)]


def test_a_lost_answer_and_someone_elses_domain_is_not_ours(emu: Emulator) -> None:
    emu.create_sending_domain_on_next(D, method="POST", verified=True)  # theirs, verified, lands with our POST
    emu.fail_next(1, status=503, method="POST")  # and our POST's answer is lost
    with client(emu) as api, pytest.raises(errors.NotOurDomain, match="someone else made it") as caught:
        api.create_sending_domain(D)
    assert caught.value.found["status"]["ownership_verified"] is True
    assert emu.count("POST") == 1


def test_a_lost_answer_with_a_callers_key_is_ours_only_with_that_key(emu: Emulator) -> None:
    ours, theirs = make_key(1024), make_key(1024)
    emu.create_sending_domain_on_next(D, method="POST", dkim={"selector": "s1", "public": theirs.public})
    emu.fail_next(1, status=503, method="POST")
    with client(emu) as api, pytest.raises(errors.NotOurDomain):
        api.create_sending_domain(D, dkim={"private": ours.private, "public": ours.public, "selector": "s1"})
    emu.remove_sending_domain(D)
    emu.drop_after_commit(1, method="POST", path_suffix="/sending-domains")
    with client(emu) as api:
        made = api.create_sending_domain(D, dkim={"private": ours.private, "public": ours.public, "selector": "s1"})
    assert made.read_back is not None and made.dkim is not None and made.dkim["public"] == ours.public


@pytest.mark.parametrize(("change", "ours"), [
    ({}, True),
    ({"status": {"ownership_verified": True, "dkim_status": "valid"}}, False),
    ({"status": {"ownership_verified": False, "cname_status": "pending"}}, False),
    ({"status": {"ownership_verified": False, "verification_mailbox_status": "invalid"}}, False),
    ({"is_default_bounce_domain": True}, False),
    ({"tracking_domain": "click.brand.example"}, False),
    ({"shared_with_subaccounts": True}, False),
    ({"subaccount_id": 5}, False),
    ({"dkim": None}, False),
    ({"dkim": {"public": "PUB"}}, False),  # no selector
])
def test_what_a_create_alone_makes(change: dict[str, Any], ours: bool) -> None:
    made = {"status": {"ownership_verified": False, "dkim_status": "unverified"}, "shared_with_subaccounts": False,
            "is_default_bounce_domain": False, "dkim": {"public": "PUB", "selector": "scph0126"}, **change}
    assert sending_domain_made_by_create(made, subaccount_id=None) is ours


def test_what_a_create_alone_makes_with_its_arguments() -> None:
    made = {"status": {}, "tracking_domain": "Click.Brand.example", "shared_with_subaccounts": True,
            "subaccount_id": 5, "dkim": {"public": "PUB", "selector": "s1"}}
    assert sending_domain_made_by_create(made, subaccount_id=5, tracking_domain="click.brand.example",
                                         shared_with_subaccounts=True)
    assert sending_domain_made_by_create(made, subaccount_id=5, tracking_domain="click.brand.example",
                                         shared_with_subaccounts=True, dkim={"public": "PUB", "selector": "s1"})
    assert not sending_domain_made_by_create(made, subaccount_id=5, tracking_domain="click.brand.example",
                                             shared_with_subaccounts=True, dkim={"public": "PUB", "selector": "s2"})
    assert not sending_domain_made_by_create(made, subaccount_id=5, tracking_domain="click.brand.example",
                                             shared_with_subaccounts=True, dkim={"public": "OTHER", "selector": "s1"})
    assert not sending_domain_made_by_create(made, subaccount_id=5, tracking_domain="click.brand.example",
                                             shared_with_subaccounts=True, generate_dkim=False)
    assert sending_domain_made_by_create({"status": {}}, subaccount_id=0, generate_dkim=False)


@pytest.mark.parametrize(("method", "call"), [
    ("GET", lambda api: api.get_sending_domain(D)),
    ("PUT", lambda api: api.update_sending_domain(D, {"tracking_domain": ""})),
    ("DELETE", lambda api: api.delete_sending_domain(D)),
    ("POST", lambda api: api.verify_sending_domain(D)),
])
def test_5xx_and_429_on_idempotent_calls_are_retried(emu: Emulator, method: str, call: Any) -> None:
    emu.add_sending_domain(D)
    emu.fail_next(1, status=503, method=method)
    emu.fail_next(1, status=429, method=method)
    with client(emu) as api:
        call(api)
    assert [r.status for r in emu.requests()][:2] == [503, 429] and emu.requests()[-1].status < 300


def test_a_key_that_does_not_resolve_is_refused_with_sparkposts_words(emu: Emulator, dns: FakeDns) -> None:
    emu.add_sending_domain(D)
    key = make_key(1024)
    with client(emu) as api, pytest.raises(errors.BadRequest) as caught:
        api.update_sending_domain(D, {"dkim": {"private": key.private, "public": key.public, "selector": "new"}})
    assert "[code 1404]" in caught.value.detail and f"Unable to verify DKIM record of {D}" in caught.value.detail
    dns.records[f"new._domainkey.{D}"] = [("TXT", quote_txt(f"v=DKIM1; k=rsa; h=sha256; p={key.public}"))]
    with client(emu) as api:
        api.update_sending_domain(D, {"dkim": {"private": key.private, "public": key.public, "selector": "new"}})
    assert emu.get_sending_domain(D)["dkim"]["selector"] == "new"  # type: ignore[index]


def test_a_private_key_echoed_by_a_server_never_reaches_an_error_or_the_log(
        emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="sparkpost_tracking.client")
    emu.add_sending_domain(D)
    key = make_key(1024)
    dkim = {"private": key.private, "public": key.public, "selector": "s"}
    emu.fail_next(10, status=500, method="PUT", message=f"could not parse {key.private}")
    with client(emu) as api, pytest.raises(errors.ServerError) as caught:
        api.update_sending_domain(D, {"dkim": dkim})
    assert key.private not in str(caught.value) and "could not parse ***" in str(caught.value)
    assert key.private not in repr(caught.value.errors) and caught.value.status == 500
    emu.clear_faults()
    emu.fail_next(1, status=500, method="POST", message=f"no {key.private}")  # the create's answer is lost...
    emu.fail_next(100, status=503, method="GET", skip=1)  # ...and every read-back fails
    with client(emu) as api, pytest.raises(errors.OutcomeUnknown) as unknown:
        api.create_sending_domain("new.example", dkim=dkim)
    assert "no ***" in str(unknown.value) and key.private not in str(unknown.value)
    logged = [record.getMessage() for record in caplog.records]
    assert any("no ***" in line for line in logged) and not any(key.private in line for line in logged)
    emu.clear_faults()
    with client(emu) as api:  # the filter is gone with the call: other messages are left as they are
        api.get_sending_domain(D)
    assert not any(isinstance(f, logging.Filter) and hasattr(f, "secret")
                   for f in logging.getLogger("sparkpost_tracking.client").filters)
