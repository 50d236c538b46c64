"""What a Cloudflare zone must offer the proxied tracking host, checked at preview before anything changes.

The component reads the zone (it never changes a zone-wide setting) and fails with one clear message when the
chain would break, instead of letting ``pulumi up`` leave a host that answers every click with an error:

- SSL/TLS mode "Full (strict)" (and the Enterprise "Strict (SSL-only origin pull)") makes Cloudflare check the
  origin's certificate against the tracking host, which SparkPost's certificate does not name: every click
  gets a 526. "Off" serves no HTTPS at all. "Flexible" works but reaches SparkPost over plain HTTP (a warning).
- Universal SSL covers the zone apex and one level of subdomain in a full-setup zone: ``click.email.brand.com``
  in zone ``brand.com`` gets no edge certificate unless Total TLS (Advanced Certificate Manager) is on or an
  active advanced or custom certificate names the host.
- A cache rule's edge TTL cannot go below the plan's minimum (Free 2 h, Pro 1 h, Business and Enterprise 1 s).
- A zone holds one entry-point ruleset per phase: one already there (not ours) makes creating ours fail.

``zone_problems`` is the pure rule set; ``checked_zone_id`` wires the reads (``get_zone``, ``get_zone_setting``,
``get_rulesets``, and for a deep host ``get_total_tls``/``get_certificate_packs``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import pulumi

from sparkpost_tracking.extras import OnFirstUse

from .errors import ComponentArgumentError
from .reads import shared

if TYPE_CHECKING:
    import pulumi_cloudflare as cloudflare
else:  # loaded when the zone is first read, as in ``cloudflare``
    cloudflare = OnFirstUse("pulumi_cloudflare")

#: SSL/TLS modes (the zone setting ``ssl``) that break the chain to SparkPost, and why.
BREAKING_SSL_MODES: Final[dict[str, str]] = {
    "strict": "'Full (strict)' checks the origin's certificate against the tracking host, and SparkPost's "
              "certificate does not name it: every click would get Cloudflare's 526 (invalid SSL certificate)",
    "origin_pull": "'Strict (SSL-only origin pull)' checks the origin's certificate against the tracking host, "
                   "and SparkPost's certificate does not name it: every click would get a 526",
    "off": "'Off' serves no HTTPS at the edge, so https tracking links would fail",
}
#: Minimum edge cache TTL a cache rule may set, seconds, per plan.
PLAN_MIN_EDGE_TTL: Final[dict[str, int]] = {"free": 7200, "pro": 3600, "business": 1, "enterprise": 1}
ACTIVE: Final[str] = "active"


@dataclass(frozen=True)
class Ruleset:
    """An entry-point ruleset the zone holds (as ``get_rulesets`` lists it)."""

    id: str
    phase: str
    kind: str
    name: str
    description: str


@dataclass(frozen=True)
class ZoneFacts:
    """What the reads returned; ``None`` where a fact was not read."""

    name: str | None
    setup: str | None = None  # "full" (Cloudflare nameservers) or "partial" (CNAME setup)
    plan: str | None = None
    ssl_mode: str | None = None
    total_tls: bool | None = None
    certificate_hosts: tuple[str, ...] = ()  # hosts of the zone's active certificate packs
    rulesets: tuple[Ruleset, ...] = ()


@dataclass(frozen=True)
class WantedRuleset:
    """An entry-point ruleset the component creates, and the argument that asks for it."""

    name: str
    description: str
    argument: str


@dataclass(frozen=True)
class Expectations:
    """What the component needs from the zone."""

    domain: str
    #: The component sets SSL "full" for its host itself (a Configuration Rule): the zone's mode does not matter.
    ssl_rule: bool = False
    #: Edge TTL of the component's cache rule, when it makes one.
    cache_ttl: int | None = None
    rulesets: Mapping[str, WantedRuleset] = field(default_factory=dict)  # by phase


def levels_below(domain: str, zone: str) -> int | None:
    """How many labels ``domain`` has below ``zone`` (None: not inside the zone)."""
    if not domain.endswith(f".{zone}"):
        return None
    return domain[:-len(zone) - 1].count(".") + 1


def needs_own_certificate(domain: str, facts: ZoneFacts) -> bool:
    """Whether Universal SSL leaves the host without an edge certificate (more than one level deep, full setup)."""
    depth = levels_below(domain, facts.name) if facts.name else None
    return depth is not None and depth > 1 and facts.setup == "full"


def _covered(domain: str, hosts: Sequence[str]) -> bool:
    parent = domain.split(".", 1)[1]
    return domain in hosts or f"*.{parent}" in hosts


def plan_min_edge_ttl(plan: str | None) -> int | None:
    """The plan's minimum edge TTL (partner plans count as their base plan; unknown: None)."""
    kind = (plan or "").lower().removeprefix("partners_").removeprefix("partners*")
    for base, ttl in PLAN_MIN_EDGE_TTL.items():
        if kind.startswith(base) or (base == "enterprise" and kind == "ent"):
            return ttl
    return None


def zone_problems(facts: ZoneFacts, want: Expectations) -> tuple[list[str], list[str]]:
    """Failures (the chain would break) and warnings (it works, not as SparkPost advises), each saying what to do."""
    failures: list[str] = []
    warnings: list[str] = []
    domain = want.domain
    if facts.name and levels_below(domain, facts.name) is None:
        failures.append(f"{domain!r} is not inside zone {facts.name!r}: give the id of the zone that holds it")
        return failures, warnings
    if needs_own_certificate(domain, facts) and not facts.total_tls \
            and not _covered(domain, facts.certificate_hosts):
        failures.append(
            f"{domain!r} is {levels_below(domain, facts.name or '')} levels below zone {facts.name!r}; Universal SSL "
            f"covers {facts.name} and *.{facts.name} only, so Cloudflare would serve no certificate for it. Enable "
            f"Total TLS or order an advanced certificate for it (both with Advanced Certificate Manager), or use a "
            f"host one level below the zone (e.g. {domain.split('.', 1)[0]}.{facts.name})")
    if not want.ssl_rule and facts.ssl_mode in BREAKING_SSL_MODES:
        failures.append(
            f"the zone's SSL/TLS mode is {facts.ssl_mode!r}: {BREAKING_SSL_MODES[facts.ssl_mode]}. Set the zone to "
            f"'Full', or set ssl_mode_rule to add a Configuration Rule with SSL 'Full' for this host only")
    elif not want.ssl_rule and facts.ssl_mode == "flexible":
        warnings.append(
            "the zone's SSL/TLS mode is 'Flexible': Cloudflare reaches SparkPost over plain HTTP. SparkPost asks "
            "for 'Full' (set the zone, or ssl_mode_rule for this host only)")
    minimum = plan_min_edge_ttl(facts.plan)
    if want.cache_ttl is not None and minimum is not None and want.cache_ttl < minimum:
        failures.append(
            f"cache_rule sets an edge TTL of {want.cache_ttl} s but the zone's plan ({facts.plan}) allows no less "
            f"than {minimum} s, which would hide repeat clicks; turn cache_rule off (Cloudflare then does not "
            f"cache SparkPost's redirects) or use a Business or Enterprise zone")
    for phase, wanted in want.rulesets.items():
        for other in facts.rulesets:
            if other.kind == "zone" and other.phase == phase \
                    and (other.name, other.description) != (wanted.name, wanted.description):
                failures.append(
                    f"the zone already has its one entry-point ruleset of phase {phase!r} ({other.name!r}, id "
                    f"{other.id}), so {wanted.argument} cannot create another: add the rule to that ruleset "
                    f"yourself and turn {wanted.argument} off")
    return failures, warnings


def _facts(zone: Any, ssl: Any, rulesets: Any, total_tls: Any, packs: Any) -> ZoneFacts:
    # ``plan`` is read without its property: the getter warns that *setting* a plan moved to subscriptions.
    plan = pulumi.get(zone, "plan")
    return ZoneFacts(
        name=(zone.name or "").rstrip(".").lower() or None, setup=zone.type,
        plan=pulumi.get(plan, "legacy_id") if plan else None,
        ssl_mode=ssl.value if ssl else None,
        total_tls=bool(total_tls.enabled) if total_tls else None,
        certificate_hosts=tuple(host.lower() for pack in (packs.results if packs else None) or ()
                                if pack.status == ACTIVE for host in pack.hosts or ()),
        rulesets=tuple(Ruleset(r.id, r.phase, r.kind, r.name or "", r.description or "")
                       for r in (rulesets.rulesets if rulesets else None) or ()))


def checked_zone_id(parent: pulumi.Resource, resource_name: str, zone_id: pulumi.Input[str],
                    want: Expectations) -> pulumi.Output[str]:
    """``zone_id``, once the zone's reads pass ``zone_problems`` (warnings are logged on ``parent``).

    Every Cloudflare resource of the component takes its zone id from here, so none is created (in ``up``) or
    shown as valid (in ``preview``) when the zone would break the chain. The reads are children of ``parent``,
    so an explicit Cloudflare provider given to the component serves them too.
    """
    invoke = pulumi.InvokeOutputOptions(parent=parent)
    nothing: pulumi.Output[Any] = pulumi.Output.from_input(None)

    def read(what: str, invoke_read: Callable[[], pulumi.Output[Any]]) -> pulumi.Output[Any]:
        # Every component in the zone asks the same: one read per zone (and provider) in the program.
        if not isinstance(zone_id, str):
            return invoke_read()
        return shared(parent, f"cloudflare:index/{what}:{what}", (zone_id,), invoke_read)

    zone = read("getZone", lambda: cloudflare.get_zone_output(zone_id=zone_id, opts=invoke))
    ssl = nothing if want.ssl_rule else read("getZoneSetting", lambda: cloudflare.get_zone_setting_output(
        zone_id=zone_id, setting_id="ssl", opts=invoke))
    rulesets = read("getRulesets", lambda: cloudflare.get_rulesets_output(zone_id=zone_id, opts=invoke)) \
        if want.rulesets else nothing

    def certificates(z: Any) -> pulumi.Output[Any]:
        if not needs_own_certificate(want.domain, _facts(z, None, None, None, None)):
            return pulumi.Output.all(None, None)
        return pulumi.Output.all(
            read("getTotalTls", lambda: cloudflare.get_total_tls_output(zone_id=zone_id, opts=invoke)),
            read("getCertificatePacks", lambda: cloudflare.get_certificate_packs_output(zone_id=zone_id, opts=invoke)))

    def check(values: list[Any]) -> str:
        z, s, r, (total_tls, packs), checked = values
        facts = _facts(z, s, r, total_tls, packs)
        failures, warnings = zone_problems(facts, want)
        for warning in warnings:
            pulumi.log.warn(f"Cloudflare zone {facts.name or checked}: {warning}", resource=parent)
        if failures:
            raise ComponentArgumentError(
                type(parent).__name__, resource_name, "zone_id",
                f"zone {facts.name or checked} would break the chain: " + "; ".join(failures))
        return str(checked)

    return pulumi.Output.all(zone, ssl, rulesets, zone.apply(certificates), zone_id).apply(check)
