"""Sending-domain verification against real DNS answers: the emulator asks the loopback DNS server a test publishes
records in (``dns_server``), reads the DKIM TXT (its strings joined) and the bounce CNAME, and answers
``dns: {dkim_record, cname_record, dkim_error, cname_error}``; a ``PUT`` of a new key verifies it first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sparkpost_tracking.dynamic_providers.dkim import DkimRecord, quote_txt, record_name, record_value
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.dkim_keys import make_key
from sparkpost_tracking.emulator.testing import HttpApi, errors_of
from tests.check.fake_dns import FakeDns

D = "example1.com"
BOUNCE = "bounce.example1.com"


@pytest.fixture
def dns(emulator: Emulator) -> Iterator[FakeDns]:
    with FakeDns({}) as server:
        emulator.update_settings(dns_server=server.address, dns_timeout=1.0)
        yield server


def create(api: HttpApi, domain: str = D, **body: Any) -> dict[str, Any]:
    response = api("POST", "/sending-domains", json={"domain": domain, **body})
    assert response.status_code == 200, response.text
    return dict(response.json()["results"])


def verify(api: HttpApi, domain: str = D, **body: Any) -> requests.Response:
    return api("POST", f"/sending-domains/{domain}/verify", json=body)


def publish(dns: FakeDns, dkim: dict[str, Any], domain: str = D, *, value: str | None = None) -> str:
    """The DKIM TXT record as a DNS provider holds it: its value as quoted strings of at most 255 characters."""
    record = DkimRecord.for_key(dkim["selector"], domain, dkim["public"])
    dns.records[record.name] = [("TXT", quote_txt(value if value is not None else record.value))]
    return record.name


def test_a_2048_bit_key_published_in_two_strings_verifies(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    dkim = create(api)["dkim"]
    name = publish(dns, dkim)
    assert len(DkimRecord.for_key(dkim["selector"], D, dkim["public"]).strings) == 2
    response = verify(api, dkim_verify=True)
    assert response.status_code == 200
    results = response.json()["results"]
    assert results["dkim_status"] == "valid" and results["ownership_verified"] is True
    assert results["dns"] == {"dkim_record": record_value(dkim["public"])}
    assert (name, "TXT") in dns.queries
    assert emulator.get_sending_domain(D)["status"]["dkim_status"] == "valid"  # type: ignore[index]


def test_without_a_record_dkim_is_invalid_and_says_why(api: HttpApi, dns: FakeDns) -> None:
    dkim = create(api)["dkim"]
    results = verify(api, dkim_verify=True).json()["results"]
    assert results["dkim_status"] == "invalid" and results["ownership_verified"] is False
    name = record_name(dkim["selector"], D)
    assert results["dns"] == {"dkim_error": f"DNS DKIM query error: no TXT record at {name} (no such name)"}
    dns.records[name] = [("A", "192.0.2.1")]  # the name exists, without a TXT
    assert verify(api, dkim_verify=True).json()["results"]["dns"] == {
        "dkim_error": f"DNS DKIM query error: no TXT record at {name}"}


@pytest.mark.parametrize(("value", "error"), [
    ("v=DKIM1;", "'v=DKIM1;' is missing a p= tag"),
    ("v=DKIM1; k=rsa; h=sha256; p=MIIBIjANBgkq", "the p= tag holds another public key than the sending domain's"),
    ("v=DKIM1; k=ed25519; p={public}", "k= must be rsa, not 'ed25519'"),
    ("v=DKIM1; h=sha1; p={public}", "h= must be sha256, not 'sha1'"),
])
def test_a_wrong_record_is_invalid(api: HttpApi, dns: FakeDns, value: str, error: str) -> None:
    dkim = create(api, dkim_key_length=1024)["dkim"]
    resolved = value.format(public=dkim["public"])
    publish(dns, dkim, value=resolved)
    results = verify(api, dkim_verify=True).json()["results"]
    assert results["dkim_status"] == "invalid"
    assert results["dns"] == {"dkim_record": resolved, "dkim_error": f"DNS DKIM query error: {error}"}


def test_a_record_without_the_optional_tags_verifies(api: HttpApi, dns: FakeDns) -> None:
    dkim = create(api, dkim_key_length=1024)["dkim"]
    publish(dns, dkim, value=f"p={dkim['public']}")
    assert verify(api, dkim_verify=True).json()["results"]["dkim_status"] == "valid"


def test_two_txt_records_at_one_selector_are_invalid(api: HttpApi, dns: FakeDns) -> None:
    dkim = create(api, dkim_key_length=1024)["dkim"]
    name = publish(dns, dkim)
    dns.records[name].append(("TXT", '"v=spf1 -all"'))
    results = verify(api, dkim_verify=True).json()["results"]
    assert results["dkim_status"] == "invalid" and results["dns"] == {
        "dkim_error": f"DNS DKIM query error: 2 TXT records at {name}; a DKIM selector needs exactly one"}


def test_a_valid_key_that_stops_resolving_turns_invalid(api: HttpApi, dns: FakeDns) -> None:
    dkim = create(api, dkim_key_length=1024)["dkim"]
    name = publish(dns, dkim)
    assert verify(api, dkim_verify=True).json()["results"]["dkim_status"] == "valid"
    del dns.records[name]
    assert verify(api, dkim_verify=True).json()["results"]["dkim_status"] == "invalid"


def test_a_signing_domain_moves_the_record(api: HttpApi, dns: FakeDns) -> None:
    key = make_key(1024)
    create(api, dkim={"private": key.private, "public": key.public, "selector": "s1",
                      "signing_domain": "mail.example1.com"})
    publish(dns, {"selector": "s1", "public": key.public})  # at the sending domain: not where it is read
    assert verify(api, dkim_verify=True).json()["results"]["dkim_status"] == "invalid"
    publish(dns, {"selector": "s1", "public": key.public}, "mail.example1.com")
    assert verify(api, dkim_verify=True).json()["results"]["dkim_status"] == "valid"


def test_no_dns_answer_concludes_nothing(api: HttpApi, emulator: Emulator) -> None:
    with FakeDns({}, silent=True) as silent:
        emulator.update_settings(dns_server=silent.address, dns_timeout=0.2)
        create(api, dkim_key_length=1024)
        emulator.mutate_sending_domain(D, dkim_status="valid")
        results = verify(api, dkim_verify=True, cname_verify=True).json()["results"]
    assert results["dkim_status"] == "valid" and results["cname_status"] == "unverified"  # unchanged
    assert results["dns"] == {"dkim_error": "DNS DKIM query error: no answer (LifetimeTimeout)",
                              "cname_error": "DNS CNAME query error: no answer (LifetimeTimeout)"}


def test_a_domain_without_a_key_cannot_verify_dkim(api: HttpApi, dns: FakeDns) -> None:
    create(api, generate_dkim=False)
    results = verify(api, dkim_verify=True).json()["results"]
    assert results["dkim_status"] == "unverified" and results["dns"] == {"dkim_error": f"Domain '{D}' has no DKIM key"}


# ---- CNAME (bounce) ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("bounce_host", [None, "eu.sparkpostmail.com", "acme.mail.e.sparkpost.com"])
def test_a_bounce_cname_to_the_regions_host_verifies(api: HttpApi, emulator: Emulator, dns: FakeDns,
                                                     bounce_host: str | None) -> None:
    if bounce_host is not None:
        emulator.update_settings(bounce_host=bounce_host)
    target = bounce_host or "sparkpostmail.com"
    create(api, BOUNCE, generate_dkim=False)
    dns.records[BOUNCE] = [("CNAME", target.upper())]
    results = verify(api, BOUNCE, cname_verify=True).json()["results"]
    assert results["cname_status"] == "valid" and results["ownership_verified"] is True
    assert results["dns"] == {"cname_record": target}
    assert (BOUNCE, "CNAME") in dns.queries
    assert api("PUT", f"/sending-domains/{BOUNCE}", json={"is_default_bounce_domain": True}).status_code == 200


def test_a_cname_elsewhere_or_none_is_invalid(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    create(api, BOUNCE, generate_dkim=False)
    dns.records[BOUNCE] = [("CNAME", "eu.sparkpostmail.com")]  # the EU host, for a US account
    results = verify(api, BOUNCE, cname_verify=True).json()["results"]
    assert results["cname_status"] == "invalid"
    assert results["dns"] == {"cname_record": "eu.sparkpostmail.com",
                              "cname_error": f"{BOUNCE} is a CNAME to eu.sparkpostmail.com, not to sparkpostmail.com"}
    dns.records[BOUNCE] = [("A", "192.0.2.1")]
    assert verify(api, BOUNCE, cname_verify=True).json()["results"]["dns"] == {
        "cname_error": f"DNS CNAME query error: no CNAME record at {BOUNCE}"}
    refused = api("PUT", f"/sending-domains/{BOUNCE}", json={"is_default_bounce_domain": True})
    assert refused.status_code == 400


def test_both_checks_in_one_call_and_none(api: HttpApi, dns: FakeDns) -> None:
    dkim = create(api, BOUNCE, dkim_key_length=1024)["dkim"]
    publish(dns, dkim, BOUNCE)
    dns.records[BOUNCE] = [("CNAME", "sparkpostmail.com")]
    results = verify(api, BOUNCE, dkim_verify=True, cname_verify=True).json()["results"]
    assert (results["dkim_status"], results["cname_status"]) == ("valid", "valid")
    assert set(results["dns"]) == {"dkim_record", "cname_record"}
    dns.queries.clear()
    plain = verify(api, BOUNCE).json()["results"]
    assert "dns" not in plain and plain["dkim_status"] == "valid" and dns.queries == []  # no check, no lookup
    assert verify(api, BOUNCE, dkim_verify="yes").status_code == 422


def test_mailbox_verification_sends_nothing_and_no_token_matches(api: HttpApi, dns: FakeDns) -> None:
    create(api, generate_dkim=False)
    results = verify(api, verification_mailbox_verify=True, verification_mailbox="susan.calvin").json()["results"]
    assert results["verification_mailbox"] == "susan.calvin" and results["verification_mailbox_status"] == "unverified"
    assert "dns" not in results
    missing = verify(api, verification_mailbox_verify=True)
    assert missing.status_code == 422 and errors_of(missing) == [{
        "message": "required field is missing", "code": "1400",
        "description": "verification_mailbox is required (a local part other than postmaster or abuse) when "
                       "verification_mailbox_verify is true"}]
    assert verify(api, verification_mailbox_verify=True, verification_mailbox="postmaster").status_code == 422
    token = verify(api, postmaster_at_token="abc")
    assert token.status_code == 400 and "no verification email" in errors_of(token)[0]["description"]


# ---- PUT of a new key: verified against DNS first ----------------------------------------------------------------

def test_a_new_key_is_taken_only_once_it_resolves(api: HttpApi, emulator: Emulator, dns: FakeDns) -> None:
    old = create(api, dkim_key_length=1024)["dkim"]
    new = make_key(1024)
    body = {"dkim": {"private": new.private, "public": new.public, "selector": "rotated"}}
    refused = api("PUT", f"/sending-domains/{D}", json=body)
    assert refused.status_code == 400
    name = record_name("rotated", D)
    assert errors_of(refused) == [{
        "message": "request to remote endpoint failed", "code": "1404",
        "description": f"Unable to verify DKIM record of {D}. DNS DKIM query error: no TXT record at {name} "
                       "(no such name)"}]
    assert emulator.get_sending_domain(D)["dkim"]["public"] == old["public"]  # type: ignore[index]
    publish(dns, {"selector": "rotated", "public": new.public})
    assert api("PUT", f"/sending-domains/{D}", json=body).status_code == 200
    found = api("GET", f"/sending-domains/{D}").json()["results"]
    assert found["dkim"]["public"] == new.public and found["dkim"]["selector"] == "rotated"
    assert found["status"]["dkim_status"] == "valid"


def test_a_partial_new_key_is_refused_before_any_lookup(api: HttpApi, dns: FakeDns) -> None:
    create(api, generate_dkim=False)
    response = api("PUT", f"/sending-domains/{D}", json={"dkim": {"public": "x", "selector": "s"}})
    assert response.status_code == 400 and errors_of(response)[0]["code"] == "1300" and dns.queries == []


def test_the_dns_server_setting_is_checked(emulator: Emulator) -> None:
    for bad in ("dns.example:53", "127.0.0.1:99999"):
        with pytest.raises(ValueError, match="--dns-server"):
            emulator.update_settings(dns_server=bad)
    with pytest.raises(ValueError, match=r"^dns_server must be 'ADDRESS\[:PORT\]' or None; got 53$"):
        emulator.update_settings(dns_server=53)
    for bad_timeout in (0, -1, 61, "1", True):
        with pytest.raises(ValueError):
            emulator.update_settings(dns_timeout=bad_timeout)
    with pytest.raises(ValueError):
        emulator.update_settings(bounce_host="not a host")
    assert emulator.update_settings(dns_server="[::1]:5353")["dns_server"] == "[::1]:5353"


def test_an_emulator_process_verifies_against_the_tests_dns(api_key: str) -> None:
    """The engine tests' set-up: the emulator in its own process, the loopback DNS in the test's."""
    from sparkpost_tracking.emulator.remote import AdminClient, EmulatorProcess

    with FakeDns({}) as server, EmulatorProcess(api_keys=[api_key], extra_args=[
            "--dns-server", server.address, "--bounce-host", "eu.sparkpostmail.com", "--omit-creation-time",
            "--sending-domain", "seeded.example@4", "--quiet"]) as process:
        admin = process.admin
        assert isinstance(admin, AdminClient)
        settings = admin.settings()
        assert (settings["dns_server"], settings["bounce_host"], settings["omit_creation_time"]) == (
            server.address, "eu.sparkpostmail.com", True)
        seeded = admin.get_sending_domain("seeded.example")
        assert seeded is not None and seeded["subaccount_id"] == 4 and seeded["status"]["dkim_status"] == "valid"
        http = HttpApi(process.base_url, api_key)
        dkim = create(http, dkim_key_length=1024)["dkim"]
        publish(server, dkim)
        create(http, BOUNCE, generate_dkim=False)
        server.records[BOUNCE] = [("CNAME", "eu.sparkpostmail.com")]
        assert verify(http, dkim_verify=True).json()["results"]["dkim_status"] == "valid"
        assert verify(http, BOUNCE, cname_verify=True).json()["results"]["cname_status"] == "valid"
        assert "creation_time" not in http("GET", f"/sending-domains/{D}").json()["results"]
        # The controls of this issue, over the admin API with the Python signatures.
        admin.add_sending_domain("stale.example", verified=False, generate_dkim=False)
        admin.mutate_sending_domain("stale.example", compliance_status="blocked")
        assert admin.expire_unverified() == ["stale.example"]  # the others are verified, by DKIM and by CNAME
        admin.hold_in_another_account("held.example")
        assert http("POST", "/sending-domains", json={"domain": "x.held.example"}).status_code == 400
        admin.create_sending_domain_on_next("raced.example")
        assert http("POST", "/sending-domains", json={"domain": "raced.example"}).status_code == 409
        assert admin.remove_sending_domain("raced.example") is True
        http.close()
