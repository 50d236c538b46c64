"""What adopting writes: the SparkPost calls that the first ``up`` after an import sends to a tracking domain.

A preview makes no SparkPost request, so the import, which has read the account, is the one place that can say so
before anything runs. The prediction is the core's own diff (``changes.compute_changes``) of a declaration
against what SparkPost showed, with the state that the first ``up`` starts from: the imported state on the plugin
path, and what the adopting create reads on the Python path (they hold the same values). Each property that
differs or has drifted maps to the calls that ``lifecycle.converge`` sends for it. A domain in a steady state, one
that SparkPost shows exactly as declared, gets none.

Every declaration also passes the resource's own input check here, so an import never writes a combination that
``pulumi preview`` would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sparkpost_tracking.dynamic_providers.changes import compute_changes
from sparkpost_tracking.dynamic_providers.lifecycle import observed_from_api
from sparkpost_tracking.dynamic_providers.schema import TRACKING_DOMAIN
from sparkpost_tracking.dynamic_providers.tracking_domains import TrackingDomainService

from .account import FoundDomain

#: The calls (after ``/api/v1``) that bring each property of an adopted tracking domain to its declaration, in the
#: order ``lifecycle.converge`` sends them. ``secure`` and ``default`` share one PUT.
CALLS: Final[dict[str, tuple[str, ...]]] = {
    "secure": ("PUT /tracking-domains/{domain}",),
    "default": ("PUT /tracking-domains/{domain}",),
    "verify": ("POST /tracking-domains/{domain}/verify",),
    "managed_certificate": ("POST /tracking-domains/{domain}/certificate/check",
                            "POST /tracking-domains/{domain}/certificate/enable"),
}


class RefusedDeclaration(ValueError):
    """A declaration that the resource's own input check refuses: the import must not write it."""


@dataclass(frozen=True)
class Writes:
    """The first ``up``'s SparkPost writes for one domain, each with why it is needed."""

    calls: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.calls)

    def sentence(self) -> str:
        """For the report: what is sent and why."""
        return f"the first up sends {', '.join(self.calls)} ({'; '.join(self.reasons)})"


def observed(found: FoundDomain) -> dict[str, Any]:
    """What the core reads of the domain as SparkPost listed it."""
    return observed_from_api(found.reported)


def plugin_declaration(found: FoundDomain) -> dict[str, Any]:
    """What ``pulumi import`` declares for the domain: the plugin's own read of an import."""
    return TrackingDomainService().declared_from({"domain": found.domain, **observed(found)})


def first_up_writes(found: FoundDomain, declared: Mapping[str, Any]) -> Writes:
    """The calls that adopting ``found`` as ``declared`` sends; ``RefusedDeclaration`` if the check refuses it."""
    inputs, failures = TRACKING_DOMAIN.check(dict(declared))
    if failures:
        raise RefusedDeclaration("; ".join(f"{f.prop}: {f.reason}" for f in failures))
    seen = observed(found)
    changes = compute_changes({**inputs, **seen}, inputs)
    calls: list[str] = []
    reasons: list[str] = []
    for prop in CALLS:
        if prop not in changes.changed and prop not in changes.drifted:
            continue
        for call in CALLS[prop]:
            text = call.format(domain=found.domain)
            if text not in calls:
                calls.append(text)
        reasons.append(_why(prop, found, inputs))
    return Writes(tuple(calls), tuple(reasons))


def _why(prop: str, found: FoundDomain, inputs: Mapping[str, Any]) -> str:
    if prop == "verify":
        needs = ("a managed certificate is renewed only for a verified domain" if inputs.get("managed_certificate")
                 else "SparkPost keeps only a verified domain as the default" if inputs.get("default")
                 else "it is declared with verify: true")
        return f"SparkPost shows it unverified, and {needs}"
    if prop == "managed_certificate":
        if found.uses_managed_certificate:
            return f"its managed certificate is {found.tls_status or 'not valid'}: it is requested again"
        return "it is declared with managed HTTPS, and SparkPost manages no certificate for it yet"
    return f"SparkPost shows {prop}: {str(found.reported.get(prop, False)).lower()}"
