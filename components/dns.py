"""DNS strategies: where the records of a secure tracking domain live.

- ``manual``: nothing is created; each record is listed in the component's ``dns_records`` output
  (and logged once its value is known) for a person to create;
- ``route53``: records in a Route 53 hosted zone (an alias A/AAAA where the target allows it);
- ``cloudflare``: DNS-only (not proxied) records in a Cloudflare zone.

Any strategy combines with any CDN. The provider SDK of a strategy is imported only when that strategy
is used, so e.g. ``FastlyTrackingDomain`` with manual DNS never loads pulumi_aws or pulumi_cloudflare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import pulumi

from sparkpost_tracking.extras import extra_hint

from .args import ArgReader, DnsRecord

DNS_KINDS: Final[tuple[str, ...]] = ("manual", "route53", "cloudflare")
DEFAULT_DNS_TTL: Final[int] = 3600  # SparkPost: "DNS TTL about 1 h"
_ZONE_WHAT: Final[dict[str, str]] = {
    "route53": "the Route 53 hosted zone id (e.g. 'Z0123456789ABCDEFGHIJ') that holds the tracking domain",
    "cloudflare": "the Cloudflare zone id (32 hex characters) that holds the tracking domain",
}


@dataclass(frozen=True)
class DnsSettings:
    kind: str = "manual"
    zone_id: pulumi.Input[str] | None = None
    ttl: int = DEFAULT_DNS_TTL


def read_dns(reader: ArgReader) -> DnsSettings:
    """Validate the ``dns``/``dns_zone_id``/``dns_ttl`` arguments."""
    kind = reader.choice("dns", DNS_KINDS, "manual")
    zone_id = reader.identifier("dns_zone_id", required=kind != "manual",
                                what=f"with dns {kind!r}, {_ZONE_WHAT.get(kind, '')}")
    if kind == "manual" and zone_id is not None:
        reader.fail("dns", "is 'manual' (the default) but dns_zone_id is set; say dns: 'route53' or "
                           "'cloudflare' to have the stack manage records in that zone")
    ttl = reader.integer("dns_ttl", DEFAULT_DNS_TTL, low=60, high=86400)
    return DnsSettings(kind, zone_id, ttl)


def _strip_dot(value: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.from_input(value).apply(lambda v: v.rstrip(".") if isinstance(v, str) else v)


class DnsStrategy:
    """Creates the DNS records of one component (children of ``parent``) or lists them for a person."""

    def __init__(self, settings: DnsSettings, parent: pulumi.Resource, prefix: str) -> None:
        self.settings = settings
        self.parent = parent
        self.prefix = prefix
        #: Every record resource created, for the SparkPost domain's ``depends_on``.
        self.resources: list[pulumi.Resource] = []
        self._manual: list[dict[str, Any]] = []

    def _opts(self, depends_on: Sequence[pulumi.Resource]) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.parent, depends_on=list(depends_on) or None)

    def _created(self, resources: list[pulumi.Resource]) -> list[pulumi.Resource]:
        self.resources.extend(resources)
        return resources

    def cname(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
              validation: bool = False, depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        """A CNAME ``name`` → ``value``. ``validation`` marks a certificate-validation record (may overwrite)."""
        raise NotImplementedError

    def alias(self, key: str, name: pulumi.Input[str], target: pulumi.Input[str],
              target_zone_id: pulumi.Input[str], *, ipv6: bool, purpose: str,
              depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        """Point ``name`` at an AWS target (CloudFront); a CNAME unless the zone supports aliases."""
        return self.cname(key, name, target, purpose=purpose, depends_on=depends_on)

    def validation_fqdns(self, records: Sequence[pulumi.Resource]) -> list[pulumi.Output[str]] | None:
        """FQDNs of validation records for ``aws.acm.CertificateValidation`` (Route 53 only)."""
        return None

    @property
    def records_to_create(self) -> pulumi.Output[list[DnsRecord]]:
        """The records a person must create by hand (empty when the stack manages DNS)."""
        return pulumi.Output.from_input(self._manual)  # type: ignore[arg-type]


class ManualDns(DnsStrategy):
    def cname(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
              validation: bool = False, depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        record = {"name": _strip_dot(name), "type": "CNAME", "value": _strip_dot(value)}
        self._manual.append(record)
        # Say it as soon as the value is known: ``pulumi up`` may be waiting for exactly this record.
        pulumi.Output.all(record["name"], record["value"]).apply(
            lambda nv: pulumi.log.info(f"DNS record to create by hand ({purpose}): {nv[0]} CNAME {nv[1]}",
                                       resource=self.parent))
        return []


class Route53Dns(DnsStrategy):
    def cname(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
              validation: bool = False, depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        with extra_hint():
            from pulumi_aws import route53

        return self._created([route53.Record(
            f"{self.prefix}-{key}", zone_id=self.settings.zone_id, name=name, type="CNAME",
            ttl=self.settings.ttl, records=[value],
            # Validation records are keyed by the certificate and may already exist from an earlier run.
            allow_overwrite=validation or None, opts=self._opts(depends_on))])

    def alias(self, key: str, name: pulumi.Input[str], target: pulumi.Input[str],
              target_zone_id: pulumi.Input[str], *, ipv6: bool, purpose: str,
              depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        with extra_hint():
            from pulumi_aws import route53

        alias: route53.RecordAliasArgsDict = {"name": target, "zone_id": target_zone_id,
                                              "evaluate_target_health": False}
        types = ("A", "AAAA") if ipv6 else ("A",)
        return self._created([
            route53.Record(f"{self.prefix}-{key}-{rtype.lower()}", zone_id=self.settings.zone_id, name=name,
                           type=rtype, aliases=[alias], opts=self._opts(depends_on))
            for rtype in types])

    def validation_fqdns(self, records: Sequence[pulumi.Resource]) -> list[pulumi.Output[str]] | None:
        with extra_hint():
            from pulumi_aws import route53

        return [r.fqdn for r in records if isinstance(r, route53.Record)]


class CloudflareDns(DnsStrategy):
    def cname(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
              validation: bool = False, depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        with extra_hint():
            import pulumi_cloudflare as cloudflare

        return self._created([cloudflare.DnsRecord(
            f"{self.prefix}-{key}", zone_id=self.settings.zone_id, name=_strip_dot(name), type="CNAME",
            content=_strip_dot(value), proxied=False, ttl=self.settings.ttl,
            comment=f"SparkPost tracking: {purpose}", opts=self._opts(depends_on))])


_STRATEGIES: Final[dict[str, type[DnsStrategy]]] = {
    "manual": ManualDns, "route53": Route53Dns, "cloudflare": CloudflareDns,
}


def dns_strategy(settings: DnsSettings, parent: pulumi.Resource, prefix: str) -> DnsStrategy:
    return _STRATEGIES[settings.kind](settings, parent, prefix)
