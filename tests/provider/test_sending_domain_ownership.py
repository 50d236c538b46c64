"""Ownership of sending domains, tried as an adversary would, on both paths (the Python dynamic provider and the
plugin's native one): the tracking-domain matrix's states and failures, re-creation (a new ``creation_time``, or,
where SparkPost leaves it out, a new DKIM key), renames within one deployment, adoption. Each case ends with the
foreign domain as it was and no write to it (the emulator records every request).

The rule: a create settles an unclear POST answer as "ours" only when its own read just before the POST found the
name free (404) and the read-back finds the domain exactly as that POST makes it (``sending_domain_made_by_create``):
verified in no way, no default bounce domain, no tracking domain, the declared sharing, the declared scope, and a
key SparkPost generated of the declared length. Once a read showed the name free, a later 409 is someone else's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.emulator import Emulator

from .deployments import FAST, Deployment, DynamicDeployment, NativeDeployment

KEY = "sending-ownership-key-0123456789"
D = "brand.example"
KIND = "sending_domain"
CREATE = ("POST", "/sending-domains")
ADOPT_WORDS = r"adopt_existing|adoptExisting"
TRACKING = "click.brand.example"

#: A fresh create (a generated 2048-bit key, unverified, in the primary account) reads back exactly like this.
IDENTICAL: dict[str, Any] = {"verified": False}
#: Someone else's sending domain, one field away from what a fresh create makes.
ONE_FIELD_AWAY: dict[str, dict[str, Any]] = {
    "dkim_verified": {"verified": False, "dkim_status": "valid"},
    "cname_pending": {"verified": False, "cname_status": "pending"},
    "mailbox_invalid": {"verified": False, "verification_mailbox_status": "invalid"},
    "tracking_domain": {"verified": False, "tracking_domain": TRACKING},
    "shared": {"verified": False, "shared_with_subaccounts": True},
    "subaccount": {"verified": False, "subaccount_id": 5},
    "a_1024_bit_key": {"verified": False, "dkim_key_length": 1024},
    "no_key": {"verified": False, "generate_dkim": False},
}
STATES = {"identical": IDENTICAL, **ONE_FIELD_AWAY}


def answered(status: int) -> Callable[[Emulator], None]:
    return lambda emu: emu.fail_next(1, status=status, method=CREATE[0], path_suffix=CREATE[1])


FAILURES: dict[str, Callable[[Emulator], None]] = {
    **{str(status): answered(status) for status in (500, 502, 503, 504)},
    "no_answer": lambda emu: emu.delay_next(1, 30, *CREATE),
    "reset_after_commit": lambda emu: emu.drop_after_commit(1, *CREATE),
}

NewDeployment = Callable[[], Deployment]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        emulator.add_domain(TRACKING, secure=True, verified=True)
        emulator.add_domain(TRACKING.replace("click", "five"), subaccount_id=5, secure=True, verified=True)
        yield emulator


@pytest.fixture(params=["dynamic", "native"])
def deployment(request: pytest.FixtureRequest, emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> NewDeployment:
    for var in ("SPARKPOST_EU_API_KEY", "SPARKPOST_ADOPT", "SPARKPOST_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    if request.param == "native":
        return lambda: NativeDeployment(emu.base_url, KEY)
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    for name, value in FAST.items():
        monkeypatch.setenv(f"SPARKPOST_{name.upper()}", value)
    return DynamicDeployment


def declared(emu: Emulator, **more: Any) -> dict[str, Any]:
    return {"domain": D, "api_url": emu.base_url, **more}


def add(emu: Emulator, fields: dict[str, Any]) -> dict[str, Any]:
    fields = dict(fields)
    sub = fields.pop("subaccount_id", None)
    tracking = fields.pop("tracking_domain", "")
    return emu.add_sending_domain(D, subaccount_id=sub, tracking_domain=tracking, **fields)


def writes(emu: Emulator) -> list[tuple[str, str]]:
    """Every request that could change SparkPost, other than the create's own POST."""
    return [(r.method, r.path) for r in emu.requests() if r.method != "GET" and not r.matches(*CREATE)]


def stored(emu: Emulator) -> dict[str, Any]:
    found = emu.get_sending_domain(D)
    assert found is not None
    return found


# ---- the states are what they claim to be --------------------------------------------------------------------

def test_the_identical_state_is_what_a_fresh_create_makes(emu: Emulator) -> None:
    from sparkpost_tracking.dynamic_providers import SparkPostClient
    from sparkpost_tracking.dynamic_providers.client import sending_domain_made_by_create

    with SparkPostClient(emu.base_url, KEY) as api:
        api.create_sending_domain(D, dkim_key_length=2048)
    fresh = stored(emu)
    emu.remove_sending_domain(D)
    for state, fields in STATES.items():
        emu.remove_sending_domain(D)
        found = add(emu, fields)
        assert sending_domain_made_by_create(found, subaccount_id=None, dkim_key_length=2048) is (
            state == "identical"), state
    assert sending_domain_made_by_create(fresh, subaccount_id=None, dkim_key_length=2048)


# ---- (a) the foreign domain is there before the create -----------------------------------------------------------

@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("state", STATES)
def test_a_domain_there_before_the_create_is_never_posted_to(emu: Emulator, deployment: NewDeployment, state: str,
                                                             failure: str) -> None:
    foreign = add(emu, STATES[state])
    FAILURES[failure](emu)
    armed = emu.pending_faults()
    emu.clear_requests()
    with pytest.raises(errors.SparkPostTrackingError, match=ADOPT_WORDS) as caught:
        deployment().create(KIND, declared(emu))
    said = str(caught.value)
    # The one-run adoption is proposed only for a domain that reads exactly as our create leaves it.
    assert (f"SPARKPOST_ADOPT={D} pulumi up" in said) is (state == "identical")
    assert [(r.method, r.status) for r in emu.requests()] == [("GET", 200)]
    assert emu.pending_faults() == armed  # the POST the failure waits for was never sent
    assert stored(emu) == foreign


# ---- (b) the foreign domain appears between our read and our POST --------------------------------------------------

@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("state", ONE_FIELD_AWAY)
def test_a_domain_made_between_our_read_and_our_post(emu: Emulator, deployment: NewDeployment, state: str,
                                                     failure: str) -> None:
    fields = dict(ONE_FIELD_AWAY[state])
    sub = fields.pop("subaccount_id", None)
    emu.create_sending_domain_on_next(D, subaccount_id=sub, **fields)
    FAILURES[failure](emu)
    emu.clear_requests()
    with pytest.raises(errors.SparkPostTrackingError, match=ADOPT_WORDS):
        deployment().create(KIND, declared(emu))
    first = emu.requests()[0]
    assert (first.method, first.status) == ("GET", 404)  # the name was free when we looked
    assert emu.count(*CREATE) == (0 if failure == "no_answer" else 1)  # never posted again
    assert writes(emu) == []
    found = stored(emu)
    assert found.get("subaccount_id") == sub


@pytest.mark.parametrize("state", STATES)
def test_a_domain_that_appears_during_the_backoff_is_someone_elses(emu: Emulator, deployment: NewDeployment,
                                                                   state: str) -> None:
    """POST fails, the read-back shows the name free, someone creates it while we wait to retry: the read just
    before the retry finds it, and it is theirs, even when it reads exactly as our create makes it."""
    fields = dict(STATES[state])
    sub = fields.pop("subaccount_id", None)
    emu.create_sending_domain_on_next(D, subaccount_id=sub, method="GET", path_suffix=f"/sending-domains/{D}", skip=2,
                                      **fields)
    answered(503)(emu)
    emu.clear_requests()
    with pytest.raises(errors.SparkPostTrackingError, match=ADOPT_WORDS) as caught:
        deployment().create(KIND, declared(emu))
    assert "someone else created it meanwhile" in str(caught.value)
    assert [(r.method, r.status) for r in emu.requests()] == [("GET", 404), ("POST", 503), ("GET", 404),
                                                              ("GET", 200)]
    assert writes(emu) == []


@pytest.mark.parametrize("state", STATES)
def test_a_409_on_a_retry_is_someone_elses_create(emu: Emulator, deployment: NewDeployment, state: str) -> None:
    fields = dict(STATES[state])
    sub = fields.pop("subaccount_id", None)
    answered(503)(emu)
    emu.create_sending_domain_on_next(D, subaccount_id=sub, skip=1, **fields)  # lands as our second POST arrives
    emu.clear_requests()
    with pytest.raises(errors.SparkPostTrackingError, match=ADOPT_WORDS) as caught:
        deployment().create(KIND, declared(emu))
    assert "the retried POST heard 409" in str(caught.value)
    assert [(r.method, r.status) for r in emu.requests()] == [
        ("GET", 404), ("POST", 503), ("GET", 404), ("GET", 404), ("POST", 409), ("GET", 200)]
    assert writes(emu) == []


@pytest.mark.parametrize("failure", ["reset_after_commit", "no_answer"])
def test_our_lost_create_settles_by_reading_back(emu: Emulator, deployment: NewDeployment, failure: str) -> None:
    FAILURES[failure](emu)
    outs = deployment().create(KIND, declared(emu))
    found = stored(emu)
    assert outs["dkim_public_key"] == found["dkim"]["public"]
    # Read back (a reset after the commit) it has its creation_time; answered (the retry of a held POST), not yet.
    assert outs.get("creation_time") == (found["creation_time"] if failure == "reset_after_commit" else None)
    assert len(emu.sending_domains()) == 1 and writes(emu) == []


def test_a_create_whose_outcome_is_unknown_says_adopting_is_a_choice(emu: Emulator,
                                                                     deployment: NewDeployment) -> None:
    answered(503)(emu)
    # The read before the POST passes; every read after the lost answer fails, through every persistent round.
    emu.fail_next(1000, status=503, method="GET", path_suffix=f"/sending-domains/{D}", skip=1)
    with pytest.raises(errors.OutcomeUnknown) as caught:
        deployment().create(KIND, declared(emu))
    said = "\n".join([str(caught.value), *getattr(caught.value, "__notes__", [])])
    assert "may have taken effect" in said and f"SPARKPOST_ADOPT={D} pulumi up" in said
    assert "someone else's" in said and writes(emu) == [] and emu.count(*CREATE) == 1


# ---- (c) re-creation is noticed, not repaired over -------------------------------------------------------------

def ours_then_recreated(emu: Emulator, deployment: NewDeployment, *, refreshed: bool = True,
                        **theirs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Our domain (refreshed once: state holds its creation_time; else as the create left it, without one), then
    deleted and made again by someone else."""
    state = deployment().create(KIND, declared(emu))
    if refreshed:
        state = deployment().read(KIND, D, state) or {}
        assert state["creation_time"]
    emu.remove_sending_domain(D)
    foreign = add(emu, {"verified": False, **theirs})
    emu.clear_requests()
    return state, foreign


#: (state refreshed since the create, SparkPost reports creation_time) -> the evidence named
EVIDENCE = {(True, True): "its creation_time is", (True, False): "its DKIM key is another one",
            (False, True): "its DKIM key is another one", (False, False): "its DKIM key is another one"}


@pytest.mark.parametrize(("refreshed", "creation_time"), EVIDENCE, ids=lambda v: str(v))
def test_refresh_up_and_destroy_write_nothing_to_a_recreated_domain(emu: Emulator, deployment: NewDeployment,
                                                                    refreshed: bool, creation_time: bool) -> None:
    """Made again with a new creation_time; or, where state or SparkPost has none, with a new DKIM key."""
    state, foreign = ours_then_recreated(emu, deployment, refreshed=refreshed)
    if not creation_time:
        emu.update_settings(omit_creation_time=True)
    evidence = EVIDENCE[refreshed, creation_time]
    later = deployment()
    for attempt in (lambda: later.read(KIND, D, state),
                    lambda: later.update(KIND, D, state, declared(emu, shared_with_subaccounts=True)),
                    lambda: later.delete(KIND, D, state)):
        with pytest.raises(errors.NoLongerOurs) as caught:
            attempt()
        said = str(caught.value)
        assert evidence in said and f"SPARKPOST_ADOPT={D} pulumi refresh --yes" in said
        assert "pulumi state delete" in said
    assert {r.method for r in emu.requests()} == {"GET"}
    assert stored(emu) == foreign


def test_a_new_creation_time_is_evidence_even_with_the_same_key(emu: Emulator, deployment: NewDeployment) -> None:
    state = deployment().create(KIND, declared(emu))
    state = deployment().read(KIND, D, state) or {}
    key = stored(emu)["dkim"]
    emu.remove_sending_domain(D)
    add(emu, {"verified": False, "dkim": {"selector": key["selector"], "public": key["public"]}})
    with pytest.raises(errors.NoLongerOurs, match="its creation_time is"):
        deployment().read(KIND, D, state)


def test_a_key_replaced_on_the_same_domain_is_drift_not_evidence(emu: Emulator, deployment: NewDeployment) -> None:
    """Same creation_time: the same domain, whatever happened to its key; the new records are the outputs."""
    from sparkpost_tracking.emulator.dkim_keys import make_key

    created = deployment().create(KIND, declared(emu))
    state = deployment().read(KIND, D, created) or {}
    other = make_key(2048)
    emu.mutate_sending_domain(D, dkim={"selector": "s2", "public": other.public})
    found = deployment().read(KIND, D, state)
    assert found is not None and found["dkim_selector"] == "s2" and found["dkim_record_name"] == f"s2._domainkey.{D}"
    # Before the first refresh state holds no creation_time: the key alone decides, on the side of writing nothing.
    with pytest.raises(errors.NoLongerOurs, match="its DKIM key is another one"):
        deployment().read(KIND, D, created)


def test_verification_and_association_are_drift_not_evidence(emu: Emulator, deployment: NewDeployment) -> None:
    state = deployment().create(KIND, declared(emu))
    emu.mutate_sending_domain(D, dkim_status="valid", tracking_domain=TRACKING)
    emu.update_settings(omit_creation_time=True)
    found = deployment().read(KIND, D, state)
    assert found is not None and found["ownership_verified"] is True and found["tracking_domain"] == TRACKING


def test_accepting_a_recreated_domain_once_lets_up_continue(emu: Emulator, deployment: NewDeployment,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    state, foreign = ours_then_recreated(emu, deployment)
    monkeypatch.setenv("SPARKPOST_ADOPT", D)
    refreshed = deployment().read(KIND, D, state)
    assert refreshed is not None and refreshed["creation_time"] == foreign["creation_time"]
    monkeypatch.delenv("SPARKPOST_ADOPT")
    assert deployment().read(KIND, D, refreshed) is not None
    shared = deployment().update(KIND, D, refreshed, declared(emu, shared_with_subaccounts=True))
    assert shared["shared_with_subaccounts"] is True and stored(emu)["shared_with_subaccounts"] is True


def test_update_reads_before_it_writes(emu: Emulator, deployment: NewDeployment) -> None:
    state, foreign = ours_then_recreated(emu, deployment)
    with pytest.raises(errors.NoLongerOurs):
        deployment().update(KIND, D, state, declared(emu, shared_with_subaccounts=True))
    assert [r.method for r in emu.requests()] == ["GET"] and stored(emu) == foreign


def test_an_update_of_a_domain_gone_says_refresh(emu: Emulator, deployment: NewDeployment) -> None:
    state = deployment().create(KIND, declared(emu))
    emu.expire_unverified(D)
    with pytest.raises(errors.SparkPostTrackingError, match=r"no longer exists in SparkPost.*pulumi refresh"):
        deployment().update(KIND, D, state, declared(emu, shared_with_subaccounts=True))
    assert deployment().read(KIND, D, state) is None  # refresh forgets it
    deployment().delete(KIND, D, state)  # and a delete of what is gone is done


# ---- (d) within one deployment, what one resource took another resource's delete never deletes -----------------

@pytest.mark.parametrize("how", ["adopt_existing", "SPARKPOST_ADOPT"])
def test_a_renamed_resources_delete_drops_only_state(emu: Emulator, deployment: NewDeployment, how: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    old_state = deployment().create(KIND, declared(emu))
    if how == "SPARKPOST_ADOPT":
        monkeypatch.setenv("SPARKPOST_ADOPT", D)
    renamed = deployment()
    new_state = renamed.create(KIND, declared(emu, adopt_existing=how == "adopt_existing"))
    assert new_state["dkim_public_key"] == old_state["dkim_public_key"]
    emu.clear_requests()
    renamed.delete(KIND, D, old_state)
    assert emu.requests() == [] and emu.get_sending_domain(D) is not None
    [warning] = renamed.warnings
    assert "created or adopted by another resource of this deployment" in warning and "aliases" in warning
    deployment().delete(KIND, D, new_state)
    assert emu.get_sending_domain(D) is None


# ---- (e) adoption: only on request, and only of what can be declared ---------------------------------------------

def test_adopt_existing_takes_what_the_read_finds_without_posting(emu: Emulator, deployment: NewDeployment) -> None:
    foreign = add(emu, {"verified": True, "shared_with_subaccounts": True})
    emu.clear_requests()
    outs = deployment().create(KIND, declared(emu, adopt_existing=True))
    assert emu.count(*CREATE) == 0 and outs["dkim_public_key"] == foreign["dkim"]["public"]
    # Brought to the declared sharing (false by default): one PUT.
    assert writes(emu) == [("PUT", f"/api/v1/sending-domains/{D}")] and stored(emu)["shared_with_subaccounts"] is False
    assert outs["shared_with_subaccounts"] is False and outs["dkim_status"] == "valid"


def test_adopting_a_key_of_another_length_is_refused_naming_the_property(emu: Emulator,
                                                                          deployment: NewDeployment) -> None:
    foreign = add(emu, {"dkim_key_length": 1024})
    emu.clear_requests()
    with pytest.raises(errors.SparkPostTrackingError, match=r"1024-bit DKIM key.*declare (dkim_key_length|"
                                                            r"dkimKeyLength): 1024"):
        deployment().create(KIND, declared(emu, adopt_existing=True))
    assert writes(emu) == [] and emu.count(*CREATE) == 0 and stored(emu) == foreign
    outs = deployment().create(KIND, declared(emu, adopt_existing=True, dkim_key_length=1024))
    assert outs["dkim_key_length"] == 1024


def test_adopting_a_domain_of_another_scope_names_the_owner(emu: Emulator, deployment: NewDeployment) -> None:
    foreign = add(emu, {"subaccount_id": 5})
    emu.clear_requests()
    owner = r"(subaccount_id|subaccountId) 5\)\. Set (subaccount_id|subaccountId) to its owner"
    with pytest.raises(errors.SparkPostTrackingError, match=owner):
        deployment().create(KIND, declared(emu, adopt_existing=True))
    assert writes(emu) == [] and stored(emu) == foreign


def test_sparkpost_adopt_takes_over_the_listed_domain_once(emu: Emulator, deployment: NewDeployment,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    add(emu, IDENTICAL)
    monkeypatch.setenv("SPARKPOST_ADOPT", D)
    outs = deployment().create(KIND, declared(emu))
    assert emu.count(*CREATE) == 0 and outs["domain"] == D
