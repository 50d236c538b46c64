"""SendingIdentity under mocks: the sending domain, its DKIM TXT record as each DNS strategy's provider takes it (and
as it then resolves), the bounce domain and its CNAME, and the association with the tracking domain."""

from __future__ import annotations

from typing import Any

import pytest

from sparkpost_tracking.check.dns_step import resolver_for
from sparkpost_tracking.components import ComponentArgumentError, SendingIdentity
from sparkpost_tracking.components.dns import cloudflare_txt, route53_txt
from sparkpost_tracking.dynamic_providers.dkim import MAX_TXT_STRING, join_txt, key_problem, split_txt, unquote_txt
from tests.check.fake_dns import FakeDns
from tests.components.conftest import DKIM_PUBLIC_KEY, DKIM_SELECTOR, SENDING_DOMAIN

DOMAIN = "brand-a.com"
DKIM_NAME = f"{DKIM_SELECTOR}._domainkey.{DOMAIN}"
DKIM_VALUE = "v=DKIM1; k=rsa; h=sha256; p=" + DKIM_PUBLIC_KEY
ROUTE53_RECORD = "aws:route53/record:Record"
CLOUDFLARE_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
ASSOCIATION = "pulumi-python:dynamic/sparkpost:TrackingDomainAssociation"
COMPONENT = "sparkpost-tracking:index:SendingIdentity"
ZONE_ID, CLOUDFLARE_ZONE = "Z0123456789ABCDEFGHIJ", "0123456789abcdef0123456789abcdef"


def build(pulumi_run: Any, preview: bool = False, **args: Any) -> Any:
    return pulumi_run(lambda: SendingIdentity("brand-a", {"domain": DOMAIN, **args}), preview=preview)


def resolved(zone_text: str, name: str = DKIM_NAME) -> str:
    """The value a resolver reads when the loopback DNS serves ``zone_text`` (zone-file form) at ``name``."""
    with FakeDns({name: [("TXT", zone_text)]}) as server:
        host, port = server.address.split(":")
        answer = resolver_for((host, int(port)), 3).resolve(name, "TXT", search=False)
    [record] = list(answer)
    assert all(len(s) <= MAX_TXT_STRING for s in record.strings)
    return join_txt(record.strings)


# ---- the provider forms, as pure functions ----------------------------------------------------------------------

def test_route53_form_joins_strings_of_at_most_255_with_two_quotes() -> None:
    form = route53_txt(DKIM_VALUE)
    parts = form.split('""')
    assert parts == split_txt(DKIM_VALUE) and len(parts) == 2 and all(len(p) <= 255 for p in parts)
    assert route53_txt("short") == "short"  # one string: the provider's own quotes are enough


def test_cloudflare_form_is_quoted_strings_separated_by_a_space() -> None:
    form = cloudflare_txt(DKIM_VALUE)
    assert form == '"' + DKIM_VALUE[:255] + '" "' + DKIM_VALUE[255:] + '"'
    assert unquote_txt(form) == DKIM_VALUE


# ---- Route 53 ------------------------------------------------------------------------------------------------------

def test_route53_publishes_the_dkim_txt_as_registered_and_it_resolves_to_the_key(pulumi_run: Any) -> None:
    run = build(pulumi_run, dns="route53", dns_zone_id=ZONE_ID)
    component = run.one(COMPONENT)
    sending = run.one(SENDING_DOMAIN)
    assert sending.inputs["domain"] == DOMAIN and sending.protect and sending.parent == component.urn
    [txt] = [r for r in run.of_type(ROUTE53_RECORD) if r.inputs["type"] == "TXT"]
    assert txt.inputs["name"] == DKIM_NAME and txt.inputs["zoneId"] == ZONE_ID and txt.inputs["ttl"] == 3600
    assert txt.protect and txt.parent == component.urn and "allowOverwrite" not in txt.inputs
    [registered] = txt.inputs["records"]
    assert registered == route53_txt(DKIM_VALUE)
    # pulumi-aws puts each item of records in double quotes; Route 53 then serves "..." "...".
    value = resolved(f'"{registered}"')
    assert value == DKIM_VALUE and key_problem(value, DKIM_PUBLIC_KEY) is None
    assert run.value(run.result.dns_records) == []


def test_route53_bounce_domain_and_its_cname(pulumi_run: Any) -> None:
    run = build(pulumi_run, dns="route53", dns_zone_id=ZONE_ID, bounce_subdomain="bounce", region="eu")
    domains = sorted(r.inputs["domain"] for r in run.of_type(SENDING_DOMAIN))
    assert domains == ["bounce.brand-a.com", DOMAIN]
    [cname] = [r for r in run.of_type(ROUTE53_RECORD) if r.inputs["type"] == "CNAME"]
    assert cname.inputs["name"] == "bounce.brand-a.com" and cname.inputs["records"] == ["eu.sparkpostmail.com"]
    assert cname.protect and "allowOverwrite" not in cname.inputs  # never overwrites someone else's record
    assert all(r.inputs["region"] == "eu" for r in run.of_type(SENDING_DOMAIN))


def test_in_preview_the_txt_record_is_planned_with_an_unknown_value(pulumi_run: Any) -> None:
    run = build(pulumi_run, preview=True, dns="route53", dns_zone_id=ZONE_ID)
    [txt] = run.of_type(ROUTE53_RECORD)
    assert txt.inputs["type"] == "TXT" and run.unknown(txt.inputs.get("records", [None])[0])


# ---- Cloudflare ----------------------------------------------------------------------------------------------------

def test_cloudflare_publishes_quoted_strings_that_resolve_to_the_key(pulumi_run: Any) -> None:
    run = build(pulumi_run, dns="cloudflare", dns_zone_id=CLOUDFLARE_ZONE, bounce_subdomain="bounce")
    records = {r.inputs["type"]: r for r in run.of_type(CLOUDFLARE_RECORD)}
    txt, cname = records["TXT"], records["CNAME"]
    assert txt.inputs["name"] == DKIM_NAME and txt.inputs["zoneId"] == CLOUDFLARE_ZONE
    assert txt.inputs["content"] == cloudflare_txt(DKIM_VALUE) and txt.inputs["proxied"] is False and txt.protect
    assert resolved(txt.inputs["content"]) == DKIM_VALUE
    assert (cname.inputs["name"], cname.inputs["content"]) == ("bounce.brand-a.com", "sparkpostmail.com")
    assert cname.inputs["proxied"] is False and cname.protect


# ---- manual --------------------------------------------------------------------------------------------------------

def test_manual_lists_the_records_in_zone_file_form(pulumi_run: Any) -> None:
    run = build(pulumi_run, bounce_subdomain="bounce")
    assert run.of_type(ROUTE53_RECORD) == [] and run.of_type(CLOUDFLARE_RECORD) == []
    records = run.value(run.result.dns_records)
    txt = next(r for r in records if r["type"] == "TXT")
    assert txt["name"] == DKIM_NAME and unquote_txt(txt["value"]) == DKIM_VALUE
    assert resolved(txt["value"]) == DKIM_VALUE
    assert {"name": "bounce.brand-a.com", "type": "CNAME", "value": "sparkpostmail.com"} in records
    assert run.value(run.result.dkim_record_value) == DKIM_VALUE


# ---- the association -----------------------------------------------------------------------------------------------

def test_the_tracking_domain_is_associated_after_the_records(pulumi_run: Any) -> None:
    run = build(pulumi_run, dns="route53", dns_zone_id=ZONE_ID, tracking_domain="click.brand-a.com",
                subaccount_id=7, api_url="http://127.0.0.1:8025/api/v1")
    association = run.one(ASSOCIATION)
    assert association.inputs["sending_domain"] == DOMAIN
    assert association.inputs["tracking_domain"] == "click.brand-a.com"
    assert (association.inputs["subaccount_id"], association.inputs["api_url"]) == (
        7, "http://127.0.0.1:8025/api/v1")
    txt = run.one(ROUTE53_RECORD)
    assert {run.one(SENDING_DOMAIN).urn, txt.urn} <= association.explicit_dependencies | association.dependencies
    assert association.protect


def test_without_a_tracking_domain_nothing_is_associated(pulumi_run: Any) -> None:
    assert build(pulumi_run).of_type(ASSOCIATION) == []


def test_protect_off_leaves_every_child_unprotected(pulumi_run: Any) -> None:
    run = build(pulumi_run, dns="route53", dns_zone_id=ZONE_ID, tracking_domain="click.brand-a.com", protect=False)
    assert not any(r.protect for r in run.children)


# ---- bad arguments -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "prop", "reason"), [
    ({"bounce_subdomain": "a.b"}, "bounce_subdomain", "one DNS label"),
    ({"bounce_subdomain": ""}, "bounce_subdomain", "one DNS label"),
    ({"dns": "route53"}, "dns_zone_id", "is required"),
    ({"dkim_key_length": 512}, "dkim_key_length", "1024"),
    ({"tracking_domain": "not a domain"}, "tracking_domain", "whitespace"),
    ({"verfiy": True}, "verfiy", "is not an argument of SendingIdentity"),
])
def test_bad_arguments_fail_before_anything_is_registered(pulumi_run: Any, args: dict[str, Any], prop: str,
                                                          reason: str) -> None:
    with pytest.raises(ComponentArgumentError) as caught:
        build(pulumi_run, **args)
    assert caught.value.prop == prop and reason in caught.value.reason


# ---- verification --------------------------------------------------------------------------------------------------

VERIFICATION = "pulumi-python:dynamic/sparkpost:SendingDomainVerification"


def test_verification_waits_for_the_records_it_checks(pulumi_run: Any) -> None:
    run = build(pulumi_run, dns="route53", dns_zone_id=ZONE_ID, bounce_subdomain="bounce",
                default_bounce_domain=True, subaccount_id=7)
    by_domain = {r.inputs["sending_domain"]: r for r in run.of_type(VERIFICATION)}
    records = {r.inputs["type"]: r for r in run.of_type(ROUTE53_RECORD)}
    dkim, bounce = by_domain[DOMAIN], by_domain["bounce.brand-a.com"]
    assert (dkim.inputs["dkim"], dkim.inputs.get("cname", False), dkim.inputs["records"]) == (True, False, DKIM_VALUE)
    assert records["TXT"].urn in dkim.explicit_dependencies
    assert (bounce.inputs["cname"], bounce.inputs["default_bounce_domain"]) == (True, True)
    assert records["CNAME"].urn in bounce.explicit_dependencies
    assert dkim.inputs["subaccount_id"] == bounce.inputs["subaccount_id"] == 7
    assert not dkim.protect and not bounce.protect  # nothing to lose: a delete writes nothing


def test_verify_off_registers_no_verification(pulumi_run: Any) -> None:
    assert build(pulumi_run, verify=False, bounce_subdomain="bounce").of_type(VERIFICATION) == []


@pytest.mark.parametrize("args", [{"default_bounce_domain": True},
                                  {"default_bounce_domain": True, "bounce_subdomain": "bounce", "verify": False}])
def test_a_default_bounce_domain_needs_a_verified_bounce_domain(pulumi_run: Any, args: dict[str, Any]) -> None:
    with pytest.raises(ComponentArgumentError) as caught:
        build(pulumi_run, **args)
    assert caught.value.prop == "default_bounce_domain" and "bounce_subdomain and verify" in caught.value.reason


def test_the_docs_example_builds_what_the_page_says(pulumi_run: Any) -> None:
    """docs/sending-domains.md's program, as written, under mocks."""
    from tests.docs.markdown_blocks import ROOT

    page = (ROOT / "docs" / "sending-domains.md").read_text()
    [code] = [block.split("```", 1)[0] for block in page.split("```python\n")[1:] if "SendingIdentity(" in block]
    run = pulumi_run(lambda: exec(code, {}))
    txt = next(r for r in run.of_type(CLOUDFLARE_RECORD) if r.inputs["type"] == "TXT")
    assert txt.inputs["content"] == cloudflare_txt(DKIM_VALUE)
    assert run.one(ASSOCIATION).inputs["sending_domain"] == DOMAIN
    verifications = {r.inputs["sending_domain"]: r.inputs for r in run.of_type(VERIFICATION)}
    assert verifications["bounce.brand-a.com"]["default_bounce_domain"] is True
