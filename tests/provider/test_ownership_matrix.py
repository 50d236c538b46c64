"""The ownership rule, tried as an adversary would: someone else's domain in every state a fresh create could be
taken for, x every failure of the create's POST, on both paths (the Python dynamic provider, and the plugin's native
provider driven as the SDK's server drives it).

The rule: a create settles an unclear POST answer as "ours" only when its own read just before the POST found the
name free (404) and the read-back finds the domain exactly as that POST makes it (``made_by_create``). Otherwise it
fails naming adopt_existing (adoptExisting in the plugin's words) and writes nothing.

Each foreign state differs from a fresh create in exactly ONE field, so that removing any one condition of the rule
fails a named test here:

- the read before the POST: ``test_a_domain_there_before_the_create_is_never_posted_to`` (every state, the
  ``identical`` one above all: nothing else can tell it from our own lost create);
- ``made_by_create`` as a whole, or one field inside it: ``test_a_domain_made_between_our_read_and_our_post``
  with that field's state (``verified``, ``default``, ``insecure``, ``managed_certificate``, ``subaccount``).

What no rule can close, someone creating the name exactly as we would between our read and our POST, is the window
``docs/tracking-domain.md`` names: ``test_the_remaining_window_is_never_deleted`` pins what happens then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.store import DomainStore

from . import both_paths

DOMAIN = "track.example.com"
KEY = "ownership-matrix-key-0123456789"
CREATE = ("POST", "/tracking-domains")
READ_TIMEOUT = 1.0  # seconds; the "no answer" failure holds the POST far longer
ADOPT_WORDS = r"adopt_existing|adoptExisting"

#: A fresh create (secure, in the primary account) reads back exactly like this domain: case 1 of the issue.
IDENTICAL: dict[str, Any] = {"secure": True}
#: Someone else's domain, one field away from what a fresh create makes.
ONE_FIELD_AWAY: dict[str, dict[str, Any]] = {
    "verified": {**IDENTICAL, "verified": True},
    "default": {**IDENTICAL, "default": True},
    "insecure": {**IDENTICAL, "secure": False},
    "managed_certificate": {**IDENTICAL, "uses_managed_certificate": True},
    "subaccount": {**IDENTICAL, "subaccount_id": 5},
}
STATES = {"identical": IDENTICAL, **ONE_FIELD_AWAY}

#: What can happen to the create's POST: SparkPost's 5xx answers, no answer at all (the client's read times out
#: while the request is held), and a connection reset after the server committed.
def answered(status: int) -> Callable[[Emulator], None]:
    return lambda emu: emu.fail_next(1, status=status, method=CREATE[0], path_suffix=CREATE[1])


FAILURES: dict[str, Callable[[Emulator], None]] = {
    **{str(status): answered(status) for status in (500, 502, 503, 504)},
    "no_answer": lambda emu: emu.delay_next(1, 60, *CREATE),
    "reset_after_commit": lambda emu: emu.drop_after_commit(1, *CREATE),
}


def as_added(state: dict[str, Any]) -> dict[str, Any]:
    """The foreign domain as SparkPost shows it, in GET shape."""
    fields = dict(state)
    return DomainStore().add(DOMAIN, subaccount_id=fields.pop("subaccount_id", None), **fields)


# ---- the two paths -------------------------------------------------------------------------------

Create = Callable[[Emulator], dict[str, Any]]


def dynamic_create(emu: Emulator) -> dict[str, Any]:
    return both_paths.dynamic_create(emu.base_url, DOMAIN)


def native_create(emu: Emulator) -> dict[str, Any]:
    return both_paths.native_create(emu.base_url, DOMAIN, KEY, verifyInterval="0", verifyTimeout="0",
                                    retryBackoff="0.01", requestTimeout=str(READ_TIMEOUT))


@pytest.fixture(params=["dynamic", "native"])
def create(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Create:
    for var in ("SPARKPOST_EU_API_KEY", "SPARKPOST_ADOPT"):
        monkeypatch.delenv(var, raising=False)
    if request.param == "native":
        monkeypatch.delenv("SPARKPOST_API_KEY", raising=False)
        return native_create
    for name, value in {"API_KEY": KEY, "RETRY_BACKOFF": "0.01", "VERIFY_INTERVAL": "0", "VERIFY_TIMEOUT": "0",
                        "REQUEST_TIMEOUT": str(READ_TIMEOUT)}.items():
        monkeypatch.setenv(f"SPARKPOST_{name}", value)
    return dynamic_create


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def writes(emu: Emulator) -> list[tuple[str, str]]:
    """Every request that could change SparkPost, other than the create's own POST."""
    return [(r.method, r.path) for r in emu.requests()
            if r.method != "GET" and not r.matches(*CREATE)]


# ---- the states are what they claim to be --------------------------------------------------------

def observable(found: dict[str, Any]) -> dict[str, Any]:
    return {"secure": found["secure"], "default": found["default"], "verified": found["status"]["verified"],
            "uses_managed_certificate": found["uses_managed_certificate"],
            "subaccount_id": found.get("subaccount_id")}


def test_the_identical_state_is_what_a_fresh_create_makes(emu: Emulator) -> None:
    from sparkpost_tracking.emulator.testing import HttpApi

    http = HttpApi(emu.base_url, KEY)
    try:
        http.create(DOMAIN, secure=True)
    finally:
        http.close()
    assert emu.get(DOMAIN) == as_added(IDENTICAL)


@pytest.mark.parametrize("state", ONE_FIELD_AWAY)
def test_each_foreign_state_is_one_field_away_from_a_fresh_create(state: str) -> None:
    fresh, foreign = observable(as_added(IDENTICAL)), observable(as_added(ONE_FIELD_AWAY[state]))
    assert len([name for name in fresh if fresh[name] != foreign[name]]) == 1


# ---- (a) the foreign domain is there before the create ---------------------------------------------

@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("state", STATES)
def test_a_domain_there_before_the_create_is_never_posted_to(emu: Emulator, create: Create, state: str,
                                                             failure: str) -> None:
    fields = dict(STATES[state])
    foreign = emu.add_domain(DOMAIN, subaccount_id=fields.pop("subaccount_id", None), **fields)
    FAILURES[failure](emu)
    armed = emu.pending_faults()
    with pytest.raises(errors.SparkPostTrackingError, match=ADOPT_WORDS) as caught:
        create(emu)
    assert "SPARKPOST_ADOPT" in str(caught.value)
    assert [(r.method, r.path.rsplit("/", 1)[-1], r.status) for r in emu.requests()] == [("GET", DOMAIN, 200)]
    assert emu.pending_faults() == armed  # the POST the failure waits for was never sent
    assert emu.get(DOMAIN) == foreign


# ---- (b) the foreign domain appears between our read and our POST ------------------------------------

@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("state", ONE_FIELD_AWAY)
def test_a_domain_made_between_our_read_and_our_post(emu: Emulator, create: Create, state: str,
                                                     failure: str) -> None:
    fields = dict(ONE_FIELD_AWAY[state])
    emu.create_on_next(DOMAIN, subaccount_id=fields.pop("subaccount_id", None), **fields)
    FAILURES[failure](emu)
    with pytest.raises(errors.SparkPostTrackingError, match=ADOPT_WORDS) as caught:
        create(emu)
    assert "SPARKPOST_ADOPT" in str(caught.value)
    first = emu.requests()[0]
    assert (first.method, first.status) == ("GET", 404)  # the name was free when we looked
    posts = emu.count(*CREATE)
    assert posts == (0 if failure == "no_answer" else 1)  # a held POST is logged once it is answered
    assert writes(emu) == []
    assert emu.get(DOMAIN) == as_added(ONE_FIELD_AWAY[state])  # theirs, untouched


# ---- the window no rule closes ---------------------------------------------------------------------

@pytest.mark.parametrize("failure", FAILURES)
def test_the_remaining_window_is_never_deleted(emu: Emulator, create: Create, failure: str) -> None:
    """Someone creates the name exactly as we would, between our read and our POST, and our POST's answer is
    unclear: nothing can tell their domain from ours, so the create takes it for its own (the window the docs
    name). Even then it never deletes it: an inferred create is left in place, with the way to adopt or delete."""
    emu.set_verification(DOMAIN, "fail")
    emu.create_on_next(DOMAIN, **IDENTICAL)
    FAILURES[failure](emu)
    with pytest.raises(errors.VerificationFailed) as caught:
        create(emu)
    assert f"SPARKPOST_ADOPT={DOMAIN}" in "\n".join(getattr(caught.value, "__notes__", []))
    assert emu.count("DELETE") == 0 and emu.get(DOMAIN) is not None
