"""The stack program's logic: stack config → tracking-domain components → stack outputs.

``__main__.py`` only calls ``main()``. Everything is checked before the first resource is registered:
unknown CDNs and arguments, bad values (each component's own validation), duplicate domains and names,
more than one ``makeDefault`` per SparkPost account/subaccount, two Cloudflare domains claiming the
same zone's one entry-point ruleset of a phase, a sending domain listed under two tracking domains, and a
sending domain declared in another subaccount than its tracking domain.

CloudFront domains share one cache policy and one origin request policy (``CloudFrontTrackingPolicies``;
a pair per 100 distributions), since an AWS account holds 20 custom policies of each kind. Set
``sparkpost-tracking:shareCloudfrontPolicies: false`` for a pair per domain, or give a domain its own
``cachePolicyId``/``originRequestPolicyId``.

Config (project ``sparkpost-tracking``; keys camelCase or snake_case)::

    sparkpost-tracking:domains:
      - domain: track.example.com
        cdn: cloudflare            # cloudflare | cloudfront | fastly | managed
        region: us                 # optional; default sparkpost-tracking:region
        makeDefault: true          # any common argument may sit here ...
        sendingDomains: [brand.com, {domain: mail.brand.com, subaccountId: 5}]   # use this tracking domain
        aliases: [track]           # former resource names (a rename keeps the resources)
        options:                   # ... or, like the CDN/DNS-specific ones, under options
          zoneId: 0123456789abcdef0123456789abcdef
          hostRecord: adopt        # a live host: adopt, then update (docs/migration.md)
          hostRecordId: 372e67954025e0ba6aaa6d586b9e0b59
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pulumi

from sparkpost_tracking.components.args import arg_keys
from sparkpost_tracking.components.chain import Common, TrackingDomainComponent, announce_dns_per_component
from sparkpost_tracking.components.errors import ComponentArgumentError
from sparkpost_tracking.config import DOMAINS_KEY, STACK_PROJECT, StackConfigError, StackDefaults, check_program_config
from sparkpost_tracking.dynamic_providers.hosts import effective_api_base
from sparkpost_tracking.dynamic_providers.settings import camel_case
from sparkpost_tracking.dynamic_providers.validation import did_you_mean
from sparkpost_tracking.stack_sending import SENDING_KEY, build_sending, read_sending, sending_outputs

__all__ = ["StackConfigError", "StackDefaults", "main", "plan_domains"]

COMPONENTS_PACKAGE: Final[str] = "sparkpost_tracking.components"
#: One CloudFront policy serves at most this many distributions (AWS quota), so each such group shares a pair.
DISTRIBUTIONS_PER_POLICY: Final[int] = 100
POLICY_ARGS: Final[tuple[str, str]] = ("cache_policy_id", "origin_request_policy_id")
#: cdn name in config → (module, class)
COMPONENTS: Final[dict[str, tuple[str, str]]] = {
    "cloudflare": ("cloudflare", "CloudflareTrackingDomain"),
    "cloudfront": ("cloudfront", "CloudFrontTrackingDomain"),
    "fastly": ("fastly", "FastlyTrackingDomain"),
    "managed": ("managed", "ManagedTrackingDomain"),
}
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


@dataclass(frozen=True)
class DomainPlan:
    """One validated tracking domain of the stack."""

    path: str
    name: str
    cdn: str
    component: type[TrackingDomainComponent]
    args: dict[str, Any]
    common: Common
    claims: tuple[str, ...]
    #: Former resource names: a renamed domain keeps its resources (a CloudFront distribution cannot be replaced).
    aliases: tuple[str, ...] = ()
    #: The subaccount each sending domain was declared in, where the config says (``{domain, subaccountId}``).
    sending_scopes: tuple[tuple[str, int | None], ...] = ()


def snake_case(key: str) -> str:
    return _CAMEL.sub(r"_\1", key).lower()


def component_class(cdn: str) -> type[TrackingDomainComponent]:
    """The component of a CDN name; imports that CDN's SDK only."""
    module, name = COMPONENTS[cdn]
    cls: type[TrackingDomainComponent] = getattr(importlib.import_module(f"{COMPONENTS_PACKAGE}.{module}"), name)
    return cls


def _aliases(path: str, value: Any, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
        problems.append(f"{path}.aliases: must be a list of former resource names, e.g. [track-example-com], "
                        f"got {value!r}")
        return ()
    return tuple(value)


def _sending_domains(path: str, fields: dict[str, Any], problems: list[str]) -> tuple[tuple[str, int | None], ...]:
    """Turn ``sendingDomains`` entries (a name, or ``{domain, subaccountId}``) into the component's list of names;
    returns each name with the subaccount the config gave it (None when it gave none)."""
    value = fields.get("sending_domains")
    if not isinstance(value, list):
        return ()  # absent, or a type error the component reports
    names: list[Any] = []
    scopes: list[tuple[str, int | None]] = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping):
            item = {snake_case(str(k)): v for k, v in item.items()}
            unknown = set(item) - {"domain", "subaccount_id"}
            if unknown or not isinstance(item.get("domain"), str):
                problems.append(f"{path}.sendingDomains[{i}]: must be a domain name or {{domain, subaccountId}}, "
                                f"got {value[i]!r}")
                continue
            names.append(item["domain"])
            scopes.append((item["domain"].strip().lower(), item.get("subaccount_id")))
        else:
            names.append(item)
            if isinstance(item, str):
                scopes.append((item.strip().lower(), None))
    fields["sending_domains"] = names
    return tuple(scopes)


@dataclass
class Spelling:
    """How one domain entry spells its keys, so that messages use the user's own words.

    Config keys are camelCase by convention; an entry that writes any key in snake_case is answered in
    snake_case. A key the user wrote is shown as written, with ``options.`` when it sat under ``options``.
    """

    written: dict[str, str] = field(default_factory=dict)
    """snake_case argument -> the key as the user wrote it."""
    under_options: set[str] = field(default_factory=set)
    camel: bool = True

    def name(self, arg: str) -> str:
        return self.written.get(arg) or (camel_case(arg) if self.camel else arg)

    def path(self, arg: str) -> str:
        return ("options." if arg in self.under_options else "") + self.name(arg)

    def text(self, message: str, args: Iterable[str]) -> str:
        """``message`` with every multi-word argument name among ``args`` in this spelling."""
        names = sorted((a for a in args if "_" in a), key=len, reverse=True)
        if not self.camel or not names:
            return message
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
        return pattern.sub(lambda m: camel_case(m.group(1)), message)


def _entry_args(path: str, entry: Mapping[str, Any], problems: list[str]) -> tuple[str | None, str | None,
                                                                                 dict[str, Any], Spelling]:
    spelling = Spelling(camel=not any("_" in str(k) for k in entry))
    fields: dict[str, Any] = {}
    for key, value in entry.items():
        fields[snake_case(str(key))] = value
        spelling.written[snake_case(str(key))] = str(key)
    cdn, name, options = fields.pop("cdn", None), fields.pop("name", None), fields.pop("options", None) or {}
    fields.pop("aliases", None)  # read by the caller
    if not isinstance(options, Mapping):
        problems.append(f"{path}.options: must be an object of component arguments, got {options!r}")
        options = {}
    for key, value in options.items():
        arg = snake_case(str(key))
        if arg in fields:
            problems.append(f"{path}: {spelling.name(arg)!r} is given both at top level and under options")
        fields[arg] = value
        spelling.written[arg] = str(key)
        spelling.under_options.add(arg)
    if cdn not in COMPONENTS:
        what = "is required" if cdn is None else f"is not a known CDN: {cdn!r}.{did_you_mean(cdn, COMPONENTS)}"
        problems.append(f"{path}.cdn: {what} Use one of {', '.join(COMPONENTS)}")
        cdn = None
    if name is not None and (not isinstance(name, str) or not name.strip()):
        problems.append(f"{path}.name: must be a non-empty string, got {name!r}")
        name = None
    return cdn, name, fields, spelling


def plan_domains(domains: Any, defaults: StackDefaults | None = None) -> list[DomainPlan]:
    """Validate the whole ``domains`` list; raises ``StackConfigError`` listing every problem."""
    defaults = defaults or StackDefaults()
    key = f"{STACK_PROJECT}:{DOMAINS_KEY}"
    if not isinstance(domains, list) or not domains:
        raise StackConfigError([f"{key}: must be a non-empty list of tracking domains, e.g. "
                                f"[{{domain: track.example.com, cdn: managed}}]; got {domains!r}"])
    problems: list[str] = []
    plans: list[DomainPlan] = []
    for index, entry in enumerate(domains):
        path = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{path}: must be an object with at least domain and cdn, got {entry!r}")
            continue
        cdn, name, args, spelling = _entry_args(path, entry, problems)
        if cdn is None:
            continue
        cls = component_class(cdn)
        accepted = arg_keys(cls._args_type)
        args = {**{k: v for k, v in defaults.for_args().items() if k in accepted}, **args}
        domain = args.get("domain")
        name = name or (domain.strip().lower().rstrip(".").replace(".", "-") if isinstance(domain, str)
                        else f"domain-{index}")
        sending_scopes = _sending_domains(path, args, problems)
        try:
            common, specific = cls.validate(name, args)
        except ComponentArgumentError as exc:
            problems.append(f"{path}.{spelling.path(exc.prop)}: {spelling.text(exc.reason, accepted)}")
            continue
        aliases = _aliases(path, entry.get("aliases"), problems)
        if name in aliases:
            problems.append(f"{path}.aliases: {name!r} is the current name; list only former names")
        plans.append(DomainPlan(path, name, cdn, cls, args, common, tuple(cls.exclusive_claims(common, specific)),
                                aliases, sending_scopes))
    problems.extend(_cross_checks(plans))
    if problems:
        raise StackConfigError(problems)
    return plans


def _cross_checks(plans: list[DomainPlan]) -> list[str]:
    problems: list[str] = []
    groups: dict[str, dict[Any, list[DomainPlan]]] = defaultdict(lambda: defaultdict(list))
    for p in plans:
        groups["domain"][p.common.domain].append(p)
        groups["name"][p.name].append(p)
        if p.common.make_default:
            scope = (effective_api_base(p.common.region, p.common.api_url), p.common.subaccount_id)
            groups["default"][scope].append(p)
        for claim in p.claims:
            groups["claim"][claim].append(p)
        account = effective_api_base(p.common.region, p.common.api_url)
        for sending in p.common.sending_domains:
            groups["sending"][(account, sending)].append(p)
        for sending, declared in p.sending_scopes:
            if declared is not None and (declared or None) != p.common.subaccount_id:
                problems.append(f"{p.path}.sendingDomains: {sending!r} is in {_scope_name(declared)} but tracking "
                                f"domain {p.common.domain!r} is in {_scope_name(p.common.subaccount_id)}; SparkPost "
                                "associates domains of the same account or subaccount only")
    reasons = {
        "domain": lambda v: f"domain {v!r} is declared more than once",
        "name": lambda v: f"resource name {v!r} is used more than once (set a distinct 'name')",
        "default": lambda v: (f"makeDefault is set on more than one domain of one SparkPost account "
                              f"({v[0]}, {'subaccount ' + str(v[1]) if v[1] else 'primary account'}); "
                              "SparkPost keeps a single default per account/subaccount"),
        "claim": lambda v: f"{v} can be created for one domain only (opt in on one of them)",
        "sending": lambda v: (f"sending domain {v[1]!r} is listed under more than one tracking domain; a sending "
                              "domain uses one tracking domain"),
    }
    for kind, by_value in groups.items():
        for value, members in by_value.items():
            if len(members) > 1:
                problems.append(f"{', '.join(m.path for m in members)}: {reasons[kind](value)}")
    return problems


def _scope_name(subaccount_id: int | None) -> str:
    return f"subaccount {subaccount_id}" if subaccount_id else "the primary account"


def cloudfront_policy_groups(plans: list[DomainPlan]) -> list[list[DomainPlan]]:
    """The CloudFront domains that take shared policies (those not given both ids), in groups of at most
    ``DISTRIBUTIONS_PER_POLICY``, in config order."""
    needing = [p for p in plans if p.cdn == "cloudfront" and not all(p.args.get(k) for k in POLICY_ARGS)]
    return [needing[i:i + DISTRIBUTIONS_PER_POLICY] for i in range(0, len(needing), DISTRIBUTIONS_PER_POLICY)]


def shared_cloudfront_policies(plans: list[DomainPlan]) -> dict[str, dict[str, Any]]:
    """One ``CloudFrontTrackingPolicies`` per group; returns the policy ids each domain (by path) is given."""
    groups = cloudfront_policy_groups(plans)
    if not groups:
        return {}
    policies_class = importlib.import_module(f"{COMPONENTS_PACKAGE}.cloudfront").CloudFrontTrackingPolicies
    given: dict[str, dict[str, Any]] = {}
    for index, group in enumerate(groups):
        name = "cloudfront-policies" if index == 0 else f"cloudfront-policies-{index + 1}"
        policies = policies_class(name, {})
        ids = {"cache_policy_id": policies.cache_policy_id,
               "origin_request_policy_id": policies.origin_request_policy_id}
        for plan in group:
            given[plan.path] = {k: v for k, v in ids.items() if not plan.args.get(k)}
    return given


def build(plans: list[DomainPlan], *, share_cloudfront_policies: bool = True) -> dict[str, TrackingDomainComponent]:
    """Create the components, keyed by domain."""
    shared = shared_cloudfront_policies(plans) if share_cloudfront_policies else {}
    built: dict[str, TrackingDomainComponent] = {}
    for p in plans:
        opts = pulumi.ResourceOptions(aliases=[pulumi.Alias(name=a) for a in p.aliases]) if p.aliases else None
        built[p.common.domain] = p.component(p.name, {**p.args, **shared.get(p.path, {})}, opts)
    return built


def stack_outputs(plans: list[DomainPlan], built: Mapping[str, TrackingDomainComponent]) -> dict[str, Any]:
    per_domain = {
        p.common.domain: {
            "cdn": p.cdn,
            "cnameTarget": built[p.common.domain].cname_target,
            "dnsRecordsToCreate": built[p.common.domain].dns_records,
            "verified": built[p.common.domain].verified,
            # Where the domain lives in SparkPost, so `sparkpost-tracking check --from-stack` can ask it.
            "region": p.common.region,
            "apiUrl": effective_api_base(p.common.region, p.common.api_url),
            "subaccountId": p.common.subaccount_id,
        } for p in plans
    }
    all_records = pulumi.Output.all(*(c.dns_records for c in built.values())).apply(
        lambda lists: [record for records in lists for record in records])
    return {"trackingDomains": per_domain, "dnsRecordsToCreate": all_records}


def main() -> None:
    """The stack program: check and read config, validate everything, build, export."""
    check_program_config()
    config = pulumi.Config(STACK_PROJECT)
    defaults = StackDefaults.from_config(config)
    plans = plan_domains(config.get_object(DOMAINS_KEY), defaults)
    sending = read_sending(config, plans, defaults)
    announce_dns_per_component(False)
    built = build(plans, share_cloudfront_policies=defaults.share_cloudfront_policies is not False)
    for name, value in stack_outputs(plans, built).items():
        pulumi.export(name, value)
    if sending:
        pulumi.export(SENDING_KEY, sending_outputs(build_sending(sending, built)))
    announce_dns_records(built)


def announce_dns_records(built: Mapping[str, TrackingDomainComponent]) -> None:
    """One warning for the whole stack listing the DNS records to create by hand (none when there are none)."""
    def say(lists: list[list[str]]) -> None:
        lines = [line for lines in lists for line in lines]
        if lines:
            pulumi.log.warn(f"{len(lines)} DNS record(s) for you to set up (also in the output dnsRecordsToCreate):"
                            + "".join(f"\n  {line}" for line in lines))

    pulumi.Output.all(*(c.dns_announcement for c in built.values())).apply(say)
