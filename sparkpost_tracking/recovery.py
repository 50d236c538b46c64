"""Which tracking domains an interrupted ``pulumi up`` was creating: ``pulumi stack export | python -m
sparkpost_tracking.recovery`` prints them, comma-separated, for ``SPARKPOST_ADOPT`` (docs/recovery.md).

A ``pulumi up`` that dies mid-create leaves a *pending create* in state for each resource it had started to
create. SparkPost may hold those domains already, in any state, and the next ``pulumi up`` would fail with
"already exists": they are this stack's, but nothing in SparkPost says so. Listing them from the stack's own
state, and adopting exactly those once, is the recovery. Ids are deterministic (the domain), so the list is
exact.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any, Final, TextIO

TRACKING_DOMAIN_TYPE: Final[str] = "pulumi-python:dynamic/sparkpost:TrackingDomain"


def interrupted_creates(exported: Mapping[str, Any]) -> list[str]:
    """The domains of the tracking-domain creates pending in a ``pulumi stack export`` document, in order."""
    deployment = exported.get("deployment") or {}
    domains: list[str] = []
    for operation in deployment.get("pending_operations") or []:
        resource = operation.get("resource") or {}
        if operation.get("type") != "creating" or resource.get("type") != TRACKING_DOMAIN_TYPE:
            continue
        domain = (resource.get("inputs") or {}).get("domain") or resource.get("id")
        if isinstance(domain, str) and domain and domain.lower() not in domains:
            domains.append(domain.lower())
    return domains


def main(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    try:
        exported = json.load(stdin)
    except json.JSONDecodeError as exc:
        print(f"sparkpost_tracking.recovery: expected the JSON of 'pulumi stack export' on stdin ({exc})",
              file=sys.stderr)
        return 2
    domains = interrupted_creates(exported if isinstance(exported, dict) else {})
    print(",".join(domains), file=stdout)
    if not domains:
        print("sparkpost_tracking.recovery: no tracking-domain create was pending", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
