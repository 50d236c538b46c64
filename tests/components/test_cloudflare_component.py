"""CloudflareTrackingDomain under mocks: proxied record, opt-in rules, seed redirect modes, ordering."""

from __future__ import annotations

import pytest

from sparkpost_tracking.components import CloudflareTrackingDomain

DOMAIN = "track.example.com"
ZONE = "0123456789abcdef0123456789abcdef"
RECORD = "cloudflare:index/dnsRecord:DnsRecord"
RULESET = "cloudflare:index/ruleset:Ruleset"
PAGE_RULE = "cloudflare:index/pageRule:PageRule"
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
COMPONENT = "sparkpost-tracking:index:CloudflareTrackingDomain"
MATCH = f'(http.host eq "{DOMAIN}")'


def build(pulumi_run, preview=False, **args):
    return pulumi_run(lambda: CloudflareTrackingDomain("cl", {"domain": DOMAIN, "zone_id": ZONE, **args}),
                      preview=preview)


@pytest.fixture
def default(pulumi_run):
    return build(pulumi_run)


def test_default_is_a_proxied_record_and_nothing_zone_wide(default):
    assert sorted(default.types) == sorted([COMPONENT, RECORD, TRACKING_DOMAIN])
    assert default.one(RECORD).inputs == {
        "zoneId": ZONE, "name": DOMAIN, "type": "CNAME", "content": "spgo.io", "proxied": True, "ttl": 1,
        "comment": "SparkPost tracking domain (proxied to SparkPost)"}


def test_children_parented_and_tracking_domain_waits_for_the_record(default):
    component = default.one(COMPONENT)
    assert all(child.parent == component.urn for child in default.children)
    td = default.one(TRACKING_DOMAIN)
    assert default.one(RECORD).urn in td.explicit_dependencies
    assert td.inputs["secure"] is True and td.inputs["managed_certificate"] is False


def test_outputs(default):
    component = default.result
    assert default.value(component.cname_target) == "spgo.io"
    assert default.value(component.dns_records) == []
    assert default.value(component.domain) == DOMAIN
    assert default.value(component.verified) is True


def test_ssl_mode_rule_is_opt_in_and_scoped_to_the_host(pulumi_run):
    run = build(pulumi_run, ssl_mode_rule=True)
    ruleset = run.one(RULESET)
    assert ruleset.inputs["phase"] == "http_config_settings"
    assert ruleset.inputs["kind"] == "zone" and ruleset.inputs["zoneId"] == ZONE
    assert ruleset.inputs["rules"] == [{
        "action": "set_config", "expression": MATCH, "enabled": True,
        "description": f"SSL/TLS Full towards SparkPost for {DOMAIN}", "actionParameters": {"ssl": "full"}}]
    assert ruleset.urn in run.one(TRACKING_DOMAIN).explicit_dependencies


def test_cache_rule_edge_ttl_10s(pulumi_run):
    run = build(pulumi_run, cache_rule=True)
    ruleset = run.one(RULESET)
    assert ruleset.inputs["phase"] == "http_request_cache_settings"
    [rule] = ruleset.inputs["rules"]
    assert rule["action"] == "set_cache_settings" and rule["expression"] == MATCH
    assert rule["actionParameters"] == {"cache": True, "edgeTtl": {"mode": "override_origin", "default": 10}}


def test_single_redirect_seed_mode(pulumi_run):
    run = build(pulumi_run, redirect_mode="single_redirect")
    ruleset = run.one(RULESET)
    assert ruleset.inputs["phase"] == "http_request_dynamic_redirect"
    [rule] = ruleset.inputs["rules"]
    assert rule["action"] == "redirect" and rule["expression"] == MATCH
    assert rule["actionParameters"] == {"fromValue": {
        "targetUrl": {"expression": 'concat("https://spgo.io", http.request.uri.path)'},
        "statusCode": 301, "preserveQueryString": True}}
    assert PAGE_RULE not in run.types


def test_page_rule_seed_mode(pulumi_run):
    run = build(pulumi_run, redirect_mode="page_rule", region="eu")
    page_rule = run.one(PAGE_RULE)
    assert page_rule.inputs == {"zoneId": ZONE, "target": f"{DOMAIN}/*", "status": "active",
                                "actions": {"forwardingUrl": {"url": "https://eu.spgo.io/$1", "statusCode": 301}}}
    assert RULESET not in run.types
    assert page_rule.urn in run.one(TRACKING_DOMAIN).explicit_dependencies


def test_all_options_make_one_ruleset_per_phase(pulumi_run):
    run = build(pulumi_run, ssl_mode_rule=True, cache_rule=True, redirect_mode="single_redirect")
    phases = sorted(r.inputs["phase"] for r in run.of_type(RULESET))
    assert phases == ["http_config_settings", "http_request_cache_settings", "http_request_dynamic_redirect"]
    assert {r.urn for r in run.of_type(RULESET)} <= run.one(TRACKING_DOMAIN).explicit_dependencies


def test_eu_and_enterprise_origins(pulumi_run):
    assert build(pulumi_run, region="eu").one(RECORD).inputs["content"] == "eu.spgo.io"
    run = build(pulumi_run, enterprise_tenant="acme", api_url="https://acme.api.e.sparkpost.com/api/v1")
    assert run.one(RECORD).inputs["content"] == "acme.et.e.sparkpost.com"
    assert run.one(TRACKING_DOMAIN).inputs["api_url"] == "https://acme.api.e.sparkpost.com/api/v1"


def test_sparkpost_arguments_pass_through(pulumi_run):
    run = build(pulumi_run, subaccount_id=42, make_default=True, verify=True, adopt_existing=True)
    td = run.one(TRACKING_DOMAIN).inputs
    assert (td["subaccount_id"], td["default"], td["verify"], td["adopt_existing"]) == (42, True, True, True)


def test_preview(pulumi_run):
    run = build(pulumi_run, preview=True, ssl_mode_rule=True)
    assert sorted(run.types) == sorted([COMPONENT, RECORD, RULESET, TRACKING_DOMAIN])
    assert run.known(run.result.cname_target)
    assert not run.known(run.result.verified)


def test_zone_id_may_be_an_output(pulumi_run):
    import pulumi

    run = pulumi_run(lambda: CloudflareTrackingDomain("cl", {"domain": DOMAIN,
                                                             "zone_id": pulumi.Output.from_input(ZONE)}))
    assert run.one(RECORD).inputs["zoneId"] == ZONE
