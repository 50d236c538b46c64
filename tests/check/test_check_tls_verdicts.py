"""The TLS rows' verdict rules on both sides of each boundary, against a real loopback TLS server serving generated
chains: ``--warn-days N`` warns with N whole days left and not with N+1 (its default too), a negative N is refused
and 0 is not, and every certificate of the chain outside its dates is reported by name, the host's on
``tls.expiry`` and each CA's on ``tls.chain``, so an expired host certificate never hides an expired intermediate.

Dates sit half a day inside a boundary, so the seconds a run takes never move a certificate across it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import trustme

from sparkpost_tracking.__main__ import main
from tests.check.conftest import DOMAIN, MakeChain, Outcome, days
from tests.check.dated_chain import INTERMEDIATE_NAME, issue_chain

Run = Callable[[list[str]], Outcome]
ONLY_TLS = ["--skip", "dns", "--skip", "https", "--skip", "http"]


def expiry_row(make_chain: MakeChain, run_check: Run, leaf: trustme.LeafCert, *extra: str) -> dict[str, object]:
    outcome = run_check(make_chain(leaf=leaf).args(*ONLY_TLS, *extra))
    return outcome.steps["tls.expiry"]


@pytest.mark.parametrize(("left", "warn_days", "status"), [
    (45.5, "45", "warn"),  # 45 whole days left: within 45 days
    (46.5, "45", "pass"),
    (0.5, "0", "warn"),  # less than a day left: within 0 days
    (1.5, "0", "pass"),
    (7.5, "7", "warn"),
    (8.5, "7", "pass"),
], ids=["45-of-45", "46-of-45", "0-of-0", "1-of-0", "7-of-7", "8-of-7"])
def test_warn_days_warns_within_n_days_inclusive(make_chain: MakeChain, run_check: Run, ca: trustme.CA, left: float,
                                                 warn_days: str, status: str) -> None:
    leaf = ca.issue_cert(DOMAIN, not_before=days(-30), not_after=days(left))
    row = expiry_row(make_chain, run_check, leaf, "--warn-days", warn_days)
    assert (row["status"], row["data"]["days_left"], row["data"]["warn_days"]) == (status, int(left), int(warn_days))
    if status == "warn":
        assert row["code"] == "expires_soon" and row["detail"].startswith(f"expires in {int(left)} days")


@pytest.mark.parametrize(("lifetime", "left", "status"), [
    (90, 30.5, "warn"),  # a 90-day certificate should have been renewed with 30 days left
    (90, 31.5, "pass"),
    (45, 15.5, "warn"),  # a 45-day one with 15
    (45, 16.5, "pass"),
], ids=["90-30", "90-31", "45-15", "45-16"])
def test_the_default_threshold_is_a_third_of_the_lifetime_inclusive(make_chain: MakeChain, run_check: Run,
                                                                    ca: trustme.CA, lifetime: int, left: float,
                                                                    status: str) -> None:
    leaf = ca.issue_cert(DOMAIN, not_before=days(left - lifetime), not_after=days(left))
    row = expiry_row(make_chain, run_check, leaf)
    assert (row["status"], row["data"]["warn_days"], row["data"]["lifetime_days"]) == (status, lifetime // 3,
                                                                                        lifetime)


@pytest.mark.parametrize(("value", "refused"), [("-1", True), ("-45", True), ("0", False)])
def test_a_negative_warn_days_is_refused_before_any_network_step(make_chain: MakeChain, value: str, refused: bool,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    chain = make_chain()
    code = main([*chain.args(*ONLY_TLS), "--warn-days", value])
    captured = capsys.readouterr()
    if refused:
        assert code == 2 and captured.out == ""
        assert captured.err.strip() == f"sparkpost-tracking check: --warn-days: must be a number of days >= 0, " \
                                       f"got {value}"
        assert chain.cdn.origin.seen == [] and chain.dns.queries == []
    else:
        assert code == 0, captured.out


def test_an_expired_host_certificate_fails_expiry_and_expired_dates_by_the_day(make_chain: MakeChain,
                                                                               run_check: Run,
                                                                               ca: trustme.CA) -> None:
    just = expiry_row(make_chain, run_check, ca.issue_cert(DOMAIN, not_before=days(-90), not_after=days(-0.5)))
    assert (just["status"], just["code"]) == ("fail", "expired") and just["detail"].startswith("expired 0 days ago")
    ahead = expiry_row(make_chain, run_check, ca.issue_cert(DOMAIN, not_before=days(0.5), not_after=days(90)))
    assert (ahead["status"], ahead["code"]) == ("fail", "not_yet_valid")


CURRENT, EXPIRED, FUTURE = (days(-30), days(60)), (days(-400), days(-2)), (days(2), days(400))


@pytest.mark.parametrize(("intermediate", "leaf", "chain", "expiry"), [
    (CURRENT, CURRENT, ("pass", None), ("pass", None)),
    (CURRENT, EXPIRED, ("pass", None), ("fail", "expired")),
    (EXPIRED, CURRENT, ("fail", "chain_expired"), ("pass", None)),
    # Both expired: each is reported, the host's certificate on its row and the intermediate on the chain's.
    (EXPIRED, EXPIRED, ("fail", "chain_expired"), ("fail", "expired")),
    (FUTURE, CURRENT, ("fail", "chain_expired"), ("pass", None)),
    (FUTURE, EXPIRED, ("fail", "chain_expired"), ("fail", "expired")),
], ids=["all-current", "leaf-expired", "intermediate-expired", "both-expired", "intermediate-not-yet-valid",
        "intermediate-not-yet-valid-leaf-expired"])
def test_every_certificate_outside_its_dates_is_reported_by_name(make_chain: MakeChain, run_check: Run,
                                                                 ca: trustme.CA, intermediate: tuple, leaf: tuple,
                                                                 chain: tuple[str, str | None],
                                                                 expiry: tuple[str, str | None]) -> None:
    served = issue_chain(ca, DOMAIN, intermediate=intermediate, leaf=leaf)
    outcome = run_check(make_chain(leaf=served).args(*ONLY_TLS))
    rows = outcome.steps
    assert (rows["tls.chain"]["status"], rows["tls.chain"]["code"]) == chain, rows["tls.chain"]["detail"]
    assert (rows["tls.expiry"]["status"], rows["tls.expiry"]["code"]) == expiry
    assert rows["tls.name"]["status"] == "pass"
    if chain[1] == "chain_expired":
        outdated = rows["tls.chain"]["data"]["outdated"]
        assert [entry["name"] for entry in outdated] == [INTERMEDIATE_NAME]
        assert INTERMEDIATE_NAME in rows["tls.chain"]["detail"]
        words = "expired" if intermediate is EXPIRED else "not valid before"
        assert f"{INTERMEDIATE_NAME} ({words} " in rows["tls.chain"]["detail"]
    elif expiry[0] == "fail":
        assert rows["tls.chain"]["detail"].endswith("(dates: see tls.expiry)")
        assert "outdated" not in rows["tls.chain"]["data"]


def test_an_expired_intermediate_is_named_with_its_date(make_chain: MakeChain, run_check: Run,
                                                        ca: trustme.CA) -> None:
    served = issue_chain(ca, DOMAIN, intermediate=EXPIRED, leaf=EXPIRED)
    row = run_check(make_chain(leaf=served).args(*ONLY_TLS)).steps["tls.chain"]
    ended = f"{EXPIRED[1]:%Y-%m-%d}"
    assert row["detail"] == (f"a CA certificate in the chain is outside its dates: {INTERMEDIATE_NAME} "
                             f"(expired {ended})")
    assert row["data"]["outdated"] == [{"name": INTERMEDIATE_NAME, "not_before": f"{EXPIRED[0]:%Y-%m-%d}",
                                        "not_after": ended}]
    assert "intermediate" in row["hint"]


def test_an_untrusted_chain_with_an_expired_intermediate_is_untrusted(make_chain: MakeChain, run_check: Run,
                                                                      ca: trustme.CA) -> None:
    """Dates are judged only on a chain that leads to a trusted root; without it the row says untrusted."""
    served = issue_chain(ca, DOMAIN, intermediate=EXPIRED, leaf=CURRENT)
    args = make_chain(leaf=served).args(*ONLY_TLS)
    other = trustme.CA()
    del args[args.index("--ca-file"):args.index("--ca-file") + 2]
    ca_file = other.cert_pem
    with ca_file.tempfile() as path:
        outcome = run_check([*args, "--ca-file", path])
    assert outcome.failed() == {"tls.chain": "untrusted"}
