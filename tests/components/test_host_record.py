"""Moving a live tracking domain, per DNS strategy, with no moment where the host has no record.

The host already has a record (a CNAME to SparkPost). A migration is two runs of the same program: ``adopt``
(the chain is built, the live record is taken over unchanged, the SparkPost side waits), then ``update`` (the
record points at the CDN, then SparkPost secures the domain). What makes it gapless, asserted for every DNS
strategy and component:

- the live record is never created beside or after a delete: ``adopt`` imports it (its id names the live
  record), Route 53's ``update`` is an UPSERT, and every run declares the host's record under one URN, so
  ``adopt`` → ``update`` is an update in place;
- nothing asks for delete-before-replace, and no second record (e.g. an alias A/AAAA beside the CNAME) is
  declared for the host;
- with manual DNS the record to change in place is listed, never one to delete.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from sparkpost_tracking.components import (
    CloudflareTrackingDomain,
    CloudFrontTrackingDomain,
    FastlyTrackingDomain,
    ManagedTrackingDomain,
)
from tests.components.cloud_answers import FASTLY_TLS_CNAME

DOMAIN = "track.example.com"
R53_ZONE = "Z0123456789ABCDEFGHIJ"
CF_ZONE = "0123456789abcdef0123456789abcdef"
RECORD_ID = "372e67954025e0ba6aaa6d586b9e0b59"
R53_RECORD = "aws:route53/record:Record"
CF_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
#: component → (class, where its host record points)
COMPONENTS: dict[str, tuple[type, str]] = {
    "cloudfront": (CloudFrontTrackingDomain, "d111111abcdef8.cloudfront.net"),
    "fastly": (FastlyTrackingDomain, FASTLY_TLS_CNAME),
    "managed": (ManagedTrackingDomain, "v2.spgo.io"),
}
#: DNS strategy → (arguments, record type, the host record's import id, what adopt leaves as it is live)
STRATEGIES: dict[str, tuple[dict[str, Any], str, str, list[str]]] = {
    "route53": ({"dns": "route53", "dns_zone_id": R53_ZONE}, R53_RECORD, f"{R53_ZONE}_{DOMAIN}_CNAME",
                ["records", "ttl", "allowOverwrite"]),
    "cloudflare": ({"dns": "cloudflare", "dns_zone_id": CF_ZONE, "host_record_id": RECORD_ID}, CF_RECORD,
                   f"{CF_ZONE}/{RECORD_ID}", ["content", "proxied", "ttl", "comment"]),
}


def host_records(run) -> list:
    """Every record resource declared for the tracking host itself."""
    return [r for r in run.registrations if r.type in (R53_RECORD, CF_RECORD) and r.inputs.get("name") == DOMAIN]


def migrate(pulumi_run, make) -> tuple[Any, Any]:
    """The two runs of a migration: adopt, then update."""
    return (pulumi_run(lambda: make("adopt")), pulumi_run(lambda: make("update")))


def assert_gapless(adopt, update, record_type: str) -> None:
    [adopted], [updated] = host_records(adopt), host_records(update)
    assert adopted.type == updated.type == record_type
    assert adopted.urn == updated.urn  # the same resource: adopt → update is an in-place update
    assert adopted.inputs["type"] == updated.inputs["type"] == "CNAME"
    assert not adopted.delete_before_replace and not updated.delete_before_replace
    # the SparkPost side waits while the live record still points at SparkPost, and follows the switch
    assert TRACKING_DOMAIN not in adopt.types
    assert updated.urn in update.one(TRACKING_DOMAIN).explicit_dependencies


@pytest.mark.parametrize("strategy", list(STRATEGIES))
@pytest.mark.parametrize("cdn", list(COMPONENTS))
def test_migration_per_dns_strategy(pulumi_run, cdn, strategy):
    cls, target = COMPONENTS[cdn]
    dns_args, record_type, import_id, keeps = STRATEGIES[strategy]

    def make(mode: str) -> Any:
        return cls("live", {"domain": DOMAIN, "adopt_existing": True, "host_record": mode, **dns_args})

    adopt, update = migrate(pulumi_run, make)
    assert_gapless(adopt, update, record_type)
    [adopted], [updated] = host_records(adopt), host_records(update)
    assert adopted.import_id == import_id  # take the live record over instead of creating one
    assert adopted.ignore_changes == keeps  # ... as it is: an import must match, and nothing changes yet
    assert updated.ignore_changes == []
    assert (updated.inputs.get("records") or [updated.inputs.get("content")]) == [target]
    if strategy == "route53":
        assert updated.import_id == "" and updated.inputs["allowOverwrite"] is True  # UPSERT
    else:
        assert updated.import_id == import_id  # already in the state after adopt: an update of that record
    assert update.one(TRACKING_DOMAIN).inputs["adopt_existing"] is True


def test_route53_takes_a_live_record_over_in_one_run(pulumi_run):
    # Without the adopt step, Route 53's UPSERT changes the live CNAME atomically: never a missing name.
    run = pulumi_run(lambda: FastlyTrackingDomain("live", {
        "domain": DOMAIN, "dns": "route53", "dns_zone_id": R53_ZONE, "host_record": "update"}))
    [record] = host_records(run)
    assert record.inputs["allowOverwrite"] is True and record.import_id == ""
    assert run.one(TRACKING_DOMAIN)


def test_cloudfront_on_route53_keeps_a_cname_for_a_live_host(pulumi_run):
    # An alias A/AAAA cannot sit beside the live CNAME, and swapping a CNAME for an alias needs a delete.
    def types(mode: str) -> list[str]:
        run = pulumi_run(lambda: CloudFrontTrackingDomain("cf", {
            "domain": DOMAIN, "dns": "route53", "dns_zone_id": R53_ZONE, "host_record": mode}))
        return sorted(r.inputs["type"] for r in host_records(run))

    assert types("create") == ["A", "AAAA"]
    assert types("adopt") == types("update") == ["CNAME"]


def test_cloudflare_proxied_record_migration(pulumi_run):
    def make(mode: str) -> CloudflareTrackingDomain:
        return CloudflareTrackingDomain("cl", {"domain": DOMAIN, "zone_id": CF_ZONE, "adopt_existing": True,
                                               "host_record": mode, "host_record_id": RECORD_ID})

    adopt, update = migrate(pulumi_run, make)
    assert_gapless(adopt, update, CF_RECORD)
    [adopted], [updated] = host_records(adopt), host_records(update)
    assert adopted.import_id == updated.import_id == f"{CF_ZONE}/{RECORD_ID}"
    assert adopted.ignore_changes == ["content", "proxied", "ttl", "comment"]
    assert updated.ignore_changes == [] and updated.inputs["proxied"] is True  # the switch, in place


def test_cloudflare_update_without_an_id_is_a_plain_update_of_the_adopted_record(pulumi_run):
    # After the migration the id may be dropped: the record is in the state under the same URN.
    run = pulumi_run(lambda: CloudflareTrackingDomain("cl", {"domain": DOMAIN, "zone_id": CF_ZONE,
                                                             "host_record": "update"}))
    [record] = host_records(run)
    assert record.import_id == "" and record.name == "cl-record"


def test_manual_dns_lists_the_record_to_change_in_place(pulumi_run, caplog):
    def make(mode: str) -> FastlyTrackingDomain:
        return FastlyTrackingDomain("live", {"domain": DOMAIN, "host_record": mode, "adopt_existing": True})

    with caplog.at_level(logging.INFO):
        adopt, update = migrate(pulumi_run, make)
    assert host_records(adopt) == host_records(update) == []
    # adopt: only the certificate's validation record is to be created; the live record stays as it is
    assert [r["name"] for r in adopt.value(adopt.result.dns_records)] == [f"_acme-challenge.{DOMAIN}"]
    assert TRACKING_DOMAIN not in adopt.types
    assert {"name": DOMAIN, "type": "CNAME", "value": FASTLY_TLS_CNAME} in update.value(update.result.dns_records)
    messages = [r.getMessage() for r in caplog.records]
    assert any("keep its live DNS record as it is" in m for m in messages)
    assert any("change in place by hand, never deleting it first" in m and DOMAIN in m for m in messages)
    assert not any("delete" in m.lower() and "never" not in m.lower() for m in messages)
    assert update.one(TRACKING_DOMAIN)


def test_adopt_leaves_verified_false_and_no_sparkpost_resource(pulumi_run):
    run = pulumi_run(lambda: ManagedTrackingDomain("m", {"domain": DOMAIN, "host_record": "adopt"}))
    assert run.result.tracking_domain is None
    assert run.value(run.result.verified) is False
