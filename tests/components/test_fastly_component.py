"""FastlyTrackingDomain under mocks: service, TLS subscription and validation, DNS, ordering, preview, and the
host's CNAME target read from the TLS configuration."""

from __future__ import annotations

import pytest

from sparkpost_tracking.components import ComponentArgumentError, FastlyTrackingDomain
from tests.components.cloud_answers import FASTLY_TLS_CNAME, GET_TLS_CONFIGURATION

DOMAIN = "track.example.com"
CF_ZONE = "0123456789abcdef0123456789abcdef"
SERVICE = "fastly:index/serviceVcl:ServiceVcl"
SUBSCRIPTION = "fastly:index/tlsSubscription:TlsSubscription"
VALIDATION = "fastly:index/tlsSubscriptionValidation:TlsSubscriptionValidation"
CF_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
R53_RECORD = "aws:route53/record:Record"
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
COMPONENT = "sparkpost-tracking:index:FastlyTrackingDomain"


def build(pulumi_run, preview=False, **args):
    return pulumi_run(lambda: FastlyTrackingDomain("fa", {"domain": DOMAIN, **args}), preview=preview)


@pytest.fixture
def cloudflare_dns(pulumi_run):
    return build(pulumi_run, dns="cloudflare", dns_zone_id=CF_ZONE)


def test_resources(cloudflare_dns):
    assert sorted(cloudflare_dns.types) == sorted(
        [COMPONENT, SERVICE, SUBSCRIPTION, CF_RECORD, VALIDATION, CF_RECORD, TRACKING_DOMAIN])
    assert "fastly:index/tlsActivation:TlsActivation" not in cloudflare_dns.types
    component = cloudflare_dns.one(COMPONENT)
    assert all(child.parent == component.urn for child in cloudflare_dns.children)


def test_service_domain_backend_and_ttl(cloudflare_dns):
    service = cloudflare_dns.one(SERVICE).inputs
    assert service["name"] == DOMAIN
    assert service["domains"] == [{"name": DOMAIN, "comment": "SparkPost tracking domain"}]
    assert service["defaultTtl"] == 10
    assert service["forceDestroy"] is True
    [backend] = service["backends"]
    assert backend["address"] == "spgo.io"
    assert backend["port"] == 443
    assert backend["useSsl"] is True
    assert backend["sslSniHostname"] == "spgo.io"
    assert backend["sslCertHostname"] == "spgo.io"
    assert "overrideHost" not in backend  # the viewer's Host must reach SparkPost


def test_subscription_derives_domains_from_the_service(cloudflare_dns):
    subscription = cloudflare_dns.one(SUBSCRIPTION)
    assert subscription.inputs["certificateAuthority"] == "lets-encrypt"
    assert subscription.inputs["domains"] == [DOMAIN]
    assert cloudflare_dns.one(SERVICE).urn in subscription.property_dependencies


def test_acme_challenge_record_and_validation(cloudflare_dns):
    challenge = cloudflare_dns.named("fa-acme-challenge")
    assert challenge.inputs["name"] == f"_acme-challenge.{DOMAIN}"
    assert challenge.inputs["content"] == "k9x2m4.fastly-validations.com"  # filtered from several challenges
    assert challenge.inputs["type"] == "CNAME" and challenge.inputs["proxied"] is False
    assert challenge.inputs["zoneId"] == CF_ZONE
    validation = cloudflare_dns.one(VALIDATION)
    assert validation.inputs["subscriptionId"] == "fa-tls-subscription-id"
    assert challenge.urn in validation.explicit_dependencies


def test_host_cname_to_fastly_after_the_certificate(cloudflare_dns):
    host = cloudflare_dns.named("fa-host")
    assert host.inputs["name"] == DOMAIN
    assert host.inputs["content"] == FASTLY_TLS_CNAME
    assert host.inputs["ttl"] == 3600
    assert cloudflare_dns.one(VALIDATION).urn in host.explicit_dependencies


def test_tracking_domain_waits_for_validation_service_and_dns(cloudflare_dns):
    td = cloudflare_dns.one(TRACKING_DOMAIN)
    expected = {cloudflare_dns.one(VALIDATION).urn, cloudflare_dns.one(SERVICE).urn,
                cloudflare_dns.named("fa-host").urn, cloudflare_dns.named("fa-acme-challenge").urn}
    assert expected <= td.explicit_dependencies
    assert td.inputs["secure"] is True and td.inputs["managed_certificate"] is False


def test_outputs(cloudflare_dns):
    assert cloudflare_dns.value(cloudflare_dns.result.cname_target) == FASTLY_TLS_CNAME
    assert cloudflare_dns.value(cloudflare_dns.result.dns_records) == []


def test_manual_dns(pulumi_run):
    run = build(pulumi_run, fastly_cname_target="j.sni.global.fastly.net", certificate_authority="certainly")
    assert CF_RECORD not in run.types and R53_RECORD not in run.types
    assert run.value(run.result.dns_records) == [
        {"name": f"_acme-challenge.{DOMAIN}", "type": "CNAME", "value": "k9x2m4.fastly-validations.com"},
        {"name": DOMAIN, "type": "CNAME", "value": "j.sni.global.fastly.net"},
    ]
    assert run.one(SUBSCRIPTION).inputs["certificateAuthority"] == "certainly"
    assert {run.one(VALIDATION).urn, run.one(SERVICE).urn} <= run.one(TRACKING_DOMAIN).explicit_dependencies


def test_route53_dns(pulumi_run):
    run = build(pulumi_run, dns="route53", dns_zone_id="Z0123456789ABCDEFGHIJ", dns_ttl=300)
    records = {r.name: r.inputs for r in run.of_type(R53_RECORD)}
    assert records["fa-acme-challenge"]["records"] == ["k9x2m4.fastly-validations.com"]
    assert records["fa-acme-challenge"]["allowOverwrite"] is True
    assert records["fa-host"] == {"zoneId": "Z0123456789ABCDEFGHIJ", "name": DOMAIN, "type": "CNAME", "ttl": 300,
                                  "records": [FASTLY_TLS_CNAME]}


def test_eu_and_enterprise_backends(pulumi_run):
    backend = build(pulumi_run, region="eu").one(SERVICE).inputs["backends"][0]
    assert (backend["address"], backend["sslSniHostname"], backend["sslCertHostname"]) == ("eu.spgo.io",) * 3
    run = build(pulumi_run, enterprise_tenant="acme.et.e.sparkpost.com",
                api_url="https://acme.api.e.sparkpost.com/api/v1")
    assert run.one(SERVICE).inputs["backends"][0]["address"] == "acme.et.e.sparkpost.com"
    assert run.one(TRACKING_DOMAIN).inputs["api_url"] == "https://acme.api.e.sparkpost.com/api/v1"


def test_preview_with_unknown_challenge(pulumi_run):
    run = build(pulumi_run, preview=True, dns="cloudflare", dns_zone_id=CF_ZONE)
    challenge = run.named("fa-acme-challenge")
    assert challenge.inputs["name"] == f"_acme-challenge.{DOMAIN}"  # keyed by the known domain
    assert run.unknown(challenge.inputs["content"])
    assert run.known(run.result.cname_target)
    assert not run.known(run.result.verified)
    assert sorted(run.types) == sorted([COMPONENT, SERVICE, SUBSCRIPTION, CF_RECORD, VALIDATION, CF_RECORD,
                                        TRACKING_DOMAIN])


def test_cname_target_comes_from_the_default_tls_configuration(cloudflare_dns):
    # The account's default configuration is looked up once; the subscription is pinned to that same
    # configuration, so the host's CNAME and the certificate's configuration cannot disagree.
    assert cloudflare_dns.invokes == [(GET_TLS_CONFIGURATION, {"default": True})]
    assert cloudflare_dns.one(SUBSCRIPTION).inputs["configurationId"] == "tls-config-default"
    # the global CNAME is chosen over the regional one and the A record, without its trailing dot
    assert cloudflare_dns.named("fa-host").inputs["content"] == "j.sni.global.fastly.net"


def test_a_named_tls_configuration_is_looked_up_by_id(pulumi_run):
    run = build(pulumi_run, tls_configuration_id="7Hx9TlsCfg")
    assert run.invokes == [(GET_TLS_CONFIGURATION, {"id": "7Hx9TlsCfg"})]
    assert run.one(SUBSCRIPTION).inputs["configurationId"] == "tls-config-default"  # the id the mock answers
    assert run.value(run.result.cname_target) == FASTLY_TLS_CNAME


def test_the_override_skips_the_lookup(pulumi_run):
    run = build(pulumi_run, fastly_cname_target="t.sni.global.fastly.net")
    assert run.invokes == []
    assert "configurationId" not in run.one(SUBSCRIPTION).inputs
    assert run.value(run.result.cname_target) == "t.sni.global.fastly.net"
    both = build(pulumi_run, fastly_cname_target="t.sni.global.fastly.net", tls_configuration_id="cfg2")
    assert both.invokes == [] and both.one(SUBSCRIPTION).inputs["configurationId"] == "cfg2"


def test_a_configuration_without_a_cname_fails_naming_the_override(pulumi_run_failing):
    answer = {"id": "cfg", "dnsRecords": [{"recordType": "A", "recordValue": "151.101.2.133", "region": "global"}]}
    error, _ = pulumi_run_failing(lambda: FastlyTrackingDomain("fa", {"domain": DOMAIN}),
                                  invokes={GET_TLS_CONFIGURATION: answer})
    assert "lists no CNAME record" in str(error) and "fastly_cname_target" in str(error)


def test_target_is_known_in_preview(pulumi_run):
    run = build(pulumi_run, preview=True)
    assert run.value(run.result.cname_target) == FASTLY_TLS_CNAME


def test_a_certificate_authority_change_never_replaces_the_subscription(cloudflare_dns):
    # The provider replaces a subscription whose CA changes: a second subscription for the same domain, and the
    # live certificate deleted. The change is ignored; the CA of a live subscription is changed in Fastly.
    subscription = cloudflare_dns.one(SUBSCRIPTION)
    assert subscription.ignore_changes == ["certificateAuthority"]
    assert subscription.delete_before_replace is False


def test_tls_configuration_id_must_be_a_plain_id(pulumi_run_failing):
    import pulumi

    error, registered = pulumi_run_failing(lambda: FastlyTrackingDomain(
        "fa", {"domain": DOMAIN, "tls_configuration_id": pulumi.Output.from_input("x")}))
    assert isinstance(error, ComponentArgumentError) and error.prop == "tls_configuration_id"
    assert registered == []
