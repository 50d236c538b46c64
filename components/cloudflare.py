"""``CloudflareTrackingDomain``: a proxied record in a Cloudflare zone in front of SparkPost.

Current requirement (default): CNAME host → SparkPost host, **proxied**, so the viewer's Host and User-Agent
reach SparkPost; Universal SSL at the edge; SSL/TLS "Full" towards the origin.

Safe by default, and zone-wide things are never changed silently. The SSL/TLS mode is zone-wide, and a zone
holds at most one entry-point ruleset per phase, so the component does not change the mode nor claim a
phase by default: it reads the zone at preview (``zone_checks``, see ``cloudflare_zone``) and fails before
anything changes when the zone's mode would answer clicks with a 526, when the host is too deep for Universal
SSL, or when an opted-in rule cannot be created. The per-host rules stay opt-in: ``ssl_mode_rule``
(Configuration Rule, SSL "full" for this host, made before the record so traffic never meets another mode),
``cache_rule`` (edge TTL 10 s) and ``redirect_mode="single_redirect"``. ``redirect_mode="page_rule"`` is the
seed's legacy Page Rule.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, NotRequired

import pulumi

from sparkpost_tracking.extras import OnFirstUse

if TYPE_CHECKING:
    import pulumi_cloudflare as cloudflare
else:  # loaded when the first resource is made: the class and its schema need no [cloudflare] extra
    cloudflare = OnFirstUse("pulumi_cloudflare")

from .args import ArgReader, CommonArgs
from .chain import Built, Common, TrackingDomainComponent
from .cloudflare_zone import Expectations, WantedRuleset, checked_zone_id
from .dns import DnsStrategy, HostRecord, HostRecordArgs, read_host_record
from .serving import MAX_CACHE_TTL_SECONDS

REDIRECT_MODES: Final[tuple[str, ...]] = ("none", "single_redirect", "page_rule")
CACHE_TTL_SECONDS: Final[int] = MAX_CACHE_TTL_SECONDS
AUTOMATIC_TTL: Final[int] = 1  # Cloudflare: ttl 1 = automatic, required for proxied records
SSL_PHASE: Final[str] = "http_config_settings"
CACHE_PHASE: Final[str] = "http_request_cache_settings"
REDIRECT_PHASE: Final[str] = "http_request_dynamic_redirect"


class CloudflareTrackingDomainArgs(CommonArgs, HostRecordArgs):
    """Arguments of ``CloudflareTrackingDomain`` (plus the common and host record ones)."""

    zone_id: pulumi.Input[str]
    """The Cloudflare zone (on Cloudflare nameservers) that holds the tracking domain."""
    ssl_mode_rule: NotRequired[bool]
    """Create a Configuration Rule (phase ``http_config_settings``) setting SSL "full" for this host only, so the
    zone's own mode does not matter (e.g. "Full (strict)", which answers every click with a 526). Off by default:
    a zone holds one ruleset of that phase, and one domain per zone can own it."""
    cache_rule: NotRequired[bool]
    """Create a cache rule (phase ``http_request_cache_settings``) with a 10 s edge TTL for this host. Business
    and Enterprise plans only: Free and Pro zones cannot go below 2 h and 1 h. Off by default."""
    redirect_mode: NotRequired[str]
    """``none`` (default, current requirement: proxy to SparkPost), or the seed's 301 forward to
    ``https://<SparkPost host>/<path>``: ``single_redirect`` (Ruleset) or ``page_rule`` (legacy Page Rule)."""
    zone_checks: NotRequired[bool]
    """Read the zone at preview (name, setup, plan, SSL/TLS mode, rulesets, edge certificates) and fail before
    anything changes when the chain would break (default true). Set false only when the API token cannot read
    zone settings, SSL or rulesets, or when your own Configuration Rule sets SSL "Full" for this host."""


@dataclass(frozen=True)
class _Cloudflare:
    zone_id: pulumi.Input[str]
    ssl_mode_rule: bool
    cache_rule: bool
    redirect_mode: str
    zone_checks: bool
    host: HostRecord = field(default_factory=HostRecord)

    @property
    def phases(self) -> list[str]:
        """The zone entry-point ruleset phases this component creates (one per zone and phase)."""
        wanted = {SSL_PHASE: self.ssl_mode_rule, CACHE_PHASE: self.cache_rule,
                  REDIRECT_PHASE: self.redirect_mode == "single_redirect"}
        return [phase for phase, on in wanted.items() if on]


def host_expression(domain: str) -> str:
    """Cloudflare Rules expression matching exactly this host."""
    return f'(http.host eq "{domain}")'


#: phase → (what the ruleset is for, the argument that asks for it)
_RULESETS: Final[dict[str, tuple[str, str]]] = {
    SSL_PHASE: ("SSL Full", "ssl_mode_rule"),
    CACHE_PHASE: ("cache", "cache_rule"),
    REDIRECT_PHASE: ("redirect", "redirect_mode"),
}


def ruleset_identity(phase: str, domain: str) -> WantedRuleset:
    """Name and description of this component's ruleset of ``phase`` (how a later run recognises it as ours)."""
    what, argument = _RULESETS[phase]
    description = f"{what} for {domain}"
    return WantedRuleset(name=f"SparkPost tracking {description}",
                         description=f"Managed by sparkpost-tracking: {description}", argument=argument)


class CloudflareTrackingDomain(TrackingDomainComponent):
    """Secure SparkPost tracking through Cloudflare's proxy; type ``sparkpost-tracking:index:CloudflareTrackingDomain``.

    Resources: opt-in ``cloudflare.Ruleset`` per phase / ``cloudflare.PageRule``; ``cloudflare.DnsRecord``
    (proxied CNAME, ttl automatic); then the SparkPost ``TrackingDomain``. ``dns_records`` is empty: the
    record lives in the zone. ``cname_target`` is the SparkPost host.
    """

    _args_type = CloudflareTrackingDomainArgs
    _uses_dns = False  # the proxied record *is* the CDN; the zone must be on Cloudflare

    def __init__(self, resource_name: str, args: CloudflareTrackingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(resource_name, args, opts)

    @classmethod
    def _read_specific(cls, reader: ArgReader, common: Common) -> _Cloudflare:
        zone_id = reader.identifier("zone_id", required=True,
                                    what="the Cloudflare zone id (32 hex characters) holding the tracking domain")
        assert zone_id is not None  # required=True
        return _Cloudflare(
            zone_id=zone_id,
            ssl_mode_rule=reader.flag("ssl_mode_rule", False),
            cache_rule=reader.flag("cache_rule", False),
            redirect_mode=reader.choice("redirect_mode", REDIRECT_MODES, "none"),
            zone_checks=reader.flag("zone_checks", True),
            host=read_host_record(reader, "cloudflare", zone_id),
        )

    @classmethod
    def exclusive_claims(cls, common: Common, specific: _Cloudflare) -> list[str]:
        if not isinstance(specific.zone_id, str):
            return []
        return [f"the entry-point ruleset of phase {phase!r} in Cloudflare zone {specific.zone_id!r}"
                for phase in specific.phases]

    def _ruleset(self, name: str, zone_id: pulumi.Input[str], phase: str, domain: str,
                 rule: "cloudflare.RulesetRuleArgsDict") -> "cloudflare.Ruleset":
        identity = ruleset_identity(phase, domain)
        return cloudflare.Ruleset(
            f"{name}-{phase.replace('_', '-')}", zone_id=zone_id, kind="zone", phase=phase,
            name=identity.name, description=identity.description, rules=[rule], opts=self._opts())

    def _build(self, name: str, common: Common, specific: _Cloudflare, dns: DnsStrategy | None) -> Built:
        cf, domain, origin = specific, common.domain, common.origin
        match = host_expression(domain)
        zone_id: pulumi.Input[str] = cf.zone_id
        if cf.zone_checks:
            zone_id = checked_zone_id(self, name, cf.zone_id, Expectations(
                domain=domain, ssl_rule=cf.ssl_mode_rule,
                cache_ttl=CACHE_TTL_SECONDS if cf.cache_rule else None,
                rulesets={phase: ruleset_identity(phase, domain) for phase in cf.phases}))
        rules: list[pulumi.Resource] = []
        if cf.ssl_mode_rule:
            rules.append(self._ruleset(name, zone_id, SSL_PHASE, domain, {
                "action": "set_config", "expression": match, "enabled": True,
                "description": f"SSL/TLS Full towards SparkPost for {domain}",
                "action_parameters": {"ssl": "full"},
            }))
        if cf.cache_rule:
            rules.append(self._ruleset(name, zone_id, CACHE_PHASE, domain, {
                "action": "set_cache_settings", "expression": match, "enabled": True,
                "description": f"Edge TTL {CACHE_TTL_SECONDS} s for {domain} (SparkPost's advice)",
                "action_parameters": {"cache": True, "edge_ttl": {"mode": "override_origin",
                                                                  "default": CACHE_TTL_SECONDS}},
            }))
        if cf.redirect_mode == "single_redirect":
            rules.append(self._ruleset(name, zone_id, REDIRECT_PHASE, domain, {
                "action": "redirect", "expression": match, "enabled": True,
                "description": f"Seed mode: 301 from {domain} to https://{origin}/<path>",
                "action_parameters": {"from_value": {
                    "target_url": {"expression": f'concat("https://{origin}", http.request.uri.path)'},
                    "status_code": 301, "preserve_query_string": True}},
            }))
        elif cf.redirect_mode == "page_rule":
            rules.append(cloudflare.PageRule(
                f"{name}-page-rule", zone_id=zone_id, target=f"{domain}/*", status="active",
                actions={"forwarding_url": {"url": f"https://{origin}/$1", "status_code": 301}},
                opts=self._opts()))
        # The host's rules exist before traffic reaches the proxy; a live record is taken over, never deleted.
        record = cloudflare.DnsRecord(
            f"{name}-record", zone_id=zone_id, name=domain, type="CNAME", content=origin,
            proxied=True, ttl=AUTOMATIC_TTL, comment="SparkPost tracking domain (proxied to SparkPost)",
            opts=pulumi.ResourceOptions.merge(self._opts(rules, serves=True), pulumi.ResourceOptions(
                **cf.host.options("cloudflare", cf.zone_id, domain))))
        return Built(cname_target=origin, depends_on=[record, *rules], defer_sparkpost=cf.host.defers_sparkpost)
