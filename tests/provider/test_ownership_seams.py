"""Ownership at the seams between operations, on both paths (the dynamic provider and the plugin's native one): a
retry, a re-created domain, a rename within one deployment, an association someone else pointed elsewhere. Each case
ends with the foreign object as it was and no write to it (the emulator records every request).

The engine-tier twins (kill -9, rename, destroy through the real CLI) are in tests/engine/test_ownership_seams_cli.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.emulator import Emulator

from .deployments import FAST, Deployment, DynamicDeployment, NativeDeployment

KEY = "ownership-seams-key-0123456789"
DOMAIN = "track.example.com"
SENDING = "example.com"
CREATE = ("POST", "/tracking-domains")
ADOPT_WORDS = r"adopt_existing|adoptExisting"
REPLACE_WORDS = r"replace_existing|replaceExisting"

#: A fresh create's shape (what our POST makes), and a colleague's domain one field away from it.
IDENTICAL: dict[str, Any] = {"secure": True}
FOREIGN: dict[str, dict[str, Any]] = {
    "identical": IDENTICAL,
    "verified": {"secure": True, "verified": True},
    "live_http_default": {"secure": False, "default": True, "verified": True},
}
#: Failures of our POST that leave the name free when the read-back looks (the POST did not land).
def answered(status: int) -> Callable[[Emulator], None]:
    return lambda emu: emu.fail_next(1, status=status, method=CREATE[0], path_suffix=CREATE[1])


FAILURES: dict[str, Callable[[Emulator], None]] = {
    **{str(status): answered(status) for status in (500, 502, 503, 504)},
    "no_answer": lambda emu: emu.delay_next(1, 30, *CREATE),  # held past the read timeout, lands after the retry
}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


NewDeployment = Callable[[], Deployment]


@pytest.fixture(params=["dynamic", "native"])
def deployment(request: pytest.FixtureRequest, emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> NewDeployment:
    """Starts a deployment on one path (call it again for the next ``up``/``refresh``/``destroy``)."""
    for var in ("SPARKPOST_EU_API_KEY", "SPARKPOST_ADOPT", "SPARKPOST_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    if request.param == "native":
        return lambda: NativeDeployment(emu.base_url, KEY)
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    for name, value in FAST.items():
        monkeypatch.setenv(f"SPARKPOST_{name.upper()}", value)
    return DynamicDeployment


def tracking(emu: Emulator, **declared: Any) -> dict[str, Any]:
    return {"domain": DOMAIN, "api_url": emu.base_url, **declared}


def add(emu: Emulator, name: str, fields: dict[str, Any]) -> dict[str, Any]:
    fields = dict(fields)
    return emu.add_domain(name, subaccount_id=fields.pop("subaccount_id", None), **fields)


def writes_to(emu: Emulator, name: str) -> list[tuple[str, str]]:
    """Requests that could change ``name`` (a create's POST of the name aside: it changes nothing that exists)."""
    return [(r.method, r.path) for r in emu.requests()
            if r.method != "GET" and not r.matches(*CREATE)
            and (r.path.endswith(f"/{name}") or f"/{name}/" in r.path)]


# ---- 2. a retry never turns evidence of absence into ownership ------------------------------------------------

@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("state", FOREIGN)
def test_a_domain_that_appears_during_the_backoff_is_someone_elses(emu: Emulator, deployment: NewDeployment,
                                                                   state: str, failure: str) -> None:
    """POST fails, the read-back shows the name free, a colleague creates it while we wait to retry: the read just
    before the retry finds it, and it is theirs, even when it reads exactly as our create makes it."""
    fields = dict(FOREIGN[state])
    # The colleague's create lands just before our third read (proof, read-back, then the read before the retry).
    emu.create_on_next(DOMAIN, method="GET", path_suffix=f"/tracking-domains/{DOMAIN}", skip=2, **fields)
    FAILURES[failure](emu)
    with pytest.raises(errors.SparkPostTrackingError, match=ADOPT_WORDS) as caught:
        deployment().create("tracking_domain", tracking(emu))
    assert "someone else created it meanwhile" in str(caught.value)
    assert [(r.method, r.status) for r in emu.requests() if not r.matches(*CREATE)][:3] == [
        ("GET", 404), ("GET", 404), ("GET", 200)]
    assert emu.count(*CREATE) == (0 if failure == "no_answer" else 1)  # the retry was never posted
    assert writes_to(emu, DOMAIN) == [] and emu.get(DOMAIN) == add_shape(fields)


@pytest.mark.parametrize("state", FOREIGN)
def test_a_409_on_a_retry_is_someone_elses_create(emu: Emulator, deployment: NewDeployment, state: str) -> None:
    """The read right before the retry shows the name free, and the retried POST hears 409: a colleague created it
    in between. Before, that 409 was taken for 'an earlier attempt of ours was stored' and the domain adopted."""
    fields = dict(FOREIGN[state])
    emu.fail_next(1, status=503, method="POST", path_suffix="/tracking-domains")
    emu.create_on_next(DOMAIN, skip=1, **fields)  # lands as our second POST arrives
    with pytest.raises(errors.SparkPostTrackingError, match=ADOPT_WORDS) as caught:
        deployment().create("tracking_domain", tracking(emu))
    assert "the retried POST heard 409" in str(caught.value)
    assert [(r.method, r.status) for r in emu.requests()] == [
        ("GET", 404), ("POST", 503), ("GET", 404), ("GET", 404), ("POST", 409), ("GET", 200)]
    assert writes_to(emu, DOMAIN) == [] and emu.get(DOMAIN) == add_shape(fields)


def test_a_retry_still_creates_when_the_name_stays_free(emu: Emulator, deployment: NewDeployment) -> None:
    emu.fail_next(2, status=503, method="POST", path_suffix="/tracking-domains")
    outs = deployment().create("tracking_domain", tracking(emu, verify=False))
    assert outs["secure"] is True and emu.count(*CREATE) == 3 and len(emu.domains()) == 1


def add_shape(fields: dict[str, Any]) -> dict[str, Any]:
    """What ``fields`` look like stored (GET shape), without storing them."""
    from sparkpost_tracking.emulator.store import DomainStore

    fields = dict(fields)
    return DomainStore().add(DOMAIN, subaccount_id=fields.pop("subaccount_id", None), **fields)


# ---- 3. re-creation is noticed, not repaired over ------------------------------------------------------------

#: (what our state says, what the colleague's re-created domain reads as, the evidence named)
RECREATED: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "verification lost with secure changed": (
        {}, {"secure": False}, "it was verified and is not any more, and at the same time secure True -> False"),
    "verification lost with secure changed, the default gone too": (
        {"default": True}, {"secure": False}, "secure True -> False"),
    "managed certificate gone": (
        {"managed_certificate": True}, {"secure": True, "verified": True},
        "it had a SparkPost-managed certificate and has none now"),
}


def ours_then_recreated(emu: Emulator, deployment: NewDeployment, case: str) -> tuple[dict[str, Any], dict[str, Any]]:
    declared, theirs, _ = RECREATED[case]
    state = deployment().create("tracking_domain", tracking(emu, **declared))
    assert state["verified"] is True
    emu.remove(DOMAIN)
    foreign = add(emu, DOMAIN, theirs)
    emu.clear_requests()
    return state, foreign


@pytest.mark.parametrize("case", RECREATED)
def test_refresh_up_and_destroy_write_nothing_to_a_recreated_domain(emu: Emulator, deployment: NewDeployment,
                                                                    case: str) -> None:
    declared, _, evidence = RECREATED[case]
    state, foreign = ours_then_recreated(emu, deployment, case)
    later = deployment()
    for attempt in (lambda: later.read("tracking_domain", DOMAIN, state),
                    lambda: later.update("tracking_domain", DOMAIN, state,
                                         tracking(emu, **{**declared, "default": not declared.get("default")})),
                    lambda: later.delete("tracking_domain", DOMAIN, state)):
        with pytest.raises(errors.NoLongerOurs) as caught:
            attempt()
        said = str(caught.value)
        assert evidence in said and f"SPARKPOST_ADOPT={DOMAIN} pulumi refresh --yes" in said
        assert "pulumi state delete" in said
    assert {r.method for r in emu.requests()} == {"GET"} and emu.get(DOMAIN) == foreign


def test_accepting_a_recreated_domain_once_lets_up_repair_it(emu: Emulator, deployment: NewDeployment,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    state, _ = ours_then_recreated(emu, deployment, "verification lost with secure changed")
    monkeypatch.setenv("SPARKPOST_ADOPT", DOMAIN)
    refreshed = deployment().read("tracking_domain", DOMAIN, state)
    assert refreshed is not None and refreshed["secure"] is False
    monkeypatch.delenv("SPARKPOST_ADOPT")
    repaired = deployment().update("tracking_domain", DOMAIN, refreshed, tracking(emu))
    assert repaired["secure"] is True and repaired["verified"] is True


@pytest.mark.parametrize(("declared", "drift", "repair"), [
    ({}, {"verified": False}, ("POST", "verify")),  # our own chain broke: verified again
    ({}, {"secure": False}, ("PUT", DOMAIN)),  # someone switched secure: switched back
    ({"default": True}, {"verified": False, "default": False}, ("PUT", DOMAIN)),  # a broken chain took the default
    ({"default": True}, {"default": False}, ("PUT", DOMAIN)),  # another domain took the default
])
def test_ordinary_drift_is_still_repaired(emu: Emulator, deployment: NewDeployment, declared: dict[str, Any],
                                          drift: dict[str, Any], repair: tuple[str, str]) -> None:
    state = deployment().create("tracking_domain", tracking(emu, **declared))
    emu.mutate(DOMAIN, **drift)
    later = deployment()
    refreshed = later.read("tracking_domain", DOMAIN, state)
    assert refreshed is not None
    emu.clear_requests()
    repaired = later.update("tracking_domain", DOMAIN, refreshed, tracking(emu, **declared))
    assert repair in [(r.method, r.path.rsplit("/", 1)[-1]) for r in emu.requests()]
    assert repaired["secure"] is True and repaired["verified"] is True


def test_a_same_shape_recreation_verified_again_is_the_documented_residual(emu: Emulator,
                                                                          deployment: NewDeployment) -> None:
    """No id, no creation time: a domain deleted and made again exactly as ours was, and verified again, reads as
    ours. Pinned here so the docs' residual stays true (docs/tracking-domain.md, "Ownership")."""
    state = deployment().create("tracking_domain", tracking(emu))
    emu.remove(DOMAIN)
    add(emu, DOMAIN, {"secure": True, "verified": True})
    assert deployment().read("tracking_domain", DOMAIN, state) is not None


def test_update_reads_before_it_writes(emu: Emulator, deployment: NewDeployment) -> None:
    """Without a refresh, an update is the first to see the re-created domain: its read, not its write."""
    state = deployment().create("tracking_domain", tracking(emu))
    emu.remove(DOMAIN)
    foreign = add(emu, DOMAIN, {"secure": False})
    emu.clear_requests()
    with pytest.raises(errors.NoLongerOurs):
        deployment().update("tracking_domain", DOMAIN, state, tracking(emu, default=True))
    assert [r.method for r in emu.requests()] == ["GET"] and emu.get(DOMAIN) == foreign


# ---- 4. within one deployment, what one resource took another resource's delete never deletes --------------

@pytest.mark.parametrize("how", ["adopt_existing", "SPARKPOST_ADOPT"])
def test_a_renamed_resources_delete_drops_only_state(emu: Emulator, deployment: NewDeployment, how: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A rename without aliases, then adoption under the new name: the old resource's delete, later in the same
    deployment, must not delete the domain the new one just adopted."""
    old_state = deployment().create("tracking_domain", tracking(emu))
    if how == "SPARKPOST_ADOPT":
        monkeypatch.setenv("SPARKPOST_ADOPT", DOMAIN)
    renamed = deployment()
    new_state = renamed.create("tracking_domain", tracking(emu, adopt_existing=how == "adopt_existing"))
    assert new_state["verified"] is True
    emu.clear_requests()
    renamed.delete("tracking_domain", DOMAIN, old_state)
    assert emu.requests() == [] and emu.get(DOMAIN) is not None
    [warning] = renamed.warnings
    assert "created or adopted by another resource of this deployment" in warning and "aliases" in warning
    deployment().delete("tracking_domain", DOMAIN, new_state)  # a later destroy deletes it: the claim was per run
    assert emu.get(DOMAIN) is None


# ---- 5. associations respect what they find --------------------------------------------------------------------

@pytest.fixture
def sending(emu: Emulator) -> Emulator:
    emu.add_domain(DOMAIN, secure=True, verified=True)
    emu.add_domain("colleague.example.com", secure=True, verified=True)
    emu.add_domain("next.example.com", secure=True, verified=True)
    emu.add_sending_domain(SENDING)
    return emu


def association(emu: Emulator, **declared: Any) -> dict[str, Any]:
    return {"sending_domain": SENDING, "tracking_domain": DOMAIN, "api_url": emu.base_url, **declared}


def uses(emu: Emulator) -> str:
    found = emu.get_sending_domain(SENDING)
    assert found is not None
    return str(found.get("tracking_domain") or "")


@pytest.mark.parametrize("adopt", [False, True])
def test_create_never_re_points_a_colleagues_choice_unasked(sending: Emulator, deployment: NewDeployment,
                                                            adopt: bool) -> None:
    sending.associate(SENDING, "colleague.example.com")
    sending.clear_requests()
    with pytest.raises(errors.SparkPostTrackingError, match=REPLACE_WORDS) as caught:
        deployment().create("association", association(sending, adopt_existing=adopt))
    assert "uses tracking domain 'colleague.example.com' now" in str(caught.value)
    assert "Nothing was written" in str(caught.value)
    assert [r.method for r in sending.requests()] == ["GET"] and uses(sending) == "colleague.example.com"


def test_replace_existing_re_points_on_request(sending: Emulator, deployment: NewDeployment) -> None:
    sending.associate(SENDING, "colleague.example.com")
    deployment().create("association", association(sending, replace_existing=True))
    assert uses(sending) == DOMAIN


@pytest.mark.parametrize(("now", "written"), [(DOMAIN, True), ("", True), ("colleague.example.com", False)])
def test_update_re_points_only_from_ours_or_none(sending: Emulator, deployment: NewDeployment, now: str,
                                                 written: bool) -> None:
    state = deployment().create("association", association(sending))
    sending.associate(SENDING, now)
    sending.clear_requests()
    moved = association(sending, tracking_domain="next.example.com")
    if written:
        deployment().update("association", SENDING, state, moved)
        assert uses(sending) == "next.example.com" and [r.method for r in sending.requests()] == ["GET", "PUT"]
    else:
        with pytest.raises(errors.SparkPostTrackingError, match=REPLACE_WORDS):
            deployment().update("association", SENDING, state, moved)
        assert uses(sending) == now and [r.method for r in sending.requests()] == ["GET"]


@pytest.mark.parametrize(("now", "cleared"), [(DOMAIN, True), ("", False), ("colleague.example.com", False)])
def test_destroy_clears_only_an_association_that_is_still_ours(sending: Emulator, deployment: NewDeployment, now: str,
                                                                cleared: bool) -> None:
    state = deployment().create("association", association(sending))
    sending.associate(SENDING, now)
    sending.clear_requests()
    destroy = deployment()
    destroy.delete("association", SENDING, state)
    assert [r.method for r in sending.requests()] == (["GET", "PUT"] if cleared else ["GET"])
    assert uses(sending) == ("" if cleared else now)
    if now == "colleague.example.com":
        [warning] = destroy.warnings
        assert "uses tracking domain 'colleague.example.com' now" in warning and "left as it is" in warning


def test_refresh_of_a_re_pointed_association_stops_with_the_choices(sending: Emulator,
                                                                    deployment: NewDeployment) -> None:
    state = deployment().create("association", association(sending))
    sending.associate(SENDING, "colleague.example.com")
    sending.clear_requests()
    with pytest.raises(errors.NoLongerOurs) as caught:
        deployment().read("association", SENDING, state)
    said = str(caught.value)
    assert "re-pointed" in said and "colleague.example.com" in said and "replace_existing" in said.replace(
        "replaceExisting", "replace_existing")
    assert [r.method for r in sending.requests()] == ["GET"]
    opted_in = deployment().create("association", association(sending, replace_existing=True))
    assert deployment().read("association", SENDING, opted_in) is not None  # with the opt-in it is drift


def test_a_renamed_associations_delete_keeps_what_its_successor_took(sending: Emulator,
                                                                     deployment: NewDeployment) -> None:
    old_state = deployment().create("association", association(sending))
    renamed = deployment()
    renamed.create("association", association(sending))  # in place already: taken without a write
    sending.clear_requests()
    renamed.delete("association", SENDING, old_state)
    assert sending.requests() == [] and uses(sending) == DOMAIN and len(renamed.warnings) == 1
