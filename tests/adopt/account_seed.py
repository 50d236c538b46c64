"""Accounts made by hand, seeded into the emulator out of band (as in SparkPost's UI): the 12-domain account the
import tests adopt, and the large one the benchmark reads. Shared by the tests and ``bench``."""

from __future__ import annotations

from typing import Any, Final

from sparkpost_tracking.emulator.control import Control

MANAGED: Final[dict[str, Any]] = {"secure": True, "verified": True, "uses_managed_certificate": True,
                                  "tls_status": "valid"}
#: domain -> (subaccount, fields): 3 scopes, a default in each, verified and not, secure and not, managed HTTPS
#: (one whose verification lapsed: its adoption must verify it, and says so).
DOMAINS: Final[dict[str, tuple[int | None, dict[str, Any]]]] = {
    "track.example.com": (None, {"secure": True, "verified": True, "default": True}),
    "click.example.com": (None, MANAGED),
    "legacy.example.com": (None, {"secure": False, "verified": True}),
    "new.example.com": (None, {"secure": True}),  # created, never verified
    "click.brand-a.com": (12, {**MANAGED, "default": True}),
    "track.brand-a.com": (12, {"secure": True, "verified": True}),
    "http.brand-a.com": (12, {"secure": False}),
    "m.brand-a.com": (12, MANAGED),
    "click.brand-b.com": (31, {"secure": True, "verified": True, "default": True}),
    "old.brand-b.com": (31, {"secure": False, "verified": True}),
    "pending.brand-b.com": (31, {"secure": True}),
    "m.brand-b.com": (31, MANAGED),
    "m.example.com": (None, {**MANAGED, "verified": False}),
}
#: Domains whose adoption writes (or whose declaration differs from what is found), in a scope of their own (44):
#: an unverified default, an expired managed certificate, a managed certificate on a domain switched back to http,
#: and two domains that CNAME to SparkPost's V2 host without a managed certificate (verified, and not), with the DNS
#: answers that ``import --stack-config`` reads for them.
UNSTEADY: Final[dict[str, tuple[int | None, dict[str, Any]]]] = {
    "click.brand-c.com": (44, {"secure": True, "default": True, "verified": False}),
    "expired.brand-c.com": (44, {**MANAGED, "tls_status": "expired"}),
    "plain.brand-c.com": (44, {**MANAGED, "secure": False}),
    "v2.brand-c.com": (44, {"secure": True, "verified": True}),
    "v2new.brand-c.com": (44, {"secure": True}),
}
UNSTEADY_DNS: Final[dict[str, list[tuple[str, str]]]] = {
    "v2.brand-c.com": [("CNAME", "v2.spgo.io")], "v2new.brand-c.com": [("CNAME", "v2.spgo.io")],
    "v2.spgo.io": [("A", "192.0.2.13")],
}
#: sending domain -> (subaccount, tracking domain)
SENDING: Final[dict[str, tuple[int | None, str]]] = {
    "example.com": (None, "click.example.com"),
    "news.example.com": (None, "track.example.com"),
    "brand-a.com": (12, "track.brand-a.com"),
    "brand-b.com": (31, "m.brand-b.com"),
}
#: The managed part of the account: what this repository's stack program adopts offline (no CDN to build).
MANAGED_PATTERNS: Final[tuple[str, ...]] = ("m.*", "click.example.com", "click.brand-a.com")


def seed_account(emu: Control, domains: dict[str, tuple[int | None, dict[str, Any]]] = DOMAINS) -> None:
    for domain, (sub, fields) in domains.items():
        emu.add_domain(domain, subaccount_id=sub, **fields)
    for sending, (sub, tracking) in SENDING.items():
        emu.add_sending_domain(sending, subaccount_id=sub, tracking_domain=tracking)


def seed_large(emu: Control, domains: int, subaccounts: int) -> None:
    """``domains`` tracking domains spread over the primary account and ``subaccounts`` subaccounts, a default
    and a managed domain in each scope, and one associated sending domain per scope."""
    scopes = [None, *range(101, 101 + subaccounts)]
    for index in range(domains):
        sub = scopes[index % len(scopes)]
        first = index < len(scopes)
        fields = {**MANAGED, "default": True} if first else {"secure": index % 3 != 0, "verified": index % 4 != 0}
        emu.add_domain(f"t{index}.scope{sub or 0}.example.com", subaccount_id=sub, **fields)
    for index, sub in enumerate(scopes):
        emu.add_sending_domain(f"brand{sub or 0}.example", subaccount_id=sub,
                               tracking_domain=f"t{index}.scope{sub or 0}.example.com")


def writes(requests: list[Any]) -> list[Any]:
    """The requests that changed SparkPost: anything but a read, answered with success. (An adopting create is
    answered 409, which is SparkPost's proof that the domain exists, and changes nothing.)"""
    return [r for r in requests if r.method != "GET" and r.status < 400]


def writes_by_domain(requests: list[Any]) -> dict[str, list[str]]:
    """Each tracking domain's writes as ``import`` announces them (``POST /tracking-domains/d/verify``), in order."""
    found: dict[str, list[str]] = {}
    for request in writes(requests):
        path = request.path.removeprefix("/api/v1")
        parts = path.split("/")
        if parts[1] == "tracking-domains" and len(parts) > 2:
            found.setdefault(parts[2], []).append(f"{request.method} {path}")
    return found


def announced(report: dict[str, Any]) -> dict[str, list[str]]:
    """The writes an ``import --json`` report announces, by domain (one output's: each names its option)."""
    found: dict[str, list[str]] = {}
    for finding in report["findings"]:
        if finding.get("writes"):
            found.setdefault(finding["domain"], list(finding["writes"]))
    return found


def snapshot(emu: Control) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Everything the account holds, to compare before and after."""
    return emu.domains(), emu.sending_domains()
