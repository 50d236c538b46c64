"""Bad component arguments are refused before anything is registered, with the argument named."""

from __future__ import annotations

import pulumi
import pytest

from sparkpost_tracking import components
from sparkpost_tracking.components import ComponentArgumentError
from sparkpost_tracking.dynamic_providers import InvalidInput

DOMAIN = "track.example.com"
CF_ZONE = "0123456789abcdef0123456789abcdef"
R53_ZONE = "Z0123456789ABCDEFGHIJ"
BASE = {
    "CloudflareTrackingDomain": {"domain": DOMAIN, "zone_id": CF_ZONE},
    "CloudFrontTrackingDomain": {"domain": DOMAIN},
    "FastlyTrackingDomain": {"domain": DOMAIN},
    "ManagedTrackingDomain": {"domain": DOMAIN},
}
DNS_COMPONENTS = ["CloudFrontTrackingDomain", "FastlyTrackingDomain", "ManagedTrackingDomain"]

# (components, changes to the valid base args, the argument the error must name, text of the reason)
CASES = [
    (list(BASE), {"domain": None}, "domain", "is required"),
    (list(BASE), {"domain": "example.com"}, "domain", "apex"),
    (list(BASE), {"domain": "track_1.example.com"}, "domain", "underscores"),
    (list(BASE), {"domain": "https://track.example.com/"}, "domain", "bare hostname"),
    (list(BASE), {"region": "usa"}, "region", "Did you mean 'us'"),
    (list(BASE), {"subaccount_id": 0}, "subaccount_id", "between 1 and"),
    (list(BASE), {"verify": "yes"}, "verify", "boolean"),
    (list(BASE)[:3], {"make_default": True, "verify": False}, "make_default", "needs verify"),
    (list(BASE), {"api_url": "http://api.example.com/api/v1"}, "api_url", "must use https"),
    (list(BASE), {"api_url": "https://api.sparkpost.com"}, "api_url", "/api/v1"),
    (list(BASE), {"enterprise_tenant": "acme"}, "api_url", "is required with enterprise_tenant"),
    (list(BASE), {"enterprise_tenant": "a.b", "api_url": "https://a.api.e.sparkpost.com/api/v1"},
     "enterprise_tenant", "one DNS label"),
    (list(BASE), {"adopt_exisiting": True}, "adopt_exisiting", "Did you mean 'adopt_existing'"),
    (list(BASE), {"domain": pulumi.Output.from_input(DOMAIN)}, "domain", "not an Output"),
    (DNS_COMPONENTS, {"dns": "route54"}, "dns", "Did you mean 'route53'"),
    (DNS_COMPONENTS, {"dns": "route53"}, "dns_zone_id", "is required"),
    (DNS_COMPONENTS, {"dns": "cloudflare", "dns_zone_id": ""}, "dns_zone_id", "non-empty"),
    (DNS_COMPONENTS, {"dns_zone_id": R53_ZONE}, "dns", "'manual'"),
    (DNS_COMPONENTS, {"dns": "route53", "dns_zone_id": R53_ZONE, "dns_ttl": 5}, "dns_ttl", "60 to 86400"),
    (["CloudflareTrackingDomain"], {"zone_id": None}, "zone_id", "is required"),
    (["CloudflareTrackingDomain"], {"zone": CF_ZONE}, "zone", "Did you mean 'zone_id'"),
    (["CloudflareTrackingDomain"], {"dns": "route53"}, "dns", "not an argument of CloudflareTrackingDomain"),
    (["CloudflareTrackingDomain"], {"ssl_mode_rule": "yes"}, "ssl_mode_rule", "boolean"),
    (["CloudflareTrackingDomain"], {"redirect_mode": "301"}, "redirect_mode", "'single_redirect'"),
    (["CloudFrontTrackingDomain"], {"certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/ab-12"},
     "certificate_arn", "'us-east-1' only"),
    (["CloudFrontTrackingDomain"], {"certificate_arn": "my-cert"}, "certificate_arn", "ACM certificate ARN"),
    (["CloudFrontTrackingDomain"], {"price_class": "PriceClass_50"}, "price_class", "PriceClass_100"),
    (["FastlyTrackingDomain"], {"certificate_authority": "letsencrypt"}, "certificate_authority",
     "Did you mean 'lets-encrypt'"),
    (["FastlyTrackingDomain"], {"fastly_cname_target": "fastly"}, "fastly_cname_target", "no dot"),
    (["ManagedTrackingDomain"], {"enterprise_tenant": "acme", "api_url": "https://acme.api.e.sparkpost.com/api/v1"},
     "enterprise_tenant", "no managed HTTPS"),
    (["ManagedTrackingDomain"], {"verify": False}, "verify", "managed_certificate"),
    (list(BASE), {"host_record": "replace"}, "host_record", "'adopt'"),
    (DNS_COMPONENTS, {"dns": "route53", "dns_zone_id": R53_ZONE, "host_record": "adopt",
                      "host_record_id": "0" * 32}, "host_record_id", "Cloudflare zones only"),
    (DNS_COMPONENTS, {"dns": "cloudflare", "dns_zone_id": CF_ZONE, "host_record": "adopt"},
     "host_record_id", "is required with host_record 'adopt'"),
    (["CloudflareTrackingDomain"], {"host_record": "adopt"}, "host_record_id", "is required"),
    (["CloudflareTrackingDomain"], {"host_record": "adopt", "host_record_id": "rec-1"}, "host_record_id",
     "32 hex characters"),
    (["CloudflareTrackingDomain"], {"host_record_id": "0" * 32}, "host_record_id", "host_record is 'create'"),
    (["CloudflareTrackingDomain"], {"host_record": "adopt", "host_record_id": "0" * 32,
                                    "zone_id": pulumi.Output.from_input(CF_ZONE)}, "host_record", "plain string"),
    (DNS_COMPONENTS, {"dns": "route53", "dns_zone_id": pulumi.Output.from_input(R53_ZONE),
                      "host_record": "adopt"}, "host_record", "plain string"),
    (["CloudflareTrackingDomain"], {"zone_checks": "no"}, "zone_checks", "boolean"),
    (["FastlyTrackingDomain"], {"tls_configuration_id": " x"}, "tls_configuration_id", "without spaces"),
]
PARAMS = [pytest.param(cls, change, arg, reason, id=f"{cls}-{arg}-{reason[:20]}")
          for classes, change, arg, reason in CASES for cls in classes]


def args_with(cls_name: str, change: dict) -> dict:
    args = {**BASE[cls_name], **change}
    return {k: v for k, v in args.items() if v is not None}


@pytest.mark.parametrize(("cls_name", "change", "arg", "reason"), PARAMS)
def test_bad_argument_is_named_and_nothing_is_registered(pulumi_run_failing, cls_name, change, arg, reason):
    cls = getattr(components, cls_name)
    error, registered = pulumi_run_failing(lambda: cls("bad", args_with(cls_name, change)))
    assert isinstance(error, ComponentArgumentError), repr(error)
    assert isinstance(error, ValueError) and isinstance(error, InvalidInput)
    assert str(error).startswith(f"{cls_name} 'bad': {arg}: "), str(error)
    assert reason in str(error)
    assert error.prop == arg
    assert registered == []


@pytest.mark.parametrize("cls_name", list(BASE))
def test_validate_alone_registers_nothing_and_accepts_good_args(cls_name):
    cls = getattr(components, cls_name)
    common, _ = cls.validate("ok", {**BASE[cls_name], "domain": "Track.Example.COM."})
    assert common.domain == DOMAIN
    assert common.region == "us" and common.sparkpost["verify"] is True and common.make_default is False


@pytest.mark.parametrize("bad", [None, ["domain"], "track.example.com"])
def test_args_must_be_a_dict(bad):
    with pytest.raises(ComponentArgumentError, match="ManagedTrackingDomain 'x': args: must be a dict"):
        components.ManagedTrackingDomain.validate("x", bad)


def test_several_sparkpost_failures_are_reported_together():
    with pytest.raises(ComponentArgumentError) as info:
        components.ManagedTrackingDomain.validate("x", {"domain": "example.com", "region": "mars"})
    assert str(info.value).startswith("ManagedTrackingDomain 'x': domain: ")
    assert "; also region: " in str(info.value)


def test_public_names_resolve_lazily_to_their_modules():
    assert sorted(components.__all__) == sorted(components._EXPORTS)
    for name in components.__all__:
        assert getattr(components, name).__module__ == f"sparkpost_tracking.components.{components._EXPORTS[name]}"
    with pytest.raises(AttributeError):
        _ = components.AkamaiTrackingDomain
    args_type = components.CloudflareTrackingDomain.__init__.__annotations__["args"]
    assert args_type is components.CloudflareTrackingDomainArgs


def test_pulumi_schema_analyzer_accepts_every_component():
    """Ready for cross-language hosting: tokens, TypedDict inputs (camelCase, required/optional) and outputs."""
    from pulumi.provider.experimental.analyzer import Analyzer

    classes = [getattr(components, name) for name in [*BASE, "CloudFrontTrackingPolicies"]]
    result = Analyzer("sparkpost-tracking").analyze(classes)
    definitions = result["component_definitions"]
    policies = definitions.pop("CloudFrontTrackingPolicies")
    assert sorted(policies.outputs) == ["cachePolicyId", "originRequestPolicyId"]
    assert sorted(definitions) == sorted(BASE)
    extra = {"CloudFrontTrackingDomain": ["cachePolicyId", "originRequestPolicyId"]}
    for name, definition in definitions.items():
        assert sorted(definition.outputs) == sorted(["cnameTarget", "dnsRecords", "domain", "verified",
                                                     "certificateIssuedAt", "certificateExpiresAt", "certificateError",
                                                     *extra.get(name, [])])
        assert not definition.inputs["domain"].optional
        assert definition.inputs["makeDefault"].optional
        assert definition.inputs["hostRecord"].optional and definition.inputs["hostRecordId"].optional
    assert not definitions["CloudflareTrackingDomain"].inputs["zoneId"].optional
    assert definitions["CloudflareTrackingDomain"].inputs["zoneChecks"].optional
    assert "dnsZoneId" in definitions["FastlyTrackingDomain"].inputs
    assert "tlsConfigurationId" in definitions["FastlyTrackingDomain"].inputs
