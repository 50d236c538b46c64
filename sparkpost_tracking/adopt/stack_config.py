"""``--stack-config``: ``sparkpost-tracking:domains`` entries for this repository's stack program.

Each entry adopts a domain as SparkPost shows it (``adoptExisting``), so the stack's first ``up`` writes nothing to
SparkPost when the entry is complete: the scope, the default, ``verify: false`` for a domain not verified yet, and
the sending domains that name it. ``cdn`` comes from the domain's CNAME where DNS shows a CDN's host; otherwise it
is left out and the entry is marked ``TODO`` (the stack program refuses an entry without one). A domain the stack's
components cannot declare as it is (``secure: false``: they serve https only) is reported and left out.
"""

from __future__ import annotations

from typing import Any, Final

import yaml

from sparkpost_tracking.config import DOMAINS_KEY, STACK_PROJECT
from sparkpost_tracking.dynamic_providers.hosts import DEFAULT_REGION

from .account import FoundDomain
from .cdn_inference import Inference
from .plan import Finding, Plan

TODO: Final[str] = "TODO"
HEADER: Final[str] = (
    "# Written by `sparkpost-tracking import --stack-config`: the account's tracking domains as entries of this\n"
    "# repository's stack program, each adopted as SparkPost shows it. Fill in every TODO, review, then merge the\n"
    "# entries into Pulumi.<stack>.yaml (docs/adopting.md). Nothing here was written to SparkPost.\n")


def cdn_for(found: FoundDomain, inference: Inference | None) -> tuple[str | None, list[str]]:
    """The entry's ``cdn`` and its comment lines: what showed it, and what the user must fill in (``TODO``).

    A domain whose certificate SparkPost manages is ``managed`` by SparkPost's own word (the certificate exists only
    while the host CNAMEs to SparkPost's V2 target); any other needs DNS to name a CDN's host.
    """
    seen = inference.seen if inference else "DNS not asked"
    if found.uses_managed_certificate:
        if inference and inference.cdn not in (None, "managed"):
            return None, [f"{TODO} cdn: SparkPost manages its certificate, but DNS shows {seen}: check which one "
                          "serves the host, then set cdn"]
        return "managed", [f"SparkPost manages its certificate; {seen}"]
    cdn = inference.cdn if inference else None
    if cdn is None:
        return None, [f"{TODO} cdn: DNS names no CDN this stack knows ({seen}); set cdn to cloudflare, cloudfront "
                      "or fastly, and its options (docs/components.md)"]
    if cdn == "managed":
        return cdn, [f"{TODO} {seen}, but SparkPost has no managed certificate for it yet: the first up enables one"]
    return cdn, [f"{TODO} {seen}: the stack builds its own {cdn} configuration for the host; give its options, and "
                 "move the live host onto it without a gap (docs/migration.md)"]


def entry_for(found: FoundDomain, sending: list[str], cdn: str | None, region: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"domain": found.domain}
    if cdn:
        entry["cdn"] = cdn
    if region and region != DEFAULT_REGION:
        entry["region"] = region
    if found.subaccount_id:
        entry["subaccountId"] = found.subaccount_id
    entry["adoptExisting"] = True
    if found.default:
        entry["makeDefault"] = True
    elif not found.verified and cdn != "managed":
        # As found: the first up does not wait for a verification nobody asked for. (Managed HTTPS needs it; the
        # entry's TODO says so.)
        entry["verify"] = False
    if sending:
        entry["sendingDomains"] = sending
    return entry


def stack_entries(plan: Plan, inferences: dict[str, Inference],
                  region: str | None) -> tuple[list[tuple[list[str], dict[str, Any]]], list[Finding]]:
    """Each entry with its comment lines (what DNS showed; what to fill in), and the domains left out."""
    entries: list[tuple[list[str], dict[str, Any]]] = []
    left_out: list[Finding] = []
    for found in plan.domains:
        if not found.secure and not found.uses_managed_certificate:
            left_out.append(Finding(found.domain, found.subaccount_id,
                                    "secure: false in SparkPost, and the stack's components serve https only: adopting "
                                    "it would switch its links to https. Build its HTTPS chain first "
                                    "(docs/migration.md), or keep it out of this stack"))
            continue
        cdn, comments = cdn_for(found, inferences.get(found.domain))
        sending = [s.domain for s in plan.associations if s.tracking_domain == found.domain]
        entries.append((comments, entry_for(found, sending, cdn, region)))
    return entries, left_out


def render(entries: list[tuple[list[str], dict[str, Any]]]) -> str:
    lines = [HEADER.rstrip("\n"), "config:", f"  {STACK_PROJECT}:{DOMAINS_KEY}:"]
    if not entries:
        lines.append("    []")
    for comments, entry in entries:
        lines += [f"    # {entry['domain']}: {comment}" for comment in comments]
        dumped = yaml.safe_dump([entry], sort_keys=False, default_flow_style=False).rstrip("\n")
        lines += ["    " + line for line in dumped.splitlines()]
    return "\n".join(lines) + "\n"
