"""The ownership rules as pure functions (dynamic_providers/ownership.py): a create's path, the evidence of
re-creation, the claims of a deployment and what a user is told. The provider tier holds both paths to them against
the emulator (tests/provider/test_ownership_seams.py)."""

from __future__ import annotations

from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.lifecycle import Desired
from sparkpost_tracking.dynamic_providers.ownership import (
    Claims,
    create_path_differences,
    creation_time_evidence,
    exists_message,
    left_by_create,
    recreated_message,
    recreation_evidence,
    summary,
)
from sparkpost_tracking.emulator.store import DomainStore

NAME = "track.example.com"


def found(**fields: Any) -> dict[str, Any]:
    sub = fields.pop("subaccount_id", None)
    return DomainStore().add(NAME, subaccount_id=sub, **fields)


def desired(**declared: Any) -> Desired:
    return Desired.from_inputs({"domain": NAME, **declared})


# ---- a create's path ---------------------------------------------------------------------------

@pytest.mark.parametrize(("declared", "state", "difference"), [
    ({}, {"secure": True, "subaccount_id": 5}, "it is in subaccount 5, not the primary account"),
    ({"subaccount_id": 5}, {"secure": True}, "it is in the primary account, not subaccount 5"),
    ({"verify": False}, {"secure": True, "verified": True}, "it is verified, and this resource never verifies"),
    ({}, {"secure": True, "verified": True, "default": True}, "it is the default, and this resource is not"),
    ({"default": True}, {"secure": True, "default": True}, "it is the default"),  # not verified: not our path
    ({}, {"secure": True, "verified": True, "uses_managed_certificate": True},
     "it has a managed certificate, and this resource declares none"),
    ({"managed_certificate": True}, {"secure": False, "uses_managed_certificate": True},
     "it has a managed certificate"),  # unverified: SparkPost issues only for a verified domain
    ({}, {"secure": False}, "secure is False, and this resource's create posts secure=True"),
    ({"secure": False}, {"secure": True}, "secure is True, and this resource's create posts secure=False"),
    ({"managed_certificate": True}, {"secure": True}, "secure is True, and this resource's create posts "
                                                     "secure=False"),
])
def test_each_difference_from_the_creates_path_is_named(declared: dict[str, Any], state: dict[str, Any],
                                                        difference: str) -> None:
    assert create_path_differences(found(**state), desired(**declared)) == [difference]
    assert not left_by_create(found(**state), desired(**declared))


@pytest.mark.parametrize(("declared", "state"), [
    ({}, {"secure": True}),
    ({}, {"secure": True, "verified": True}),
    ({"verify": False}, {"secure": True}),
    ({"default": True}, {"secure": True, "verified": True}),
    ({"default": True}, {"secure": True, "verified": True, "default": True}),
    ({"managed_certificate": True}, {"secure": False}),
    ({"managed_certificate": True}, {"secure": False, "verified": True}),
    ({"managed_certificate": True}, {"secure": False, "verified": True, "uses_managed_certificate": True}),
    ({"managed_certificate": True}, {"secure": True, "verified": True, "uses_managed_certificate": True}),
    ({"subaccount_id": 5}, {"secure": True, "subaccount_id": 5}),
    ({"secure": False}, {"secure": False}),
])
def test_every_step_of_the_create_is_on_its_path(declared: dict[str, Any], state: dict[str, Any]) -> None:
    assert create_path_differences(found(**state), desired(**declared)) == []
    assert left_by_create(found(**state), desired(**declared))


def test_several_differences_are_all_named() -> None:
    differences = create_path_differences(found(secure=False, default=True, verified=True), desired(verify=False))
    assert differences == ["it is verified, and this resource never verifies",
                           "it is the default, and this resource is not",
                           "secure is False, and this resource's create posts secure=True"]


def test_summary() -> None:
    assert summary(found(secure=True)) == "secure=True, default=False, verified=False"
    assert summary(found(secure=True, verified=True, uses_managed_certificate=True, subaccount_id=3)) == (
        "secure=True, default=False, verified=True, managed certificate, subaccount 3")


# ---- re-creation -------------------------------------------------------------------------------

STATE = {"secure": True, "default": True, "verified": True, "uses_managed_certificate": False}


@pytest.mark.parametrize(("last_seen", "now", "evidence"), [
    (STATE, {**STATE, "verified": False, "secure": False, "default": False},
     "it was verified and is not any more, and at the same time secure True -> False"),
    ({**STATE, "secure": False}, {**STATE, "verified": False, "secure": True},
     "it was verified and is not any more, and at the same time secure False -> True"),
    ({**STATE, "uses_managed_certificate": True}, STATE,
     "it had a SparkPost-managed certificate and has none now (only a delete removes one)"),
    ({**STATE, "creation_time": "2026-01-01T00:00:00"}, {**STATE, "creation_time": "2026-02-01T00:00:00"},
     "its creation_time is 2026-02-01T00:00:00, where this stack saw 2026-01-01T00:00:00"),
])
def test_evidence_of_re_creation(last_seen: dict[str, Any], now: dict[str, Any], evidence: str) -> None:
    assert recreation_evidence(last_seen, now) == evidence


@pytest.mark.parametrize(("last_seen", "now"), [
    (STATE, STATE),
    (STATE, {**STATE, "verified": False}),  # a broken chain
    (STATE, {**STATE, "verified": False, "default": False}),  # a broken chain that took the default
    (STATE, {**STATE, "secure": False}),  # secure switched on a domain still verified
    (STATE, {**STATE, "default": False}),  # another domain took the default
    ({**STATE, "verified": False}, {**STATE, "verified": False, "secure": False}),  # never verified: no evidence
    ({k: v for k, v in STATE.items() if k != "secure"}, {**STATE, "verified": False, "secure": False}),
    (STATE, {**STATE, "verified": False, "secure": None}),  # unknown is no evidence
    ({**STATE, "uses_managed_certificate": None}, STATE),
    ({**STATE, "creation_time": "t1"}, {**STATE, "creation_time": None}),
    ({**STATE, "creation_time": "t1"}, {**STATE, "creation_time": "t1"}),
])
def test_ordinary_drift_is_no_evidence(last_seen: dict[str, Any], now: dict[str, Any]) -> None:
    assert recreation_evidence(last_seen, now) is None


def test_creation_time_alone() -> None:
    assert creation_time_evidence({}, {"creation_time": "t2"}) is None
    assert creation_time_evidence({"creation_time": "t1"}, {"creation_time": "t2"}) == (
        "its creation_time is t2, where this stack saw t1")


def test_the_recreated_message_names_the_evidence_and_both_steps() -> None:
    message = recreated_message("Tracking domain", NAME, "EVIDENCE")
    assert message.startswith(f"Tracking domain '{NAME}' in SparkPost is not the one this stack last saw: EVIDENCE.")
    assert f"SPARKPOST_ADOPT={NAME} pulumi refresh --yes" in message and "pulumi state delete '<urn>'" in message


# ---- the deployment's claims -------------------------------------------------------------------

def test_claims() -> None:
    claims = Claims()
    assert not claims.held(("a",))
    claims.claim(("a",))
    assert claims.held(("a",)) and not claims.held(("b",))
    claims.clear()
    assert not claims.held(("a",))


# ---- what a user is told -----------------------------------------------------------------------

def order(message: str, *words: str) -> list[int]:
    return [message.index(word) for word in words]


def test_a_domain_in_our_shape_gets_the_rename_then_the_one_run_adoption() -> None:
    message = exists_message(desired(), "DETAIL", found(secure=True))
    assert message.startswith(f"Tracking domain '{NAME}' already exists in this SparkPost account (DETAIL). "
                              "If you renamed this resource")
    positions = order(message, "aliases", f"SPARKPOST_ADOPT={NAME} pulumi up", "adopt_existing: true")
    assert positions == sorted(positions)
    assert "reads exactly as a create of this resource leaves it (secure=True, default=False, verified=False)" in (
        message)


def test_a_domain_in_another_shape_is_never_proposed_for_the_one_run_adoption() -> None:
    message = exists_message(desired(), "DETAIL", found(secure=False, default=True, verified=True))
    assert f"SPARKPOST_ADOPT={NAME}" not in message
    assert "it is not this stack's: no create of this resource leaves it like this (it is the default" in message
    positions = order(message, "aliases", "adopt_existing: true")
    assert positions == sorted(positions)


def test_a_domain_that_could_not_be_read_points_to_the_recovery() -> None:
    message = exists_message(desired(), "DETAIL", None)
    assert f"SPARKPOST_ADOPT={NAME}" not in message and "docs/recovery.md" in message
    positions = order(message, "aliases", "adopt_existing: true", "recovery")
    assert positions == sorted(positions)


# ---- the words, exactly: a user acts on them ------------------------------------------------------

RENAME = ("If you renamed this resource (or moved it into or out of a component), the domain is this stack's under "
          "the old name: give the resource aliases naming the old one (Python: "
          "opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name='<old name>')]); YAML: options: aliases: "
          "['<old URN>'], from pulumi stack --show-urns), and 'pulumi up' moves it in state with no call to "
          "SparkPost.")
DELIBERATE = ("To take it over deliberately, set adopt_existing: true on the resource (its secure/default settings "
              "are then brought to the declared values); else leave it to its owner and remove the resource or pick "
              "another name.")
HEAD = f"Tracking domain '{NAME}' already exists in this SparkPost account (DETAIL). {RENAME}"


def test_the_exists_messages_word_for_word() -> None:
    assert exists_message(desired(), "DETAIL", None) == (
        f"{HEAD} Otherwise it may be someone else's. {DELIBERATE} If an interrupted 'pulumi up' of this stack may "
        "have created it, run the recovery of docs/recovery.md, which proposes SPARKPOST_ADOPT only for a domain "
        "that reads as this stack's create leaves it.")
    assert exists_message(desired(verify=False), "DETAIL", found(secure=False, verified=True)) == (
        f"{HEAD} Otherwise it is not this stack's: no create of this resource leaves it like this (it is verified, "
        "and this resource never verifies; secure is False, and this resource's create posts secure=True). "
        f"{DELIBERATE} (SPARKPOST_ADOPT and docs/recovery.md are for domains an interrupted run of this stack left, "
        "which this one is not.)")
    assert exists_message(desired(), "DETAIL", found(secure=True)) == (
        f"{HEAD} Otherwise: it reads exactly as a create of this resource leaves it (secure=True, default=False, "
        "verified=False), so it may be from an interrupted or failed run of this stack, or someone else's made the "
        f"same way; nothing in SparkPost tells them apart. If a run of this stack made it, adopt it once: "
        f"SPARKPOST_ADOPT={NAME} pulumi up (docs/recovery.md). {DELIBERATE}")


def test_the_recreated_and_claimed_messages_word_for_word() -> None:
    from sparkpost_tracking.dynamic_providers.ownership import claimed_elsewhere_message

    assert recreated_message("Tracking domain", NAME, "EVIDENCE") == (
        f"Tracking domain '{NAME}' in SparkPost is not the one this stack last saw: EVIDENCE. That is what a delete "
        "and a new create look like, and nothing shows who made it, so this stack writes nothing to it: refresh, up "
        "and destroy stop here. If it is yours (you deleted and re-created it), accept it once: "
        f"SPARKPOST_ADOPT={NAME} pulumi refresh --yes, then run up or destroy as before. If it is someone else's, "
        "leave it to them: pulumi state delete '<urn>' drops it from this stack only (pulumi stack --show-urns lists "
        "the URNs).")
    assert claimed_elsewhere_message("Tracking domain", NAME) == (
        f"Tracking domain '{NAME}' was created or adopted by another resource of this deployment (a renamed "
        "resource, then adopted under its new name?): this resource's delete leaves it to that one and only drops "
        "this resource from state. Next time, give the renamed resource aliases naming its old name.")
