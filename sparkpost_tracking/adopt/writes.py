"""What adopting writes: the SparkPost calls that the first ``up`` after an import sends to an adopted object.

A preview makes no SparkPost request, so the import, which has read the account, is the one place that can say so
before anything runs. The prediction is the core's own diff (``changes.compute_changes``) of a declaration
against what SparkPost showed, with the state that the first ``up`` starts from: the imported state on the plugin
path, and what the adopting create reads on the Python path (they hold the same values). Each property that
differs or has drifted maps to the calls that the core sends for it (``Kind.calls``). An object in a steady state,
one that SparkPost shows exactly as declared, gets none.

Every declaration also passes the resource's own input check here, so an import never writes a combination that
``pulumi preview`` would refuse. Each kind of object an import adopts is one ``Kind``: the tracking domain and the
sending domain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sparkpost_tracking.dynamic_providers.changes import compute_changes
from sparkpost_tracking.dynamic_providers.lifecycle import observed_from_api
from sparkpost_tracking.dynamic_providers.schema import SENDING_DOMAIN, TRACKING_DOMAIN, Schema
from sparkpost_tracking.dynamic_providers.sending_domains import SendingDomainService
from sparkpost_tracking.dynamic_providers.sending_domains import observed_from_api as sending_observed
from sparkpost_tracking.dynamic_providers.service import Service
from sparkpost_tracking.dynamic_providers.tracking_domains import TrackingDomainService

from .account import FoundDomain, FoundSending


class RefusedDeclaration(ValueError):
    """A declaration that the resource's own input check refuses: the import must not write it."""


@dataclass(frozen=True)
class Kind:
    """One kind of SparkPost object that an import adopts, as the core handles it."""

    schema: Schema
    #: The object's API path, ``{name}`` for its name.
    path: str
    #: The calls (after the object's path) that bring each property to its declaration, in the order the core sends
    #: them; properties that share one call name the same one.
    calls: Mapping[str, tuple[str, ...]]
    #: What the core reads of the object as SparkPost lists it.
    observe: Callable[[Mapping[str, Any]], dict[str, Any]]
    #: The core's service of the kind (its ``declared_from`` is what ``pulumi import`` declares).
    service: Callable[[], Service]
    #: Why a property needs its calls: (property, what the core read, the declared inputs) -> a reason.
    why: Callable[[str, Mapping[str, Any], Mapping[str, Any]], str]


@dataclass(frozen=True)
class Writes:
    """The first ``up``'s SparkPost writes for one object, each with why it is needed."""

    calls: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.calls)

    def sentence(self) -> str:
        """For the report: what is sent and why."""
        return f"the first up sends {', '.join(self.calls)} ({'; '.join(self.reasons)})"


def _tracking_domain_why(prop: str, seen: Mapping[str, Any], inputs: Mapping[str, Any]) -> str:
    if prop == "verify":
        needs = ("a managed certificate is renewed only for a verified domain" if inputs.get("managed_certificate")
                 else "SparkPost keeps only a verified domain as the default" if inputs.get("default")
                 else "it is declared with verify: true")
        return f"SparkPost shows it unverified, and {needs}"
    if prop == "managed_certificate":
        if seen.get("uses_managed_certificate"):
            return f"its managed certificate is {seen.get('tls_status')}: it is requested again"
        return "it is declared with managed HTTPS, and SparkPost manages no certificate for it yet"
    return f"SparkPost shows {prop}: {str(bool(seen.get(prop))).lower()}"


TRACKING_DOMAINS: Final[Kind] = Kind(
    schema=TRACKING_DOMAIN,
    path="/tracking-domains/{name}",
    calls={"secure": ("PUT",), "default": ("PUT",), "verify": ("POST /verify",),
           "managed_certificate": ("POST /certificate/check", "POST /certificate/enable")},  # lifecycle.converge
    observe=observed_from_api,
    service=TrackingDomainService,
    why=_tracking_domain_why,
)


def _sending_observed(reported: Mapping[str, Any]) -> dict[str, Any]:
    return sending_observed(reported, {"domain": str(reported.get("domain") or "")})


SENDING_DOMAINS: Final[Kind] = Kind(
    schema=SENDING_DOMAIN,
    path="/sending-domains/{name}",
    calls={"shared_with_subaccounts": ("PUT",)},  # sending_domains.SendingDomainService.update
    observe=_sending_observed,
    service=SendingDomainService,
    why=lambda prop, seen, inputs: f"SparkPost shows {prop}: {str(bool(seen.get(prop))).lower()}",
)


def plugin_declaration(found: FoundDomain | FoundSending, kind: Kind = TRACKING_DOMAINS) -> dict[str, Any]:
    """What ``pulumi import`` declares for the object: the plugin's own read of an import."""
    return kind.service().declared_from({kind.schema.id_key: found.domain, **kind.observe(found.reported)})


def first_up_writes(found: FoundDomain | FoundSending, declared: Mapping[str, Any],
                    kind: Kind = TRACKING_DOMAINS) -> Writes:
    """The calls that adopting ``found`` as ``declared`` sends; ``RefusedDeclaration`` if the check refuses it."""
    inputs, failures = kind.schema.check(dict(declared))
    if failures:
        raise RefusedDeclaration("; ".join(f"{f.prop}: {f.reason}" for f in failures))
    seen = kind.observe(found.reported)
    changes = compute_changes({**inputs, **seen}, inputs, kind.schema)
    path = kind.path.format(name=found.domain)
    calls: list[str] = []
    reasons: list[str] = []
    for prop, sent in kind.calls.items():
        if prop not in changes.changed and prop not in changes.drifted:
            continue
        for call in sent:
            method, _, tail = call.partition(" ")
            text = f"{method} {path}{tail}"
            if text not in calls:
                calls.append(text)
        reasons.append(kind.why(prop, seen, inputs))
    return Writes(tuple(calls), tuple(reasons))
