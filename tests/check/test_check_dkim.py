"""The `dkim` row: SparkPost's key for a sending domain (read from the emulator's sending-domains API) against the
TXT record the loopback DNS server publishes at ``{selector}._domainkey.{domain}``, as a verifier reads it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.dkim import DkimRecord, quote_txt
from sparkpost_tracking.emulator import Emulator
from tests.check.conftest import DOMAIN, Outcome
from tests.check.fake_dns import FakeDns, Records

Run = Callable[[list[str]], Outcome]
KEY = "check-dkim-key-5f0c9a1b2c3d"
SENDING, NEWS = "brand.example.com", "news.example.com"
OFFLINE = ["--skip", "dns", "--skip", "tls", "--skip", "https", "--skip", "http"]


@pytest.fixture
def sparkpost(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.delenv("SPARKPOST_EU_API_KEY", raising=False)
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    with Emulator(api_keys=[KEY]) as emulator:
        emulator.add_sending_domain(SENDING)
        emulator.add_sending_domain(NEWS)
        yield emulator


def record_of(emulator: Emulator, domain: str) -> DkimRecord:
    dkim = emulator.get_sending_domain(domain)["dkim"]  # type: ignore[index]
    return DkimRecord.for_key(dkim["selector"], domain, dkim["public"])


def published(*records: DkimRecord, limit: int = 255) -> Records:
    """The zone: each record's value in quoted strings of at most ``limit`` characters."""
    return {record.name: [("TXT", quote_txt(record.value, limit))] for record in records}


def dkim_row(run_check: Run, emulator: Emulator, records: Records, *domains: str,
             extra: tuple[str, ...] = ()) -> tuple[Outcome, dict[str, Any]]:
    with FakeDns(records) as dns_server:
        args = ["check", DOMAIN, *OFFLINE, "--dns-server", dns_server.address, "--timeout", "3",
                "--api-url", emulator.base_url, *extra]
        for domain in domains or (SENDING,):
            args += ["--dkim", domain]
        outcome = run_check(args)
    row = outcome.steps["dkim"]
    assert outcome.code == (1 if row["status"] == "fail" else 0), outcome.stdout
    return outcome, row


def test_a_2048_bit_key_in_several_strings_passes(run_check: Run, sparkpost: Emulator) -> None:
    record = record_of(sparkpost, SENDING)
    assert len(record.strings) >= 2  # a 2048-bit key needs more than one TXT string
    outcome, row = dkim_row(run_check, sparkpost, published(record))
    assert (row["status"], row["required"]) == ("pass", True)
    assert row["data"]["record"] == record.name and row["data"]["found"] == [record.value]
    assert row["data"]["dkim_status"] == "valid" and KEY not in outcome.stdout
    assert sparkpost.count("GET", f"/sending-domains/{SENDING}") == 1


def test_strings_are_joined_with_nothing_between_them(run_check: Run, sparkpost: Emulator) -> None:
    """Cut anywhere (here every 7 characters, inside the key), the strings still read as one value."""
    _, row = dkim_row(run_check, sparkpost, published(record_of(sparkpost, SENDING), limit=7))
    assert row["status"] == "pass"


def test_strings_joined_with_a_space_publish_another_key(run_check: Run, sparkpost: Emulator) -> None:
    """A value split by hand with a space at the cut is read with the space: p= then holds another key (a
    verifier ignores whitespace in p=, so this only fails because the cut is inside the key plus a wrong char)."""
    record = record_of(sparkpost, SENDING)
    broken = record.value[:-1] + ("A" if record.value[-1] != "A" else "B")
    _, row = dkim_row(run_check, sparkpost, {record.name: [("TXT", quote_txt(broken))]})
    assert (row["status"], row["code"]) == ("fail", "dkim_wrong_key")
    assert "another public key" in row["detail"] and record.name in row["hint"]
    assert (row["data"]["expected"], row["data"]["found"]) == (record.value, [broken])


def test_a_missing_record_fails_with_where_to_publish_it(run_check: Run, sparkpost: Emulator) -> None:
    record = record_of(sparkpost, SENDING)
    _, row = dkim_row(run_check, sparkpost, {})
    assert (row["status"], row["code"]) == ("fail", "dkim_missing")
    assert record.name in row["detail"] and "dkim_record_value" in row["hint"]
    assert row["data"]["expected"] == record.value


def test_a_name_without_txt_records_is_missing_too(run_check: Run, sparkpost: Emulator) -> None:
    record = record_of(sparkpost, SENDING)
    _, row = dkim_row(run_check, sparkpost, {record.name: [("A", "192.0.2.1")]})
    assert (row["status"], row["code"]) == ("fail", "dkim_missing") and row["data"]["found"] == []


def test_another_domains_key_is_a_wrong_key(run_check: Run, sparkpost: Emulator) -> None:
    mine, other = record_of(sparkpost, SENDING), record_of(sparkpost, NEWS)
    _, row = dkim_row(run_check, sparkpost, {mine.name: [("TXT", quote_txt(other.value))]})
    assert (row["status"], row["code"]) == ("fail", "dkim_wrong_key")


@pytest.mark.parametrize(("tags", "said"), [
    ("v=DKIM1; k=ed25519; p=", "k= must be rsa"),
    ("v=DKIM1; h=sha1; p=", "h= must be sha256"),
    ("v=DKIM1; k=rsa; p=", None),  # no h= at all is fine
])
def test_tags_are_judged_as_sparkpost_judges_them(run_check: Run, sparkpost: Emulator, tags: str,
                                                  said: str | None) -> None:
    record = record_of(sparkpost, SENDING)
    public = sparkpost.get_sending_domain(SENDING)["dkim"]["public"]  # type: ignore[index]
    _, row = dkim_row(run_check, sparkpost, {record.name: [("TXT", quote_txt(tags + public))]})
    if said is None:
        assert row["status"] == "pass"
    else:
        assert row["code"] == "dkim_wrong_key" and said in row["detail"]


def test_two_txt_records_at_the_selector_fail(run_check: Run, sparkpost: Emulator) -> None:
    mine, other = record_of(sparkpost, SENDING), record_of(sparkpost, NEWS)
    _, row = dkim_row(run_check, sparkpost,
                      {mine.name: [("TXT", quote_txt(mine.value)), ("TXT", quote_txt(other.value))]})
    assert (row["status"], row["code"]) == ("fail", "dkim_several") and len(row["data"]["found"]) == 2
    assert row["detail"] == f"{SENDING}: {mine.name} has 2 TXT records; a verifier reads any one of them"
    assert row["hint"] == "keep only the record of SparkPost's key"


def test_servfail_is_a_failed_lookup(run_check: Run, sparkpost: Emulator) -> None:
    record = record_of(sparkpost, SENDING)
    _, row = dkim_row(run_check, sparkpost, {record.name: [("RCODE", "SERVFAIL")]})
    assert (row["status"], row["code"]) == ("fail", "dkim_lookup_failed") and record.name in row["detail"]
    assert row["hint"] == "check the zone's name servers (a verifier that cannot read the key fails the signature)"
    assert (row["data"]["record"], row["data"]["expected"]) == (record.name, record.value)


def test_a_silent_server_is_a_timeout(run_check: Run, sparkpost: Emulator) -> None:
    with FakeDns({}, silent=True) as dns_server:
        outcome = run_check(["check", DOMAIN, *OFFLINE, "--dns-server", dns_server.address, "--timeout", "0.5",
                             "--api-url", sparkpost.base_url, "--dkim", SENDING])
    row = outcome.steps["dkim"]
    assert (row["status"], row["code"], row["hint"]) == ("fail", "timeout", "check the zone's name servers")
    assert row["detail"].endswith("within 0.5 s") and row["data"]["record"] == record_of(sparkpost, SENDING).name


def test_an_unknown_sending_domain_is_named_with_its_account(run_check: Run, sparkpost: Emulator) -> None:
    _, row = dkim_row(run_check, sparkpost, {}, "nobody.example.com")
    assert (row["status"], row["code"]) == ("fail", "not_found")
    assert row["detail"] == f"nobody.example.com is not a sending domain of {sparkpost.base_url}"
    assert row["hint"] == "create it (pulumi up), or give the right --region/--api-url/--subaccount"
    assert row["data"] == {"sending_domain": "nobody.example.com"}


def test_an_unreachable_api_names_where_it_tried(run_check: Run, sparkpost: Emulator) -> None:
    import socket

    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        api = f"http://127.0.0.1:{closed.getsockname()[1]}/api/v1"
    outcome = run_check(["check", DOMAIN, *OFFLINE, "--api-url", api, "--dkim", SENDING])
    row = outcome.steps["dkim"]
    assert (row["status"], row["code"]) == ("fail", "unreachable") and row["hint"] == f"check the network path to {api}"
    assert row["detail"].startswith(f"{SENDING}: ") and row["data"] == {"sending_domain": SENDING}


def test_a_domain_without_a_key_says_so(run_check: Run, sparkpost: Emulator) -> None:
    sparkpost.add_sending_domain("nokey.example.com", generate_dkim=False)
    _, row = dkim_row(run_check, sparkpost, {}, "nokey.example.com")
    assert (row["status"], row["code"]) == ("fail", "no_dkim_key")
    assert row["hint"] == "create the sending domain with generate_dkim (the default) or give it a key"
    assert row["data"] == {"sending_domain": "nokey.example.com", "dkim_status": "valid"}


def test_the_signing_domain_names_the_record(run_check: Run, sparkpost: Emulator) -> None:
    dkim = sparkpost.get_sending_domain(SENDING)["dkim"]  # type: ignore[index]
    sparkpost.mutate_sending_domain(SENDING, dkim={**dkim, "signing_domain": "sign.example.com"})
    record = DkimRecord.for_key(dkim["selector"], "sign.example.com", dkim["public"])
    _, row = dkim_row(run_check, sparkpost, published(record))
    assert row["status"] == "pass" and row["data"]["record"].endswith("._domainkey.sign.example.com")


def test_several_domains_make_one_row_that_fails_on_any(run_check: Run, sparkpost: Emulator) -> None:
    good, bad = record_of(sparkpost, SENDING), record_of(sparkpost, NEWS)
    _, row = dkim_row(run_check, sparkpost, published(good), SENDING, NEWS)
    assert (row["status"], row["code"]) == ("fail", "dkim_missing")
    assert [(d["sending_domain"], d["status"]) for d in row["data"]["domains"]] == [(SENDING, "pass"),
                                                                                   (NEWS, "fail")]
    assert bad.name in row["detail"] and row["detail"].count("; ") == 1
    assert [d["code"] for d in row["data"]["domains"]] == [None, "dkim_missing"]
    _, row = dkim_row(run_check, sparkpost, published(good, bad), SENDING, NEWS)
    assert row["status"] == "pass" and len(row["data"]["domains"]) == 2
    assert row["detail"] == "; ".join(f"{d}: the TXT at {r.name} publishes SparkPost's key (SparkPost: dkim_status "
                                      "valid)" for d, r in ((SENDING, good), (NEWS, bad)))


def test_several_domains_take_the_first_failures_own_hint(run_check: Run, sparkpost: Emulator) -> None:
    _, row = dkim_row(run_check, sparkpost, published(record_of(sparkpost, SENDING)), SENDING, "nobody.example.com")
    assert row["code"] == "not_found"
    assert row["hint"] == "create it (pulumi up), or give the right --region/--api-url/--subaccount"


def test_without_a_key_nothing_is_asked(run_check: Run, sparkpost: Emulator,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPARKPOST_API_KEY")
    _, row = dkim_row(run_check, sparkpost, {})
    assert (row["status"], row["code"]) == ("fail", "no_key") and sparkpost.count() == 0


def test_a_refused_key_names_the_grant(run_check: Run, sparkpost: Emulator,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", "another-key-0123456789ab")
    outcome, row = dkim_row(run_check, sparkpost, {})
    assert (row["status"], row["code"]) == ("fail", "unauthorized") and "Sending Domains" in row["hint"]
    assert row["detail"].startswith(f"{SENDING}: ") and "another-key-0123456789ab" not in outcome.stdout
    assert row["data"] == {"sending_domain": SENDING}


def test_not_asked_is_a_skip_that_is_not_required(run_check: Run, sparkpost: Emulator) -> None:
    outcome = run_check(["check", DOMAIN, *OFFLINE])
    assert (outcome.steps["dkim"]["status"], outcome.steps["dkim"]["required"]) == ("skip", False)
    assert outcome.steps["dkim"]["detail"] == "not asked (--dkim SENDING_DOMAIN, with a key)"
    assert outcome.code == 0 and sparkpost.count() == 0


def test_a_bad_sending_domain_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from sparkpost_tracking.__main__ import main

    assert main(["check", DOMAIN, *OFFLINE, "--dkim", "not a domain"]) == 2
    assert "--dkim" in capsys.readouterr().err


def test_the_key_comes_from_the_environment_given(sparkpost: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """``check_dkim`` reads the key from the mapping it is given (the stack's run passes its own), not os.environ."""
    from sparkpost_tracking.check.dkim_step import check_dkim
    from sparkpost_tracking.check.options import CheckOptions
    from sparkpost_tracking.check.sparkpost_step import Account

    monkeypatch.delenv("SPARKPOST_API_KEY")
    record = record_of(sparkpost, SENDING)
    with FakeDns(published(record)) as dns_server:
        host, port = dns_server.address.split(":")
        options = CheckOptions(DOMAIN, dns_server=(host, int(port)), timeout=3, dkim=(SENDING,))
        row = check_dkim(options, Account(api_url=sparkpost.base_url), {}, {"SPARKPOST_API_KEY": KEY})
    assert row.status.value == "pass"
    assert row.detail == f"{SENDING}: the TXT at {record.name} publishes SparkPost's key (SparkPost: dkim_status valid)"
