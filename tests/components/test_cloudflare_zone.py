"""The Cloudflare zone checks: the pure rules (``zone_problems``), then the component reading the zone under mocks
and failing before any Cloudflare resource is registered when the chain would break."""

from __future__ import annotations

import logging

import pytest

from sparkpost_tracking.components import CloudflareTrackingDomain, ComponentArgumentError
from sparkpost_tracking.components.cloudflare import ruleset_identity
from sparkpost_tracking.components.cloudflare_zone import (
    Expectations,
    Ruleset,
    ZoneFacts,
    levels_below,
    plan_min_edge_ttl,
    zone_problems,
)
from tests.components.cloud_answers import (
    GET_CERTIFICATE_PACKS,
    GET_RULESETS,
    GET_TOTAL_TLS,
    GET_ZONE,
    GET_ZONE_SETTING,
    INVOKE_ANSWERS,
)

ZONE_ID = "0123456789abcdef0123456789abcdef"
DOMAIN = "track.example.com"
DEEP = "click.email.example.com"
RECORD = "cloudflare:index/dnsRecord:DnsRecord"
RULESET = "cloudflare:index/ruleset:Ruleset"
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
FULL = ZoneFacts(name="example.com", setup="full", plan="business", ssl_mode="full")


def facts(**changes) -> ZoneFacts:
    return ZoneFacts(**{**FULL.__dict__, **changes})


def problems(zone: ZoneFacts, **want) -> tuple[list[str], list[str]]:
    return zone_problems(zone, Expectations(**{"domain": DOMAIN, **want}))


# ---- the rules -------------------------------------------------------------------------------------------

def test_a_healthy_zone_has_no_problem():
    assert problems(FULL) == ([], [])
    assert problems(facts(name=None, setup=None, plan=None, ssl_mode=None)) == ([], [])  # nothing read


@pytest.mark.parametrize("mode", ["strict", "origin_pull"])
def test_strict_modes_would_answer_every_click_with_526(mode):
    [failure], [] = problems(facts(ssl_mode=mode))
    assert "526" in failure and "ssl_mode_rule" in failure and "'Full'" in failure


def test_off_and_flexible():
    [failure], [] = problems(facts(ssl_mode="off"))
    assert "no HTTPS" in failure
    [], [warning] = problems(facts(ssl_mode="flexible"))
    assert "plain HTTP" in warning


def test_a_host_rule_makes_the_zone_mode_irrelevant():
    assert problems(facts(ssl_mode="strict"), ssl_rule=True) == ([], [])
    assert problems(facts(ssl_mode="flexible"), ssl_rule=True) == ([], [])


def test_levels_below():
    assert levels_below("track.example.com", "example.com") == 1
    assert levels_below("click.email.example.com", "example.com") == 2
    assert levels_below("track.example.com", "other.com") is None
    assert levels_below("track.notexample.com", "example.com") is None
    assert levels_below("example.com", "example.com") is None


def test_universal_ssl_covers_one_level_only():
    [failure], [] = problems(FULL, domain=DEEP)
    assert "2 levels below zone 'example.com'" in failure
    assert "Total TLS" in failure and "Advanced Certificate Manager" in failure
    assert "click.example.com" in failure  # the one-level alternative


@pytest.mark.parametrize("cover", [
    {"total_tls": True},
    {"certificate_hosts": (DEEP,)},
    {"certificate_hosts": ("*.email.example.com",)},
    {"setup": "partial"},  # a CNAME-setup zone gets a Universal certificate per proxied host
])
def test_a_deep_host_is_fine_when_a_certificate_covers_it(cover):
    assert problems(facts(**cover), domain=DEEP) == ([], [])


def test_a_wildcard_of_the_zone_does_not_cover_a_deep_host():
    [failure], [] = problems(facts(certificate_hosts=("*.example.com", "example.com")), domain=DEEP)
    assert "Total TLS" in failure


def test_a_host_outside_the_zone():
    [failure], [] = problems(facts(name="example.org"))
    assert "not inside zone 'example.org'" in failure


@pytest.mark.parametrize(("plan", "minimum"), [("free", 7200), ("pro", 3600), ("partners_pro", 3600),
                                               ("business", 1), ("enterprise", 1), ("mystery", None)])
def test_plan_minimum_edge_ttl(plan, minimum):
    assert plan_min_edge_ttl(plan) == minimum


@pytest.mark.parametrize("plan", ["free", "pro"])
def test_a_10s_cache_rule_needs_business_or_enterprise(plan):
    [failure], [] = problems(facts(plan=plan), cache_ttl=10)
    assert "cache_rule" in failure and f"({plan})" in failure
    assert problems(facts(plan="business"), cache_ttl=10) == ([], [])
    assert problems(facts(plan="free")) == ([], [])  # no cache rule, no limit


def test_one_entry_point_ruleset_per_phase():
    ours = ruleset_identity("http_config_settings", DOMAIN)
    want = {"http_config_settings": ours}
    foreign = Ruleset("rs-1", "http_config_settings", "zone", "default", "")
    [failure], [] = problems(facts(rulesets=(foreign,)), ssl_rule=True, rulesets=want)
    assert "rs-1" in failure and "ssl_mode_rule" in failure
    mine = Ruleset("rs-2", "http_config_settings", "zone", ours.name, ours.description)
    managed = Ruleset("rs-3", "http_config_settings", "managed", "Cloudflare managed", "")
    other_phase = Ruleset("rs-4", "http_request_cache_settings", "zone", "cache", "")
    assert problems(facts(rulesets=(mine, managed, other_phase)), ssl_rule=True, rulesets=want) == ([], [])


# ---- the component ---------------------------------------------------------------------------------------

def build(pulumi_run, *, invokes=None, preview=False, **args):
    return pulumi_run(lambda: CloudflareTrackingDomain("cl", {"domain": DOMAIN, "zone_id": ZONE_ID, **args}),
                      invokes=invokes, preview=preview)


def failing(pulumi_run_failing, *, invokes=None, preview=False, **args):
    error, registered = pulumi_run_failing(
        lambda: CloudflareTrackingDomain("cl", {"domain": DOMAIN, "zone_id": ZONE_ID, **args}),
        invokes=invokes, preview=preview)
    # The SDK wraps an error raised while resolving an input in the resources that waited for it; the CLI
    # prints the whole chain, ending with this message.
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ComponentArgumentError):
        cause = cause.__cause__ or cause.__context__
    assert isinstance(cause, ComponentArgumentError), repr(error)
    assert cause.prop == "zone_id" and str(cause) in str(error)
    assert [r.type for r in registered if r.custom] == []  # no record, rule or SparkPost domain
    return str(cause)


def ssl(mode: str) -> dict:
    return {GET_ZONE_SETTING: {**INVOKE_ANSWERS[GET_ZONE_SETTING], "value": mode}}


def test_the_default_reads_the_zone_and_its_ssl_mode(pulumi_run):
    run = build(pulumi_run)
    assert run.invokes == [(GET_ZONE, {"zoneId": ZONE_ID}),
                           (GET_ZONE_SETTING, {"zoneId": ZONE_ID, "settingId": "ssl"})]
    assert run.one(RECORD).inputs["zoneId"] == ZONE_ID


@pytest.mark.parametrize("preview", [False, True])
def test_full_strict_fails_before_anything_is_created(pulumi_run_failing, preview):
    message = failing(pulumi_run_failing, invokes=ssl("strict"), preview=preview)
    assert message.startswith("CloudflareTrackingDomain 'cl': zone_id: zone example.com would break the chain")
    assert "526" in message


def test_flexible_is_a_warning(pulumi_run, caplog):
    with caplog.at_level(logging.WARNING):
        run = build(pulumi_run, invokes=ssl("flexible"))
    assert run.one(TRACKING_DOMAIN)
    assert any("'Flexible'" in r.getMessage() and "plain HTTP" in r.getMessage() for r in caplog.records)


def test_ssl_mode_rule_skips_the_mode_but_checks_the_phase(pulumi_run, pulumi_run_failing):
    run = build(pulumi_run, invokes=ssl("strict"), ssl_mode_rule=True)
    assert [token for token, _ in run.invokes] == [GET_ZONE, GET_RULESETS]
    ruleset, record = run.one(RULESET), run.one(RECORD)
    assert ruleset.urn in record.explicit_dependencies  # the host's SSL mode is set before traffic arrives
    foreign = {GET_RULESETS: {"rulesets": [{"id": "rs-9", "kind": "zone", "phase": "http_config_settings",
                                            "name": "zone config", "description": "by hand"}]}}
    assert "rs-9" in failing(pulumi_run_failing, invokes=foreign, ssl_mode_rule=True)
    ours = ruleset.inputs
    again = {GET_RULESETS: {"rulesets": [{"id": "rs-1", "kind": "zone", "phase": "http_config_settings",
                                          "name": ours["name"], "description": ours["description"]}]}}
    assert build(pulumi_run, invokes=again, ssl_mode_rule=True).one(RULESET)  # a later run meets its own


def test_a_deep_host_needs_its_own_certificate(pulumi_run, pulumi_run_failing):
    message = failing(pulumi_run_failing, domain=DEEP)
    assert "Total TLS" in message
    run = build(pulumi_run, domain=DEEP, invokes={GET_TOTAL_TLS: {"enabled": True}})
    assert {GET_TOTAL_TLS, GET_CERTIFICATE_PACKS} <= {token for token, _ in run.invokes}
    packs = {GET_CERTIFICATE_PACKS: {"results": [{"id": "p1", "status": "active", "type": "advanced",
                                                  "hosts": ["example.com", "*.email.example.com"]}]}}
    assert build(pulumi_run, domain=DEEP, invokes=packs).one(RECORD).inputs["name"] == DEEP
    pending = {GET_CERTIFICATE_PACKS: {"results": [{"id": "p1", "status": "pending_validation",
                                                    "type": "advanced", "hosts": [DEEP]}]}}
    failing(pulumi_run_failing, domain=DEEP, invokes=pending)


def test_a_one_level_host_does_not_look_for_certificates(pulumi_run):
    assert GET_TOTAL_TLS not in {token for token, _ in build(pulumi_run).invokes}


def test_cache_rule_on_a_free_zone(pulumi_run_failing):
    free = {GET_ZONE: {**INVOKE_ANSWERS[GET_ZONE], "plan": {"legacyId": "free"}}}
    assert "no less than 7200 s" in failing(pulumi_run_failing, invokes=free, cache_rule=True)


def test_the_wrong_zone(pulumi_run_failing):
    other = {GET_ZONE: {**INVOKE_ANSWERS[GET_ZONE], "name": "example.org"}}
    assert "not inside zone 'example.org'" in failing(pulumi_run_failing, invokes=other)


def test_zone_checks_off_reads_nothing(pulumi_run):
    run = build(pulumi_run, invokes=ssl("strict"), zone_checks=False)
    assert run.invokes == [] and run.one(RECORD).inputs["zoneId"] == ZONE_ID


def test_the_reads_follow_a_zone_id_output(pulumi_run):
    import pulumi

    run = pulumi_run(lambda: CloudflareTrackingDomain(
        "cl", {"domain": DOMAIN, "zone_id": pulumi.Output.from_input(ZONE_ID)}))
    assert (GET_ZONE, {"zoneId": ZONE_ID}) in run.invokes
    assert run.one(RECORD).inputs["zoneId"] == ZONE_ID
