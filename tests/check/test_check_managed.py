"""`check` of a managed-HTTPS host on loopback: the CNAME to the region's V2 host (not through a proxy), CAA records
that must allow Let's Encrypt (RFC 8659 tree climbing, answered by a dnspython server), and an expiry warning scaled
to the certificate's lifetime (trustme certificates of 90 and 45 days)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import trustme

from sparkpost_tracking.check.cdns import is_cloudflare
from tests.check.conftest import DOMAIN, MakeChain, Outcome, days
from tests.check.fake_dns import Records

Run = Callable[[list[str]], Outcome]
V2, EU_V2 = "v2.spgo.io", "eu.v2.spgo.io"
PARENT = "example.com"


def managed(caa: Records | None = None, target: str = V2) -> Records:
    """The host CNAMEs to the V2 host, plus CAA records at the names given."""
    records: Records = {DOMAIN: [("CNAME", target)], target: [("A", "192.0.2.20")]}
    for name, values in (caa or {}).items():
        records[name] = [*records.get(name, []), *values]
    return records


def check_managed(make_chain: MakeChain, run_check: Run, records: Records, *extra: str) -> Outcome:
    return run_check(make_chain(records=records).args("--cdn", "managed", *extra, expect_target=None))


def test_a_managed_host_on_v2_without_caa_passes(make_chain: MakeChain, run_check: Run) -> None:
    outcome = check_managed(make_chain, run_check, managed())
    assert outcome.code == 0, outcome.stdout
    assert outcome.report["expected_target"] == V2 and outcome.report["target_source"] == "region"
    assert outcome.statuses()["dns"] == outcome.statuses()["caa"] == "pass"
    assert outcome.steps["caa"]["required"] is True
    assert outcome.steps["caa"]["detail"] == f"no CAA records at {DOMAIN} or any parent: every CA may issue"


def test_the_eu_region_expects_the_eu_v2_host(make_chain: MakeChain, run_check: Run) -> None:
    wrong = check_managed(make_chain, run_check, managed(), "--region", "eu")
    assert wrong.failed() == {"dns": "wrong_target"} and EU_V2 in wrong.steps["dns"]["hint"]
    assert check_managed(make_chain, run_check, managed(target=EU_V2), "--region", "eu").code == 0


@pytest.mark.parametrize(("caa", "owner"), [
    ({PARENT: [("CAA", '0 issue "letsencrypt.org"')]}, PARENT),
    ({PARENT: [("CAA", '0 issue "digicert.com"'), ("CAA", '0 issue "letsencrypt.org; validationmethods=http-01"')]},
     PARENT),
    ({PARENT: [("CAA", '0 iodef "mailto:security@example.com"')]}, PARENT),  # no issue property: any CA
    ({"com": [("CAA", '0 issue "letsencrypt.org"')]}, "com"),  # the climb goes past the registered domain
    ({V2: [("CAA", '0 issue "letsencrypt.org"')], PARENT: [("CAA", '0 issue "digicert.com"')]}, DOMAIN),
], ids=["parent-allows", "one-of-several", "iodef-only", "tld", "cname-target-decides"])
def test_caa_that_allows_lets_encrypt_passes(make_chain: MakeChain, run_check: Run, caa: Records,
                                             owner: str) -> None:
    outcome = check_managed(make_chain, run_check, managed(caa))
    assert outcome.statuses()["caa"] == "pass" and outcome.code == 0, outcome.steps["caa"]
    assert outcome.steps["caa"]["data"]["owner"] == owner


@pytest.mark.parametrize(("caa", "code"), [
    ({PARENT: [("CAA", '0 issue "digicert.com"')]}, "caa_forbids"),
    ({PARENT: [("CAA", '0 issue ";"')]}, "caa_forbids"),  # no CA at all
    # The closest name with records decides: the host's (through its CNAME) overrides the parent's permission.
    ({V2: [("CAA", '0 issue "sectigo.com"')], PARENT: [("CAA", '0 issue "letsencrypt.org"')]}, "caa_forbids"),
    ({PARENT: [("CAA", '0 issue "letsencrypt.org"'), ("CAA", '128 tbs "unknown"')]}, "caa_critical"),
], ids=["other-ca", "empty-issue", "host-overrides-parent", "critical-unknown"])
def test_caa_that_forbids_lets_encrypt_fails(make_chain: MakeChain, run_check: Run, caa: Records, code: str) -> None:
    outcome = check_managed(make_chain, run_check, managed(caa))
    assert outcome.code == 1 and outcome.failed() == {"caa": code}
    if code == "caa_forbids":
        assert 'CAA 0 issue "letsencrypt.org"' in outcome.steps["caa"]["hint"]


def test_caa_for_one_acme_account_warns(make_chain: MakeChain, run_check: Run) -> None:
    caa = {PARENT: [("CAA", '0 issue "letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1"')]}
    outcome = check_managed(make_chain, run_check, managed(caa))
    assert outcome.code == 0 and (outcome.steps["caa"]["status"], outcome.steps["caa"]["code"]) == ("warn",
                                                                                                    "caa_account")


@pytest.mark.parametrize(("address", "code"), [("104.16.132.229", "proxied"), ("2606:4700::6810:84e5", "proxied"),
                                               ("198.51.100.7", "not_cname")])
def test_a_managed_host_behind_a_proxy_or_without_a_cname_fails(make_chain: MakeChain, run_check: Run,
                                                                 address: str, code: str) -> None:
    kind = "AAAA" if ":" in address else "A"
    outcome = check_managed(make_chain, run_check, {DOMAIN: [(kind, address)], V2: [("A", "192.0.2.20")]})
    assert outcome.code == 1 and outcome.failed() == {"dns": code}
    if code == "proxied":
        assert "DNS only" in outcome.steps["dns"]["hint"]


def test_cloudflare_ranges() -> None:
    assert is_cloudflare("104.16.132.229") and is_cloudflare("172.67.1.1") and is_cloudflare("2606:4700::1")
    assert not is_cloudflare("192.0.2.20") and not is_cloudflare("2001:db8::1") and not is_cloudflare("nope")


def test_a_cdn_host_gets_no_caa_step(make_chain: MakeChain, run_check: Run) -> None:
    outcome = run_check(make_chain().args())
    assert outcome.steps["caa"]["status"] == "skip" and outcome.steps["caa"]["required"] is False


@pytest.mark.parametrize(("lifetime", "left", "extra", "status"), [
    (90, 20, (), "warn"),  # a 90-day certificate is renewed 30 days before expiry: 20 days left is overdue
    (45, 20, (), "pass"),  # a 45-day one is renewed 15 days before: 20 days left is fine
    (45, 10, (), "warn"),
    (45, 10, ("--warn-days", "5"), "pass"),  # an explicit threshold wins
])
def test_the_expiry_warning_scales_with_the_lifetime(make_chain: MakeChain, run_check: Run, ca: trustme.CA,
                                                     lifetime: int, left: int, extra: tuple[str, ...],
                                                     status: str) -> None:
    leaf = ca.issue_cert(DOMAIN, not_before=days(left - lifetime), not_after=days(left + 0.5))
    outcome = run_check(make_chain(leaf=leaf).args(*extra))
    expiry = outcome.steps["tls.expiry"]
    assert expiry["status"] == status and expiry["data"]["lifetime_days"] == lifetime
    assert expiry["data"]["warn_days"] == (int(extra[1]) if extra else lifetime // 3)
