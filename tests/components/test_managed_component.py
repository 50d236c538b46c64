"""ManagedTrackingDomain under mocks: CNAME to the V2 host, managed certificate, DNS strategies."""

from __future__ import annotations

import pytest

from sparkpost_tracking.components import ComponentArgumentError, ManagedTrackingDomain

from .conftest import CERTIFICATE_EXPIRES_AT, CERTIFICATE_ISSUED_AT

DOMAIN = "track.example.com"
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
COMPONENT = "sparkpost-tracking:index:ManagedTrackingDomain"


def build(pulumi_run, preview=False, **args):
    return pulumi_run(lambda: ManagedTrackingDomain("ma", {"domain": DOMAIN, **args}), preview=preview)


@pytest.mark.parametrize(("region", "target"), [("us", "v2.spgo.io"), ("eu", "eu.v2.spgo.io")])
def test_manual_dns_exports_the_cname(pulumi_run, region, target):
    run = build(pulumi_run, region=region)
    assert sorted(run.types) == sorted([COMPONENT, TRACKING_DOMAIN])
    assert run.value(run.result.cname_target) == target
    assert run.value(run.result.dns_records) == [{"name": DOMAIN, "type": "CNAME", "value": target}]
    td = run.one(TRACKING_DOMAIN).inputs
    assert td["managed_certificate"] is True and td["secure"] is True and td["region"] == region


def test_route53(pulumi_run):
    run = build(pulumi_run, dns="route53", dns_zone_id="Z0123456789ABCDEFGHIJ", region="eu")
    record = run.one("aws:route53/record:Record")
    assert record.inputs == {"zoneId": "Z0123456789ABCDEFGHIJ", "name": DOMAIN, "type": "CNAME", "ttl": 3600,
                             "records": ["eu.v2.spgo.io"]}
    assert record.parent == run.one(COMPONENT).urn
    assert record.urn in run.one(TRACKING_DOMAIN).explicit_dependencies


def test_cloudflare(pulumi_run):
    run = build(pulumi_run, dns="cloudflare", dns_zone_id="0123456789abcdef0123456789abcdef")
    record = run.one("cloudflare:index/dnsRecord:DnsRecord")
    assert record.inputs["content"] == "v2.spgo.io" and record.inputs["proxied"] is False
    assert record.urn in run.one(TRACKING_DOMAIN).explicit_dependencies
    assert run.value(run.result.dns_records) == []


def test_passes_sparkpost_arguments_and_api_url(pulumi_run):
    run = build(pulumi_run, subaccount_id=7, make_default=True, adopt_existing=True,
                api_url="http://127.0.0.1:8025/api/v1")
    td = run.one(TRACKING_DOMAIN).inputs
    assert (td["subaccount_id"], td["default"], td["adopt_existing"], td["verify"]) == (7, True, True, True)
    assert td["api_url"] == "http://127.0.0.1:8025/api/v1"


def test_enterprise_is_refused(pulumi_run):
    with pytest.raises(ComponentArgumentError, match="enterprise_tenant: SparkPost Enterprise has no managed"):
        build(pulumi_run, enterprise_tenant="acme", api_url="https://acme.api.e.sparkpost.com/api/v1")


def test_verify_false_is_refused(pulumi_run):
    with pytest.raises(ComponentArgumentError, match="ManagedTrackingDomain 'ma': verify: "):
        build(pulumi_run, verify=False)


def test_preview(pulumi_run):
    run = build(pulumi_run, preview=True)
    # managed mode's record is known at preview: a person can create it before `pulumi up`
    assert run.known(run.result.dns_records)
    assert not run.known(run.result.verified)


def test_the_certificate_outputs_come_from_the_tracking_domain(pulumi_run):
    run = build(pulumi_run)
    assert run.value(run.result.certificate_issued_at) == CERTIFICATE_ISSUED_AT
    assert run.value(run.result.certificate_expires_at) == CERTIFICATE_EXPIRES_AT
    assert run.value(run.result.certificate_error) is None
