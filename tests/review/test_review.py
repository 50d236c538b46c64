"""``review`` of preview documents in the engine's format: one verdict per tracking domain, by the rules of
docs/pull-requests.md, for every link of the chain (SparkPost, associations, DNS, CDN, certificate)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sparkpost_tracking.review import BadPreview, read_preview, review
from sparkpost_tracking.review.report import as_dict, render_markdown
from sparkpost_tracking.review.review import UNPLACED
from tests.review.previews import (
    Res,
    changed,
    cloudflare,
    cloudfront,
    document,
    fastly,
    sames,
    step,
    tracking_domain,
)

A, B = "track.example.com", "eu-track.example.com"


def verdicts(doc: dict[str, Any]) -> dict[str, str]:
    return {d["domain"]: d["verdict"] for d in as_dict(review(read_preview(json.dumps(doc))))["domains"]}


def reasons(doc: dict[str, Any], domain: str) -> list[tuple[str, str, str]]:
    [found] = [d for d in as_dict(review(read_preview(json.dumps(doc))))["domains"] if d["domain"] == domain]
    return [(c["link"], c["op"], c["why"]) for c in found["changes"] if c["op"] != "same" or c["why"] != "no change"]


def named(resources: list[Res], suffix: str) -> Res:
    [found] = [r for r in resources if r.name.endswith(suffix)]
    return found


def test_no_change_is_safe_for_every_domain_and_lists_every_resource() -> None:
    chain_a, chain_b = cloudfront(A, sending=("mail.example.com",)), fastly(B)
    result = as_dict(review(read_preview(json.dumps(document(sames(chain_a + chain_b))))))
    assert result["verdict"] == "safe" and result["notes"] == []
    assert {d["domain"]: d["verdict"] for d in result["domains"]} == {A: "safe", B: "safe"}
    [a] = [d for d in result["domains"] if d["domain"] == A]
    # every custom resource of the chain, each under its link
    assert sorted(c["link"] for c in a["changes"]) == sorted(
        ["cdn", "cdn", "cdn", "certificate", "certificate", "dns", "sparkpost", "association"])
    assert {c["op"] for c in a["changes"]} == {"same"}


@pytest.mark.parametrize("op", ["delete", "replace"])
def test_a_distribution_deleted_or_replaced_breaks_links_of_its_domain_only(op: str) -> None:
    chain_a, chain_b = cloudfront(A), cloudfront(B)
    distribution = named(chain_a, "-distribution")
    planned = step("delete", distribution, None) if op == "delete" else step("replace", distribution, distribution)
    doc = document(sames(chain_a + chain_b, but={distribution.name: planned}))
    assert verdicts(doc) == {A: "breaks-links", B: "safe"}
    assert reasons(doc, A) == [("cdn", op, f"the CDN in front of {A} is {op}d")]


def test_a_replacement_shown_as_three_steps_is_one_change() -> None:
    chain = cloudfront(A)
    distribution = named(chain, "-distribution")
    steps = [s for s in sames(chain) if s["urn"] != distribution.urn]
    steps += [step("create-replacement", distribution, distribution), step("replace", distribution, distribution),
              step("delete-replaced", distribution, None)]
    assert reasons(document(steps), A) == [("cdn", "replace", f"the CDN in front of {A} is replaced")]


@pytest.mark.parametrize(("suffix", "inputs", "why"), [
    ("-distribution", {"origins": [{"customOriginConfig": {"originProtocolPolicy": "https-only", "httpPort": 80},
                                    "customHeaders": [{"name": "X-Forwarded-Host", "value": A}]}]},
     "http (port 80) served as well as https: origin protocol policy is https-only (use match-viewer)"),
    ("-distribution", {"origins": [{"customOriginConfig": {"httpPort": 80}, "customHeaders": []}]},
     "the viewer's Host forwarded: no X-Forwarded-Host header to the origin"),
    ("-cache-policy", {"defaultTtl": 86400}, "cache TTL at most 10 s: default TTL is 86400 s"),
    ("-origin-request-policy", {"headersConfig": {"headerBehavior": "none"}},
     "the viewer's User-Agent forwarded: header behavior 'none' does not forward User-Agent"),
])
def test_a_cdn_setting_sparkpost_requires_that_stops_holding_is_risky(suffix: str, inputs: dict[str, Any],
                                                                     why: str) -> None:
    chain = cloudfront(A)
    resource = named(chain, suffix)
    doc = document(sames(chain, but={resource.name: step("update", resource, changed(resource, **inputs))}))
    assert verdicts(doc) == {A: "risky"}
    assert ("cdn", "update", f"SparkPost requires {why}") in reasons(doc, A)


def test_a_cdn_update_that_keeps_the_requirements_is_safe() -> None:
    chain = cloudfront(A)
    distribution = named(chain, "-distribution")
    doc = document(sames(chain, but={distribution.name: step("update", distribution,
                                                             changed(distribution, priceClass="PriceClass_100"))}))
    assert verdicts(doc) == {A: "safe"}
    assert reasons(doc, A) == [("cdn", "update", "updates priceClass")]


def test_the_host_record_deleted_breaks_links_but_a_validation_record_is_the_certificate_s() -> None:
    chain = cloudfront(A)
    host, validation = named(chain, "-host-a"), named(chain, "-acm-validation")
    doc = document(sames(chain, but={host.name: step("delete", host, None)}))
    assert verdicts(doc) == {A: "breaks-links"} and reasons(doc, A)[0][:2] == ("dns", "delete")
    doc = document(sames(chain, but={validation.name: step("delete", validation, None)}))
    assert verdicts(doc) == {A: "risky"}
    assert reasons(doc, A) == [("certificate", "delete", "deleted: its certificate can no longer renew")]


def test_the_host_moving_to_another_target_is_risky() -> None:
    chain = fastly(A)
    host = named(chain, "-host")
    doc = document(sames(chain, but={host.name: step("update", host, changed(host, content="other.example.net"))}))
    assert verdicts(doc) == {A: "risky"}
    assert reasons(doc, A) == [("dns", "update", "the host moves from t.sni.global.fastly.net to other.example.net")]


def test_fastly_overriding_host_is_risky_and_its_service_deleted_breaks_links() -> None:
    chain = fastly(A)
    service = named(chain, "-service")
    overriding = changed(service, backends=[{"name": "sparkpost", "address": "spgo.io", "overrideHost": "spgo.io"}])
    assert verdicts(document(sames(chain, but={service.name: step("update", service, overriding)}))) == {A: "risky"}
    assert verdicts(document(sames(chain, but={service.name: step("delete", service, None)}))) == {
        A: "breaks-links"}


def test_cloudflare_proxying_turned_off_breaks_links_and_a_long_edge_ttl_is_risky() -> None:
    chain = cloudflare(A)
    record, ruleset = named(chain, "-record"), named(chain, "-cache-settings")
    doc = document(sames(chain, but={record.name: step("update", record, changed(record, proxied=False))}))
    assert verdicts(doc) == {A: "breaks-links"} and reasons(doc, A)[0][0] == "cdn"
    long_ttl = changed(ruleset, rules=[{"actionParameters": {"edgeTtl": {"default": 3600}}}])
    assert verdicts(document(sames(chain, but={ruleset.name: step("update", ruleset, long_ttl)}))) == {A: "risky"}


def test_secure_off_breaks_links_on_a_live_domain_and_is_risky_before() -> None:
    chain = cloudfront(A)
    td = named(chain, "-sparkpost")
    off = step("update", td, changed(td, secure=False))
    assert verdicts(document(sames(chain, but={td.name: off}))) == {A: "breaks-links"}
    td.outputs["verified"] = False
    off = step("update", td, changed(td, secure=False))
    assert reasons(document(sames(chain, but={td.name: off})), A) == [
        ("sparkpost", "update", "secure turned off (the domain is not live yet)")]


def test_a_region_change_replaces_the_domain_and_breaks_links() -> None:
    chain = cloudfront(A)
    td = named(chain, "-sparkpost")
    doc = document(sames(chain, but={td.name: step("replace", td, changed(td, region="eu"),
                                                   replaceReasons=["region"])}))
    assert verdicts(doc) == {A: "breaks-links"}
    assert "because its region changes" in reasons(doc, A)[0][2]


def test_default_moves_and_associations_move_or_go_are_risky_and_a_new_domain_is_safe() -> None:
    chain_a = cloudfront(A, sending=("mail.example.com",))
    td, assoc = named(chain_a, "-sparkpost"), named(chain_a, "-sending-mail-example-com")
    assert verdicts(document(sames(chain_a, but={td.name: step("update", td, changed(td, default=True))}))) == {
        A: "risky"}
    moved = step("update", assoc, changed(assoc, tracking_domain=B))
    assert verdicts(document(sames(chain_a, but={assoc.name: moved}))) == {A: "risky"}
    assert verdicts(document(sames(chain_a, but={assoc.name: step("delete", assoc, None)}))) == {A: "risky"}
    new = cloudfront(B)
    assert verdicts(document(sames(chain_a) + [step("create", None, r) for r in new])) == {A: "safe", B: "safe"}


def test_a_protect_flip_alone_is_safe() -> None:
    chain = cloudfront(A)
    before = [changed(r) for r in chain]
    for r in before:
        r.protect = False
    steps = [step("same", old, new) for old, new in zip(before, chain, strict=True)]
    doc = document(steps)
    assert verdicts(doc) == {A: "safe"}
    assert {why for _link, _op, why in reasons(doc, A)} == {"protection turned on"}


def test_a_domain_only_in_state_is_reviewed() -> None:
    chain = cloudfront(A)
    doc = document([step("delete", r, None) for r in chain])
    assert verdicts(doc) == {A: "breaks-links"}
    assert {link for link, _op, _why in reasons(doc, A)} == {"sparkpost", "dns", "cdn", "certificate"}


def test_a_standalone_tracking_domain_names_itself() -> None:
    td = tracking_domain(A, None)
    assert verdicts(document([step("delete", td, None)])) == {A: "breaks-links"}


def test_without_sames_a_changed_child_is_still_reviewed_and_the_gap_named() -> None:
    chain = cloudfront(A)
    distribution = named(chain, "-distribution")
    doc = document([step("delete", distribution, None)])
    doc["changeSummary"]["same"] = len(chain) - 1
    result = as_dict(review(read_preview(json.dumps(doc))))
    assert result["verdict"] == "breaks-links"
    assert [d["domain"] for d in result["domains"]] == [UNPLACED]
    assert any("--show-sames" in n for n in result["notes"])
    assert any(distribution.urn in n for n in result["notes"])


def protected_error(urn: str) -> dict[str, Any]:
    """The engine's diagnostic for a protected resource that the plan would delete (as the real CLI prints it)."""
    return {"urn": urn, "severity": "error", "message": (
        f'error: Preview failed: resource "{urn}" cannot be deleted\nbecause it is protected. To unprotect the '
        "resource, either remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, "
        f"or use the command:\n`pulumi state unprotect '{urn}'`\n")}


def test_a_preview_that_failed_only_on_protected_resources_is_valid_input() -> None:
    """The engine lists the refused delete, stops before the component's own step, and closes with a summary
    error: the distribution is still tied to its domain, through its sibling SparkPost domain."""
    chain = cloudfront(A)
    component, distribution = chain[0], named(chain, "-distribution")
    steps = [s for s in sames(chain, but={distribution.name: step("delete", distribution, None)})
             if s["urn"] != component.urn]
    doc = document(steps, [protected_error(distribution.urn), {"message": "error: preview failed\n",
                                                               "severity": "error"}])
    assert verdicts(doc) == {A: "breaks-links"}
    assert "refused it: the resource is protected" in reasons(doc, A)[0][2]


@pytest.mark.parametrize(("text", "error"), [
    ("", "the input is empty"),
    ("Previewing update (dev):\n", "the input is not JSON"),
    ('{"name": "x"}', "not a preview"),
    ('{"steps": [{"op": "same"}]}', "steps[0] has no op and urn"),
    (json.dumps(document([], [{"message": "error: Program failed with an unhandled exception", "severity": "error"}])),
     "the preview failed, so it says nothing reliable about the plan: error: Program failed"),
    (json.dumps(document([], [{"message": "error: preview failed\n", "severity": "error"}])),
     "the preview failed"),
])
def test_bad_input_is_refused_with_what_to_do(text: str, error: str) -> None:
    with pytest.raises(BadPreview) as info:
        read_preview(text)
    assert error in str(info.value)


def test_markdown_has_the_table_then_the_details() -> None:
    chain_a, chain_b = cloudfront(A), cloudfront(B)
    distribution = named(chain_a, "-distribution")
    text = render_markdown(review(read_preview(json.dumps(document(
        sames(chain_a + chain_b, but={distribution.name: step("delete", distribution, None)}))))))
    lines = text.splitlines()
    assert lines[0] == "## sparkpost-tracking review: ⛔ **breaks-links**"
    assert lines[2:6] == ["| Tracking domain | Verdict | Changes |", "|---|---|---|",
                          f"| {A} | ⛔ breaks-links | 1 delete |", f"| {B} | ✅ safe | no change |"]
    assert f"### ⛔ {A}: breaks-links" in lines and f"### ✅ {B}: safe" not in lines
    assert f"| CDN | `{distribution.name}` | delete | breaks-links | the CDN in front of {A} is deleted |" in lines
    assert "docs/retiring.md" in text
