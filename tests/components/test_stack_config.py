"""sparkpost_tracking.stack: stack config → validated plans (no Pulumi engine needed: nothing is registered)."""

from __future__ import annotations

import pytest

from sparkpost_tracking.stack import StackConfigError, StackDefaults, plan_domains, snake_case

CF_ZONE = "0123456789abcdef0123456789abcdef"


def problems(domains, defaults=None) -> list[str]:
    with pytest.raises(StackConfigError) as info:
        plan_domains(domains, defaults or StackDefaults())
    assert isinstance(info.value, ValueError)
    return info.value.problems


def test_snake_case():
    assert [snake_case(k) for k in ("zoneId", "dnsZoneId", "makeDefault", "ipv6", "zone_id", "sslModeRule")] == [
        "zone_id", "dns_zone_id", "make_default", "ipv6", "zone_id", "ssl_mode_rule"]


def test_a_valid_mix_of_cdns():
    plans = plan_domains([
        {"domain": "track.example.com", "cdn": "cloudflare", "makeDefault": True,
         "options": {"zoneId": CF_ZONE, "sslModeRule": True}},
        {"domain": "cf.example.com", "cdn": "cloudfront", "region": "eu", "makeDefault": True,
         "options": {"dns": "route53", "dnsZoneId": "Z1"}},
        {"domain": "fa.example.com", "cdn": "fastly", "subaccountId": 5, "makeDefault": True,
         "options": {"dns": "cloudflare", "dnsZoneId": CF_ZONE}},
        {"domain": "ma.example.com", "cdn": "managed", "name": "managed-one"},
    ], StackDefaults(dns_ttl=600))
    assert [(p.name, p.cdn, p.component.__name__) for p in plans] == [
        ("track-example-com", "cloudflare", "CloudflareTrackingDomain"),
        ("cf-example-com", "cloudfront", "CloudFrontTrackingDomain"),
        ("fa-example-com", "fastly", "FastlyTrackingDomain"),
        ("managed-one", "managed", "ManagedTrackingDomain"),
    ]
    assert plans[0].args == {"domain": "track.example.com", "make_default": True, "zone_id": CF_ZONE,
                             "ssl_mode_rule": True}  # no dns_ttl: Cloudflare takes no DNS arguments
    assert plans[1].args["dns_ttl"] == 600 and plans[1].common.region == "eu"
    assert plans[2].common.subaccount_id == 5


def test_defaults_apply_unless_the_domain_sets_them():
    plans = plan_domains([{"domain": "a.example.com", "cdn": "managed"},
                          {"domain": "b.example.com", "cdn": "managed", "region": "us", "apiUrl": None}],
                         StackDefaults(region="eu", api_url="http://127.0.0.1:9/api/v1", verify=True))
    assert [p.common.region for p in plans] == ["eu", "us"]
    assert plans[0].common.api_url == "http://127.0.0.1:9/api/v1"


@pytest.mark.parametrize("domains", [None, [], {"domain": "a.example.com"}, "a.example.com"])
def test_domains_must_be_a_non_empty_list(domains):
    [problem] = problems(domains)
    assert problem.startswith("sparkpost-tracking:domains: must be a non-empty list")


def test_unknown_and_missing_cdn():
    found = problems([{"domain": "a.example.com", "cdn": "cloudfrnt"}, {"domain": "b.example.com"},
                      "not an object"])
    assert found == [
        "sparkpost-tracking:domains[0].cdn: is not a known CDN: 'cloudfrnt'. Did you mean 'cloudfront'? "
        "Use one of cloudflare, cloudfront, fastly, managed",
        "sparkpost-tracking:domains[1].cdn: is required Use one of cloudflare, cloudfront, fastly, managed",
        "sparkpost-tracking:domains[2]: must be an object with at least domain and cdn, got 'not an object'",
    ]


def test_component_errors_carry_the_config_path():
    found = problems([{"domain": "a.example.com", "cdn": "managed", "region": "useast"},
                      {"domain": "b.example.com", "cdn": "cloudflare", "options": {"zone": CF_ZONE}},
                      {"domain": "c.example.com", "cdn": "cloudfront", "options": {"dns": "route53"}}])
    assert found[0].startswith("sparkpost-tracking:domains[0].region: must be one of 'us', 'eu', got 'useast'")
    assert found[1].startswith("sparkpost-tracking:domains[1].options.zone: is not an argument of "
                               "CloudflareTrackingDomain. Did you mean 'zoneId'?")
    assert found[2].startswith("sparkpost-tracking:domains[2].dnsZoneId: is required")  # absent: no options. part


def test_messages_use_the_users_own_spelling():
    [typo, region] = problems([{"domain": "a.example.com", "cdn": "managed", "makeDefualt": True},
                               {"domain": "b.example.com", "cdn": "managed", "region": "eu-west"}])
    assert typo.startswith("sparkpost-tracking:domains[0].makeDefualt: is not an argument of ManagedTrackingDomain. "
                           "Did you mean 'makeDefault'? Known: adoptExisting, apiUrl, dns, dnsTtl, dnsZoneId, ")
    assert "make_default" not in typo
    # A different word is no typo: no hint at all rather than a wrong one.
    assert region == ("sparkpost-tracking:domains[1].region: must be one of 'us', 'eu', got 'eu-west'. "
                      "(use apiUrl for an Enterprise tenant)")
    [snake] = problems([{"domain": "a.example.com", "cdn": "managed", "make_defualt": True}])
    assert snake.startswith("sparkpost-tracking:domains[0].make_defualt: is not an argument of "
                            "ManagedTrackingDomain. Did you mean 'make_default'? Known: adopt_existing, ")


def test_option_given_twice():
    [problem] = problems([{"domain": "a.example.com", "cdn": "managed", "region": "us", "options": {"region": "eu"}}])
    assert problem == "sparkpost-tracking:domains[0]: 'region' is given both at top level and under options"


def test_duplicate_domains_and_names():
    found = problems([{"domain": "a.example.com", "cdn": "managed"}, {"domain": "A.example.com.", "cdn": "managed"},
                      {"domain": "b.example.com", "cdn": "managed", "name": "x"},
                      {"domain": "c.example.com", "cdn": "managed", "name": "x"}])
    assert ("sparkpost-tracking:domains[0], sparkpost-tracking:domains[1]: domain 'a.example.com' is declared "
            "more than once") in found
    assert ("sparkpost-tracking:domains[2], sparkpost-tracking:domains[3]: resource name 'x' is used more than "
            "once (set a distinct 'name')") in found


def test_one_default_per_account_and_subaccount():
    ok = [{"domain": "a.example.com", "cdn": "managed", "makeDefault": True},
          {"domain": "b.example.com", "cdn": "managed", "makeDefault": True, "region": "eu"},
          {"domain": "c.example.com", "cdn": "managed", "makeDefault": True, "subaccountId": 3}]
    assert len(plan_domains(ok)) == 3
    [problem] = problems([*ok, {"domain": "d.example.com", "cdn": "managed", "makeDefault": True,
                                "apiUrl": "https://api.sparkpost.com/api/v1/"}])
    assert problem.startswith("sparkpost-tracking:domains[0], sparkpost-tracking:domains[3]: makeDefault is set "
                              "on more than one domain of one SparkPost account (https://api.sparkpost.com/api/v1, "
                              "primary account)")


def test_one_cloudflare_ruleset_per_zone_and_phase():
    def cf(domain, zone=CF_ZONE, **options):
        return {"domain": domain, "cdn": "cloudflare", "options": {"zoneId": zone, **options}}

    assert len(plan_domains([cf("a.example.com", sslModeRule=True), cf("b.example.com"),
                             cf("c.example.org", zone="f" * 32, sslModeRule=True)])) == 3
    found = problems([cf("a.example.com", sslModeRule=True, cacheRule=True),
                      cf("b.example.com", sslModeRule=True, redirectMode="single_redirect"),
                      cf("c.example.com", redirectMode="single_redirect")])
    assert sorted(found) == sorted([
        f"sparkpost-tracking:domains[0], sparkpost-tracking:domains[1]: the entry-point ruleset of phase "
        f"'http_config_settings' in Cloudflare zone '{CF_ZONE}' can be created for one domain only "
        f"(opt in on one of them)",
        f"sparkpost-tracking:domains[1], sparkpost-tracking:domains[2]: the entry-point ruleset of phase "
        f"'http_request_dynamic_redirect' in Cloudflare zone '{CF_ZONE}' can be created for one domain only "
        f"(opt in on one of them)",
    ])


def test_new_component_arguments_are_read_in_camel_case():
    [cloudflare, fastly] = plan_domains([
        {"domain": "track.example.com", "cdn": "cloudflare",
         "options": {"zoneId": CF_ZONE, "hostRecord": "adopt", "hostRecordId": "a" * 32, "zoneChecks": False}},
        {"domain": "fa.example.com", "cdn": "fastly",
         "options": {"tlsConfigurationId": "cfg1", "hostRecord": "update", "dns": "route53", "dnsZoneId": "Z1"}},
    ])
    assert {k: cloudflare.args[k] for k in ("host_record", "host_record_id", "zone_checks")} == {
        "host_record": "adopt", "host_record_id": "a" * 32, "zone_checks": False}
    assert fastly.args["tls_configuration_id"] == "cfg1" and fastly.args["host_record"] == "update"


def test_aliases_are_former_names():
    [plan] = plan_domains([{"domain": "a.example.com", "cdn": "managed", "name": "new", "aliases": ["old"]}])
    assert plan.aliases == ("old",) and "aliases" not in plan.args
    assert problems([{"domain": "a.example.com", "cdn": "managed", "aliases": "old"}]) == [
        "sparkpost-tracking:domains[0].aliases: must be a list of former resource names, e.g. [track-example-com], "
        "got 'old'"]
    assert problems([{"domain": "a.example.com", "cdn": "managed", "name": "x", "aliases": ["x"]}]) == [
        "sparkpost-tracking:domains[0].aliases: 'x' is the current name; list only former names"]


def test_cloudfront_policy_groups_of_at_most_100_distributions():
    from sparkpost_tracking.stack import DISTRIBUTIONS_PER_POLICY, cloudfront_policy_groups

    entries = [{"domain": f"t{i}.example.com", "cdn": "cloudfront"} for i in range(202)]
    entries[5]["options"] = {"cachePolicyId": "cp", "originRequestPolicyId": "orp"}  # brings its own pair
    entries[6]["options"] = {"cachePolicyId": "cp"}  # needs only the shared origin request policy
    entries.append({"domain": "m.example.com", "cdn": "managed"})
    groups = cloudfront_policy_groups(plan_domains(entries))
    assert DISTRIBUTIONS_PER_POLICY == 100
    assert [len(g) for g in groups] == [100, 100, 1]  # 202 CloudFront domains, one with its own pair
    assert "t5.example.com" not in {p.common.domain for g in groups for p in g}
    assert "t6.example.com" in {p.common.domain for p in groups[0]}


def test_sending_domains_are_passed_as_names_with_their_declared_subaccount() -> None:
    [plan] = plan_domains([{"domain": "click.brand-a.com", "cdn": "managed", "subaccountId": 5,
                            "sendingDomains": ["brand-a.com", {"domain": "Mail.Brand-A.com", "subaccountId": 5}]}])
    assert plan.args["sending_domains"] == ["brand-a.com", "Mail.Brand-A.com"]
    assert plan.common.sending_domains == ("brand-a.com", "mail.brand-a.com")
    assert plan.sending_scopes == (("brand-a.com", None), ("mail.brand-a.com", 5))


def test_a_sending_domain_under_two_tracking_domains_is_refused() -> None:
    found = problems([
        {"domain": "click.brand-a.com", "cdn": "managed", "sendingDomains": ["brand-a.com", "shared.com"]},
        {"domain": "click.brand-b.com", "cdn": "managed", "sendingDomains": ["Shared.com"]},
    ])
    assert found == ["sparkpost-tracking:domains[0], sparkpost-tracking:domains[1]: sending domain 'shared.com' "
                        "is listed under more than one tracking domain; a sending domain uses one tracking domain"]


def test_the_same_name_in_another_sparkpost_account_is_another_sending_domain() -> None:
    assert len(plan_domains([
        {"domain": "click.brand-a.com", "cdn": "managed", "sendingDomains": ["shared.com"]},
        {"domain": "click.brand-b.com", "cdn": "managed", "region": "eu", "sendingDomains": ["shared.com"]},
    ])) == 2


def test_a_sending_domain_in_another_subaccount_is_refused() -> None:
    found = problems([
        {"domain": "click.brand-a.com", "cdn": "managed", "subaccountId": 3,
         "sendingDomains": [{"domain": "brand-a.com", "subaccountId": 4}]},
        {"domain": "click.brand-b.com", "cdn": "managed",
         "sendingDomains": [{"domain": "brand-b.com", "subaccountId": 4}, {"domain": "brand-c.com"}]},
    ])
    assert found == [
        "sparkpost-tracking:domains[0].sendingDomains: 'brand-a.com' is in subaccount 4 but tracking domain "
        "'click.brand-a.com' is in subaccount 3; SparkPost associates domains of the same account or subaccount only",
        "sparkpost-tracking:domains[1].sendingDomains: 'brand-b.com' is in subaccount 4 but tracking domain "
        "'click.brand-b.com' is in the primary account; SparkPost associates domains of the same account or "
        "subaccount only"]


def test_a_malformed_sending_domain_entry_is_named() -> None:
    found = problems([{"domain": "click.brand-a.com", "cdn": "managed",
                                 "sendingDomains": [{"name": "brand-a.com"}]}])
    assert found == ["sparkpost-tracking:domains[0].sendingDomains[0]: must be a domain name or "
                        "{domain, subaccountId}, got {'name': 'brand-a.com'}"]
