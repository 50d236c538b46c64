"""Accounts made by hand, seeded into the emulator out of band (as in SparkPost's UI): the 12-domain account the
import tests adopt, and the large one the benchmark reads. Shared by the tests and ``bench``."""

from __future__ import annotations

from typing import Any, Final

from sparkpost_tracking.emulator.control import Control

MANAGED: Final[dict[str, Any]] = {"secure": True, "verified": True, "uses_managed_certificate": True,
                                  "tls_status": "valid"}
#: domain -> (subaccount, fields): 3 scopes, a default in each, verified and not, secure and not, managed HTTPS.
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


def seed_account(emu: Control) -> None:
    for domain, (sub, fields) in DOMAINS.items():
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


def snapshot(emu: Control) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Everything the account holds, to compare before and after."""
    return emu.domains(), emu.sending_domains()
