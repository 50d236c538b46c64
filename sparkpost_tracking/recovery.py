"""Which tracking domains an interrupted ``pulumi up`` was creating, for docs/recovery.md, on both engine paths.

A ``pulumi up`` that dies mid-create leaves a *pending create* in state for each resource it had started to
create. SparkPost may hold those domains already, in any state, and the next ``pulumi up`` would fail with
"already exists": they are this stack's, but nothing in SparkPost says so. Listing them from the stack's own
state, and adopting exactly those once, is the recovery. Ids are deterministic (the domain), so the list is exact.

- ``pulumi stack export | python -m sparkpost_tracking.recovery`` prints the domains, comma-separated, for
  ``SPARKPOST_ADOPT`` (both the Python dynamic resource and the plugin's native one read it);
- ``... | python -m sparkpost_tracking.recovery --import-pending-creates`` prints the arguments for
  ``pulumi refresh`` that would import them (``--import-pending-creates URN --import-pending-creates ID`` each):
  the engine's own route. Measured with Pulumi CLI 3.274, the engine drops such imports unread on both paths, so
  docs/recovery.md uses ``SPARKPOST_ADOPT``; this output is kept for engines that honour it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from sparkpost_tracking.dynamic_providers.types import TRACKING_DOMAIN


def _pending_creates(exported: Mapping[str, Any], tokens: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(urn, domain)`` of each pending tracking-domain create of a type in ``tokens``, in order, once each."""
    deployment = exported.get("deployment") or {}
    found: dict[str, str] = {}
    for operation in deployment.get("pending_operations") or []:
        resource = operation.get("resource") or {}
        if operation.get("type") != "creating" or resource.get("type") not in tokens:
            continue
        domain = (resource.get("inputs") or {}).get("domain") or resource.get("id")
        if isinstance(domain, str) and domain and domain.lower() not in found.values():
            found[str(resource.get("urn"))] = domain.lower()
    return list(found.items())


def interrupted_creates(exported: Mapping[str, Any]) -> list[str]:
    """The domains of the tracking-domain creates pending in a ``pulumi stack export`` document, in order."""
    return [domain for _, domain in _pending_creates(exported, TRACKING_DOMAIN.tokens)]


def importable_creates(exported: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(urn, id)`` of the pending creates of the native resource, which the engine can import by reading them."""
    return _pending_creates(exported, (TRACKING_DOMAIN.native,))


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m sparkpost_tracking.recovery",
                                     description="List the tracking domains an interrupted 'pulumi up' was "
                                                 "creating, from 'pulumi stack export' on stdin.")
    parser.add_argument("--import-pending-creates", action="store_true",
                        help="print the 'pulumi refresh' arguments that import them (plugin path)")
    args = parser.parse_args(argv)
    try:
        exported = json.load(stdin)
    except json.JSONDecodeError as exc:
        print(f"sparkpost_tracking.recovery: expected the JSON of 'pulumi stack export' on stdin ({exc})",
              file=sys.stderr)
        return 2
    document = exported if isinstance(exported, dict) else {}
    if args.import_pending_creates:
        pairs = importable_creates(document)
        # The flag takes one value per use: URN and id alternate.
        print(" ".join(f"--import-pending-creates {value}" for pair in pairs for value in pair), file=stdout)
        listed = bool(pairs)
    else:
        domains = interrupted_creates(document)
        print(",".join(domains), file=stdout)
        listed = bool(domains)
    if not listed:
        print("sparkpost_tracking.recovery: no tracking-domain create was pending", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
