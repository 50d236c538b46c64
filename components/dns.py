"""DNS strategies: where the records of a secure tracking domain live.

- ``manual``: nothing is created; each record is listed in the component's ``dns_records`` output
  (and announced, see ``announcement``) for a person to create;
- ``route53``: records in a Route 53 hosted zone (an alias A/AAAA where the target allows it);
- ``cloudflare``: DNS-only (not proxied) records in a Cloudflare zone.

Any strategy combines with any CDN. The provider SDK of a strategy is imported only when that strategy
is used, so e.g. ``FastlyTrackingDomain`` with manual DNS never loads pulumi_aws or pulumi_cloudflare.

A live tracking domain already has a host record (a CNAME to SparkPost). ``host_record`` says how the
component treats it, and no mode ever deletes it: a deleted name stops resolving, resolvers cache that
failure, and links in mail already sent break meanwhile. ``adopt`` takes the record over unchanged (a Pulumi
import; Route 53 ids are ``<zone>_<name>_<type>``, Cloudflare ones ``<zone>/<record id>``), ``update`` changes
it in place (Route 53: an UPSERT; Cloudflare: an update of the adopted record). The whole procedure per
strategy is in docs/migration.md.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NotRequired, TypedDict, cast

import pulumi

from sparkpost_tracking.dynamic_providers.dkim import quote_txt, split_txt
from sparkpost_tracking.extras import extra_hint

from .args import ArgReader, DnsRecord

DNS_KINDS: Final[tuple[str, ...]] = ("manual", "route53", "cloudflare")
HOST_RECORD_MODES: Final[tuple[str, ...]] = ("create", "adopt", "update")
#: What ``adopt`` leaves as it is on an imported host record (the live values), per provider (input names).
ADOPT_KEEPS: Final[dict[str, tuple[str, ...]]] = {
    "route53": ("records", "ttl", "allow_overwrite"),
    "cloudflare": ("content", "proxied", "ttl", "comment"),
}
_CLOUDFLARE_RECORD_ID = re.compile(r"^[0-9a-f]{32}$")
DEFAULT_DNS_TTL: Final[int] = 3600  # SparkPost: "DNS TTL about 1 h"
_ZONE_WHAT: Final[dict[str, str]] = {
    "route53": "the Route 53 hosted zone id (e.g. 'Z0123456789ABCDEFGHIJ') that holds the tracking domain",
    "cloudflare": "the Cloudflare zone id (32 hex characters) that holds the tracking domain",
}


class HostRecordArgs(TypedDict):
    """How a component treats the record the tracking host already has (moving a live tracking domain)."""

    host_record: NotRequired[str]
    """``create`` (default: the host has no record yet); for a live host, ``adopt`` (build the chain, take the
    host's record over unchanged, leave the SparkPost side for later) then ``update`` (point that record at the
    CDN in place, then secure the SparkPost side). No mode deletes the live record (docs/migration.md)."""
    host_record_id: NotRequired[str]
    """Cloudflare zones only: the id (32 hex characters) of the host's live DNS record, which ``adopt`` imports."""


@dataclass(frozen=True)
class HostRecord:
    """The validated ``host_record``/``host_record_id`` arguments."""

    mode: str = "create"
    #: Cloudflare's id of the live record (``adopt``, and ``update`` of a record adopted earlier).
    record_id: str | None = None

    @property
    def defers_sparkpost(self) -> bool:
        """While the live record is only adopted it still points at SparkPost: securing the domain now would
        put https links in new mail before https works for the host."""
        return self.mode == "adopt"

    def options(self, kind: str, zone_id: pulumi.Input[str] | None, name: str) -> dict[str, Any]:
        """``ResourceOptions`` fields that take the live record over: its import id, and in ``adopt`` the values
        that stay as they are live (an import must match what it imports)."""
        import_id: str | None = None
        if kind == "route53" and self.mode == "adopt":
            import_id = f"{zone_id}_{name}_CNAME"
        elif kind == "cloudflare" and self.record_id:
            import_id = f"{zone_id}/{self.record_id}"
        keeps = list(ADOPT_KEEPS[kind]) if self.mode == "adopt" else None
        return {"import_": import_id, "ignore_changes": keeps}


@dataclass(frozen=True)
class DnsSettings:
    kind: str = "manual"
    zone_id: pulumi.Input[str] | None = None
    ttl: int = DEFAULT_DNS_TTL
    host: HostRecord = field(default_factory=HostRecord)


def read_host_record(reader: ArgReader, kind: str, zone_id: pulumi.Input[str] | None) -> HostRecord:
    """Validate ``host_record``/``host_record_id`` for a strategy (``kind``) and zone."""
    mode = reader.choice("host_record", HOST_RECORD_MODES, "create")
    record_id = reader.value("host_record_id")
    if record_id is not None:
        if kind != "cloudflare":
            reader.fail("host_record_id", f"is for Cloudflare zones only (dns is {kind!r}): a Route 53 record is "
                                          "taken over by its zone, name and type")
        if not isinstance(record_id, str) or not _CLOUDFLARE_RECORD_ID.match(record_id):
            reader.fail("host_record_id", f"must be a Cloudflare DNS record id (32 hex characters, from the API's "
                                          f"GET /zones/<zone>/dns_records?name=<host>), got {record_id!r}")
        if mode == "create":
            reader.fail("host_record_id", "is set but host_record is 'create'; say host_record: 'adopt' to take "
                                          "the live record over (then 'update' to point it at the CDN)")
    if kind == "manual" and mode == "adopt":
        return HostRecord(mode)  # nothing to import: the person keeps the live record as it is for now
    if kind == "cloudflare" and mode == "adopt" and record_id is None:
        reader.fail("host_record_id", "is required with host_record 'adopt' in a Cloudflare zone: the id of the "
                                      "live record (GET /zones/<zone>/dns_records?name=<host> lists it)")
    imports = (kind == "route53" and mode == "adopt") or (kind == "cloudflare" and record_id is not None)
    if imports and not isinstance(zone_id, str):
        reader.fail("host_record", f"{mode!r} imports the live record by an id built from the zone id, so the zone "
                                   "id must be a plain string here, not an Output")
    return HostRecord(mode, record_id)


def read_dns(reader: ArgReader) -> DnsSettings:
    """Validate the ``dns``/``dns_zone_id``/``dns_ttl`` and host record arguments."""
    kind = reader.choice("dns", DNS_KINDS, "manual")
    zone_id = reader.identifier("dns_zone_id", required=kind != "manual",
                                what=f"with dns {kind!r}, {_ZONE_WHAT.get(kind, '')}")
    if kind == "manual" and zone_id is not None:
        reader.fail("dns", "is 'manual' (the default) but dns_zone_id is set; say dns: 'route53' or "
                           "'cloudflare' to have the stack manage records in that zone")
    ttl = reader.integer("dns_ttl", DEFAULT_DNS_TTL, low=60, high=86400)
    return DnsSettings(kind, zone_id, ttl, read_host_record(reader, kind, zone_id))


def route53_txt(value: str) -> str:
    """A TXT value as pulumi-aws's ``route53.Record`` takes it in ``records``: the provider puts each item in
    double quotes, so a value over 255 characters is written as strings of at most 255 joined by ``""`` (its
    documented form: ``first255characters""morecharacters``), which Route 53 stores as ``"..." "..."``."""
    return '""'.join(split_txt(value))


def cloudflare_txt(value: str) -> str:
    """A TXT value as Cloudflare's ``content`` takes it: quoted character-strings (RFC 1035) of at most 255 bytes,
    separated by a space. Cloudflare would split a longer string itself; giving the strings keeps what the stack
    registers equal to what Cloudflare reads back, so the next preview shows no change."""
    return quote_txt(value)


def _txt_form(form: Any, value: pulumi.Input[str]) -> pulumi.Input[str]:
    """``form(value)``, for a plain value or an Output of one (a key known after the sending domain's create)."""
    if isinstance(value, str):
        return str(form(value))
    output: pulumi.Output[str] = pulumi.Output.from_input(cast(pulumi.Input[str], value))
    return output.apply(form)


def _strip_dot(value: pulumi.Input[str]) -> pulumi.Input[str]:
    """``value`` without its trailing dot; a plain string stays a plain string (no Output to resolve)."""
    if isinstance(value, str):
        return value.rstrip(".")
    output: pulumi.Output[str] = pulumi.Output.from_input(cast(pulumi.Input[str], value))
    return output.apply(lambda v: v.rstrip(".") if isinstance(v, str) else v)


def known(value: Any) -> pulumi.Output[Any]:
    """An Output of a value known now, as it is: ``Output.from_input`` would make an Output of every item of a
    list or dict (hundreds of microseconds each record, in a program of thousands of domains)."""
    return pulumi.Output.from_input(None).apply(lambda _: value)


class DnsStrategy:
    """Creates the DNS records of one component (children of ``parent``) or lists them for a person."""

    def __init__(self, settings: DnsSettings, parent: pulumi.Resource, prefix: str, *, protect: bool = True) -> None:
        self.settings = settings
        self.parent = parent
        self.prefix = prefix
        #: Whether the host's record, which serves sent links, is protected (validation records never are).
        self.protect = protect
        #: Every record resource created, for the SparkPost domain's ``depends_on``.
        self.resources: list[pulumi.Resource] = []
        self._manual: list[dict[str, Any]] = []
        #: What to tell a person about the records to create by hand, one line each (see ``announcement``).
        self._notes: list[str | pulumi.Output[str]] = []

    def _opts(self, depends_on: Sequence[pulumi.Resource], **options: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.parent, depends_on=list(depends_on) or None, **options)

    def _host_opts(self, depends_on: Sequence[pulumi.Resource], **options: Any) -> pulumi.ResourceOptions:
        """Options of the host's record: it serves sent links, so it is protected like the rest of the chain."""
        return self._opts(depends_on, protect=self.protect, **options)

    def _created(self, resources: list[pulumi.Resource]) -> list[pulumi.Resource]:
        self.resources.extend(resources)
        return resources

    @property
    def host_mode(self) -> str:
        return self.settings.host.mode

    def cname(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
              depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        """A certificate-validation CNAME ``name`` → ``value`` (its name belongs to the certificate)."""
        raise NotImplementedError

    def host(self, name: str, value: pulumi.Input[str], *, purpose: str,
             depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        """The tracking host's CNAME → ``value``, taking a live record over as ``host_record`` says."""
        raise NotImplementedError

    def txt(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
            depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        """A TXT record ``name`` holding ``value`` (one value, split into strings of at most 255 characters as the
        provider takes it): a sending domain's DKIM key. Protected like the host's record: mail signed with the key
        fails its check without it."""
        raise NotImplementedError

    def bounce(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
               depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        """A bounce domain's CNAME ``name`` → ``value`` (the region's bounce host). Unlike a validation record it
        never overwrites a record someone else made, and it is protected: bounces of sent mail come back to it."""
        raise NotImplementedError

    def alias(self, name: str, target: pulumi.Input[str], target_zone_id: pulumi.Input[str], *, ipv6: bool,
              purpose: str, depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        """Point the host at an AWS target (CloudFront); a CNAME unless the zone supports aliases."""
        return self.host(name, target, purpose=purpose, depends_on=depends_on)

    def validation_fqdns(self, records: Sequence[pulumi.Resource]) -> list[pulumi.Output[str]] | None:
        """FQDNs of validation records for ``aws.acm.CertificateValidation`` (Route 53 only)."""
        return None

    def announcement(self, verified: pulumi.Output[bool] | None) -> pulumi.Output[list[str]]:
        """The lines that tell a person which records to create by hand, once their values are known.

        A preview of a domain that state says is verified needs none: its records exist, and repeating them on
        every preview buried the changes a reviewer reads. During ``pulumi up`` they are always said, since the
        SparkPost side may be waiting for exactly these records.
        """
        notes = list(self._notes)
        if all(isinstance(note, str) for note in notes):  # the usual case: every value known in the program
            lines = [str(note) for note in notes]
            if verified is None or not lines:
                return known(lines)
            # Also in a preview, where an unknown ``verified`` (a domain to create or replace) needs the records.
            return verified.apply(lambda v: [] if v is True and pulumi.runtime.is_dry_run() else lines, True)

        async def still_needed() -> list[str]:
            # In a preview, an unknown ``verified`` (a domain to create or replace) means the records are needed.
            if verified is not None and pulumi.runtime.is_dry_run():
                if await verified.future(with_unknowns=True) is True:
                    return []
            # A value known only later (a CDN's hostname, in a first preview) is said by the run that knows it.
            return [str(await note.future()) if isinstance(note, pulumi.Output) else note for note in notes
                    if not isinstance(note, pulumi.Output) or await note.is_known()]

        return pulumi.Output.from_input(still_needed())

    @property
    def records(self) -> list[DnsRecord] | pulumi.Output[list[DnsRecord]]:
        """The records a person must create (or, for a live host, change in place) by hand: a plain list when
        every value is known in the program (the usual case), else an Output."""
        if all(isinstance(value, str) for record in self._manual for value in record.values()):
            return [dict(record) for record in self._manual]  # type: ignore[misc]
        return pulumi.Output.from_input(self._manual)  # type: ignore[arg-type]

    @property
    def records_to_create(self) -> pulumi.Output[list[DnsRecord]]:
        """``records``, always as an Output."""
        records = self.records
        return records if isinstance(records, pulumi.Output) else known(records)


class ManualDns(DnsStrategy):
    def _listed(self, name: pulumi.Input[str], value: pulumi.Input[str], what: str,
                kind: str = "CNAME") -> list[pulumi.Resource]:
        record = {"name": _strip_dot(name), "type": kind,
                  "value": _strip_dot(value) if kind == "CNAME" else value}
        self._manual.append(record)
        if isinstance(record["name"], str) and isinstance(record["value"], str):
            self._notes.append(f"{what}: {record['name']} {kind} {record['value']}")
        else:
            self._notes.append(pulumi.Output.all(record["name"], record["value"]).apply(
                lambda nv: f"{what}: {nv[0]} {kind} {nv[1]}"))
        return []

    def bounce(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
               depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        return self._listed(name, value, f"DNS record to create by hand ({purpose})")

    def txt(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
            depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        # In zone-file form ("..." "..."), which DNS consoles and zone files take as several strings.
        return self._listed(name, _txt_form(quote_txt, value), f"DNS record to create by hand ({purpose})", "TXT")

    def cname(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
              depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        return self._listed(name, value, f"DNS record to create by hand ({purpose})")

    def host(self, name: str, value: pulumi.Input[str], *, purpose: str,
             depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        if self.host_mode == "adopt":
            pulumi.log.info(f"{name}: keep its live DNS record as it is until the switch (host_record: update)",
                            resource=self.parent)
            return []
        if self.host_mode == "update":
            return self._listed(name, value, f"DNS record to change in place by hand, never deleting it first "
                                             f"({purpose})")
        return self._listed(name, value, f"DNS record to create by hand ({purpose})")


class Route53Dns(DnsStrategy):
    def cname(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
              depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        with extra_hint():
            from pulumi_aws import route53

        return self._created([route53.Record(
            f"{self.prefix}-{key}", zone_id=self.settings.zone_id, name=name, type="CNAME",
            ttl=self.settings.ttl, records=[value],
            # Validation records are keyed by the certificate and may already exist from an earlier run.
            allow_overwrite=True, opts=self._opts(depends_on))])

    def host(self, name: str, value: pulumi.Input[str], *, purpose: str,
             depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        with extra_hint():
            from pulumi_aws import route53

        host = self.settings.host
        return self._created([route53.Record(
            f"{self.prefix}-host", zone_id=self.settings.zone_id, name=name, type="CNAME",
            ttl=self.settings.ttl, records=[value],
            # ``update`` is Route 53's UPSERT: the live CNAME gets its new value in one atomic change.
            allow_overwrite=True if host.mode == "update" else None,
            opts=self._host_opts(depends_on, **host.options("route53", self.settings.zone_id, name)))])

    def alias(self, name: str, target: pulumi.Input[str], target_zone_id: pulumi.Input[str], *, ipv6: bool,
              purpose: str, depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        with extra_hint():
            from pulumi_aws import route53

        if self.host_mode != "create":
            # An alias A/AAAA cannot sit beside the live CNAME, and swapping one for the other needs a delete:
            # a live host keeps a CNAME, which CloudFront serves just as well below the zone apex.
            return self.host(name, target, purpose=purpose, depends_on=depends_on)
        alias: route53.RecordAliasArgsDict = {"name": target, "zone_id": target_zone_id,
                                              "evaluate_target_health": False}
        types = ("A", "AAAA") if ipv6 else ("A",)
        return self._created([
            route53.Record(f"{self.prefix}-host-{rtype.lower()}", zone_id=self.settings.zone_id, name=name,
                           type=rtype, aliases=[alias], opts=self._host_opts(depends_on))
            for rtype in types])

    def txt(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
            depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        with extra_hint():
            from pulumi_aws import route53

        return self._created([route53.Record(
            f"{self.prefix}-{key}", zone_id=self.settings.zone_id, name=_strip_dot(name), type="TXT",
            ttl=self.settings.ttl, records=[_txt_form(route53_txt, value)], opts=self._host_opts(depends_on))])

    def bounce(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
               depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        with extra_hint():
            from pulumi_aws import route53

        return self._created([route53.Record(
            f"{self.prefix}-{key}", zone_id=self.settings.zone_id, name=_strip_dot(name), type="CNAME",
            ttl=self.settings.ttl, records=[value], opts=self._host_opts(depends_on))])

    def validation_fqdns(self, records: Sequence[pulumi.Resource]) -> list[pulumi.Output[str]] | None:
        with extra_hint():
            with extra_hint():
                from pulumi_aws import route53

        return [r.fqdn for r in records if isinstance(r, route53.Record)]


class CloudflareDns(DnsStrategy):
    def _record(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], purpose: str,
                opts: pulumi.ResourceOptions, kind: str = "CNAME") -> list[pulumi.Resource]:
        with extra_hint():
            import pulumi_cloudflare as cloudflare

        return self._created([cloudflare.DnsRecord(
            f"{self.prefix}-{key}", zone_id=self.settings.zone_id, name=_strip_dot(name), type=kind,
            content=_strip_dot(value) if kind == "CNAME" else value, proxied=False, ttl=self.settings.ttl,
            comment=f"SparkPost: {purpose}" if kind != "CNAME" else f"SparkPost tracking: {purpose}", opts=opts)])

    def txt(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
            depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        return self._record(key, name, _txt_form(cloudflare_txt, value), purpose, self._host_opts(depends_on), "TXT")

    def bounce(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
               depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        return self._record(key, name, value, purpose, self._host_opts(depends_on))

    def cname(self, key: str, name: pulumi.Input[str], value: pulumi.Input[str], *, purpose: str,
              depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        return self._record(key, name, value, purpose, self._opts(depends_on))

    def host(self, name: str, value: pulumi.Input[str], *, purpose: str,
             depends_on: Sequence[pulumi.Resource] = ()) -> list[pulumi.Resource]:
        # Cloudflare has no upsert: ``update`` changes the record ``adopt`` imported (same resource, same id).
        options = self.settings.host.options("cloudflare", self.settings.zone_id, name)
        return self._record("host", name, value, purpose, self._host_opts(depends_on, **options))


_STRATEGIES: Final[dict[str, type[DnsStrategy]]] = {
    "manual": ManualDns, "route53": Route53Dns, "cloudflare": CloudflareDns,
}


def dns_strategy(settings: DnsSettings, parent: pulumi.Resource, prefix: str, *, protect: bool = True) -> DnsStrategy:
    return _STRATEGIES[settings.kind](settings, parent, prefix, protect=protect)
