"""The rules of ``review`` on the SparkPost side, each held on both sides: a region change against one API base
(an Enterprise tenant, where it is an update) still moves the domain to another account; verification turned off
is ``risky``, exactly, so ``--fail-on risky`` fails and ``--fail-on breaks-links`` passes; ``secure`` turned off
is ``risky`` and no more, and a domain SparkPost serves with its managed certificate (``tls_status`` valid) is
live even when the state does not say it is verified; a renamed domain's findings stay under the name its links
were sent with, and the new name is a new domain."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.components.serving import UNKNOWN
from sparkpost_tracking.review import command
from sparkpost_tracking.review.review import DOCUMENT, UNPLACED
from tests.cli_help import options_of
from tests.review.engine_plan import Resource
from tests.review.previews import (
    CF,
    FA,
    MA,
    STACK,
    both,
    inputs,
    planned,
    reasons,
    reviewed,
    verdicts,
    with_entry,
)
from tests.review.test_review import OTHERS_SAFE, only
from tests.review.test_review_command import in_process

TENANT = {"domain": "ent.example.com", "cdn": "cloudfront", "dns": "route53", "dnsZoneId": "Z0123456789ABCDEFGHIJ",
          "enterpriseTenant": "acme", "apiUrl": "https://acme.api.e.sparkpost.com/api/v1"}
ENT = "ent.example.com"
SECURE_OFF = ("secure turned off: SparkPost writes http links in new mail; links already sent stay https, served as "
              "long as the chain serves https")


# ---- a region change under api_url --------------------------------------------------------------------------


def test_a_region_change_against_one_api_base_is_an_update_that_moves_the_domain_to_another_account() -> None:
    doc = planned([*STACK, {**TENANT, "region": "eu"}], before=(*STACK, TENANT))
    [td] = [s for s in doc["steps"] if s["urn"].endswith("::ent-example-com-sparkpost")]
    assert td["op"] == "update"  # one API base: the provider updates it in place
    assert verdicts(doc) == {**OTHERS_SAFE, ENT: "breaks-links"}
    assert reasons(doc, ENT) == [("sparkpost", "update", "breaks-links",
                                  "moves to another SparkPost account (region 'us' → 'eu'): links sent through "
                                  "ent.example.com are unknown there")]


def test_the_region_a_domain_already_has_stated_again_is_no_move() -> None:
    doc = planned([*STACK, {**TENANT, "region": "us"}], before=(*STACK, TENANT))
    assert verdicts(doc) == {**OTHERS_SAFE, ENT: "safe"}


def test_a_region_left_to_its_default_is_the_default_region() -> None:
    """A state without ``region`` is in SparkPost's US region: the program naming ``us`` moves nothing, ``eu``
    moves it."""
    def unstated(resources: list[Resource]) -> list[Resource]:
        for resource in resources:
            if resource.name == "ent-example-com-sparkpost":
                resource.inputs.pop("region")
                resource.outputs.pop("region", None)
        return resources

    stays = planned([*STACK, {**TENANT, "region": "us"}], before=(*STACK, TENANT), old_edit=unstated)
    assert verdicts(stays)[ENT] == "safe"
    assert not any("moves to another" in why for _l, _o, _v, why in reasons(stays, ENT))
    moves = planned([*STACK, {**TENANT, "region": "eu"}], before=(*STACK, TENANT), old_edit=unstated)
    assert verdicts(moves)[ENT] == "breaks-links"
    assert ("sparkpost", "update", "breaks-links", "moves to another SparkPost account (region None → 'eu'): links "
            "sent through ent.example.com are unknown there") in reasons(moves, ENT)


# ---- verify turned off, at --fail-on ------------------------------------------------------------------------


def exit_code(tmp_path: Path, doc: dict[str, Any], *args: str) -> int:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(doc))
    code, out, err = in_process("", "--file", str(path), *args)
    assert err == "" and out
    return code


def test_verification_turned_off_is_risky_exactly() -> None:
    doc = planned(with_entry(CF, verify=False))
    assert verdicts(doc) == only(CF, "risky")
    assert reasons(doc, CF) == [("sparkpost", "update", "risky", "verification turned off")]


@pytest.mark.parametrize(("fail_on", "code"), [(None, 0), ("risky", 1), ("breaks-links", 0)])
def test_verification_turned_off_fails_fail_on_risky_only(tmp_path: Path, fail_on: str | None, code: int) -> None:
    doc = planned(with_entry(CF, verify=False))
    assert exit_code(tmp_path, doc, *(["--fail-on", fail_on] if fail_on else [])) == code


@pytest.mark.parametrize(("fail_on", "safe_code", "breaking_code"), [(None, 0, 0), ("risky", 0, 1),
                                                                     ("breaks-links", 0, 1)])
def test_fail_on_in_process_on_a_safe_and_a_breaking_preview(tmp_path: Path, fail_on: str | None, safe_code: int,
                                                              breaking_code: int) -> None:
    args = ["--fail-on", fail_on] if fail_on else []
    assert exit_code(tmp_path, planned(), *args) == safe_code
    breaking = planned(edit=inputs("cf-example-com-distribution", lambda i: i.update(enabled=False)))
    assert exit_code(tmp_path, breaking, *args) == breaking_code


def test_verification_already_off_or_turned_on_is_no_finding() -> None:
    off = with_entry(CF, verify=False)
    assert verdicts(planned(off, before=tuple(off))) == OTHERS_SAFE
    turned_on = planned(with_entry(CF, verify=True), before=tuple(off))
    assert verdicts(turned_on) == OTHERS_SAFE
    assert not any("verification" in why for _l, _o, _v, why in reasons(turned_on, CF))


def test_verification_turned_off_where_the_state_does_not_say_is_risky() -> None:
    """A state without ``verify`` was verified (SparkPost's default): turning it off is still a finding."""
    def unstated(resources: list[Resource]) -> list[Resource]:
        for resource in resources:
            if resource.name == "cf-example-com-sparkpost":
                resource.inputs.pop("verify")
                resource.outputs.pop("verify", None)
        return resources

    doc = planned(with_entry(CF, verify=False), old_edit=unstated)
    assert ("sparkpost", "update", "risky", "verification turned off") in reasons(doc, CF)


# ---- secure turned off, and a domain live by its managed certificate -----------------------------------------


def secure(value: Any) -> Callable[[dict[str, Any]], None]:
    def change(i: dict[str, Any]) -> None:
        if value is None:
            i.pop("secure", None)
        else:
            i.update(secure=value)
    return change


def test_secure_turned_off_is_risky_and_never_breaks_links() -> None:
    doc = planned(edit=inputs("cf-example-com-sparkpost", secure(False)))
    assert verdicts(doc) == only(CF, "risky")
    assert reasons(doc, CF) == [("sparkpost", "update", "risky", SECURE_OFF)]


def test_secure_turned_off_where_the_state_does_not_say_is_risky() -> None:
    """A state without ``secure`` is read as secure, as the components create every domain."""
    doc = planned(edit=inputs("cf-example-com-sparkpost", secure(False)),
                  old_edit=reported("cf-example-com-sparkpost", secure(None)))
    assert ("sparkpost", "update", "risky", SECURE_OFF) in reasons(doc, CF)


def reported(name: str, change: Callable[[dict[str, Any]], None]) -> Callable[[list[Resource]], list[Resource]]:
    """A state's inputs and what SparkPost reported (its outputs) changed alike."""
    def edit(resources: list[Resource]) -> list[Resource]:
        for resource in resources:
            if resource.name == name:
                change(resource.inputs)
                change(resource.outputs)
        return resources
    return edit


def test_secure_already_off_or_not_stated_in_the_program_is_no_finding() -> None:
    doc = planned(edit=inputs("cf-example-com-sparkpost", secure(False)),
                  old_edit=reported("cf-example-com-sparkpost", secure(False)))
    assert verdicts(doc) == OTHERS_SAFE
    unstated = planned(edit=inputs("cf-example-com-sparkpost", secure(None)))
    assert not any("secure" in why for _l, _o, _v, why in reasons(unstated, CF))


def managed_state(*, verified: bool, tls_status: str | None) -> Callable[[list[Resource]], list[Resource]]:
    """The managed domain's state as SparkPost reported it."""
    def edit(resources: list[Resource]) -> list[Resource]:
        for resource in resources:
            if resource.name == "ma-example-com-sparkpost":
                resource.outputs.update(verified=verified, tls_status=tls_status)
        return resources
    return edit


HOST_MOVED = inputs("ma-example-com-host", lambda i: i.update(records=["other.example.net"]))


@pytest.mark.parametrize(("verified", "tls_status", "verdict"), [
    (False, "valid", "breaks-links"),  # live only by its managed certificate
    (True, None, "breaks-links"),  # live only by its verification
    (True, "valid", "breaks-links"),
    (False, "pending", "risky"),  # neither: links cannot have been served yet
    (False, None, "risky"),
])
def test_a_domain_is_live_when_verified_or_served_with_its_managed_certificate(
        verified: bool, tls_status: str | None, verdict: str) -> None:
    doc = planned(edit=HOST_MOVED, old_edit=managed_state(verified=verified, tls_status=tls_status))
    assert verdicts(doc) == only(MA, verdict)
    whys = [why for _l, _o, v, why in reasons(doc, MA) if v == verdict]
    if verdict == "risky":
        assert whys and all(why.endswith("(the domain is not live yet)") for why in whys), whys
    else:
        assert whys and all("no longer serves ma.example.com" in why for why in whys), whys


def test_secure_turned_off_on_a_domain_live_only_by_its_tls_status() -> None:
    """Live by its managed certificate alone: secure off is risky (links already sent stay https), and its host
    moved off the chain in the same plan breaks links."""
    live = managed_state(verified=False, tls_status="valid")
    off = inputs("ma-example-com-sparkpost", secure(False))
    doc = planned(edit=off, old_edit=live)
    assert verdicts(doc) == only(MA, "risky")
    assert reasons(doc, MA) == [("sparkpost", "update", "risky", SECURE_OFF)]
    doc = planned(edit=both(off, HOST_MOVED), old_edit=live)
    assert verdicts(doc) == only(MA, "breaks-links")
    assert ("sparkpost", "update", "risky", SECURE_OFF) in reasons(doc, MA)


# ---- a renamed domain -----------------------------------------------------------------------------------------


def test_a_renamed_domain_s_findings_stay_under_its_old_name_and_the_new_name_is_a_new_domain() -> None:
    doc = planned(with_entry(CF, domain="new-cf.example.com", name="cf-example-com"))
    assert verdicts(doc) == {**OTHERS_SAFE, CF: "breaks-links", "new-cf.example.com": "safe"}
    [new] = [d for d in reviewed(doc)["domains"] if d["domain"] == "new-cf.example.com"]
    [td] = {s["urn"] for s in doc["steps"] if s["urn"].endswith("::cf-example-com-sparkpost")}
    assert new["changes"] == [{"urn": td, "link": "sparkpost", "op": "create", "why": "a new tracking domain",
                               "verdict": "safe"}]
    old = reasons(doc, CF)
    assert ("sparkpost", "replace", "breaks-links",
            "replaced because domain 'cf.example.com' → 'new-cf.example.com' changes: SparkPost deletes it first, and "
            "links sent through cf.example.com break (the engine refused it: the resource is protected)") in old
    # every resource of the chain is judged for the links sent through the old name
    assert {link for link, _op, _v, _why in old} == {"sparkpost", "association", "dns", "cdn", "certificate"}
    assert UNPLACED not in verdicts(doc)


def test_a_replacement_that_keeps_the_name_adds_no_domain() -> None:
    doc = planned(with_entry(CF, region="eu"))
    assert set(verdicts(doc)) == set(OTHERS_SAFE)
    assert verdicts(doc)[CF] == "breaks-links"


# ---- an update judged on the program's inputs: each finding once, and what was so before ---------------------

DISTRIBUTION = "cf-example-com-distribution"
SERVICE = "fa-example-com-service"
DISABLED = "the distribution is enabled: enabled is not true: CloudFront serves nothing for it"


def test_an_update_that_stops_serving_has_that_finding_alone() -> None:
    doc = planned(edit=inputs(DISTRIBUTION, lambda i: i.update(enabled=False)))
    assert reasons(doc, CF) == [("cdn", "update", "breaks-links",
                                 f"the CDN no longer serves cf.example.com: {DISABLED}")]


def test_a_requirement_that_already_failed_before_is_risky_not_breaking() -> None:
    doc = planned(edit=inputs(DISTRIBUTION, lambda i: i.update(enabled=False, priceClass="PriceClass_100")),
                  old_edit=inputs(DISTRIBUTION, lambda i: i.update(enabled=False)))
    assert verdicts(doc) == only(CF, "risky")
    assert reasons(doc, CF) == [("cdn", "update", "risky", f"{DISABLED} (already so before: review cannot tell how "
                                                           "the chain serves)")]


def test_what_review_cannot_see_is_each_finding_alone() -> None:
    doc = planned(edit=inputs(SERVICE, lambda i: i["backends"][0].update(address=UNKNOWN)))
    found = reasons(doc, FA)
    assert found and all(v == "risky" and why.startswith("cannot see whether ") for _l, _o, v, why in found), found


def test_what_sparkpost_asks_for_is_reported_when_it_newly_fails_and_not_when_it_failed_before() -> None:
    doc = planned(edit=inputs(SERVICE, lambda i: i.update(defaultTtl=300)))
    assert reasons(doc, FA) == [("cdn", "update", "risky", "SparkPost requires cache TTL at most 10 s: default TTL is "
                                                           "300 s")]
    before = planned(edit=inputs(SERVICE, lambda i: i.update(defaultTtl=300, comment="tracking")),
                     old_edit=inputs(SERVICE, lambda i: i.update(defaultTtl=300)))
    assert verdicts(before) == OTHERS_SAFE
    assert reasons(before, FA) == [("cdn", "update", "safe", "updates comment")]


# ---- the command line as --help and the docs name it -------------------------------------------------------


def test_review_s_options_are_named_as_the_docs_name_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    assert options_of("review") == {"--file": "PATH", "--json": None, "--fail-on": "VERDICT"}
    docs = (Path(__file__).parents[2] / "docs" / "pull-requests.md").read_text()
    assert "`--file PATH`" in docs and "`--json`" in docs and "`--fail-on breaks-links` (or `risky`)" in docs
    parser = argparse.ArgumentParser(prog="review")
    command.add_arguments(parser)
    text = parser.format_help()
    assert ("the preview document (default: standard input, as in `pulumi preview --json --show-sames "
            "--show-replacement-steps | sparkpost-tracking review`)") in text
    assert "print JSON (schema sparkpost-tracking/review/1) instead of Markdown" in text
    assert "exit 1 when the worst verdict reaches this level: breaks-links or risky" in text
    with pytest.raises(SystemExit) as refused:
        parser.parse_args(["--fail-on", "safe"])
    assert refused.value.code == 2


# ---- associations: new mail moves, links already sent stay --------------------------------------------------


def test_an_association_created_dropped_or_moved_names_its_sending_domain_and_where_its_mail_goes() -> None:
    doc = planned(with_entry(CF, sendingDomains=["other-brand.com"]))
    # the engine stopped at the refused association delete: what it never listed is judged as a whole
    assert verdicts(doc) == {**only(CF, "risky"), DOCUMENT: "breaks-links"}
    assert reasons(doc, CF) == [
        ("association", "delete", "risky", "sending domain mail.cf-brand.com stops using cf.example.com: its mail "
         "falls back to the default tracking domain (the engine refused it: the resource is protected)"),
        ("association", "create", "safe", "sending domain other-brand.com starts using cf.example.com")]
    moved = planned(with_entry(CF, domain="new-cf.example.com", name="cf-example-com"))
    assert ("association", "update", "risky", "sending domain mail.cf-brand.com moves from cf.example.com to "
            "new-cf.example.com") in reasons(moved, CF)


def test_an_update_that_keeps_serving_names_every_input_it_changes_or_says_it_changes_outputs_only() -> None:
    doc = planned(edit=inputs(DISTRIBUTION, lambda i: i.update(priceClass="PriceClass_100", comment="tracking")))
    assert reasons(doc, CF) == [("cdn", "update", "safe", "updates comment, priceClass")]
    same = planned()
    for raw in same["steps"]:
        if raw["urn"].endswith(f"::{DISTRIBUTION}"):
            raw["op"] = "update"  # the provider saw only outputs drift
    same["changeSummary"] = {**same["changeSummary"], "update": 1, "same": same["changeSummary"]["same"] - 1}
    assert reasons(same, CF) == [("cdn", "update", "safe", "outputs only")]
