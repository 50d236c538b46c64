"""Rules of `check` that mutation testing found unpinned: the dates of a certificate at the exact second of each
boundary, the report as a person reads it (one domain, and ``--all``), a Cloudflare record pointed elsewhere, and
SparkPost's verify when SparkPost fails or cannot be reached."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Callable, Iterator

import pytest
import trustme
from cryptography import x509

from sparkpost_tracking.__main__ import main
from sparkpost_tracking.check.options import CheckOptions
from sparkpost_tracking.check.report import render_all_table, render_table
from sparkpost_tracking.check.result import Report, Status, StepResult, failed, passed, skipped, warned
from sparkpost_tracking.check.sparkpost_step import Account, check_sparkpost
from sparkpost_tracking.check.tls_step import Served, chain_result, expiry_result
from sparkpost_tracking.emulator import Emulator
from tests.check.conftest import DOMAIN, MakeChain, Outcome, days
from tests.check.dated_chain import INTERMEDIATE_NAME, issue_chain
from tests.check.fake_chain import CdnBehaviour, closed_port

Run = Callable[[list[str]], Outcome]
KEY = "check-pins-key-9a8b7c6d5e4f"
OFFLINE = ["--skip", "dns", "--skip", "tls", "--skip", "https", "--skip", "http"]


# ---- dates at the exact second -------------------------------------------------------------------------------

def _certificates(leaf: trustme.LeafCert, ca: trustme.CA) -> tuple[x509.Certificate, ...]:
    pems = [blob.bytes() for blob in leaf.cert_chain_pems] + [ca.cert_pem.bytes()]
    return tuple(x509.load_pem_x509_certificate(pem) for pem in pems)


def _date_error() -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_code, error.verify_message = 10, "certificate has expired"
    return error


OPTIONS = CheckOptions(domain=DOMAIN, ca_file="test-ca.pem")


@pytest.mark.parametrize("edge", ["not_before", "not_after"])
def test_a_ca_certificate_is_within_its_dates_on_both_boundary_seconds(ca: trustme.CA, edge: str) -> None:
    """At the first and the last second of its validity a CA certificate is current, so a date error OpenSSL
    reported is its own moment's, and the row says so in OpenSSL's words instead of naming a current CA."""
    start, end = days(-100).replace(microsecond=0), days(100).replace(microsecond=0)
    leaf = (start - datetime.timedelta(days=1), end + datetime.timedelta(days=1))  # current throughout
    chain = _certificates(issue_chain(ca, DOMAIN, intermediate=(start, end), leaf=leaf), ca)
    now = start if edge == "not_before" else end
    row = chain_result(OPTIONS, Served(chain[0], _date_error(), chain), now)
    assert (row.status, row.code) == (Status.FAIL, "chain_expired")
    assert row.detail == "a CA certificate in the chain is outside its dates: certificate has expired"
    assert "outdated" not in row.data
    one_second = datetime.timedelta(seconds=1)
    outside = start - one_second if edge == "not_before" else end + one_second
    named = chain_result(OPTIONS, Served(chain[0], _date_error(), chain), outside)
    words = f"not valid before {start:%Y-%m-%d}" if edge == "not_before" else f"expired {end:%Y-%m-%d}"
    assert named.detail == f"a CA certificate in the chain is outside its dates: {INTERMEDIATE_NAME} ({words})"


def test_the_host_certificate_at_its_boundary_seconds(ca: trustme.CA) -> None:
    start, end = days(-10).replace(microsecond=0), days(10).replace(microsecond=0)
    [leaf, *_] = _certificates(ca.issue_cert(DOMAIN, not_before=start, not_after=end), ca)
    first = expiry_result(leaf, start, 5)
    assert (first.status, first.data["days_left"]) == (Status.PASS, 20)
    last = expiry_result(leaf, end, 5)
    assert (last.status, last.code, last.data["days_left"]) == (Status.WARN, "expires_soon", 0)
    after = expiry_result(leaf, end + datetime.timedelta(seconds=1), 5)
    assert (after.status, after.code) == (Status.FAIL, "expired")
    before = expiry_result(leaf, start - datetime.timedelta(seconds=1), 5)
    assert (before.status, before.code) == (Status.FAIL, "not_yet_valid")
    assert before.detail == f"not valid before {start:%Y-%m-%d %H:%M} UTC"


# ---- the report as a person reads it -------------------------------------------------------------------------

STEPS = (passed("dns", "CNAME -> d1.cloudfront.net, as expected"),
         skipped("caa", "only for managed HTTPS", required=False),
         passed("tls.chain", "trusted"), passed("tls.name", "certificate names track.example.com"),
         warned("tls.expiry", "expires in 9 days", "expires_soon", "renew it now"),
         failed("https", "-> 404", "not_recognised", "keep Host and User-Agent"),
         passed("http", "-> 302"),
         skipped("sparkpost", "not asked", required=False))


def test_the_table_shows_the_target_s_source_the_cdn_each_hint_and_the_verdict() -> None:
    report = Report(DOMAIN, STEPS, "v2.spgo.io", "region", "managed")
    assert render_table(report).splitlines() == [
        "check track.example.com: expected target v2.spgo.io (from region), cdn managed",
        "STEP        RESULT  DETAIL",
        "dns         pass    CNAME -> d1.cloudfront.net, as expected",
        "caa         skip    only for managed HTTPS",
        "tls.chain   pass    trusted",
        "tls.name    pass    certificate names track.example.com",
        "tls.expiry  warn    expires in 9 days",
        "                    hint: renew it now",
        "https       fail    -> 404",
        "                    hint: keep Host and User-Agent",
        "http        pass    -> 302",
        "sparkpost   skip    not asked",
        "FAIL: 1 of 6 required steps did not pass: https"]


@pytest.mark.parametrize(("target", "source", "cdn", "first"), [
    ("d1.cloudfront.net", "stack", None, "check track.example.com: expected target d1.cloudfront.net (from stack)"),
    ("d1.cloudfront.net", "--expect-target", "cloudfront",
     "check track.example.com: expected target d1.cloudfront.net, cdn cloudfront"),
    (None, None, None, "check track.example.com: expected target none given"),
])
def test_the_first_line_says_where_the_target_came_from(target: str | None, source: str | None, cdn: str | None,
                                                        first: str) -> None:
    assert render_table(Report(DOMAIN, STEPS, target, source, cdn)).splitlines()[0] == first


def test_a_passing_run_names_its_warnings_and_short_step_names_keep_the_header_width() -> None:
    steps = tuple(s for s in STEPS if s.step != "https")
    assert render_table(Report(DOMAIN, steps)).splitlines()[-1] == \
        "PASS: all 5 required steps passed (tls.expiry with a warning)"
    two = (*steps, warned("http", "-> 301", "redirected_to_https", "pass http through"))
    assert render_table(Report(DOMAIN, two)).splitlines()[-1].endswith("(tls.expiry, http with a warning)")
    lines = render_table(Report(DOMAIN, (passed("dns", "fine"),))).splitlines()
    assert lines[1:] == ["STEP  RESULT  DETAIL", "dns   pass    fine", "PASS: all 1 required steps passed"]


def test_a_hint_is_shown_only_on_a_row_that_does_not_pass() -> None:
    odd = (StepResult("dns", Status.PASS, "fine", hint="not shown on a pass"),
           StepResult("http", Status.SKIP, "skipped", hint="nor on a skip", required=False))
    assert "hint" not in render_table(Report(DOMAIN, odd))


def test_the_all_table_has_a_row_per_domain_and_the_failures_below() -> None:
    names = ("dns", "caa", "tls.chain", "tls.name", "tls.expiry", "https", "http", "sparkpost")
    good = Report("a.example.com", tuple(passed(n, "fine") if n not in ("caa", "sparkpost")
                                         else skipped(n, "not asked", required=False) for n in names),
                  "d1.cloudfront.net", "stack", "cloudfront")
    bad = Report("b.example.com", tuple(failed(n, "broken", "wrong_target", "point it") if n == "dns"
                                        else failed(n, "gone", "refused", "") if n == "https"
                                        else passed(n, "fine") for n in names))
    assert render_all_table([good, bad]).splitlines() == [
        "DOMAIN         TARGET             CDN         dns   caa   tls.chain  tls.name  tls.expiry  https  http  "
        "sparkpost  dkim  RESULT",
        "a.example.com  d1.cloudfront.net  cloudfront  pass  -     pass       pass      pass        pass   pass  -"
        "          -     PASS",
        "b.example.com  -                  -           fail  pass  pass       pass      pass        fail   pass  "
        "pass       -     FAIL",
        "b.example.com dns: broken (hint: point it)",
        "b.example.com https: gone",
        "FAIL: 1 of 2 tracking domains did not pass: b.example.com"]
    assert render_all_table([good]).splitlines()[-1] == "PASS: all 1 tracking domains passed"
    worse = Report("c.example.com", bad.steps)
    assert render_all_table([bad, good, worse]).splitlines()[-1] == \
        "FAIL: 2 of 3 tracking domains did not pass: b.example.com, c.example.com"


# ---- a Cloudflare record -------------------------------------------------------------------------------------

def test_a_cloudflare_record_pointed_elsewhere_is_the_wrong_target(make_chain: MakeChain, run_check: Run) -> None:
    records = {DOMAIN: [("CNAME", "other.example.net")], "other.example.net": [("A", "192.0.2.30")]}
    outcome = run_check(make_chain(records=records).args("--cdn", "cloudflare", expect_target="spgo.io"))
    dns = outcome.steps["dns"]
    assert (dns["status"], dns["code"]) == ("fail", "wrong_target")
    assert dns["detail"] == "CNAME other.example.net -> 192.0.2.30; expected a proxied record for spgo.io"
    assert dns["hint"] == f"make {DOMAIN} a proxied CNAME to spgo.io"
    assert dns["data"]["cnames"] == ["other.example.net"]


# ---- SparkPost's verify when SparkPost fails -------------------------------------------------------------------

@pytest.fixture
def sparkpost(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    for name in ("SPARKPOST_API_KEY", "SPARKPOST_EU_API_KEY", "SPARKPOST_REQUEST_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    with Emulator(api_keys=[KEY]) as emulator:
        emulator.add_domain(DOMAIN, secure=True)
        emulator.clear_requests()
        yield emulator


def test_sparkpost_s_5xx_is_an_api_error_after_one_retry(run_check: Run, sparkpost: Emulator,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    sparkpost.fail_next(5, status=503)
    outcome = run_check(["check", DOMAIN, "--sparkpost-verify", "--api-url", sparkpost.base_url, *OFFLINE])
    step = outcome.steps["sparkpost"]
    assert (step["status"], step["code"]) == ("fail", "api_error")
    assert step["detail"].startswith("SparkPost answered HTTP 503: ")
    assert sparkpost.count("POST") == 2  # one retry at most (docs/check.md): check is a probe


def test_an_unreachable_sparkpost_is_named_with_its_address(run_check: Run, monkeypatch: pytest.MonkeyPatch,
                                                            sparkpost: Emulator) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    api = f"http://127.0.0.1:{closed_port()}/api/v1"
    step = run_check(["check", DOMAIN, "--sparkpost-verify", "--api-url", api, *OFFLINE]).steps["sparkpost"]
    assert (step["status"], step["code"], step["hint"]) == ("fail", "unreachable", f"check the network path to {api}")
    assert step["detail"]


def test_the_verdict_shows_sparkpost_s_status_fields(run_check: Run, sparkpost: Emulator,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    sparkpost.mutate(DOMAIN, uses_managed_certificate=True, tls_status="valid")
    step = run_check(["check", DOMAIN, "--sparkpost-verify", "--api-url", sparkpost.base_url,
                      *OFFLINE]).steps["sparkpost"]
    assert step["detail"] == ("verified by SparkPost (cname_status valid, compliance_status valid, "
                              "tls_status valid)")
    assert step["data"] == {"verified": True, "cname_status": "valid", "compliance_status": "valid",
                            "tls_status": "valid"}
    missing = run_check(["check", DOMAIN, "--sparkpost-verify", "--api-url", sparkpost.base_url, "--subaccount", "7",
                         *OFFLINE]).steps["sparkpost"]
    assert missing["detail"] == f"{DOMAIN} is not a tracking domain of {sparkpost.base_url}, subaccount 7"
    plain = run_check(["check", DOMAIN, "--sparkpost-verify", "--api-url", sparkpost.base_url + "/",
                       *OFFLINE]).steps["sparkpost"]
    assert plain["status"] == "pass"


def test_the_key_comes_from_the_environment_it_is_given(sparkpost: Emulator) -> None:
    """``--from-stack`` hands the stack's settings in; the process environment is then not read for the key."""
    given = check_sparkpost(DOMAIN, Account(api_url=sparkpost.base_url), {}, 5.0, {"SPARKPOST_API_KEY": KEY})
    assert given.status is Status.PASS
    assert check_sparkpost(DOMAIN, Account(api_url=sparkpost.base_url), {}, 5.0, {}).code == "no_key"
    timeout = check_sparkpost(DOMAIN, Account(api_url=sparkpost.base_url), {}, 5.0,
                              {"SPARKPOST_API_KEY": KEY, "SPARKPOST_REQUEST_TIMEOUT": "soon"})
    assert timeout.code == "bad_setting" and "SPARKPOST_REQUEST_TIMEOUT" in timeout.detail
    assert main(["check", DOMAIN, "--sparkpost-verify", "--api-url", sparkpost.base_url, *OFFLINE]) == 1


# ---- more rows found unpinned ----------------------------------------------------------------------------------

def test_an_alias_to_a_target_that_does_not_resolve_is_named(make_chain: MakeChain, run_check: Run) -> None:
    records = {DOMAIN: [("A", "192.0.2.10")]}  # the target is not in DNS at all
    dns = run_check(make_chain(records=records).args("--skip", "tls", "--skip", "https", "--skip", "http",
                                                     expect_target="gone.cloudfront.net")).steps["dns"]
    assert (dns["status"], dns["code"]) == ("fail", "target_unresolved")
    assert dns["detail"] == "192.0.2.10; the expected target gone.cloudfront.net does not resolve (NXDOMAIN)"
    assert dns["hint"] == f"check the target name, or point {DOMAIN} at it with a CNAME"
    assert dns["data"] == {"cnames": [], "addresses": ["192.0.2.10"], "expected": "gone.cloudfront.net"}


@pytest.mark.parametrize(("records", "status", "data"), [
    ({DOMAIN: [("A", "192.0.2.10")], "d1.cloudfront.net": [("A", "192.0.2.10"), ("A", "192.0.2.11")]}, "pass",
     {"target_addresses": ["192.0.2.10", "192.0.2.11"]}),
    ({DOMAIN: [("A", "192.0.2.99")], "d1.cloudfront.net": [("A", "192.0.2.10"), ("A", "192.0.2.11")]}, "fail",
     {"target_addresses": ["192.0.2.10", "192.0.2.11"]}),
])
def test_an_alias_row_shows_both_sides_addresses(make_chain: MakeChain, run_check: Run, records: dict,
                                                 status: str, data: dict) -> None:
    dns = run_check(make_chain(records=records).args("--skip", "tls", "--skip", "https", "--skip", "http",
                                                     expect_target="d1.cloudfront.net")).steps["dns"]
    address = records[DOMAIN][0][1]
    assert dns["status"] == status
    assert dns["data"] == {"cnames": [], "addresses": [address], "expected": "d1.cloudfront.net", **data}
    if status == "fail":
        assert dns["detail"] == f"{address}; not the addresses of d1.cloudfront.net (192.0.2.10, 192.0.2.11)"


@pytest.mark.parametrize(("records", "cdn", "code"), [
    ({DOMAIN: [("A", "104.16.0.1")]}, "cloudflare", None),  # proxied: addresses only
    ({DOMAIN: [("CNAME", "spgo.io")], "spgo.io": [("A", "192.0.2.30")]}, "cloudflare", "not_proxied"),
    ({DOMAIN: [("A", "104.16.0.1")]}, "managed", "proxied"),
    ({DOMAIN: [("A", "198.51.100.7")]}, "managed", "not_cname"),
])
def test_proxy_and_cname_rows_keep_what_dns_said(make_chain: MakeChain, run_check: Run, records: dict, cdn: str,
                                                 code: str | None) -> None:
    target = "v2.spgo.io" if cdn == "managed" else "spgo.io"
    dns = run_check(make_chain(records=records).args("--cdn", cdn, "--skip", "tls", "--skip", "https", "--skip",
                                                     "http", expect_target=target)).steps["dns"]
    assert dns["code"] == code
    cnames = [value for kind, value in records[DOMAIN] if kind == "CNAME"]
    assert dns["data"]["cnames"] == cnames and dns["data"]["expected"] == target
    hints = {"not_proxied": "turn the record's proxy status to Proxied, so the CDN terminates TLS for the host",
             "proxied": f"set the Cloudflare record of {DOMAIN} to DNS only (grey cloud): SparkPost cannot get its "
                        "certificate through the proxy",
             "not_cname": f"replace the A/AAAA records with {DOMAIN} CNAME {target}"}
    assert dns["hint"] == hints.get(str(code))


def test_malformed_values_and_no_ca_are_named_in_the_caa_row(make_chain: MakeChain, run_check: Run) -> None:
    records = {DOMAIN: [("CNAME", "v2.spgo.io")], "v2.spgo.io": [("A", "192.0.2.20")],
               "example.com": [("CAA", '0 issue "letsencrypt.org."'), ("CAA", '0 issue "letsencrypt.org;x"')]}
    caa = run_check(make_chain(records=records).args("--cdn", "managed", "--skip", "tls", "--skip", "https",
                                                     "--skip", "http", expect_target=None)).steps["caa"]
    first, second = '0 issue "letsencrypt.org."', '0 issue "letsencrypt.org;x"'  # in the order DNS answers
    assert caa["detail"] in [f"CAA at example.com allows no CA, not letsencrypt.org; {one}, {two} are not issuer "
                             "names as RFC 8659 writes them, so they allow no CA"
                             for one, two in ((first, second), (second, first))]


def test_an_http_redirect_is_a_warning_only_to_https_on_the_same_host(make_chain: MakeChain, run_check: Run) -> None:
    elsewhere = run_check(make_chain(behaviour=CdnBehaviour(redirect_to="https://elsewhere.example.net/f",
                                                            redirect_status=301)).args("--skip", "dns")).steps
    assert (elsewhere["http"]["status"], elsewhere["http"]["code"]) == ("fail", "redirected_elsewhere")
    bare = run_check(make_chain(behaviour=CdnBehaviour(edge_status={"http": 301})).args("--skip", "dns")).steps
    assert (bare["http"]["status"], bare["http"]["code"]) == ("fail", "redirected_elsewhere")  # no Location at all


def test_a_missing_certificate_leaves_name_and_expiry_unchecked(make_chain: MakeChain, run_check: Run) -> None:
    steps = run_check(make_chain(https=False).args("--skip", "dns", "--skip", "http")).steps
    assert [steps[name]["detail"] for name in ("tls.name", "tls.expiry")] == ["no certificate to check"] * 2


@pytest.mark.parametrize(("tls_status", "code", "expected"), [
    ("failed", None, "certificate_failed"),  # failed without a code: the status names it
    ("expired", None, "certificate_expired"),
    ("pending", None, None),  # still being issued: nothing to report yet
])
def test_a_managed_certificate_s_status_is_reported_with_its_dates(run_check: Run, sparkpost: Emulator,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   tls_status: str, code: str | None,
                                                                   expected: str | None) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    sparkpost.mutate(DOMAIN, uses_managed_certificate=True, tls_status=tls_status,
                     tls_certificate={"issued_at": "2026-01-01T00:00:00Z", "expires_at": "2026-04-01T00:00:00Z",
                                      "error_code": code})
    step = run_check(["check", DOMAIN, "--sparkpost-verify", "--api-url", sparkpost.base_url,
                      *OFFLINE]).steps["sparkpost"]
    assert step["code"] == expected
    if expected is not None:
        assert step["detail"] == f"verified, but SparkPost's managed certificate is {tls_status}"
        assert step["hint"] == "run 'pulumi up' to request it again; SparkPost renews a valid certificate itself"
        assert step["data"]["certificate_expires_at"] == "2026-04-01T00:00:00Z"
        assert step["data"]["certificate_error"] is None


def test_a_failed_issuance_names_the_domain_and_its_code(run_check: Run, sparkpost: Emulator,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    sparkpost.mutate(DOMAIN, uses_managed_certificate=True, tls_status="failed",
                     tls_certificate={"issued_at": None, "expires_at": None, "error_code": "acme:dns"})
    step = run_check(["check", DOMAIN, "--sparkpost-verify", "--api-url", sparkpost.base_url,
                      *OFFLINE]).steps["sparkpost"]
    assert step["code"] == "certificate_failed"
    assert step["detail"] == f"SparkPost could not issue the managed certificate for '{DOMAIN}' (error_code acme:dns)"


def test_a_domain_missing_from_the_primary_account_is_named_without_a_subaccount(run_check: Run,
                                                                                 sparkpost: Emulator,
                                                                                 monkeypatch: pytest.MonkeyPatch
                                                                                 ) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    step = run_check(["check", "other.example.com", "--sparkpost-verify", "--api-url", sparkpost.base_url,
                      *OFFLINE]).steps["sparkpost"]
    assert step["detail"] == f"other.example.com is not a tracking domain of {sparkpost.base_url}"


def test_a_caa_lookup_without_an_answer_is_a_timeout(make_chain: MakeChain, run_check: Run) -> None:
    args = make_chain(silent_dns=True).args("--cdn", "managed", "--skip", "tls", "--skip", "https", "--skip", "http",
                                            expect_target=None)
    args[args.index("--timeout") + 1] = "1"
    caa = run_check(args).steps["caa"]
    assert (caa["status"], caa["code"], caa["detail"]) == ("fail", "timeout", "no CAA answer within 1 s")
    assert caa["hint"] == "a CA that cannot read CAA records refuses to issue: check the zone's name servers"


def test_a_refused_connection_names_where_it_went(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain(https=False)
    row = run_check(chain.args("--skip", "dns", "--skip", "http")).steps["tls.chain"]
    assert row["detail"] == f"connection to {DOMAIN}:{chain.cdn.https_port} (at 127.0.0.1) refused"
    assert row["hint"] == "nothing listens on this port: the CDN must serve both http (80) and https (443)"
