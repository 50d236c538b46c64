"""``review`` of a SendingDomain, on both paths' types: deleting or replacing one is ``breaks-links`` (the mail sent
from it fails: SparkPost's delete warning), a new one and a change of sharing are ``safe``, and a refused delete is
still judged. The policy pack asks it to be protected, as it asks the live chain."""

from __future__ import annotations

from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.types import SENDING_DOMAIN
from sparkpost_tracking.policy import rules
from tests.review.engine_plan import STACK_URN, Resource, urn_of
from tests.review.previews import document, reasons, reviewed, sames, step, verdicts

D = "brand.example"
TOKENS = {"dynamic": SENDING_DOMAIN.dynamic, "native": SENDING_DOMAIN.native}


def sending(path: str, name: str = "brand", domain: str = D, **inputs: Any) -> Resource:
    type_ = TOKENS[path]
    declared = {"domain": domain, "region": "us", "dkim_key_length": 2048, "shared_with_subaccounts": False,
                "adopt_existing": False, **inputs}
    if path == "native":
        declared = {"".join([k.split("_")[0], *(p.title() for p in k.split("_")[1:])]): v for k, v in declared.items()}
    return Resource(urn_of(name, type_, STACK_URN), type_, name, STACK_URN, True, declared,
                    {**declared, "dkimStatus" if path == "native" else "dkim_status": "valid"}, id=domain,
                    protect=True)


@pytest.mark.parametrize("path", TOKENS)
def test_a_deleted_sending_domain_breaks_links_named_for_its_mail(path: str) -> None:
    old = sending(path)
    doc = document([*sames([]), step("delete", old, None)])
    assert verdicts(doc) == {D: "breaks-links"}
    [(link, op, verdict, why)] = reasons(doc, D)
    assert (link, op, verdict) == ("sparkpost", "delete", "breaks-links")
    assert why == f"sending domain {D} is deleted: mail sent from it fails (SparkPost's delete warning)"


@pytest.mark.parametrize("path", TOKENS)
def test_a_replaced_sending_domain_breaks_links_and_says_why(path: str) -> None:
    old, new = sending(path), sending(path, subaccount_id=5)
    doc = document([step("replace", old, new, replaceReasons=["subaccount_id" if path == "dynamic" else
                                                              "subaccountId"])])
    assert verdicts(doc) == {D: "breaks-links"}
    [(_, _, _, why)] = reasons(doc, D)
    assert why.replace("subaccountId", "subaccount_id").startswith(
        f"sending domain {D} is replaced because subaccount_id None → 5 changes: SparkPost deletes it first, mail "
        "sent from it fails")


@pytest.mark.parametrize("path", TOKENS)
def test_a_new_sending_domain_and_a_sharing_change_are_safe(path: str) -> None:
    new = sending(path)
    assert verdicts(document([step("create", None, new)])) == {D: "safe"}
    shared = sending(path, shared_with_subaccounts=True)
    doc = document([step("update", sending(path), shared, diffs=["sharedWithSubaccounts"])])
    assert verdicts(doc) == {D: "safe"}
    assert reasons(doc, D)[0][3] in (f"sending domain {D} updates shared_with_subaccounts",
                                     f"sending domain {D} updates sharedWithSubaccounts")
    assert reviewed(document(sames([sending(path)])))["verdict"] == "safe"


@pytest.mark.parametrize("message", ['error: resource "{urn}" cannot be deleted\nbecause it is protected',
                                     'error: refusing to delete protected resource "{urn}"'])
def test_a_refused_delete_of_a_protected_sending_domain_is_still_judged(message: str) -> None:
    old = sending("dynamic")
    doc = document([*sames([]), step("delete", old, None)], [{"urn": old.urn, "severity": "error",
                                                              "message": message.format(urn=old.urn)}])
    result = reviewed(doc)
    # the deletes after the refused one are not listed: judged under the preview as a whole
    assert {d["domain"]: d["verdict"] for d in result["domains"]} == {D: "breaks-links",
                                                                      "(the preview as a whole)": "breaks-links"}
    [(_, _, _, why)] = reasons(doc, D)
    assert why.endswith("(SparkPost's delete warning) (the engine refused it: the resource is protected)")
    assert any("refused to delete the protected brand and stopped there" in note for note in result["notes"])


def test_a_sending_domain_beside_a_tracking_domain_is_judged_under_its_own_name() -> None:
    from sparkpost_tracking.dynamic_providers.types import TRACKING_DOMAIN

    td = Resource(urn_of("click", TRACKING_DOMAIN.dynamic, STACK_URN), TRACKING_DOMAIN.dynamic, "click", STACK_URN,
                  True, {"domain": "click.brand.example"}, {"domain": "click.brand.example", "verified": True},
                  id="click.brand.example", protect=True)
    doc = document([*sames([td]), step("delete", sending("dynamic"), None)])
    assert verdicts(doc) == {"click.brand.example": "safe", D: "breaks-links"}


@pytest.mark.parametrize("path", TOKENS)
def test_the_policy_pack_asks_a_sending_domain_to_be_protected(path: str) -> None:
    resource = sending(path)
    declared = [rules.Declared(urn=resource.urn, type=resource.type, parent=STACK_URN, props=resource.inputs,
                               protect=protect) for protect in (False,)]
    [violation] = rules.unprotected_live_chain(declared)
    assert violation.message.startswith("brand is a sending domain but is not protected: deleting it makes the mail "
                                        "sent from it fail")
    kept = rules.Declared(urn=resource.urn, type=resource.type, parent=STACK_URN, props=resource.inputs, protect=True)
    assert rules.unprotected_live_chain([kept]) == []
