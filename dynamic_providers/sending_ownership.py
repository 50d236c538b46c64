"""What shows whether a SparkPost sending domain is this stack's: the sending-domain side of ``ownership``.

- **Re-creation** (``recreation_evidence``): a sending domain reports ``creation_time`` in its object (no published
  sample shows it, so it is optional evidence). When state and SparkPost both report one, a new value means the
  domain was deleted and made again, and the same value that it was not. When either leaves it out, the DKIM key
  decides: a create generates a new key pair, so another selector or public key is another domain (or a key
  someone replaced, which is no write of ours either).
- **What a user is told** when a create finds the name taken (``exists_message``): as for tracking domains, the
  rename case first, then adoption worded by what the domain reads as.

Nothing here calls SparkPost: the callers read, these functions judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .ownership import ADOPT_ENV, creation_time_evidence, rename_hint


def recreation_evidence(last_seen: Mapping[str, Any], now: Mapping[str, Any]) -> str | None:
    """Why the sending domain ``now`` (outputs as read) is not the one ``last_seen`` (state) describes, or ``None``.
    Ordinary drift is no evidence: verification gained or lost, sharing, the default bounce domain, the tracking
    domain."""
    found = creation_time_evidence(last_seen, now)
    if found or (last_seen.get("creation_time") and now.get("creation_time")):
        return found  # both report when the domain was made: that alone decides
    before = (last_seen.get("dkim_selector"), last_seen.get("dkim_public_key"))
    after = (now.get("dkim_selector"), now.get("dkim_public_key"))
    if before[1] and before != after:
        if not after[1]:
            return f"it has no DKIM key, where this stack saw selector {before[0]!r}"
        return (f"its DKIM key is another one (selector {after[0]!r}, where this stack saw {before[0]!r}"
                f"{', and another public key' if after[1] != before[1] else ''})")
    return None


def summary(found: Mapping[str, Any]) -> str:
    """How a sending domain reads, for a message: ``ownership_verified=False, dkim_status=unverified, ...``."""
    status = found.get("status") or {}
    parts = [f"ownership_verified={bool(status.get('ownership_verified'))}"]
    parts += [f"{name}={status[name]}" for name in ("dkim_status", "cname_status") if status.get(name)]
    if found.get("is_default_bounce_domain"):
        parts.append("default bounce domain")
    if found.get("tracking_domain"):
        parts.append(f"tracking domain {found['tracking_domain']}")
    if found.get("subaccount_id") is not None:
        parts.append(f"subaccount {found['subaccount_id']}")
    if found.get("creation_time"):
        parts.append(f"created {found['creation_time']}")
    return ", ".join(parts)


def exists_message(name: str, detail: str, found: Mapping[str, Any] | None, left_by_create: bool) -> str:
    """A create found ``name`` taken and may not adopt it. ``left_by_create``: ``found`` reads exactly as this
    resource's create makes it (then, and only then, a run of this stack may have made it)."""
    head = (f"Sending domain {name!r} already exists in this SparkPost account ({detail}). "
            f"{rename_hint('sending domain')}")
    deliberate = ("To take it over deliberately, set adopt_existing: true on the resource (its "
                  "shared_with_subaccounts is then brought to the declared value, and its DKIM key kept); else leave "
                  "it to its owner and remove the resource or pick another name.")
    if found is None:
        return f"{head} Otherwise it may be someone else's. {deliberate}"
    if not left_by_create:
        return (f"{head} Otherwise it is not this stack's: no create of this resource leaves it like this (it reads "
                f"{summary(found)}). {deliberate}")
    return (f"{head} Otherwise: it reads exactly as a create of this resource leaves it ({summary(found)}), so it "
            "may be from an interrupted or failed run of this stack, or someone else's made the same way; nothing "
            f"in SparkPost tells them apart. If a run of this stack made it, adopt it once: {ADOPT_ENV}={name} "
            f"pulumi up. {deliberate}")
