"""The `caa` row's verdict rules, each held by a record on both sides of it, answered by the loopback DNS server.

A managed-HTTPS certificate is issued by Let's Encrypt to SparkPost's ACME account, which proves the host over
HTTP (http-01). So a CAA record allows it only when it names ``letsencrypt.org`` exactly as RFC 8659 §4.2 writes
an issuer (a value off that syntax allows no CA), its RFC 8657 parameters all admit that issuance (a
``validationmethods`` list holding ``http-01``; an ``accounturi`` `check` cannot compare, so it warns), and the
host's own certificate looks at ``issue`` only (``issuewild`` is for wildcard names).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.check.conftest import DOMAIN, MakeChain, Outcome
from tests.check.fake_dns import Records

Run = Callable[[list[str]], Outcome]
V2, PARENT = "v2.spgo.io", "example.com"
ACCOUNT = "https://acme-v02.api.letsencrypt.org/acme/acct/1"
OTHER_ACCOUNT = "https://acme-v02.api.letsencrypt.org/acme/acct/2"
ONLY_CAA = ["--skip", "tls", "--skip", "https", "--skip", "http"]  # the other rows are the other tests'


def caa_row(make_chain: MakeChain, run_check: Run, *values: str, at: str = PARENT) -> dict[str, object]:
    """The `caa` row of `check --cdn managed` for a host whose CAA records (``FLAGS TAG "VALUE"``) sit at ``at``."""
    records: Records = {DOMAIN: [("CNAME", V2)], V2: [("A", "192.0.2.20")],
                        at: [("CAA", value) for value in values]}
    outcome = run_check(make_chain(records=records).args("--cdn", "managed", *ONLY_CAA, expect_target=None))
    row = outcome.steps["caa"]
    assert outcome.code == (1 if row["status"] == "fail" else 0), outcome.stdout
    return row


def verdict(row: dict[str, object]) -> tuple[object, object]:
    return row["status"], row["code"]


PASS, FORBIDS, PARAMETERS, ACCOUNT_WARNING = ("pass", None), ("fail", "caa_forbids"), ("fail", "caa_parameters"), \
    ("warn", "caa_account")


@pytest.mark.parametrize(("value", "expected"), [
    ('0 issue "letsencrypt.org"', PASS),
    ('0 issue "letsencrypt.org."', FORBIDS),  # a trailing dot is off RFC 8659's syntax: an empty issuer
    ('0 issue "LetsEncrypt.org"', FORBIDS),  # Let's Encrypt compares its name exactly
    ('0 issue "letsencrypt.org.example.net"', FORBIDS),
    ('0 issue "sub.letsencrypt.org"', FORBIDS),
    ('0 issue "letsencrypt"', FORBIDS),
    ('0 issue " \tletsencrypt.org \t"', PASS),  # white space around the name is the syntax's own
    ('0 issue "letsencrypt.org;"', PASS),  # a semicolon with no parameters
    ('0 issue "letsencrypt.org ; policy=ev"', PASS),  # a parameter Let's Encrypt does not define is ignored
    ('0 issue "letsencrypt.org; validationmethods"', FORBIDS),  # a parameter without '=': off the syntax
    ('0 issue "letsencrypt.org; policy=ev;"', FORBIDS),  # a trailing ';' after a parameter: off the syntax
    ('0 issue "letsencrypt.org policy=ev"', FORBIDS),  # a parameter without ';': off the syntax
    ('0 issue "letsencrypt_org"', FORBIDS),
    ('0 issue "-letsencrypt.org"', FORBIDS),
], ids=["exact", "trailing-dot", "case", "longer", "subdomain", "prefix", "white-space", "empty-parameters",
        "unknown-parameter", "parameter-without-value", "trailing-semicolon", "no-semicolon", "underscore",
        "leading-hyphen"])
def test_the_issuer_is_matched_as_rfc_8659_writes_it_and_compared_exactly(make_chain: MakeChain, run_check: Run,
                                                                          value: str,
                                                                          expected: tuple[str, str | None]) -> None:
    row = caa_row(make_chain, run_check, value)
    assert verdict(row) == expected, row["detail"]


def test_a_malformed_value_is_named_as_allowing_no_ca(make_chain: MakeChain, run_check: Run) -> None:
    row = caa_row(make_chain, run_check, '0 issue "letsencrypt.org."', '0 issue "digicert.com"')
    assert row["detail"] == ('CAA at example.com allows digicert.com, not letsencrypt.org; 0 issue '
                             '"letsencrypt.org." is not an issuer name as RFC 8659 writes it, so it allows no CA')
    assert row["hint"] == 'add example.com. CAA 0 issue "letsencrypt.org" beside the existing records'


def test_a_name_in_another_case_is_told_to_be_written_exactly(make_chain: MakeChain, run_check: Run) -> None:
    row = caa_row(make_chain, run_check, '0 issue "LetsEncrypt.org"')
    assert row["detail"] == ("CAA at example.com allows LetsEncrypt.org, not letsencrypt.org; the CA compares the "
                             "name exactly")


@pytest.mark.parametrize(("value", "expected"), [
    ('0 issue "letsencrypt.org; validationmethods=http-01"', PASS),
    ('0 issue "letsencrypt.org; validationmethods=dns-01,http-01"', PASS),
    ('0 issue "letsencrypt.org; validationmethods=dns-01"', PARAMETERS),  # SparkPost proves the host over HTTP
    ('0 issue "letsencrypt.org; validationmethods=tls-alpn-01,dns-01"', PARAMETERS),
    ('0 issue "letsencrypt.org; validationmethods=HTTP-01"', PARAMETERS),  # method names are exact
    ('0 issue "letsencrypt.org; validationmethods="', PARAMETERS),  # an empty list allows no method
    ('0 issue "letsencrypt.org; validationmethods=http-01,,dns-01"', PARAMETERS),  # off RFC 8657's list syntax
    ('0 issue "letsencrypt.org; validationmethods=http-01; validationmethods=http-01"', PARAMETERS),  # twice
    ('0 issue "letsencrypt.org; ValidationMethods=dns-01"', PARAMETERS),  # a parameter name in any case
], ids=["http-01", "among-others", "dns-01", "others-only", "method-case", "empty", "malformed-list", "twice",
        "parameter-case"])
def test_validationmethods_is_judged_by_the_http_01_challenge_sparkpost_answers(
        make_chain: MakeChain, run_check: Run, value: str, expected: tuple[str, str | None]) -> None:
    row = caa_row(make_chain, run_check, value)
    assert verdict(row) == expected, row["detail"]


def test_a_method_that_sparkpost_cannot_use_says_what_to_write(make_chain: MakeChain, run_check: Run) -> None:
    row = caa_row(make_chain, run_check, '0 issue "letsencrypt.org; validationmethods=dns-01"')
    assert row["detail"] == ('CAA at example.com allows letsencrypt.org only with parameters SparkPost\'s '
                             'issuance does not meet: 0 issue "letsencrypt.org; validationmethods=dns-01"')
    assert "http-01" in str(row["hint"]) and 'CAA 0 issue "letsencrypt.org"' in str(row["hint"])


@pytest.mark.parametrize(("values", "expected"), [
    ((f'0 issue "letsencrypt.org; accounturi={ACCOUNT}"',), ACCOUNT_WARNING),
    ((f'0 issue "letsencrypt.org; AccountURI={ACCOUNT}"',), ACCOUNT_WARNING),
    # Every parameter of the record must admit SparkPost's issuance: an account that could be SparkPost's does
    # not make up for a method it never uses.
    ((f'0 issue "letsencrypt.org; accounturi={ACCOUNT}; validationmethods=dns-01"',), PARAMETERS),
    ((f'0 issue "letsencrypt.org; accounturi={ACCOUNT}; validationmethods=http-01"',), ACCOUNT_WARNING),
    ((f'0 issue "letsencrypt.org; accounturi={ACCOUNT}; accounturi={OTHER_ACCOUNT}"',), PARAMETERS),  # RFC 8657
    # One record allows any account: the one bound to an account takes nothing away.
    ((f'0 issue "letsencrypt.org; accounturi={ACCOUNT}"', '0 issue "letsencrypt.org"'), PASS),
    ((f'0 issue "letsencrypt.org; accounturi={ACCOUNT}"', f'0 issue "letsencrypt.org; accounturi={OTHER_ACCOUNT}"'),
     ACCOUNT_WARNING),
    # An account-bound record with a method SparkPost cannot use beside one it can: the usable one decides.
    ((f'0 issue "letsencrypt.org; accounturi={ACCOUNT}; validationmethods=dns-01"',
      '0 issue "letsencrypt.org; validationmethods=http-01"'), PASS),
], ids=["account", "parameter-case", "account-and-dns-01", "account-and-http-01", "two-accounts-in-one",
        "one-record-without", "every-record-bound", "usable-record-decides"])
def test_accounturi_warns_only_when_every_parameter_else_admits_the_issuance(
        make_chain: MakeChain, run_check: Run, values: tuple[str, ...], expected: tuple[str, str | None]) -> None:
    row = caa_row(make_chain, run_check, *values)
    assert verdict(row) == expected, row["detail"]


@pytest.mark.parametrize(("values", "expected"), [
    (('0 issuewild "letsencrypt.org"', '0 issue "digicert.com"'), FORBIDS),  # issuewild grants the host nothing
    (('0 issuewild ";"',), PASS),  # nor forbids it anything: no issue property, so every CA may issue
    (('0 issuewild "digicert.com"', '0 issue "letsencrypt.org"'), PASS),
    (('0 ISSUE "digicert.com"',), FORBIDS),  # property tags are matched in any case (RFC 8659)
    (('0 Issue "letsencrypt.org"',), PASS),
], ids=["issuewild-allows", "issuewild-forbids", "issuewild-other-ca", "tag-upper-case", "tag-mixed-case"])
def test_issuewild_is_ignored_for_the_host_s_own_certificate(make_chain: MakeChain, run_check: Run,
                                                             values: tuple[str, ...],
                                                             expected: tuple[str, str | None]) -> None:
    row = caa_row(make_chain, run_check, *values)
    assert verdict(row) == expected, row["detail"]


@pytest.mark.parametrize(("values", "expected"), [
    (('128 tbs "unknown"', '0 issue "letsencrypt.org"'), ("fail", "caa_critical")),
    (('1 tbs "unknown"', '0 issue "letsencrypt.org"'), ("fail", "caa_critical")),  # Let's Encrypt reads bit 1 so
    (('2 tbs "unknown"', '0 issue "letsencrypt.org"'), PASS),
    (('0 tbs "unknown"', '0 issue "letsencrypt.org"'), PASS),
    (('128 issue "letsencrypt.org"',), PASS),  # critical, but a property every CA knows
    (('128 iodef "mailto:security@example.com"',), PASS),
], ids=["critical", "bit-1", "other-bit", "not-critical", "critical-issue", "critical-iodef"])
def test_a_critical_property_no_ca_knows_forbids_issuance(make_chain: MakeChain, run_check: Run,
                                                          values: tuple[str, ...],
                                                          expected: tuple[str, str | None]) -> None:
    row = caa_row(make_chain, run_check, *values)
    assert verdict(row) == expected, row["detail"]


@pytest.mark.parametrize(("values", "code"), [
    (('128 tbs "unknown"',), "caa_critical"),
    (('0 issue "digicert.com"',), "caa_forbids"),
    (('0 issue "letsencrypt.org; validationmethods=dns-01"', '0 issue "letsencrypt.org; validationmethods="'),
     "caa_parameters"),
    ((f'0 issue "letsencrypt.org; accounturi={ACCOUNT}"',), "caa_account"),
    (('0 issue "letsencrypt.org"',), None),
])
def test_the_row_keeps_the_records_that_decided(make_chain: MakeChain, run_check: Run, values: tuple[str, ...],
                                                code: str | None) -> None:
    row = caa_row(make_chain, run_check, *values)
    assert row["code"] == code
    assert row["data"]["owner"] == PARENT and sorted(row["data"]["records"]) == sorted(values)
    if code == "caa_parameters":
        assert all(value in str(row["detail"]) for value in values) and "; 0 issue" in str(row["detail"])


LOOKUP_FAILED_HINT = "a CA that cannot read CAA records refuses to issue: check the zone's name servers"


@pytest.mark.parametrize(("failing", "dns_row"), [
    (DOMAIN, ("fail", "dns_error")),  # the host's own name servers fail: every lookup of it does
    (PARENT, ("pass", None)),  # the host has no CAA records: the climb reaches a zone whose servers fail
], ids=["host", "parent"])
def test_a_caa_lookup_that_fails_fails_the_row(make_chain: MakeChain, run_check: Run, failing: str,
                                               dns_row: tuple[str, None]) -> None:
    """A CA that cannot read the CAA records does not issue (RFC 8659 §3): SERVFAIL fails the row, naming the query."""
    records: Records = {DOMAIN: [("CNAME", V2)], V2: [("A", "192.0.2.20")], failing: [("RCODE", "SERVFAIL")]}
    outcome = run_check(make_chain(records=records).args("--cdn", "managed", *ONLY_CAA, expect_target=None))
    caa, dns = outcome.steps["caa"], outcome.steps["dns"]
    assert outcome.code == 1 and (dns["status"], dns["code"]) == dns_row
    assert (caa["status"], caa["code"], caa["hint"]) == ("fail", "caa_lookup_failed", LOOKUP_FAILED_HINT)
    assert caa["detail"].startswith(f"CAA lookup failed: All nameservers failed to answer the query {failing}. IN CAA")
    assert caa["data"] == {}
    if failing == DOMAIN:
        assert dns["detail"].startswith(f"DNS lookup failed: All nameservers failed to answer the query {DOMAIN}. IN A")
        assert dns["hint"] == "check the resolver and the zone's name servers"


def test_a_set_for_other_cas_names_each_of_them(make_chain: MakeChain, run_check: Run) -> None:
    row = caa_row(make_chain, run_check, '0 issue "sectigo.com"', '0 issue "digicert.com"', '0 issue "sectigo.com"')
    assert verdict(row) == FORBIDS
    assert row["detail"] == f"CAA at {PARENT} allows digicert.com, sectigo.com, not letsencrypt.org"
