"""sending_domains: one TrackingDomainAssociation per sending domain, after (and scoped like) its tracking domain."""

from __future__ import annotations

import pytest

from sparkpost_tracking.components import CloudflareTrackingDomain, ComponentArgumentError, ManagedTrackingDomain

DOMAIN = "click.brand-a.com"
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
ASSOCIATION = "pulumi-python:dynamic/sparkpost:TrackingDomainAssociation"
ZONE = "0123456789abcdef0123456789abcdef"


def build(pulumi_run, preview=False, **args):
    return pulumi_run(lambda: ManagedTrackingDomain("brand-a", {"domain": DOMAIN, **args}), preview=preview)


def test_one_association_per_sending_domain_after_the_tracking_domain(pulumi_run):
    run = build(pulumi_run, sending_domains=["brand-a.com", "Mail.Brand-A.com"], subaccount_id=7,
                api_url="http://127.0.0.1:8025/api/v1")
    td = run.one(TRACKING_DOMAIN)
    # Sorted: the engine registers resources whose inputs are outputs (the tracking domain's) in no fixed order.
    associations = sorted(run.of_type(ASSOCIATION), key=lambda a: a.name)
    assert [a.name for a in associations] == ["brand-a-sending-brand-a-com", "brand-a-sending-mail-brand-a-com"]
    for association in associations:
        assert association.parent == run.one("sparkpost-tracking:index:ManagedTrackingDomain").urn
        assert td.urn in association.dependencies  # written only after the domain exists (and is verified)
        inputs = association.inputs
        assert inputs["tracking_domain"] == DOMAIN
        assert (inputs["subaccount_id"], inputs["api_url"], inputs["region"]) == (
            7, "http://127.0.0.1:8025/api/v1", "us")
    assert [a.inputs["sending_domain"] for a in associations] == ["brand-a.com", "mail.brand-a.com"]


def test_without_sending_domains_there_is_no_association(pulumi_run):
    assert build(pulumi_run).of_type(ASSOCIATION) == []


def test_every_component_takes_them(pulumi_run):
    run = pulumi_run(lambda: CloudflareTrackingDomain(
        "cf", {"domain": DOMAIN, "zone_id": ZONE, "sending_domains": ["brand-a.com"], "zone_checks": False}))
    assert [a.inputs["sending_domain"] for a in run.of_type(ASSOCIATION)] == ["brand-a.com"]


def test_in_preview_the_tracking_domain_is_unknown_but_the_association_is_planned(pulumi_run):
    run = build(pulumi_run, preview=True, sending_domains=["brand-a.com"])
    assert run.one(ASSOCIATION).inputs["sending_domain"] == "brand-a.com"


@pytest.mark.parametrize(("value", "reason"), [
    ("brand-a.com", "must be a list of domain names"),
    (["brand-a.com", "BRAND-A.com"], "lists 'brand-a.com' more than once"),
    (["not a domain"], "whitespace"),
    ([7], "hostname string"),
])
def test_bad_sending_domains_fail_before_anything_is_registered(pulumi_run, value, reason):
    with pytest.raises(ComponentArgumentError) as caught:
        build(pulumi_run, sending_domains=value)
    assert caught.value.prop == "sending_domains" and reason in caught.value.reason
