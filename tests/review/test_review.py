"""``review`` of preview documents in the engine's format (``engine_plan``, from what the components register under
mocks): one verdict per tracking domain, judged on the chain (the serving declarations), on what a refused preview
leaves out, and never ``safe`` about what the document does not show."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from sparkpost_tracking.components.serving import UNKNOWN
from sparkpost_tracking.review import BadPreview, read_preview, review
from sparkpost_tracking.review.report import render_markdown
from sparkpost_tracking.review.review import DOCUMENT, FOREIGN, UNPLACED
from sparkpost_tracking.review.verdicts import Verdict
from tests.review.engine_plan import Resource, urn_of
from tests.review.previews import (
    CF,
    CF2,
    CL,
    FA,
    MA,
    STACK,
    both,
    cached,
    document,
    edited,
    inputs,
    named,
    options,
    planned,
    planned_change,
    reasons,
    reviewed,
    sames,
    state,
    step,
    verdicts,
    with_entry,
    without,
)

OTHERS_SAFE = {MA: "safe", CF: "safe", CF2: "safe", FA: "safe", CL: "safe"}


def only(domain: str, verdict: str) -> dict[str, str]:
    return {**OTHERS_SAFE, domain: verdict}


def cut_short(domain: str, verdict: str) -> dict[str, str]:
    """``only``, in a document the engine cut short at a protected delete: the deletes it never listed are judged
    under the preview as a whole."""
    return {**only(domain, verdict), DOCUMENT: "breaks-links"}


def whys(doc: dict[str, Any], domain: str, verdict: str | None = None) -> list[str]:
    return [why for _link, _op, v, why in reasons(doc, domain) if verdict in (None, v)]


def test_no_change_is_safe_for_every_domain_and_lists_every_resource() -> None:
    result = reviewed(planned())
    assert result["verdict"] == "safe" and result["notes"] == []
    assert {d["domain"]: d["verdict"] for d in result["domains"]} == OTHERS_SAFE
    [cf] = [d for d in result["domains"] if d["domain"] == CF]
    # every resource of the chain and the shared policies, each under its link
    assert sorted(c["link"] for c in cf["changes"]) == sorted(
        ["association", "cdn", "cdn", "cdn", "certificate", "certificate", "certificate", "dns", "dns", "sparkpost"])
    assert {c["op"] for c in cf["changes"]} == {"same"}


# ---- a chain that no longer serves its domain ------------------------------------------------------------

STOPS_SERVING: list[tuple[str, str, Callable[[dict[str, Any]], None], str]] = [
    (CF, "cf-example-com-distribution", lambda i: i["origins"][0].update(domainName="example.net"),
     "the origin is 'example.net', not SparkPost's spgo.io"),
    (CF, "cf-example-com-distribution", lambda i: i.update(aliases=[]), "aliases [] no longer hold cf.example.com"),
    (CF, "cf-example-com-distribution", lambda i: i.update(enabled=False), "enabled is not true"),
    (CF, "cf-example-com-distribution", lambda i: i.update(viewerCertificate={"cloudfrontDefaultCertificate": True}),
     "the default *.cloudfront.net certificate"),
    (CF, "cf-example-com-distribution",
     lambda i: i["origins"][0]["customHeaders"][0].update(value="other.example.com"),
     "X-Forwarded-Host is 'other.example.com'"),
    (CF, "cf-example-com-distribution", lambda i: i["origins"][0].update(customHeaders=[]),
     "no X-Forwarded-Host header"),
    (CF, "cf-example-com-distribution", lambda i: i["defaultCacheBehavior"].update(viewerProtocolPolicy="https-only"),
     "links sent as http:// are refused"),
    (CF, "cf-example-com-distribution", lambda i: i["origins"][0]["customOriginConfig"].update(httpPort=8080),
     "http to the origin on port 8080"),
    (CF, "cf-example-com-distribution", lambda i: i["origins"][0].update(originPath="/track"),
     "origin path '/track'"),
    (FA, "fa-example-com-service", lambda i: i["backends"][0].update(address="example.net"),
     "backend 'sparkpost' is 'example.net'"),
    (FA, "fa-example-com-service", lambda i: i.update(domains=[{"name": "x.example.com"}]),
     "domains ['x.example.com'] no longer hold fa.example.com"),
    (FA, "fa-example-com-service", lambda i: i["backends"][0].update(overrideHost="spgo.io"),
     "overrides Host with 'spgo.io'"),
    (FA, "fa-example-com-service", lambda i: i["backends"][0].update(port=80),
     "on port 80 with TLS, where SparkPost listens on 443"),
    (CL, "cl-example-com-record", lambda i: i.pop("proxied"), "proxied is off (DNS only)"),
    (CL, "cl-example-com-record", lambda i: i.update(content="example.net"), "it points at 'example.net'"),
    (CL, "cl-example-com-http-request-cache-settings",
     lambda i: i["rules"][0]["actionParameters"].update(ssl="strict"), "Cloudflare answers every click with 526"),
    (FA, "fa-example-com-host", lambda i: i.update(name="fx.example.com"), "fa.example.com loses it"),
    (FA, "fa-example-com-host", lambda i: i.update(content="other.example.net"),
     "it points at other.example.net, where the chain does not serve"),
    (FA, "fa-example-com-host", lambda i: i.update(type="TXT"), "a TXT record, where the host needs a CNAME"),
    (FA, "fa-example-com-tls-subscription", lambda i: i.update(domains=["other.example.net"]),
     "its domains ['other.example.net'] no longer hold fa.example.com"),
]


@pytest.mark.parametrize(("domain", "name", "change", "why"), STOPS_SERVING,
                         ids=[f"{n}-{i}" for i, (_d, n, _c, _w) in enumerate(STOPS_SERVING)])
def test_an_update_that_stops_the_chain_serving_its_domain_breaks_links(
        domain: str, name: str, change: Callable[[dict[str, Any]], None], why: str) -> None:
    plan = planned_change(edit=inputs(name, change))
    edited(name, plan)
    assert verdicts(plan.document) == only(domain, "breaks-links")
    assert any(why in w for w in whys(plan.document, domain, "breaks-links")), whys(plan.document, domain)


def test_a_host_record_renamed_in_route_53_is_replaced_and_breaks_links() -> None:
    doc = planned(edit=inputs("ma-example-com-host", lambda i: i.update(name="mx.example.com")))
    assert verdicts(doc) == only(MA, "breaks-links")
    assert reasons(doc, MA)[0][:3] == ("dns", "replace", "breaks-links")


@pytest.mark.parametrize(("name", "change", "why"), [
    ("cloudfront-policies-cache-policy", lambda i: i.update(defaultTtl=3600),
     "cache TTL at most 10 s: default TTL is 3600 s"),
    ("cloudfront-policies-origin-request-policy", lambda i: i["headersConfig"].update(headerBehavior="none"),
     "the viewer's User-Agent forwarded: header behavior 'none' does not forward User-Agent"),
    ("cf-example-com-distribution", lambda i: i["origins"][0]["customOriginConfig"].update(
        originProtocolPolicy="https-only"), "the viewer's protocol is matched towards the origin"),
    ("cf-example-com-distribution", lambda i: i["defaultCacheBehavior"].update(
        viewerProtocolPolicy="redirect-to-https"), "http links served without a redirect"),
    ("fa-example-com-service", lambda i: i.update(defaultTtl=300), "default TTL is 300 s"),
    ("cl-example-com-http-request-cache-settings",
     lambda i: i["rules"][0]["actionParameters"]["edgeTtl"].update(default=3600), "edge TTL is 3600 s"),
])
def test_what_sparkpost_asks_for_but_links_survive_without_is_risky(
        name: str, change: Callable[[dict[str, Any]], None], why: str) -> None:
    doc = planned(edit=inputs(name, change))
    risky = {d: v for d, v in verdicts(doc).items() if v != "safe"}
    assert set(risky.values()) == {"risky"} and risky
    assert all(any(why in w for w in whys(doc, d, "risky")) for d in risky)


def test_shared_cloudfront_policies_are_judged_under_every_domain_that_uses_them() -> None:
    doc = planned(edit=inputs("cloudfront-policies-cache-policy", lambda i: i.update(maxTtl=3600)))
    assert verdicts(doc) == {**OTHERS_SAFE, CF: "risky", CF2: "risky"}
    assert UNPLACED not in verdicts(doc)
    markdown = render_markdown(review(read_preview(json.dumps(doc))))
    assert markdown.count("`cloudfront-policies-cache-policy` | update | risky") == 2


def test_an_enterprise_chain_serves_from_its_tenant_s_host_and_breaks_when_moved_off_it() -> None:
    tenant = {"domain": "ent.example.com", "cdn": "cloudfront", "dns": "route53", "dnsZoneId": "Z0123456789ABCDEFGHIJ",
              "enterpriseTenant": "acme", "apiUrl": "https://acme.api.e.sparkpost.com/api/v1"}
    before = (*STACK, tenant)
    name = "ent-example-com-distribution"
    keeps = planned(edit=inputs(name, lambda i: i.update(priceClass="PriceClass_100")), before=before)
    assert verdicts(keeps)["ent.example.com"] == "safe"
    moved = planned(edit=inputs(name, lambda i: i["origins"][0].update(domainName="other.et.e.sparkpost.com")),
                    before=before)
    assert verdicts(moved)["ent.example.com"] == "breaks-links"
    assert any("not SparkPost's acme.et.e.sparkpost.com or spgo.io" in w
               for w in whys(moved, "ent.example.com", "breaks-links"))


def test_an_update_that_keeps_the_chain_serving_is_safe() -> None:
    doc = planned(edit=inputs("cf-example-com-distribution", lambda i: i.update(priceClass="PriceClass_100")))
    assert verdicts(doc) == OTHERS_SAFE
    assert reasons(doc, CF) == [("cdn", "update", "safe", "updates priceClass")]


def test_a_serving_input_the_preview_does_not_know_is_risky() -> None:
    doc = planned(edit=inputs("fa-example-com-service", lambda i: i["backends"][0].update(address=UNKNOWN)))
    assert verdicts(doc) == only(FA, "risky")
    assert "cannot see whether the backend is SparkPost's host: backends[0].address is computed during the " \
           "update" in whys(doc, FA, "risky")


# ---- certificates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("domain", "name", "key", "value"), [
    (CF, "cf-example-com-cert", "keyAlgorithm", "EC_prime256v1"),
    (FA, "fa-example-com-tls-subscription", "configurationId", "tls-config-other"),
])
def test_a_certificate_replaced_with_the_old_one_deleted_first_breaks_links(domain: str, name: str, key: str,
                                                                              value: str) -> None:
    change = inputs(name, lambda i: i.update({key: value}))
    first = planned(edit=both(change, options(name, delete_before_replace=True)))
    assert verdicts(first)[domain] == "breaks-links"
    assert any("deleted before its replacement exists" in w for w in whys(first, domain, "breaks-links"))
    after = planned(edit=change)
    assert verdicts(after)[domain] != "breaks-links"
    assert ("certificate", "replace", "safe", "replaced, the new one first") in reasons(after, domain)
    # Without --show-replacement-steps the order is not in the document: never safe.
    hidden = copy.deepcopy(after)
    hidden["steps"] = [s for s in hidden["steps"] if s["op"] not in ("create-replacement", "delete-replaced")]
    assert verdicts(hidden)[domain] == "risky"
    assert any("replaced in an order the preview does not show" in w for w in whys(hidden, domain, "risky"))


def test_a_certificate_deleted_once_the_cdn_serves_with_another_is_safe_and_one_in_use_breaks_links() -> None:
    imported = "arn:aws:acm:us-east-1:123456789012:certificate/own"
    olds = state()
    cert = named(olds, "cf-example-com-cert")
    steps = sames([r for r in olds if r.name != "cf-example-com-cert"])
    doc = document([*steps, step("delete", cert, None)])
    assert verdicts(doc)[CF] == "breaks-links"
    moved = [s if not s["urn"].endswith("::cf-example-com-distribution") else {
        **s, "op": "update", "newState": {**s["newState"], "inputs": {
            **s["newState"]["inputs"], "viewerCertificate": {"acmCertificateArn": imported}}}} for s in steps]
    doc = document([*moved, step("delete", cert, None)])
    assert ("certificate", "delete", "safe", "deleted: the CDN no longer serves with it") in reasons(doc, CF)


# ---- refused and cut-short previews ----------------------------------------------------------------------


def test_deleting_a_domain_with_an_association_is_cut_short_at_the_association_and_breaks_links() -> None:
    doc = planned(without(CF))
    refused = [s["urn"].rsplit("::", 1)[-1] for s in doc["steps"] if s["op"] == "delete"]
    assert refused == ["cf-example-com-sending-mail-cf-brand-com"]  # the engine stopped there
    assert verdicts(doc) == cut_short(CF, "breaks-links")
    assert whys(doc, DOCUMENT) == [
        "the deletes after the protected cf-example-com-sending-mail-cf-brand-com are not listed: a tracking domain "
        "removed from the program may be among them, with no step here, and every link sent through it would stop "
        "working"]
    assert any("its SparkPost domain has no step, because the engine stopped at the protected "
               "cf-example-com-sending-mail-cf-brand-com" in w for w in whys(doc, CF, "breaks-links"))
    [note] = [n for n in reviewed(doc)["notes"] if "stopped" in n]
    assert "pulumi preview --ignore-protect" in note and "docs/retiring.md" in note


def test_a_rename_without_aliases_breaks_links_and_says_the_domain_is_created_while_it_is_deleted() -> None:
    doc = planned(with_entry(CF, name="renamed"))
    assert verdicts(doc) == cut_short(CF, "breaks-links")
    assert any("renamed-sparkpost creates cf.example.com while cf-example-com still holds it" in w
               for w in whys(doc, CF, "breaks-links"))
    assert verdicts(planned(with_entry(CF, name="renamed", aliases=["cf-example-com"]))) == OTHERS_SAFE


def test_a_rename_that_adopts_the_domain_the_old_resource_deletes_breaks_links() -> None:
    """Moved here from issue 24: the new resource adopts the domain, and the old one's delete would remove it."""
    doc = planned(with_entry(CF2, name="renamed", adoptExisting=True))
    assert verdicts(doc) == cut_short(CF2, "breaks-links")
    assert any("renamed-sparkpost adopts cf2.example.com while cf2-example-com-sparkpost deletes it" in w
               for w in whys(doc, CF2, "breaks-links"))
    assert any("adopted by one resource and deleted by another" in n for n in reviewed(doc)["notes"])


def test_a_cdn_switch_on_a_protected_stack_breaks_links() -> None:
    doc = planned(with_entry(MA, cdn="cloudfront"))
    assert verdicts(doc) == cut_short(MA, "breaks-links")


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("domain", "new-cf.example.com", "domain"), ("subaccountId", 5, "subaccount_id"), ("region", "eu", "region")])
def test_a_protected_replacement_is_reviewed_not_refused(field: str, value: Any, reason: str) -> None:
    fields: dict[str, Any] = {field: value}
    if field == "domain":
        fields["name"] = "cf-example-com"
    doc = planned(with_entry(CF, **fields))
    assert any("unable to replace resource" in d["message"] for d in doc["diagnostics"])
    assert verdicts(doc)[CF] == "breaks-links"
    assert any(w.startswith("replaced because") and reason in w for w in whys(doc, CF, "breaks-links"))
    if field == "domain":
        assert ("sparkpost", "replace", "breaks-links",
                "replaced because domain 'cf.example.com' → 'new-cf.example.com' changes: SparkPost deletes it first, "
                "and links sent through cf.example.com break (the engine refused it: the resource is protected)") in \
            reasons(doc, CF)


def test_a_domain_whose_resources_show_as_same_in_a_refused_preview_is_judged_on_them() -> None:
    doc = planned(without(CF))
    assert {d: v for d, v in verdicts(doc).items() if d not in (CF, DOCUMENT)} == {
        d: "safe" for d in OTHERS_SAFE if d != CF}


def dependent_refusal(urn: str, replaced: str) -> dict[str, Any]:
    """CLI 3.274's refusal of a protected dependent of a delete-before-replace (it stops the plan there)."""
    return {"urn": replaced, "severity": "error", "message": (
        f'error: unable to replace resource "{urn}" as part of replacing "{replaced}" as it is currently marked '
        "for protection. To unprotect the resource, remove the `protect` flag from the resource in your Pulumi "
        f"program and run `pulumi up`, or use the command:\n`pulumi state unprotect '{urn}'`")}


def test_every_refusal_form_of_the_engine_is_recognised() -> None:
    """A protected dependent of a delete-before-replace stops the plan where it stands: the replaced domain and
    every resource registered after it have no step (here, Fastly's chain but its component)."""
    olds = state()
    td, dependent = named(olds, "cf-example-com-sparkpost"), named(olds, "cf-example-com-sending-mail-cf-brand-com")
    listed = [r for r in olds if r not in (td, dependent) and not r.name.startswith("fa-example-com-")]
    doc = document(sames(listed), [dependent_refusal(dependent.urn, td.urn),
                                   {"message": "error: preview failed\n", "severity": "error"}])
    assert verdicts(doc) == {**OTHERS_SAFE, CF: "breaks-links", FA: "breaks-links", DOCUMENT: "breaks-links"}
    assert any("stopped" in n for n in reviewed(doc)["notes"])
    for message in (f'refusing to delete protected resource "{td.urn}"',
                    f'error: resource "{td.urn}" cannot be replaced because it is protected'):
        older = document(sames([r for r in olds if r is not td]), [{"severity": "error", "message": message}])
        assert verdicts(older)[CF] == "breaks-links", message


def test_a_chain_that_defers_its_sparkpost_domain_is_not_taken_for_a_deleted_one() -> None:
    entries = [*without(MA), {"domain": "live.example.com", "cdn": "managed", "dns": "route53",
                              "dnsZoneId": "Z0123456789ABCDEFGHIJ", "hostRecord": "adopt"}]
    doc = planned([e for e in entries if e["domain"] != CF], before=tuple(entries))
    assert any("stopped" in n for n in reviewed(doc)["notes"])
    assert verdicts(doc)["live.example.com"] == "safe" and verdicts(doc)[CF] == "breaks-links"


# ---- what the document does not show ---------------------------------------------------------------------


def test_an_unknown_type_under_a_tracking_domain_component_is_risky() -> None:
    olds = state()
    component = named(olds, "cl-example-com")
    extra = Resource(urn_of("cl-example-com-worker", "cloudflare:index/workersScript:WorkersScript", component.urn),
                     "cloudflare:index/workersScript:WorkersScript", "cl-example-com-worker", component.urn, True,
                     {"content": "addEventListener(...)"})
    doc = document([*sames(olds), step("create", None, extra)])
    assert verdicts(doc) == only(CL, "risky")
    assert any("which review does not know" in w for w in whys(doc, CL, "risky"))
    unchanged = reviewed(document([*sames(olds), step("same", extra, extra)]))
    [cl] = [d for d in unchanged["domains"] if d["domain"] == CL]
    assert cl["verdict"] == "safe"
    assert {"urn": extra.urn, "link": "cdn", "op": "same", "why": "no change", "verdict": "safe"} in cl["changes"]


def test_steps_of_another_project_are_not_credited_to_this_stack_s_domain() -> None:
    olds = state()
    td = named(olds, "cf-example-com-sparkpost")
    foreign = copy.deepcopy(td)
    foreign.urn = td.urn.replace("::sparkpost-tracking::", "::other-project::")
    doc = document([*sames(olds), step("delete", foreign, None)])
    result = verdicts(doc)
    assert result[CF] == "safe" and result[FOREIGN] == "risky"
    assert any("another stack or project" in n for n in reviewed(doc)["notes"])


def test_a_change_summary_that_counts_changes_no_step_shows_is_never_safe() -> None:
    doc = document([], summary={"delete": 4})
    result = reviewed(doc)
    assert result["verdict"] == "breaks-links" and verdicts(doc) == {DOCUMENT: "breaks-links"}
    assert any("changeSummary disagrees" in n for n in result["notes"])
    doc = planned(edit=inputs("fa-example-com-service", lambda i: i.update(defaultTtl=5)))
    doc["changeSummary"]["update"] += 2
    assert verdicts(doc)[DOCUMENT] == "risky"
    summary = planned(without(CF))["changeSummary"]
    assert "delete" not in summary  # the refused delete is not counted, and that is no disagreement
    assert not any("changeSummary" in w for w in whys(planned(without(CF)), DOCUMENT))


def test_without_sames_a_changed_child_is_still_reviewed_at_least_risky_and_the_gap_named() -> None:
    doc = planned(edit=inputs("cf-example-com-distribution", lambda i: i.update(priceClass="PriceClass_100")))
    changed = [s for s in doc["steps"] if s["op"] != "same"]
    doc = document(changed, summary={"same": len(doc["steps"]) - 1, "update": 1})
    result = reviewed(doc)
    assert result["verdict"] == "risky" and [d["domain"] for d in result["domains"]] == [UNPLACED]
    assert any("--show-sames" in n for n in result["notes"])


# ---- the SparkPost side ----------------------------------------------------------------------------------


def test_region_or_subaccount_moves_and_deletes_break_links_and_mail_moves_are_risky() -> None:
    td = lambda change: planned(edit=inputs("cf-example-com-sparkpost", change))  # noqa: E731
    assert verdicts(td(lambda i: i.update(secure=False)))[CF] == "risky"
    assert "secure turned off" in whys(td(lambda i: i.update(secure=False)), CF)[0]
    assert verdicts(planned(with_entry(MA, makeDefault=False)))[MA] == "risky"
    assert verdicts(planned(with_entry(CF, sendingDomains=["other-brand.com"])))[CF] == "risky"
    assert verdicts(planned(with_entry(CF, verify=False)))[CF] == "risky"


def test_a_new_domain_is_safe_and_a_protect_flip_alone_is_safe_and_shown() -> None:
    doc = planned([*STACK, {"domain": "new.example.com", "cdn": "fastly", "dns": "cloudflare",
                            "dnsZoneId": "0123456789abcdef0123456789abcdef"}])
    assert verdicts(doc) == {**OTHERS_SAFE, "new.example.com": "safe"}
    doc = planned(with_entry(FA, protect=False))
    assert verdicts(doc) == OTHERS_SAFE
    assert {why for _l, _o, _v, why in reasons(doc, FA)} == {"protection turned off"}
    table = render_markdown(review(read_preview(json.dumps(doc)))).splitlines()
    assert f"| {FA} | ✅ safe | protection off on 3 |" in table


def test_the_markdown_counts_resources_not_findings() -> None:
    doc = planned(edit=inputs("fa-example-com-service", lambda i: i["backends"][0].update(
        address="example.net", overrideHost="example.net")))
    assert len(whys(doc, FA, "breaks-links")) >= 2
    table = render_markdown(review(read_preview(json.dumps(doc)))).splitlines()
    assert f"| {FA} | ⛔ breaks-links | 1 update |" in table


def test_a_standalone_tracking_domain_and_its_record_form_a_chain() -> None:
    from pulumi_aws import route53

    from sparkpost_tracking.dynamic_providers import TrackingDomain
    from tests.review.engine_plan import change, record

    def program(record_name: str) -> Callable[[], None]:
        def run() -> None:
            host = route53.Record("raw-host", zone_id="Z0123456789ABCDEFGHIJ", name=record_name, type="CNAME",
                                  ttl=3600, records=["v2.spgo.io"])
            TrackingDomain("raw", {"domain": "raw.example.com", "managed_certificate": True},
                           opts=__import__("pulumi").ResourceOptions(depends_on=[host]))
        return run

    olds = cached(lambda: record(program("raw.example.com")))
    doc = cached(lambda: change(program("other.example.com"), olds).document)
    assert verdicts(doc) == {"raw.example.com": "breaks-links"}
    doc = document([step("delete", named(olds, "raw"), None)])
    assert verdicts(doc) == {"raw.example.com": "breaks-links"}


def test_markdown_has_the_table_then_the_details() -> None:
    doc = planned(edit=inputs("cf-example-com-distribution", lambda i: i.update(enabled=False)))
    text = render_markdown(review(read_preview(json.dumps(doc))))
    lines = text.splitlines()
    assert lines[0] == "## sparkpost-tracking review: ⛔ **breaks-links**"
    assert lines[2:5] == ["| Tracking domain | Verdict | Changes |", "|---|---|---|",
                          f"| {CF} | ⛔ breaks-links | 1 update |"]
    assert f"### ⛔ {CF}: breaks-links" in lines and f"### ✅ {MA}: safe" not in lines
    assert "docs/retiring.md" in text


@pytest.mark.parametrize(("text", "error"), [
    ("", "the input is empty"),
    ("Previewing update (dev):\n", "the input is not JSON"),
    ('{"name": "x"}', "not a preview"),
    ('{"steps": [{"op": "same"}]}', "steps[0] has no op and urn"),
    ('{"steps": [{"op": "same", "urn": "track"}]}', "steps[0] has no resource URN"),
    ('{"steps": [{"op": "frobnicate", "urn": "urn:pulumi:a::b::c::d"}]}', "an operation this version does not know"),
    ("[" * 100_000 + "]" * 100_000, "nested deeper than any preview"),
    (json.dumps(document([], [{"message": "error: Program failed with an unhandled exception", "severity": "error"}])),
     "the preview failed, so it says nothing reliable about the plan: error: Program failed"),
    (json.dumps(document([], [{"message": "error: preview failed\n", "severity": "error"}])),
     "the preview failed"),
])
def test_bad_input_is_refused_with_what_to_do(text: str, error: str) -> None:
    with pytest.raises(BadPreview) as info:
        read_preview(text)
    assert error in str(info.value)


def test_the_verdicts_are_named_as_the_command_line_names_them() -> None:
    assert [Verdict.named(label) for label in ("safe", "risky", "breaks-links")] == [
        Verdict.SAFE, Verdict.RISKY, Verdict.BREAKS_LINKS]
    assert [v.label for v in Verdict] == ["safe", "risky", "breaks-links"]
