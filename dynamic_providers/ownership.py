"""What shows whether a SparkPost object is this stack's, beyond a create's own answer: one place for the rules
that the create, refresh, update, delete, the hints and the recovery share (docs/tracking-domain.md, "Ownership").

- **A create's path** (``left_by_create``): the states a create of ours passes through, from the POST's result
  to the converged domain. A name that exists in any other state is not from a run of this resource.
- **Re-creation** (``recreation_evidence``): signs that the object SparkPost shows now is not the one state
  describes. A tracking domain has no id and no creation time, so the evidence is what only a delete and a new
  create do: verification lost *together with* a changed shape, or a managed certificate gone. An object that
  reports a ``creation_time`` (a sending domain) is compared on it too.
- **The deployment's claims** (``Claims``): the objects a resource created or adopted in this provider process.
  Another resource's delete of the same object (a rename, then adoption under the new name) drops only state.
- **What a user is told** when a create finds the name taken (``exists_message``): the rename case first
  (``aliases``), then adoption, worded by what the domain reads as, so that following a hint never writes to a
  domain that is someone else's without a deliberate step.

Nothing here calls SparkPost: the callers read, these functions judge.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .lifecycle import Desired

#: The environment variable that adopts named domains for one run (``settings.ADOPT_ENV``; repeated here so this
#: module stays free of the settings machinery).
ADOPT_ENV: Final[str] = "SPARKPOST_ADOPT"


def summary(found: Mapping[str, Any]) -> str:
    """How a tracking domain reads, for a message: ``secure=True, default=False, verified=False``."""
    status = found.get("status") or {}
    parts = [f"secure={bool(found.get('secure'))}", f"default={bool(found.get('default'))}",
             f"verified={bool(status.get('verified'))}"]
    if found.get("uses_managed_certificate"):
        parts.append("managed certificate")
    if found.get("subaccount_id") is not None:
        parts.append(f"subaccount {found['subaccount_id']}")
    return ", ".join(parts)


# ---- a create's path ---------------------------------------------------------------------------

def create_path_differences(found: Mapping[str, Any], desired: Desired) -> list[str]:
    """What in ``found`` (SparkPost's object, GET shape) no create of ``desired`` makes or passes through; empty
    when the domain reads as such a create, interrupted at some step, would have left it.

    The create posts ``secure`` (plain http first for a managed certificate, which SparkPost makes secure once
    it issues one), then verifies when anything needs it (``verify``, the default, a managed certificate), then
    requests the managed certificate, then sets the default.
    """
    status = found.get("status") or {}
    verified, default = bool(status.get("verified")), bool(found.get("default"))
    managed, secure = bool(found.get("uses_managed_certificate")), bool(found.get("secure"))
    wants_verified = desired.verify or desired.default or desired.managed_certificate
    posted_secure = desired.secure and not desired.managed_certificate
    differences: list[str] = []
    if found.get("subaccount_id") != desired.subaccount_id:
        differences.append(f"it is in {_scope(found.get('subaccount_id'))}, not {desired.scope}")
    if verified and not wants_verified:
        differences.append("it is verified, and this resource never verifies")
    if default and not (desired.default and verified):
        differences.append("it is the default" + ("" if desired.default else ", and this resource is not"))
    if managed and not (desired.managed_certificate and verified):
        differences.append("it has a managed certificate" + ("" if desired.managed_certificate
                                                             else ", and this resource declares none"))
    issued_secure = desired.managed_certificate and managed and secure
    if secure is not posted_secure and not issued_secure:
        differences.append(f"secure is {secure}, and this resource's create posts secure={posted_secure}")
    return differences


def left_by_create(found: Mapping[str, Any], desired: Desired) -> bool:
    """Does ``found`` read exactly as a create of ``desired`` would have left it, at one of its steps?"""
    return not create_path_differences(found, desired)


def _scope(subaccount_id: Any) -> str:
    return f"subaccount {subaccount_id}" if subaccount_id else "the primary account"


# ---- re-creation -------------------------------------------------------------------------------

def creation_time_evidence(last_seen: Mapping[str, Any], now: Mapping[str, Any]) -> str | None:
    """An object that reports when it was created: a different time means another object."""
    before, after = last_seen.get("creation_time"), now.get("creation_time")
    if before and after and before != after:
        return f"its creation_time is {after}, where this stack saw {before}"
    return None


#: A tracking domain's shape, for the evidence: what a create sets (its POST sends ``secure`` and nothing else).
#: ``default`` is not shape: another domain can take it, and a domain that loses verification may lose it too.
SHAPE: Final[tuple[str, ...]] = ("secure",)


def recreation_evidence(last_seen: Mapping[str, Any], now: Mapping[str, Any]) -> str | None:
    """Why the tracking domain ``now`` (outputs as read) is not the one ``last_seen`` (state) describes, or
    ``None``. Ordinary drift is no evidence: verification lost alone (a broken chain, the default with it or not),
    ``secure`` switched alone on a domain still verified, a default taken by another domain."""
    found = creation_time_evidence(last_seen, now)
    if found:
        return found
    if last_seen.get("uses_managed_certificate") is True and now.get("uses_managed_certificate") is False:
        return "it had a SparkPost-managed certificate and has none now (only a delete removes one)"
    if last_seen.get("verified") is True and now.get("verified") is False:
        changed = [f"{key} {last_seen[key]} -> {now[key]}" for key in SHAPE
                   if isinstance(last_seen.get(key), bool) and isinstance(now.get(key), bool)
                   and last_seen[key] is not now[key]]
        if changed:
            return f"it was verified and is not any more, and at the same time {', '.join(changed)}"
    return None


def recreated_message(kind: str, name: str, evidence: str) -> str:
    """The error that stops every write to an object that was made again: the evidence, and the steps."""
    return (f"{kind} {name!r} in SparkPost is not the one this stack last saw: {evidence}. That is what a delete "
            "and a new create look like, and nothing shows who made it, so this stack writes nothing to it: "
            "refresh, up and destroy stop here. If it is yours (you deleted and re-created it), accept it once: "
            f"{ADOPT_ENV}={name} pulumi refresh --yes, then run up or destroy as before. If it is someone else's, "
            "leave it to them: pulumi state delete '<urn>' drops it from this stack only (pulumi stack --show-urns "
            "lists the URNs).")


# ---- the deployment's claims -------------------------------------------------------------------

Claim = tuple[str, ...]


class Claims:
    """The objects the resources of one service created or adopted (thread-safe).

    The engine configures one service per resource type in each provider process, which serves one deployment:
    on the Python path one process serves every dynamic resource of the deployment; on the plugin path each
    provider instance (the default one, and each explicit provider resource) is its own process, so a claim covers
    the resources served by the same provider. Within one deployment a resource is never created and then deleted
    by itself (a replacement under the same name deletes first), so a delete of a claimed object is another
    resource's.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[Claim] = set()

    def claim(self, key: Claim) -> None:
        with self._lock:
            self._held.add(key)

    def held(self, key: Claim) -> bool:
        with self._lock:
            return key in self._held

    def clear(self) -> None:
        with self._lock:
            self._held.clear()



def claimed_elsewhere_message(kind: str, name: str) -> str:
    return (f"{kind} {name!r} was created or adopted by another resource of this deployment (a renamed resource, "
            "then adopted under its new name?): this resource's delete leaves it to that one and only drops this "
            "resource from state. Next time, give the renamed resource aliases naming its old name.")


# ---- what a user is told -----------------------------------------------------------------------

def rename_hint(kind: str) -> str:
    return (f"If you renamed this resource (or moved it into or out of a component), the {kind} is this stack's "
            "under the old name: give the resource aliases naming the old one (Python: "
            "opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name='<old name>')]); YAML: options: aliases: "
            "['<old URN>'], from pulumi stack --show-urns), and 'pulumi up' moves it in state with no call to "
            "SparkPost.")


def exists_message(desired: Desired, detail: str, found: Mapping[str, Any] | None) -> str:
    """A create found ``desired.domain`` taken and may not adopt it: the rename case first, then adoption, as far
    as what the domain reads as allows (``found``: SparkPost's object, ``None`` when it could not be read)."""
    name = desired.domain
    head = f"Tracking domain {name!r} already exists in this SparkPost account ({detail}). {rename_hint('domain')}"
    deliberate = ("To take it over deliberately, set adopt_existing: true on the resource (its secure/default "
                  "settings are then brought to the declared values); else leave it to its owner and remove the "
                  "resource or pick another name.")
    if found is None:
        return (f"{head} Otherwise it may be someone else's. {deliberate} If an interrupted 'pulumi up' of this "
                "stack may have created it, run the recovery of docs/recovery.md, which proposes "
                f"{ADOPT_ENV} only for a domain that reads as this stack's create leaves it.")
    differences = create_path_differences(found, desired)
    if differences:
        return (f"{head} Otherwise it is not this stack's: no create of this resource leaves it like this "
                f"({'; '.join(differences)}). {deliberate} ({ADOPT_ENV} and docs/recovery.md are for domains an "
                "interrupted run of this stack left, which this one is not.)")
    return (f"{head} Otherwise: it reads exactly as a create of this resource leaves it ({summary(found)}), so it "
            "may be from an interrupted or failed run of this stack, or someone else's made the same way; nothing "
            f"in SparkPost tells them apart. If a run of this stack made it, adopt it once: {ADOPT_ENV}={name} "
            f"pulumi up (docs/recovery.md). {deliberate}")
