"""The stack program's sending identities: ``sparkpost-tracking:sendingIdentities`` → ``SendingIdentity`` components.

Config (keys camelCase or snake_case; each entry takes ``SendingIdentity``'s arguments)::

    sparkpost-tracking:sendingIdentities:
      - domain: brand.example.com
        trackingDomain: click.brand.example.com   # a tracking domain of sparkpost-tracking:domains (or any other)
        bounceSubdomain: bounce                   # bounce.brand.example.com, verified by CNAME
        defaultBounceDomain: true
        dns: route53                              # manual (default) | route53 | cloudflare
        dnsZoneId: Z0123456789ABCDEFGHIJ

The project-wide ``region``, ``apiUrl``, ``dnsTtl``, ``verify`` and ``protect`` apply as to tracking domains. A
``trackingDomain`` declared in ``domains`` is taken from its component, so the association waits for it; its
account and subaccount are the identity's too unless the entry says otherwise. Refused before anything is
registered: a sending domain declared twice, and one whose tracking domain is also set by a tracking domain's
``sendingDomains`` (one resource writes a sending domain's tracking domain: keep one of the two).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import pulumi

from sparkpost_tracking.components.args import arg_keys
from sparkpost_tracking.components.errors import ComponentArgumentError
from sparkpost_tracking.config import SENDING_IDENTITIES_KEY, STACK_PROJECT, StackDefaults
from sparkpost_tracking.dynamic_providers.settings import camel_case

if TYPE_CHECKING:
    from sparkpost_tracking.components.chain import TrackingDomainComponent
    from sparkpost_tracking.stack import DomainPlan

#: The list of sending identities, ``sparkpost-tracking:sendingIdentities``.
SENDING_KEY: Final[str] = SENDING_IDENTITIES_KEY
#: Where an identity takes its account from the tracking domain it names, unless it says otherwise.
_SCOPE_ARGS: Final[tuple[str, ...]] = ("region", "subaccount_id", "api_url")


@dataclass(frozen=True)
class SendingPlan:
    path: str
    name: str
    args: dict[str, Any]
    #: The tracking domain of ``domains`` it names, if any (its component provides the association's input).
    tracking_domain: str | None


def plan_sending(entries: Any, domain_plans: list[DomainPlan], defaults: StackDefaults | None = None,
                 problems: list[str] | None = None) -> list[SendingPlan]:
    """Validate ``sendingIdentities`` (``None``: none); every problem is appended to ``problems``."""
    from sparkpost_tracking.components.sending import SendingIdentity, SendingIdentityArgs
    from sparkpost_tracking.stack import snake_case

    problems = [] if problems is None else problems
    if entries is None:
        return []
    key = f"{STACK_PROJECT}:{SENDING_KEY}"
    if not isinstance(entries, list):
        problems.append(f"{key}: must be a list of sending domains, e.g. [{{domain: brand.example.com, "
                        f"trackingDomain: click.brand.example.com}}]; got {entries!r}")
        return []
    accepted = arg_keys(SendingIdentityArgs)
    tracking = {p.common.domain: p for p in domain_plans}
    associated = {s: p for p in domain_plans for s in p.common.sending_domains}
    project = {k: v for k, v in (defaults or StackDefaults()).for_args().items() if k in accepted}
    plans: list[SendingPlan] = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(entries):
        path = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{path}: must be an object with at least domain, got {entry!r}")
            continue
        args = {snake_case(str(k)): v for k, v in entry.items()}
        named = args.get("tracking_domain")
        plan = tracking.get(named.strip().lower()) if isinstance(named, str) else None
        scope: Mapping[str, Any] = plan.common.sparkpost if plan is not None else {}
        inherited = {k: scope[k] for k in _SCOPE_ARGS if scope.get(k) is not None}
        args = {**project, **inherited, **args}
        domain = args.get("domain")
        name = f"sending-{domain.strip().lower().rstrip('.').replace('.', '-')}" if isinstance(domain, str) \
            else f"sending-{index}"
        try:
            SendingIdentity.validate(name, args)
        except ComponentArgumentError as exc:
            problems.append(f"{path}.{camel_case(exc.prop)}: {exc.reason}")
            continue
        domain = str(domain).strip().lower().rstrip(".")
        if domain in seen:
            problems.append(f"{path}.domain: {domain!r} is declared already at {seen[domain]}; declare each sending "
                            "domain once")
            continue
        seen[domain] = path
        if named is not None and domain in associated:
            problems.append(
                f"{path}.trackingDomain: {domain!r} is also listed in {associated[domain].path}.sendingDomains, and "
                "one resource writes a sending domain's tracking domain: keep trackingDomain here and drop it from "
                "that sendingDomains list (or drop trackingDomain here)")
            continue
        plans.append(SendingPlan(path, name, args, plan.common.domain if plan is not None else None))
    return plans


def build_sending(plans: list[SendingPlan], built: Mapping[str, TrackingDomainComponent]) -> dict[str, Any]:
    """Create the components, keyed by sending domain; a tracking domain of the stack is its component's output."""
    from sparkpost_tracking.components.sending import SendingIdentity

    made: dict[str, Any] = {}
    for plan in plans:
        args = dict(plan.args)
        component = built.get(plan.tracking_domain) if plan.tracking_domain else None
        if component is not None and component.tracking_domain is not None:
            args["tracking_domain"] = component.tracking_domain.domain  # type: ignore[attr-defined]
        made[str(args["domain"]).lower()] = SendingIdentity(plan.name, args)  # type: ignore[arg-type]
    return made


def sending_outputs(made: Mapping[str, Any]) -> dict[str, Any]:
    """``sendingIdentities``: per sending domain, its DKIM record and the records to create by hand."""
    return {domain: {"dkimRecordName": component.dkim_record_name, "dkimRecordValue": component.dkim_record_value,
                     "dnsRecordsToCreate": component.dns_records,
                     "bounceDomain": component.bounce_domain.domain if component.bounce_domain else None}
            for domain, component in made.items()}


def read_sending(config: pulumi.Config, domain_plans: list[DomainPlan], defaults: StackDefaults) -> list[SendingPlan]:
    """The stack's sending identities, checked (``StackConfigError`` lists every problem)."""
    from sparkpost_tracking.config import StackConfigError

    problems: list[str] = []
    plans = plan_sending(config.get_object(SENDING_KEY), domain_plans, defaults, problems)
    if problems:
        raise StackConfigError(problems)
    return plans
