"""CloudFrontTrackingDomain under mocks: resource graph, every required setting, ordering, preview."""

from __future__ import annotations

import re

import pytest

from sparkpost_tracking.components import CloudFrontTrackingDomain

DOMAIN = "track.example.com"
ZONE = "Z0123456789ABCDEFGHIJ"
CERT = "aws:acm/certificate:Certificate"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
REQUEST_POLICY = "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
RECORD = "aws:route53/record:Record"
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
COMPONENT = "sparkpost-tracking:index:CloudFrontTrackingDomain"


def build(pulumi_run, preview=False, **args):
    return pulumi_run(lambda: CloudFrontTrackingDomain("cf", {"domain": DOMAIN, **args}), preview=preview)


@pytest.fixture
def route53(pulumi_run):
    return build(pulumi_run, dns="route53", dns_zone_id=ZONE)


def test_resources_and_types(route53):
    assert sorted(route53.types) == sorted([
        COMPONENT, CERT, RECORD, VALIDATION, CACHE_POLICY, REQUEST_POLICY, DISTRIBUTION, RECORD, RECORD,
        TRACKING_DOMAIN])
    assert route53.registrations[0].type == COMPONENT


def test_every_child_is_parented_to_the_component(route53):
    component = route53.one(COMPONENT)
    for child in route53.children:
        assert child.parent == component.urn, child.name
        assert child.urn.split("::")[2].startswith(f"{COMPONENT}$"), child.urn


def test_certificate_in_us_east_1_dns_validated(route53):
    cert = route53.one(CERT)
    assert cert.inputs["domainName"] == DOMAIN
    assert cert.inputs["validationMethod"] == "DNS"
    assert cert.inputs["region"] == "us-east-1"
    validation = route53.one(VALIDATION)
    assert validation.inputs["region"] == "us-east-1"
    assert validation.inputs["certificateArn"] == "arn:aws:acm:us-east-1:123456789012:certificate/cf-cert"
    assert validation.inputs["validationRecordFqdns"] == [f"_3f2a.{DOMAIN}"]


def test_validation_record_in_route53_from_the_certificate_option_for_this_domain(route53):
    record = route53.named("cf-acm-validation")
    assert record.inputs["zoneId"] == ZONE
    assert record.inputs["type"] == "CNAME"
    assert record.inputs["name"] == f"_3f2a.{DOMAIN}."
    assert record.inputs["records"] == ["_9c1b.abcdefghij.acm-validations.aws."]
    assert record.inputs["ttl"] == 3600
    assert record.inputs["allowOverwrite"] is True
    # the validation waits for the record
    assert record.urn in route53.one(VALIDATION).dependencies


def test_cache_policy_1_10_10_with_empty_cache_key(route53):
    policy = route53.one(CACHE_POLICY).inputs
    assert (policy["minTtl"], policy["defaultTtl"], policy["maxTtl"]) == (1, 10, 10)
    key = policy["parametersInCacheKeyAndForwardedToOrigin"]
    assert key["cookiesConfig"] == {"cookieBehavior": "none"}
    assert key["headersConfig"] == {"headerBehavior": "none"}
    assert key["queryStringsConfig"] == {"queryStringBehavior": "none"}
    assert re.fullmatch(r"sparkpost-track-example-com-[0-9a-f]{10}-cache", policy["name"]), policy["name"]
    assert policy["comment"] == "SparkPost tracking: TTL 1/10/10 s, empty cache key"


def test_origin_request_policy_forwards_user_agent_and_target_no_cookies(route53):
    policy = route53.one(REQUEST_POLICY).inputs
    assert policy["headersConfig"] == {"headerBehavior": "whitelist", "headers": {"items": ["User-Agent"]}}
    assert policy["queryStringsConfig"] == {"queryStringBehavior": "whitelist",
                                            "queryStrings": {"items": ["target"]}}
    assert policy["cookiesConfig"] == {"cookieBehavior": "none"}


def test_distribution_origin(route53):
    dist = route53.one(DISTRIBUTION).inputs
    assert dist["enabled"] is True
    assert dist["aliases"] == [DOMAIN]
    [origin] = dist["origins"]
    assert origin["domainName"] == "spgo.io"
    assert origin["originPath"] == ""
    assert origin["customOriginConfig"] == {"originProtocolPolicy": "match-viewer", "httpPort": 80,
                                            "httpsPort": 443, "originSslProtocols": ["TLSv1.2"]}
    assert origin["customHeaders"] == [{"name": "X-Forwarded-Host", "value": DOMAIN}]
    assert "originShield" not in origin
    assert dist["restrictions"] == {"geoRestriction": {"restrictionType": "none"}}


def test_distribution_behaviour_and_viewer_certificate(route53):
    dist = route53.one(DISTRIBUTION).inputs
    behaviour = dist["defaultCacheBehavior"]
    assert behaviour["viewerProtocolPolicy"] == "allow-all"  # HTTP and HTTPS: ports 80 and 443
    assert behaviour["allowedMethods"] == ["GET", "HEAD"]
    assert behaviour["cachedMethods"] == ["GET", "HEAD"]
    assert behaviour["targetOriginId"] == dist["origins"][0]["originId"]
    assert behaviour["cachePolicyId"] == "cf-cache-policy-id"
    assert behaviour["originRequestPolicyId"] == "cf-origin-request-policy-id"
    assert "functionAssociations" not in behaviour and "forwardedValues" not in behaviour
    assert dist["viewerCertificate"] == {
        "acmCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/cf-cert",
        "sslSupportMethod": "sni-only", "minimumProtocolVersion": "TLSv1.2_2021"}
    # the distribution uses the *validated* certificate, so it waits for issuance
    assert route53.one(VALIDATION).urn in route53.one(DISTRIBUTION).property_dependencies


def test_route53_alias_a_and_aaaa_to_the_distribution(route53):
    for rtype in ("a", "aaaa"):
        record = route53.named(f"cf-host-{rtype}").inputs
        assert record["type"] == rtype.upper()
        assert record["name"] == DOMAIN
        assert record["zoneId"] == ZONE
        assert record["aliases"] == [{"name": "d111111abcdef8.cloudfront.net", "zoneId": "Z2FDTNDATAQYW2",
                                      "evaluateTargetHealth": False}]


def test_tracking_domain_is_secure_and_waits_for_certificate_cdn_and_dns(route53):
    td = route53.one(TRACKING_DOMAIN)
    assert td.inputs["domain"] == DOMAIN
    assert td.inputs["secure"] is True
    assert td.inputs["managed_certificate"] is False
    assert td.inputs["region"] == "us"
    waits_for = {route53.one(VALIDATION).urn, route53.one(DISTRIBUTION).urn,
                 route53.named("cf-host-a").urn, route53.named("cf-host-aaaa").urn,
                 route53.named("cf-acm-validation").urn}
    assert waits_for <= td.explicit_dependencies
    assert td.property_dependencies == set()


def test_outputs(route53):
    component = route53.result
    assert route53.value(component.domain) == DOMAIN
    assert route53.value(component.cname_target) == "d111111abcdef8.cloudfront.net"
    assert route53.value(component.dns_records) == []
    assert route53.value(component.verified) is True
    assert component.tracking_domain.__class__.__name__ == "TrackingDomain"


def test_manual_dns_exports_validation_and_host_records(pulumi_run):
    run = build(pulumi_run)
    assert RECORD not in run.types
    assert run.value(run.result.dns_records) == [
        {"name": f"_3f2a.{DOMAIN}", "type": "CNAME", "value": "_9c1b.abcdefghij.acm-validations.aws"},
        {"name": DOMAIN, "type": "CNAME", "value": "d111111abcdef8.cloudfront.net"},
    ]
    validation = run.one(VALIDATION)
    assert "validationRecordFqdns" not in validation.inputs
    assert {validation.urn, run.one(DISTRIBUTION).urn} <= run.one(TRACKING_DOMAIN).explicit_dependencies


def test_cloudflare_dns_makes_validation_and_host_cnames(pulumi_run):
    run = build(pulumi_run, dns="cloudflare", dns_zone_id="0123456789abcdef0123456789abcdef")
    records = {r.name: r.inputs for r in run.of_type("cloudflare:index/dnsRecord:DnsRecord")}
    assert records["cf-acm-validation"]["name"] == f"_3f2a.{DOMAIN}"
    assert records["cf-acm-validation"]["content"] == "_9c1b.abcdefghij.acm-validations.aws"
    assert records["cf-host"] == {"zoneId": "0123456789abcdef0123456789abcdef", "name": DOMAIN, "type": "CNAME",
                                  "content": "d111111abcdef8.cloudfront.net", "proxied": False, "ttl": 3600,
                                  "comment": "SparkPost tracking: host to CloudFront"}
    td = run.one(TRACKING_DOMAIN)
    assert {r.urn for r in run.of_type("cloudflare:index/dnsRecord:DnsRecord")} <= td.explicit_dependencies


def test_user_certificate_skips_acm(pulumi_run):
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc"
    run = build(pulumi_run, certificate_arn=arn, dns="route53", dns_zone_id=ZONE)
    assert CERT not in run.types and VALIDATION not in run.types
    assert run.one(DISTRIBUTION).inputs["viewerCertificate"]["acmCertificateArn"] == arn
    assert run.one(DISTRIBUTION).urn in run.one(TRACKING_DOMAIN).explicit_dependencies


def test_eu_origin(pulumi_run):
    run = build(pulumi_run, region="eu")
    assert run.one(DISTRIBUTION).inputs["origins"][0]["domainName"] == "eu.spgo.io"
    assert run.one(TRACKING_DOMAIN).inputs["region"] == "eu"


def test_enterprise_origin_and_api_url(pulumi_run):
    api = "https://acme.api.e.sparkpost.com/api/v1"
    run = build(pulumi_run, enterprise_tenant="acme", api_url=api)
    assert run.one(DISTRIBUTION).inputs["origins"][0]["domainName"] == "acme.et.e.sparkpost.com"
    assert run.one(TRACKING_DOMAIN).inputs["api_url"] == api


def test_ipv6_off_no_aaaa(pulumi_run):
    run = build(pulumi_run, dns="route53", dns_zone_id=ZONE, ipv6=False)
    assert run.one(DISTRIBUTION).inputs["isIpv6Enabled"] is False
    assert [r.inputs["type"] for r in run.of_type(RECORD) if r.name.startswith("cf-host")] == ["A"]


def test_preview_with_unknown_outputs(pulumi_run):
    run = build(pulumi_run, preview=True, dns="route53", dns_zone_id=ZONE)
    component = run.result
    assert not run.known(component.cname_target)
    assert run.known(component.domain)
    assert not run.known(component.verified)
    # the validation record's name and value are unknown, yet the record is in the preview
    record = run.named("cf-acm-validation").inputs
    assert run.unknown(record["name"]) and run.unknown(record["records"][0])
    assert run.unknown(run.one(DISTRIBUTION).inputs["viewerCertificate"]["acmCertificateArn"])
    # same graph as an update, although the certificate and distribution outputs are unknown
    assert sorted(run.types) == sorted(build(pulumi_run, dns="route53", dns_zone_id=ZONE).types)


def test_shared_policies_are_reused_not_created(pulumi_run):
    # AWS allows 20 custom cache/origin-request policies per account: many domains must share one.
    run = build(pulumi_run, cache_policy_id="cp-shared", origin_request_policy_id="orp-shared")
    assert CACHE_POLICY not in run.types and REQUEST_POLICY not in run.types
    behavior = run.one(DISTRIBUTION).inputs["defaultCacheBehavior"]
    assert behavior["cachePolicyId"] == "cp-shared" and behavior["originRequestPolicyId"] == "orp-shared"


def test_created_policy_ids_are_outputs_for_sharing(pulumi_run):
    components: list[CloudFrontTrackingDomain] = []
    run = pulumi_run(lambda: components.append(CloudFrontTrackingDomain("cf", {"domain": DOMAIN})))
    # The mocks answer every resource with the id "<name>-id".
    assert run.value(components[0].cache_policy_id) == f"{run.one(CACHE_POLICY).name}-id"
    assert run.value(components[0].origin_request_policy_id) == f"{run.one(REQUEST_POLICY).name}-id"


POLICY_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def test_policy_names_follow_the_component_so_a_replacement_never_collides(pulumi_run):
    import pulumi

    def names(component_name: str) -> list[str]:
        run = pulumi_run(lambda: CloudFrontTrackingDomain(component_name, {"domain": DOMAIN}))
        return [run.one(CACHE_POLICY).inputs["name"], run.one(REQUEST_POLICY).inputs["name"]]

    first, again, renamed = names("cf"), names("cf"), names("cf-renamed")
    assert first == again  # deterministic: an unchanged program plans no change
    # A new URN (a rename without aliases, a new parent) is a replacement: create-before-delete needs new names.
    assert set(first).isdisjoint(renamed)
    assert all(POLICY_NAME.match(name) for name in first + renamed)
    nested = pulumi_run(lambda: CloudFrontTrackingDomain(
        "cf", {"domain": DOMAIN}, pulumi.ResourceOptions(parent=pulumi.ComponentResource("my:app:App", "app"))))
    assert nested.one(CACHE_POLICY).inputs["name"] not in first  # same name, another parent: another URN


def test_acm_takes_at_most_64_characters_in_a_certificate_first_name(pulumi_run, pulumi_run_failing):
    from sparkpost_tracking.components import ComponentArgumentError

    at_limit, over = f"t.{'a' * 50}.example.com", f"t.{'a' * 51}.example.com"
    assert (len(at_limit), len(over)) == (64, 65)
    assert pulumi_run(lambda: CloudFrontTrackingDomain("cf", {"domain": at_limit})).one(CERT).inputs[
        "domainName"] == at_limit
    error, registered = pulumi_run_failing(lambda: CloudFrontTrackingDomain("cf", {"domain": over}))
    assert isinstance(error, ComponentArgumentError) and error.prop == "certificate_arn"
    assert "at most 64" in str(error) and registered == []
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc"
    run = pulumi_run(lambda: CloudFrontTrackingDomain("cf", {"domain": over, "certificate_arn": arn}))
    assert CERT not in run.types and run.one(DISTRIBUTION).inputs["aliases"] == [over]


def test_shared_policies_component(pulumi_run):
    from sparkpost_tracking.components import CloudFrontTrackingPolicies

    run = pulumi_run(lambda: CloudFrontTrackingPolicies("shared-policies", {}))
    component = run.one("sparkpost-tracking:index:CloudFrontTrackingPolicies")
    cache, request = run.one(CACHE_POLICY), run.one(REQUEST_POLICY)
    assert cache.parent == request.parent == component.urn
    assert re.fullmatch(r"sparkpost-shared-[0-9a-f]{10}-cache", cache.inputs["name"])
    assert re.fullmatch(r"sparkpost-shared-[0-9a-f]{10}-origin-request", request.inputs["name"])
    assert run.value(run.result.cache_policy_id) == "shared-policies-cache-policy-id"
    assert run.value(run.result.origin_request_policy_id) == "shared-policies-origin-request-policy-id"


def test_renames_keep_the_distribution_through_aliases(pulumi_run):
    # One alternate domain name cannot sit on two distributions, so a replaced distribution fails to be created.
    # A rename is an alias on the component; the engine carries it to every child whose name starts with the
    # component's name (Pulumi's child-alias rule), which all of them do.
    import pulumi

    run = pulumi_run(lambda: CloudFrontTrackingDomain(
        "cf-new", {"domain": DOMAIN, "dns": "route53", "dns_zone_id": ZONE},
        pulumi.ResourceOptions(aliases=[pulumi.Alias(name="cf")])))
    assert run.one(COMPONENT).alias_names == ["cf"]
    assert all(child.name.startswith("cf-new-") for child in run.children)
    assert run.one(DISTRIBUTION).delete_before_replace is False
