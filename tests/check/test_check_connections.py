"""How `check` names a connection that does not complete, on each row that makes one (``tls.chain``, ``https``,
``http``): every way ``connect.classify`` knows, each with the hint a user acts on, and where the connection went.

Each failure is real and needs no network: a host name the C library refuses without asking DNS, an address the
kernel refuses to route, a loopback server that resets the connection, one that speaks another protocol, and a
CDN's plain-http port asked for TLS.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from sparkpost_tracking.check.connect import where
from sparkpost_tracking.check.options import CheckOptions, Resolve
from tests.check.conftest import DOMAIN, TARGET, MakeChain, Outcome
from tests.check.fake_chain import Hang, RawServer, not_http, reset

Run = Callable[[list[str]], Outcome]
#: A label may not start with a hyphen: the resolver refuses this name at once, without a query.
UNRESOLVABLE = "-no-such-host-"
#: The broadcast address: Linux refuses a TCP connection to it at once (ENETUNREACH), on any network.
BROADCAST = "255.255.255.255"
HINTS = {
    "timeout": "the CDN does not answer on this port: check that it serves it and that DNS points at it",
    "unresolved": "the host has no address: fix DNS (see the dns step)",
    "unreachable": "check the network path to the CDN",
    "tls_handshake": "the CDN has no certificate for this host name (SNI), or does not speak TLS on this port",
    "connection_lost": "the CDN dropped the request: check its configuration for this host",
    "bad_response": "check that this port of the CDN serves http",
}
CONNECTING = ("tls.chain", "https", "http")
UNCHECKED = {"status": "skip", "required": True, "detail": "no certificate to check", "code": None, "hint": None}


def args_to(address: str, *extra: str) -> list[str]:
    """``check DOMAIN`` with every connection sent to ``address``, on the default ports, DNS not asked."""
    return ["check", DOMAIN, "--resolve", f"{DOMAIN}:*:{address}", "--skip", "dns", "--timeout", "5",
            "--expect-target", TARGET, *extra]


def rows(outcome: Outcome, *steps: str) -> dict[str, tuple[str, str | None, str | None]]:
    return {step: (outcome.steps[step]["status"], outcome.steps[step]["code"], outcome.steps[step]["hint"])
            for step in steps}


def test_a_host_that_does_not_resolve_is_named_with_the_resolvers_words(run_check: Run) -> None:
    with pytest.raises(socket.gaierror) as refused:
        socket.getaddrinfo(UNRESOLVABLE, 443)
    outcome = run_check(args_to(UNRESOLVABLE))
    assert outcome.code == 1
    assert rows(outcome, *CONNECTING) == dict.fromkeys(CONNECTING, ("fail", "unresolved", HINTS["unresolved"]))
    for step in CONNECTING:
        assert outcome.steps[step]["detail"] == f"cannot resolve {UNRESOLVABLE}: {refused.value.strerror}"
    # No certificate was seen: its name and dates are unchecked, and a required row that did not pass.
    assert outcome.steps["tls.name"] == {"step": "tls.name", "data": {}, **UNCHECKED}
    assert outcome.steps["tls.expiry"] == {"step": "tls.expiry", "data": {}, **UNCHECKED}


def test_a_port_resolved_elsewhere_names_the_address_it_was_sent_to(run_check: Run) -> None:
    """``--resolve`` for one port: the row of that port names the address that did not resolve."""
    outcome = run_check(["check", DOMAIN, "--resolve", f"{DOMAIN}:443:{UNRESOLVABLE}", "--skip", "dns", "--skip",
                         "http", "--timeout", "5", "--expect-target", TARGET])
    for step in ("tls.chain", "https"):
        assert outcome.steps[step]["detail"].startswith(f"cannot resolve {UNRESOLVABLE}: "), outcome.steps[step]


def test_a_host_that_accepts_and_never_answers_times_out_on_every_row(run_check: Run) -> None:
    with Hang() as hang:
        outcome = run_check(args_to("127.0.0.1", "--https-port", str(hang.port), "--http-port", str(hang.port),
                                    "--timeout", "0.5"))
    assert rows(outcome, *CONNECTING) == dict.fromkeys(CONNECTING, ("fail", "timeout", HINTS["timeout"]))
    for step in CONNECTING:
        assert outcome.steps[step]["detail"] == f"no complete answer from {DOMAIN}:{hang.port} (at 127.0.0.1) " \
                                                "within 0.5 s"


def test_an_address_the_network_cannot_reach_is_named_with_the_port_of_each_row(run_check: Run) -> None:
    outcome = run_check(args_to(BROADCAST))
    assert rows(outcome, *CONNECTING) == dict.fromkeys(CONNECTING, ("fail", "unreachable", HINTS["unreachable"]))
    for step, port in (("tls.chain", 443), ("https", 443), ("http", 80)):  # the default ports of each scheme
        assert outcome.steps[step]["detail"].startswith(f"cannot reach {DOMAIN}:{port} (at {BROADCAST}): "), step


def test_a_port_that_does_not_speak_tls_fails_the_handshake(make_chain: MakeChain, run_check: Run) -> None:
    chain = make_chain()
    args = chain.args("--skip", "dns")
    args[args.index("--https-port") + 1] = str(chain.cdn.http_port)  # the CDN's plain-http port, asked for TLS
    outcome = run_check(args)
    assert rows(outcome, "tls.chain", "https", "http") == {
        "tls.chain": ("fail", "tls_handshake", HINTS["tls_handshake"]),
        "https": ("fail", "tls_handshake", HINTS["tls_handshake"]),
        "http": ("pass", None, None)}
    for step in ("tls.chain", "https"):  # OpenSSL's reason, not the whole exception
        assert outcome.steps[step]["detail"] == (f"TLS handshake with {DOMAIN}:{chain.cdn.http_port} (at 127.0.0.1) "
                                                 "failed: WRONG_VERSION_NUMBER")


def test_a_connection_reset_is_a_lost_connection_on_every_row(run_check: Run) -> None:
    with RawServer(reset) as server:
        outcome = run_check(args_to("127.0.0.1", "--https-port", str(server.port), "--http-port", str(server.port)))
    assert rows(outcome, *CONNECTING) == dict.fromkeys(CONNECTING, ("fail", "connection_lost",
                                                                     HINTS["connection_lost"]))
    for step in CONNECTING:
        assert outcome.steps[step]["detail"].startswith(
            f"{DOMAIN}:{server.port} (at 127.0.0.1) closed the connection: "), step
    assert server.accepted == 3  # one connection per row, none retried


def test_an_answer_that_is_not_http_is_named_as_it_came(run_check: Run) -> None:
    with RawServer(not_http(b"SSH-2.0-OpenSSH_9.6\r\n")) as server:
        outcome = run_check(args_to("127.0.0.1", "--http-port", str(server.port), "--skip", "tls", "--skip", "https"))
    http = outcome.steps["http"]
    assert (http["status"], http["code"], http["hint"]) == ("fail", "bad_response", HINTS["bad_response"])
    assert http["detail"] == (f"{DOMAIN}:{server.port} (at 127.0.0.1) answered with something that is not HTTP: "
                              r"BadStatusLine('SSH-2.0-OpenSSH_9.6\r\n')")
    assert http["data"] == {}


def test_where_a_connection_went_is_said_only_when_resolve_sent_it_elsewhere() -> None:
    plain = CheckOptions(DOMAIN)
    assert where(plain, 443) == f"{DOMAIN}:443"
    only_http = CheckOptions(DOMAIN, resolve=(Resolve(80, "192.0.2.7"),))
    assert (where(only_http, 80), where(only_http, 443)) == (f"{DOMAIN}:80 (at 192.0.2.7)", f"{DOMAIN}:443")
    first_wins = CheckOptions(DOMAIN, resolve=(Resolve(443, "192.0.2.1"), Resolve(None, "192.0.2.2")))
    assert (first_wins.address(443), first_wins.address(80)) == ("192.0.2.1", "192.0.2.2")
