"""`check` against a live chain on loopback: a passing chain, and each broken link reported as its own failed step.

Everything is real except the remote ends: DNS answers from a local server (dnspython's wire format), the CDN
serves TLS with certificates from a test CA (trustme) and proxies to a fake SparkPost click endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import trustme

from sparkpost_tracking.check.http_step import USER_AGENT
from tests.check.conftest import CDN_ADDRESS, DOMAIN, TARGET, MakeChain, Outcome, correct_records, days
from tests.check.fake_chain import CdnBehaviour, Hang

Run = Callable[[list[str]], Outcome]
ALL_STEPS = ["dns", "caa", "tls.chain", "tls.name", "tls.expiry", "https", "http", "sparkpost", "dkim"]
NOT_ASKED = {"caa": "skip", "sparkpost": "skip", "dkim": "skip"}  # caa: managed HTTPS only


def test_a_correct_chain_passes_every_step(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain()
    outcome = run_check(chain.args())
    assert outcome.code == 0 and outcome.report["ok"] is True
    assert list(outcome.steps) == ALL_STEPS
    assert outcome.statuses() == {**dict.fromkeys(ALL_STEPS, "pass"), **NOT_ASKED}
    assert outcome.steps["sparkpost"]["required"] is False and outcome.steps["caa"]["required"] is False
    assert outcome.steps["dns"]["data"]["cnames"] == [TARGET]
    assert outcome.steps["tls.expiry"]["data"]["days_left"] >= 300  # trustme's leaves last years
    for scheme in ("https", "http"):
        assert outcome.steps[scheme]["data"]["status"] == 302
        assert outcome.steps[scheme]["data"]["server"] == "msys-http"
    # What reached SparkPost: the viewer's Host and User-Agent, once per scheme.
    assert [(seen.host, seen.user_agent) for seen in chain.origin.seen] == [(DOMAIN, USER_AGENT)] * 2


def test_a_wrong_cname_fails_the_dns_step_only(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain(records={DOMAIN: [("CNAME", "spgo.io")], "spgo.io": [("A", "192.0.2.99")]})
    outcome = run_check(chain.args())
    assert outcome.code == 1 and outcome.report["ok"] is False
    assert outcome.failed() == {"dns": "wrong_target"}
    assert "spgo.io" in outcome.steps["dns"]["detail"] and TARGET in outcome.steps["dns"]["hint"]


def test_a_missing_record_fails_the_dns_step(make_chain: MakeChain, run_check: Run) -> None:
    outcome = run_check(make_chain(records={}).args())
    assert outcome.failed() == {"dns": "nxdomain"}


def test_an_alias_with_the_targets_addresses_passes_and_other_addresses_fail(make_chain: MakeChain,
                                                                             run_check: Run) -> None:
    alias = {DOMAIN: [("A", CDN_ADDRESS)], TARGET: [("A", CDN_ADDRESS), ("A", "192.0.2.11")]}
    passing = run_check(make_chain(records=alias).args())
    assert passing.code == 0 and passing.steps["dns"]["detail"].startswith("alias:")
    elsewhere = {DOMAIN: [("A", "198.51.100.7")], TARGET: [("A", CDN_ADDRESS)]}
    assert run_check(make_chain(records=elsewhere).args()).failed() == {"dns": "wrong_target"}


def test_an_expired_certificate_fails_the_expiry_step_only(make_chain: MakeChain, run_check: Run,
                                                            ca: trustme.CA) -> None:
    expired = ca.issue_cert(DOMAIN, not_before=days(-90), not_after=days(-3))
    outcome = run_check(make_chain(leaf=expired).args())
    assert outcome.code == 1
    assert outcome.failed() == {"tls.expiry": "expired"}
    assert outcome.steps["tls.expiry"]["detail"].startswith("expired 3 days ago")
    assert outcome.statuses()["tls.chain"] == "pass"  # trusted CA: only the dates are wrong


def test_a_certificate_expiring_soon_warns_without_failing(make_chain: MakeChain, run_check: Run,
                                                           ca: trustme.CA) -> None:
    soon = ca.issue_cert(DOMAIN, not_before=days(-80), not_after=days(5.5))
    outcome = run_check(make_chain(leaf=soon).args())
    assert outcome.code == 0
    assert outcome.steps["tls.expiry"]["status"] == "warn" and outcome.steps["tls.expiry"]["code"] == "expires_soon"


def test_a_certificate_for_another_name_fails_the_name_step_only(make_chain: MakeChain, run_check: Run,
                                                                 ca: trustme.CA) -> None:
    other = ca.issue_cert("other.example.net", "*.example.net")
    outcome = run_check(make_chain(leaf=other).args())
    assert outcome.failed() == {"tls.name": "name_mismatch"}
    assert outcome.steps["tls.name"]["data"]["names"] == ["other.example.net", "*.example.net"]


def test_a_wildcard_for_the_parent_domain_names_the_host(make_chain: MakeChain, run_check: Run,
                                                         ca: trustme.CA) -> None:
    outcome = run_check(make_chain(leaf=ca.issue_cert("*.example.com")).args())
    assert outcome.code == 0 and outcome.statuses()["tls.name"] == "pass"


def test_a_certificate_from_an_unknown_ca_fails_the_chain_step(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain()
    args = chain.args()
    del args[args.index("--ca-file"):args.index("--ca-file") + 2]  # the system's store does not hold the test CA
    outcome = run_check(args)
    assert outcome.failed() == {"tls.chain": "untrusted"}


def test_a_cdn_that_rewrites_host_fails_both_request_steps(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain(behaviour=CdnBehaviour(rewrite_host=True))
    outcome = run_check(chain.args())
    assert outcome.failed() == {"https": "not_recognised", "http": "not_recognised"}
    assert "Host" in outcome.steps["https"]["hint"]
    assert {seen.host for seen in chain.origin.seen} == {chain.origin.host}  # SparkPost never saw the domain


def test_a_cdn_that_drops_the_user_agent_fails_both_request_steps(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain(behaviour=CdnBehaviour(drop_user_agent=True))
    outcome = run_check(chain.args())
    assert outcome.failed() == {"https": "not_recognised", "http": "not_recognised"}
    assert {seen.user_agent for seen in chain.origin.seen} == {None}


def test_an_http_only_cdn_fails_the_tls_and_https_steps(make_chain: MakeChain, run_check: Run) -> None:
    outcome = run_check(make_chain(https=False).args())
    assert outcome.failed() == {"tls.chain": "refused", "https": "refused"}
    assert outcome.statuses() == {"dns": "pass", "tls.chain": "fail", "tls.name": "skip", "tls.expiry": "skip",
                                  "https": "fail", "http": "pass", **NOT_ASKED}
    assert outcome.steps["tls.name"]["required"] is True  # nothing was checked, so the run cannot pass


def test_a_cdn_that_does_not_answer_times_out_within_the_bound(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain()
    with Hang() as hang:
        args = chain.args("--timeout", "0.5")
        for option in ("--https-port", "--http-port"):
            args[args.index(option) + 1] = str(hang.port)
        started = time.monotonic()
        outcome = run_check(args)
        elapsed = time.monotonic() - started
    assert outcome.failed() == {"tls.chain": "timeout", "https": "timeout", "http": "timeout"}
    assert "0.5 s" in outcome.steps["https"]["detail"]
    assert elapsed < 60  # bounded: three operations of 0.5 s, not the OS's minutes-long TCP timeout


def test_a_dns_server_that_does_not_answer_times_out(make_chain: MakeChain, run_check: Run) -> None:
    outcome = run_check(make_chain(silent_dns=True).args("--timeout", "0.5"))
    assert outcome.failed() == {"dns": "timeout"}


def test_a_cloudflare_526_is_reported_as_the_ssl_mode(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain(behaviour=CdnBehaviour(edge_status={"https": 526}))
    outcome = run_check(chain.args())
    assert outcome.failed() == {"https": "ssl_mode"}
    hint = outcome.steps["https"]["hint"]
    assert "Full (strict)" in hint and "SSL/TLS to Full" in hint


def test_cloudflare_proxied_record_and_rewritten_server_header(make_chain: MakeChain, run_check: Run) -> None:
    cloudflare = CdnBehaviour(server_header="cloudflare")
    proxied = {DOMAIN: [("A", "104.16.0.1")]}
    outcome = run_check(make_chain(records=proxied, behaviour=cloudflare).args("--cdn", "cloudflare",
                                                                               expect_target="spgo.io"))
    assert outcome.code == 0 and set(outcome.statuses().values()) == {"pass", "skip"}
    assert outcome.steps["dns"]["detail"].startswith("proxied:")
    # The same chain without saying it is Cloudflare: the DNS has no CNAME to compare, and 'server' is not SparkPost's.
    generic = run_check(make_chain(records={**proxied, "spgo.io": [("A", "192.0.2.99")]},
                                   behaviour=cloudflare).args(expect_target="spgo.io"))
    assert generic.failed() == {"dns": "wrong_target"}
    assert generic.steps["https"]["status"] == "warn" and generic.steps["https"]["code"] == "server_rewritten"


def test_a_cloudflare_record_that_is_not_proxied_fails_dns(make_chain: MakeChain, run_check: Run) -> None:
    records = {DOMAIN: [("CNAME", "spgo.io")], "spgo.io": [("A", "192.0.2.99")]}
    outcome = run_check(make_chain(records=records).args("--cdn", "cloudflare", expect_target="spgo.io"))
    assert outcome.failed() == {"dns": "not_proxied"}


def test_http_redirected_to_https_warns(make_chain: MakeChain, run_check: Run) -> None:
    outcome = run_check(make_chain(behaviour=CdnBehaviour(http_redirects_to_https=True)).args())
    assert outcome.code == 0
    assert (outcome.steps["http"]["status"], outcome.steps["http"]["code"]) == ("warn", "redirected_to_https")


def test_without_an_expected_target_dns_is_reported_not_judged(make_chain: MakeChain, run_check: Run) -> None:
    outcome = run_check(make_chain().args(expect_target=None))
    assert outcome.code == 0
    assert (outcome.steps["dns"]["status"], outcome.steps["dns"]["code"]) == ("warn", "no_expected_target")
    assert outcome.report["expected_target"] is None and outcome.report["target_source"] is None


def test_skipped_steps_are_not_required(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain(records={DOMAIN: [("CNAME", "spgo.io")], "spgo.io": [("A", "192.0.2.99")]})
    outcome = run_check(chain.args("--skip", "dns"))  # before DNS is switched to the CDN
    assert outcome.code == 0
    assert outcome.steps["dns"] == {**outcome.steps["dns"], "status": "skip", "required": False}
    assert chain.dns.queries == []


def test_the_table_names_each_failed_step_with_its_hint(make_chain: MakeChain, ca: trustme.CA,
                                                        capsys: object) -> None:
    from sparkpost_tracking.__main__ import main

    chain = make_chain(leaf=ca.issue_cert(DOMAIN, not_before=days(-90), not_after=days(-3)),
                       records=correct_records(target="elsewhere.example.net"))
    assert main(chain.args()) == 1
    table = capsys.readouterr().out  # type: ignore[attr-defined]
    rows = {line.split()[0]: line.split()[1] for line in table.splitlines()[2:-1] if not line.startswith(" ")}
    assert rows == {"dns": "fail", "tls.chain": "pass", "tls.name": "pass", "tls.expiry": "fail", "https": "pass",
                    "http": "pass", **NOT_ASKED}
    assert table.count("hint: ") == 2
    assert table.splitlines()[-1] == "FAIL: 2 of 6 required steps did not pass: dns, tls.expiry"


def test_resolve_takes_a_host_name_as_curls_connect_to_does(make_chain: MakeChain, run_check: Run) -> None:
    """Before DNS is switched: connect to the CDN target by name (here localhost) and leave DNS out."""
    chain = make_chain(records={DOMAIN: [("CNAME", "spgo.io")], "spgo.io": [("A", "192.0.2.99")]})
    args = chain.args("--skip", "dns")
    args[args.index(f"{DOMAIN}:*:127.0.0.1")] = f"{DOMAIN}:*:localhost"
    outcome = run_check(args)
    assert outcome.code == 0 and outcome.failed() == {}
    assert len(chain.origin.seen) == 2


def test_a_cdn_that_trickles_its_answer_fails_within_the_timeout(make_chain: MakeChain, run_check: Run) -> None:
    # One byte every 0.3 s keeps a per-read socket timeout of 1 s from ever firing; the step's deadline does.
    chain = make_chain(behaviour=CdnBehaviour(trickle_every=0.3))
    started = time.monotonic()
    outcome = run_check(chain.args("--timeout", "1"))
    elapsed = time.monotonic() - started
    failed = outcome.failed()
    assert failed.get("https") == "timeout" and failed.get("http") == "timeout", outcome.steps
    assert "within 1 s" in outcome.steps["http"]["detail"]
    # Both request steps, each bounded by --timeout (plus the DNS and TLS steps, which answer at once).
    assert elapsed < 2 * (1 + 1) + 5


@pytest.mark.parametrize("location", ["{url}", "https://track.example.com/elsewhere", "/f/a/b/c/d"])
def test_a_redirect_back_to_the_tracking_host_fails(make_chain: MakeChain, run_check: Run, location: str) -> None:
    outcome = run_check(make_chain(behaviour=CdnBehaviour(redirect_to=location)).args())
    assert outcome.code != 0
    assert outcome.failed()["https"] == "redirect_loop", outcome.steps["https"]
