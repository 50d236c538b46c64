"""The request rows (``https``, ``http``): each answer a CDN can give judged on both sides of its rule, with the hint a
user acts on, and the facts the row keeps (status, server, location, seconds).

A redirect of each kind the CDN may send is served on loopback; the boundaries of the status ranges are judged
on the row's own function, which takes the answer as the request step read it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sparkpost_tracking.check.cdns import traits
from sparkpost_tracking.check.http_step import TRACKING_PATH, judge
from sparkpost_tracking.check.options import CheckOptions
from tests.check.conftest import DOMAIN, MakeChain, Outcome
from tests.check.fake_chain import CdnBehaviour

Run = Callable[[list[str]], Outcome]
HTTPS_URL, HTTP_URL = f"https://{DOMAIN}{TRACKING_PATH}", f"http://{DOMAIN}{TRACKING_PATH}"
HINTS = {
    "redirect_loop": "a click would never reach its destination: the CDN (or a rule on it) redirects the tracking "
                     "host to itself; forward the request to the SparkPost host instead",
    "server_rewritten": "fine if the CDN rewrites 'server' (Cloudflare does); otherwise the 302 may not come from "
                        "SparkPost",
    "ssl_mode": "Cloudflare 526 (invalid origin certificate): the SSL/TLS mode is Full (strict), but SparkPost's "
                "certificate does not name the tracking host; set SSL/TLS to Full for this host (the component's "
                "sslModeRule) or the zone",
    "origin_tls": "Cloudflare 525 (origin TLS handshake failed): set SSL/TLS to Full for this host, with the "
                  "SparkPost host as the record's target",
    "origin_unreachable": "the CDN could not reach SparkPost: its origin must be the SparkPost host of the region "
                          "(spgo.io, eu.spgo.io)",
    "redirected_to_https": "the CDN redirects http to https ('Always Use HTTPS'); SparkPost's advice is to pass http "
                           "through as well",
    "redirected_elsewhere": "the CDN redirects instead of forwarding to SparkPost: remove the forwarding rule and "
                            "proxy to the SparkPost host with the viewer's Host",
    "not_recognised": "SparkPost needs the viewer's Host (or X-Forwarded-Host) and User-Agent unchanged: turn off "
                      "any host override at the CDN, and check that the domain exists in SparkPost",
    "not_sparkpost": "the request does not reach SparkPost: the CDN's origin must be the SparkPost host of the "
                     "region, and the CDN must serve this host on {scheme}",
}


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_of_any_kind_to_the_same_url_is_a_loop(make_chain: MakeChain, run_check: Run,
                                                          status: int) -> None:
    chain = make_chain(behaviour=CdnBehaviour(redirect_to="{url}", redirect_status=status))
    outcome = run_check(chain.args("--skip", "dns", "--skip", "tls"))
    assert outcome.failed() == {"https": "redirect_loop", "http": "redirect_loop"}
    for scheme, url in (("https", HTTPS_URL), ("http", HTTP_URL)):
        row = outcome.steps[scheme]
        assert row["detail"] == f"{url} -> {status} (server: msys-http) to {url}: a redirect back to the tracking host"
        assert row["hint"] == HINTS["redirect_loop"]
        seconds = row["data"].pop("seconds")
        assert row["data"] == {"status": status, "server": "msys-http", "location": url}
        assert isinstance(seconds, float) and 0 <= seconds < 5 and round(seconds, 3) == seconds


def test_a_click_that_reaches_sparkpost_keeps_what_it_answered(make_chain: MakeChain, run_check: Run) -> None:
    outcome = run_check(make_chain().args("--skip", "dns", "--skip", "tls"))
    for scheme, url in (("https", HTTPS_URL), ("http", HTTP_URL)):
        row = outcome.steps[scheme]
        assert (row["status"], row["detail"]) == ("pass", f"{url} -> 302 (server: msys-http): SparkPost's redirect")
        assert {k: v for k, v in row["data"].items() if k != "seconds"} == {"status": 302, "server": "msys-http",
                                                                            "location": None}


def verdict(status: int, server: str = "cloudflare", location: str | None = None, *, scheme: str = "https",
            cdn: str | None = None) -> tuple[str, str | None]:
    row = judge(CheckOptions(DOMAIN), scheme, status, server, location, 0.25, traits(cdn))
    assert (row.hint is None) is (row.code is None)
    if row.code is not None:
        assert row.hint == HINTS[row.code].format(scheme=scheme), row.code
    return row.status.value, row.code


@pytest.mark.parametrize(("answer", "expected"), [
    ((302, "msys-http"), ("pass", None)),
    ((302, "MSYS-HTTP/2"), ("pass", None)),  # SparkPost's server, in any case and version
    ((302, "cloudflare"), ("warn", "server_rewritten")),
    ((302, ""), ("warn", "server_rewritten")),
    ((526,), ("fail", "ssl_mode")),
    ((525,), ("fail", "origin_tls")),
    ((519,), ("fail", "not_sparkpost")),  # below Cloudflare's origin errors
    ((520,), ("fail", "origin_unreachable")),
    ((524,), ("fail", "origin_unreachable")),
    ((527,), ("fail", "not_sparkpost")),  # above them
    ((300,), ("fail", "redirected_elsewhere")),  # every 3xx, without a Location too
    ((399,), ("fail", "redirected_elsewhere")),
    ((400,), ("fail", "not_sparkpost")),
    ((299,), ("fail", "not_sparkpost")),
    ((404, "msys-http"), ("fail", "not_recognised")),  # SparkPost answered, but not with its click redirect
    ((200, "msys-http"), ("fail", "not_recognised")),
], ids=lambda value: "-".join(map(str, value)) if isinstance(value, tuple) else str(value))
def test_each_status_is_judged_on_both_sides_of_its_range(answer: tuple[int, ...], expected: tuple[str, str]) -> None:
    assert verdict(*answer) == expected  # type: ignore[arg-type]


def test_a_cdn_that_replaces_the_server_header_passes_its_redirect() -> None:
    assert verdict(302, "cloudflare", cdn="cloudflare") == ("pass", None)
    assert verdict(302, "cloudflare", cdn="cloudfront") == ("warn", "server_rewritten")
    row = judge(CheckOptions(DOMAIN), "https", 302, "cloudflare", None, 0.25, traits("cloudflare"))
    assert row.detail == f"{HTTPS_URL} -> 302 (server: cloudflare): a redirect; this CDN replaces SparkPost's server " \
                         "header"
    bare = judge(CheckOptions(DOMAIN), "https", 302, "", None, 0.25, traits(None))
    assert bare.detail == f"{HTTPS_URL} -> 302: a redirect, without SparkPost's server: msys-http"


@pytest.mark.parametrize(("scheme", "location", "expected"), [
    ("http", f"https://{DOMAIN}{TRACKING_PATH}", ("warn", "redirected_to_https")),
    ("http", f"https://{DOMAIN.upper()}/other", ("warn", "redirected_to_https")),  # host names have no case
    ("http", f"http://{DOMAIN.upper()}/other", ("fail", "redirect_loop")),
    ("http", "/f/other", ("fail", "redirect_loop")),  # a relative Location stays on the host
    ("http", "https://elsewhere.example.net/f", ("fail", "redirected_elsewhere")),
    ("http", "https://", ("fail", "redirected_elsewhere")),  # no host: not the tracking host on https
    ("https", f"http://{DOMAIN}{TRACKING_PATH}", ("fail", "redirect_loop")),  # https down to http of itself
    ("https", f"https://{DOMAIN}/other", ("fail", "redirect_loop")),
    ("https", "https://elsewhere.example.net/f", ("fail", "redirected_elsewhere")),
])
@pytest.mark.parametrize("status", [301, 307, 308])
def test_where_a_redirect_goes_decides_its_verdict(scheme: str, location: str, expected: tuple[str, str],
                                                   status: int) -> None:
    assert verdict(status, "cloudflare", location, scheme=scheme) == expected


def test_a_302_from_sparkpost_to_https_of_the_host_passes_on_http() -> None:
    """SparkPost's own redirect is not a loop when it moves an http click to https."""
    assert verdict(302, "msys-http", f"https://{DOMAIN}/x", scheme="http") == ("pass", None)
    assert verdict(302, "msys-http", f"http://{DOMAIN}/x", scheme="http") == ("fail", "redirect_loop")


def test_a_failed_row_says_where_the_redirect_went_and_keeps_the_facts() -> None:
    row = judge(CheckOptions(DOMAIN), "http", 301, "cloudflare", f"https://{DOMAIN}/x", 1.23456, traits(None))
    assert row.detail == f"{HTTP_URL} -> 301 (server: cloudflare) to https://{DOMAIN}/x: http links work through https"
    assert row.data == {"status": 301, "server": "cloudflare", "location": f"https://{DOMAIN}/x", "seconds": 1.235}
    elsewhere = judge(CheckOptions(DOMAIN), "https", 307, "cloudflare", "https://e.example.net/", 0.0, traits(None))
    assert elsewhere.detail == f"{HTTPS_URL} -> 307 (server: cloudflare) to https://e.example.net/"
    for status, code, words in ((526, "ssl_mode", ""), (521, "origin_unreachable", ""),
                                (404, "not_recognised", ": SparkPost did not recognise the tracking domain"),
                                (503, "not_sparkpost", ": not SparkPost's answer")):
        server = "msys-http" if code == "not_recognised" else "cloudflare"
        row = judge(CheckOptions(DOMAIN), "https", status, server, None, 0.0, traits(None))
        assert (row.code, row.detail) == (code, f"{HTTPS_URL} -> {status} (server: {server}){words}")
