"""Ownership: a create changes or deletes only what it made, or what the user adopted.

A create reads the domain before its POST: a domain already there is someone else's, whatever it looks like, and
nothing is posted. A lost create answer (the emulator processes the POST, then closes the connection unanswered)
settles by reading the domain back only when it was absent before the POST and is exactly what that POST makes.
The full matrix (every foreign state x every failure, on both paths) is in test_ownership_matrix.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider, errors
from sparkpost_tracking.dynamic_providers.schema import check_inputs
from sparkpost_tracking.emulator import Emulator

from .conftest import KEY

DOMAIN = "track.example.com"
CREATE = ("POST", "/tracking-domains")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def create(emu: Emulator, **declared: Any) -> dict[str, Any]:
    checked, failures = check_inputs({"domain": DOMAIN, "api_url": emu.base_url, **declared})
    assert failures == []
    result = TrackingDomainProvider().create({**checked, "__provider": "serialized"})
    assert result.outs is not None
    return result.outs


def steps(emu: Emulator) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path.rsplit("/", 1)[-1], r.body) for r in emu.requests()]


def lose_the_create_answer(emu: Emulator) -> None:
    emu.drop_after_commit(1, *CREATE)


# ---- someone else's domain, and the create's answer would be lost ------------------------------

def test_foreign_verified_default_is_not_taken_over(emu: Emulator, fast_env: str) -> None:
    foreign = emu.add_domain(DOMAIN, secure=False, default=True, verified=True)
    lose_the_create_answer(emu)
    with pytest.raises(errors.SparkPostTrackingError, match="adopt_existing") as caught:
        create(emu)
    assert "already exists" in str(caught.value) and "default=True" in str(caught.value)
    assert [s[:2] for s in steps(emu)] == [("GET", DOMAIN)]  # found by the read: nothing posted
    assert [f.kind for f in emu.pending_faults()] == ["drop"]  # the armed POST never came
    assert emu.get(DOMAIN) == foreign  # not a single write


def test_foreign_domain_is_never_deleted_when_verification_would_fail(emu: Emulator, fast_env: str) -> None:
    foreign = emu.add_domain(DOMAIN, secure=False, default=True, verified=True)
    emu.set_verification(DOMAIN, "fail")
    lose_the_create_answer(emu)
    with pytest.raises(errors.SparkPostTrackingError, match="adopt_existing"):
        create(emu)
    assert emu.get(DOMAIN) == foreign and emu.count("DELETE") == 0 and emu.count(path_suffix="/verify") == 0


def test_foreign_unverified_with_other_settings_is_not_taken_over(emu: Emulator, fast_env: str) -> None:
    foreign = emu.add_domain(DOMAIN, secure=False)  # unverified, not default, but not what we post
    lose_the_create_answer(emu)
    with pytest.raises(errors.SparkPostTrackingError, match="adopt_existing"):
        create(emu)
    assert emu.get(DOMAIN) == foreign and [s[:2] for s in steps(emu)] == [("GET", DOMAIN)]


def test_a_domain_of_another_scope_is_not_ours(emu: Emulator, fast_env: str) -> None:
    foreign = emu.add_domain(DOMAIN, subaccount_id=5, secure=True)  # as we would post it, but in subaccount 5
    lose_the_create_answer(emu)
    with pytest.raises(errors.SparkPostTrackingError, match="adopt_existing"):
        create(emu)
    assert emu.get(DOMAIN) == foreign and [s[:2] for s in steps(emu)] == [("GET", DOMAIN)]


def test_adopt_existing_adopts_what_the_read_finds_without_posting(emu: Emulator, fast_env: str) -> None:
    emu.add_domain(DOMAIN, secure=False, default=True, verified=True)
    lose_the_create_answer(emu)
    outs = create(emu, adopt_existing=True)
    assert steps(emu) == [("GET", DOMAIN, None), ("PUT", DOMAIN, {"secure": True, "default": False})]
    assert [f.kind for f in emu.pending_faults()] == ["drop"]  # no POST was sent to lose
    stored = emu.get(DOMAIN)
    assert stored is not None and (stored["secure"], stored["default"]) == (True, False)
    assert (outs["secure"], outs["default"], outs["port"]) == (True, False, 443)


def test_adopt_existing_of_another_scope_names_the_owner(emu: Emulator, fast_env: str) -> None:
    emu.add_domain(DOMAIN, subaccount_id=5)
    with pytest.raises(errors.SparkPostTrackingError, match="subaccount_id"):
        create(emu, adopt_existing=True)
    assert emu.count("PUT") == 0


# ---- our own create whose answer is lost -----------------------------------------------------

def test_our_lost_create_settles_by_reading_back(emu: Emulator, fast_env: str) -> None:
    lose_the_create_answer(emu)
    outs = create(emu, default=True)
    assert [s[:2] for s in steps(emu)] == [("GET", DOMAIN), ("POST", "tracking-domains"), ("GET", DOMAIN),
                                           ("POST", "verify"), ("PUT", DOMAIN)]
    assert [r.status for r in emu.requests()][:2] == [404, 200] and emu.requests()[1].dropped
    assert emu.count(*CREATE) == 1 and outs["verified"] is True and outs["default"] is True


def test_an_inferred_create_is_never_rolled_back(emu: Emulator, fast_env: str) -> None:
    emu.set_verification(DOMAIN, "fail")
    lose_the_create_answer(emu)
    with pytest.raises(errors.VerificationFailed) as caught:
        create(emu)
    assert emu.count("DELETE") == 0 and emu.get(DOMAIN) is not None
    assert f"SPARKPOST_ADOPT={DOMAIN}" in "\n".join(caught.value.__notes__)


def test_an_answered_create_is_rolled_back_through_a_burst_of_failures(emu: Emulator, fast_env: str) -> None:
    emu.set_verification(DOMAIN, "fail")
    emu.fail_next(8, status=503, method="DELETE")  # more than one call's retries allow
    with pytest.raises(errors.VerificationFailed):
        create(emu)
    assert emu.domains() == [] and emu.requests()[-1].status == 204


# ---- one-shot adoption (the recovery after an interrupted run) ---------------------------------

def test_sparkpost_adopt_takes_over_the_listed_domain_once(emu: Emulator, fast_env: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    emu.add_domain(DOMAIN, secure=True)  # exactly as our create leaves it: the hint may name the one-run adoption
    with pytest.raises(errors.SparkPostTrackingError, match=f"SPARKPOST_ADOPT={DOMAIN} pulumi up"):
        create(emu)
    monkeypatch.setenv("SPARKPOST_ADOPT", f"other.example.com, {DOMAIN.upper()}")
    outs = create(emu)
    assert outs["secure"] is True and outs["verified"] is True and outs["adopt_existing"] is False
    monkeypatch.setenv("SPARKPOST_ADOPT", "other.example.com")
    emu.add_domain("click.example.com")
    with pytest.raises(errors.SparkPostTrackingError, match="adopt_existing"):
        create(emu, domain="click.example.com")


# ---- what the errors say (a user acts on them) ----------------------------------------------------

def test_a_domain_made_between_our_read_and_our_post_is_read_for_the_hint(emu: Emulator, fast_env: str) -> None:
    emu.create_on_next(DOMAIN, secure=False)  # a 409 says nothing of its shape: one read (no write) does
    with pytest.raises(errors.SparkPostTrackingError) as caught:
        create(emu)
    assert ("Otherwise it is not this stack's: no create of this resource leaves it like this (secure is False, and "
            "this resource's create posts secure=True)") in str(caught.value)
    assert [(r.method, r.status) for r in emu.requests()] == [("GET", 404), ("POST", 409), ("GET", 200)]


def test_an_unknown_outcome_says_when_adopting_it_is_a_choice(emu: Emulator, fast_env: str) -> None:
    emu.fail_next(1, status=503, method="POST", path_suffix="/tracking-domains")
    emu.fail_next(100, status=503, method="GET", skip=1)  # every read-back fails
    with pytest.raises(errors.OutcomeUnknown) as caught:
        create(emu)
    assert caught.value.__notes__ == [
        f"'{DOMAIN}' may exist in SparkPost now, made by this run or by someone else. The next 'pulumi up' reads it "
        "first: if it says the domain already exists and reads exactly as this resource's create leaves it, "
        f"SPARKPOST_ADOPT={DOMAIN} pulumi up adopts it once (docs/recovery.md); if it reads otherwise, it is someone "
        "else's."]
