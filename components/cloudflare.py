"""``CloudflareTrackingDomain``: a proxied record in a Cloudflare zone in front of SparkPost.

Current requirement (default): CNAME host → SparkPost host, **proxied**, so the viewer's Host and User-Agent
reach SparkPost; Universal SSL at the edge; SSL/TLS "Full" towards the origin.

Zone-wide things are never changed silently. A zone holds at most one entry-point ruleset per phase, so
the per-host rules are opt-in (creating one fails if the zone already has one in that phase):
``ssl_mode_rule`` (Configuration Rule, SSL "full" for this host), ``cache_rule`` (edge TTL 10 s) and
``redirect_mode="single_redirect"``. ``redirect_mode="page_rule"`` is the seed's legacy Page Rule.
"""

from dataclasses import dataclass
from typing import Final, NotRequired

import pulumi

from sparkpost_tracking.extras import extra_hint

with extra_hint():
    import pulumi_cloudflare as cloudflare

from .args import ArgReader, CommonArgs
from .chain import Built, Common, TrackingDomainComponent
from .dns import DnsStrategy

REDIRECT_MODES: Final[tuple[str, ...]] = ("none", "single_redirect", "page_rule")
CACHE_TTL_SECONDS: Final[int] = 10
AUTOMATIC_TTL: Final[int] = 1  # Cloudflare: ttl 1 = automatic, required for proxied records


class CloudflareTrackingDomainArgs(CommonArgs):
    """Arguments of ``CloudflareTrackingDomain`` (plus the common ones)."""

    zone_id: pulumi.Input[str]
    """The Cloudflare zone (on Cloudflare nameservers) that holds the tracking domain."""
    ssl_mode_rule: NotRequired[bool]
    """Create a Configuration Rule (phase ``http_config_settings``) setting SSL "full" for this host only.
    Off by default: the zone may already have its one ruleset in that phase (then set SSL/TLS "Full" yourself)."""
    cache_rule: NotRequired[bool]
    """Create a cache rule (phase ``http_request_cache_settings``) with a 10 s edge TTL for this host (paid plans).
    Off by default, for the same one-ruleset-per-phase reason."""
    redirect_mode: NotRequired[str]
    """``none`` (default, current requirement: proxy to SparkPost), or the seed's 301 forward to
    ``https://<SparkPost host>/<path>``: ``single_redirect`` (Ruleset) or ``page_rule`` (legacy Page Rule)."""


@dataclass(frozen=True)
class _Cloudflare:
    zone_id: pulumi.Input[str]
    ssl_mode_rule: bool
    cache_rule: bool
    redirect_mode: str

    @property
    def phases(self) -> list[str]:
        """The zone entry-point ruleset phases this component creates (one per zone and phase)."""
        wanted = {"http_config_settings": self.ssl_mode_rule, "http_request_cache_settings": self.cache_rule,
                  "http_request_dynamic_redirect": self.redirect_mode == "single_redirect"}
        return [phase for phase, on in wanted.items() if on]


def host_expression(domain: str) -> str:
    """Cloudflare Rules expression matching exactly this host."""
    return f'(http.host eq "{domain}")'


class CloudflareTrackingDomain(TrackingDomainComponent):
    """Secure SparkPost tracking through Cloudflare's proxy; type ``sparkpost-tracking:index:CloudflareTrackingDomain``.

    Resources: ``cloudflare.DnsRecord`` (proxied CNAME, ttl automatic); opt-in ``cloudflare.Ruleset`` per
    phase / ``cloudflare.PageRule``; then the SparkPost ``TrackingDomain``. ``dns_records`` is empty: the
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
        )

    @classmethod
    def exclusive_claims(cls, common: Common, specific: _Cloudflare) -> list[str]:
        if not isinstance(specific.zone_id, str):
            return []
        return [f"the entry-point ruleset of phase {phase!r} in Cloudflare zone {specific.zone_id!r}"
                for phase in specific.phases]

    def _ruleset(self, name: str, cf: _Cloudflare, phase: str, description: str,
                 rule: cloudflare.RulesetRuleArgsDict) -> cloudflare.Ruleset:
        return cloudflare.Ruleset(
            f"{name}-{phase.replace('_', '-')}", zone_id=cf.zone_id, kind="zone", phase=phase,
            name=f"SparkPost tracking {description}", description=f"Managed by sparkpost-tracking: {description}",
            rules=[rule], opts=self._opts())

    def _build(self, name: str, common: Common, specific: _Cloudflare, dns: DnsStrategy | None) -> Built:
        cf, domain, origin = specific, common.domain, common.origin
        match = host_expression(domain)
        record = cloudflare.DnsRecord(
            f"{name}-record", zone_id=cf.zone_id, name=domain, type="CNAME", content=origin,
            proxied=True, ttl=AUTOMATIC_TTL, comment="SparkPost tracking domain (proxied to SparkPost)",
            opts=self._opts())
        made: list[pulumi.Resource] = [record]

        if cf.ssl_mode_rule:
            made.append(self._ruleset(name, cf, "http_config_settings", f"SSL Full for {domain}", {
                "action": "set_config", "expression": match, "enabled": True,
                "description": f"SSL/TLS Full towards SparkPost for {domain}",
                "action_parameters": {"ssl": "full"},
            }))
        if cf.cache_rule:
            made.append(self._ruleset(name, cf, "http_request_cache_settings", f"cache for {domain}", {
                "action": "set_cache_settings", "expression": match, "enabled": True,
                "description": f"Edge TTL {CACHE_TTL_SECONDS} s for {domain} (SparkPost's advice)",
                "action_parameters": {"cache": True, "edge_ttl": {"mode": "override_origin",
                                                                  "default": CACHE_TTL_SECONDS}},
            }))
        if cf.redirect_mode == "single_redirect":
            made.append(self._ruleset(name, cf, "http_request_dynamic_redirect", f"redirect for {domain}", {
                "action": "redirect", "expression": match, "enabled": True,
                "description": f"Seed mode: 301 from {domain} to https://{origin}/<path>",
                "action_parameters": {"from_value": {
                    "target_url": {"expression": f'concat("https://{origin}", http.request.uri.path)'},
                    "status_code": 301, "preserve_query_string": True}},
            }))
        elif cf.redirect_mode == "page_rule":
            made.append(cloudflare.PageRule(
                f"{name}-page-rule", zone_id=cf.zone_id, target=f"{domain}/*", status="active",
                actions={"forwarding_url": {"url": f"https://{origin}/$1", "status_code": 301}},
                opts=self._opts()))
        return Built(cname_target=origin, depends_on=made)
