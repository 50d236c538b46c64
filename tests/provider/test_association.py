"""TrackingDomainAssociation's provider against the emulator: request counts, repair, errors, scoping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import TrackingDomainAssociationProvider, errors
from sparkpost_tracking.dynamic_providers.schema import ASSOCIATION
from sparkpost_tracking.emulator import Emulator

from .conftest import KEY

SENDING = "example.com"
TRACKING = "click.example.com"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        emulator.add_sending_domain(SENDING)
        emulator.add_domain(TRACKING, secure=True, verified=True)
        yield emulator


def inputs(emu: Emulator, **declared: Any) -> dict[str, Any]:
    checked, failures = ASSOCIATION.check({"sending_domain": SENDING, "tracking_domain": TRACKING,
                                           "api_url": emu.base_url, **declared})
    assert failures == []
    return {**checked, "__provider": "serialized"}


def associated(emu: Emulator, sending: str = SENDING) -> str | None:
    found = emu.get_sending_domain(sending)
    assert found is not None
    return found.get("tracking_domain")


def test_create_is_a_read_and_one_put_and_the_id_is_the_sending_domain(emu: Emulator, fast_env: str) -> None:
    result = TrackingDomainAssociationProvider().create(inputs(emu, sending_domain="Example.COM"))
    assert result.id == SENDING and result.outs is not None and result.outs["tracking_domain"] == TRACKING
    assert [(r.method, r.path, r.body) for r in emu.requests()] == [
        ("GET", "/api/v1/sending-domains/example.com", None),  # it names no tracking domain: ours to set
        ("PUT", "/api/v1/sending-domains/example.com", {"tracking_domain": TRACKING})]
    assert associated(emu) == TRACKING


def test_no_op_diff_asks_nothing(emu: Emulator, fast_env: str) -> None:
    state = inputs(emu)
    result = TrackingDomainAssociationProvider().diff(SENDING, state, inputs(emu))
    assert result.changes is False and emu.count() == 0


def test_a_new_tracking_domain_is_an_update_a_new_sending_domain_a_replace(emu: Emulator, fast_env: str) -> None:
    provider = TrackingDomainAssociationProvider()
    state = inputs(emu)
    update = provider.diff(SENDING, state, inputs(emu, tracking_domain="other.example.com"))
    assert update.changes is True and update.replaces == []
    replace = provider.diff(SENDING, state, inputs(emu, sending_domain="brand.example.net"))
    assert replace.replaces == ["sending_domain"] and not replace.delete_before_replace
    moved = provider.diff(SENDING, state, inputs(emu, subaccount_id=4))
    assert moved.replaces == ["subaccount_id"] and moved.delete_before_replace  # same id: clear first


def test_refresh_is_one_get_and_an_out_of_band_removal_shows_as_drift(emu: Emulator, fast_env: str) -> None:
    provider = TrackingDomainAssociationProvider()
    state = provider.create(inputs(emu)).outs
    assert state is not None
    emu.associate(SENDING, "")
    emu.clear_requests()
    read = provider.read(SENDING, state)
    assert emu.count() == 1 and emu.count("GET", f"/sending-domains/{SENDING}") == 1
    assert read.outs is not None and read.outs["tracking_domain"] == ""
    assert read.inputs is not None and read.inputs["tracking_domain"] == TRACKING  # the declaration stays
    repair = provider.diff(SENDING, read.outs, inputs(emu))
    assert repair.changes is True and repair.replaces == []
    provider.update(SENDING, read.outs, inputs(emu))
    assert associated(emu) == TRACKING


def test_delete_is_a_read_and_one_put_of_an_empty_name(emu: Emulator, fast_env: str) -> None:
    state = TrackingDomainAssociationProvider().create(inputs(emu)).outs
    assert state is not None
    emu.clear_requests()
    TrackingDomainAssociationProvider().delete(SENDING, state)  # a later deployment (destroy)
    assert [(r.method, r.body) for r in emu.requests()] == [("GET", None), ("PUT", {"tracking_domain": ""})]
    assert associated(emu) is None


def test_a_sending_domain_gone_out_of_band_is_gone_for_read_and_delete(emu: Emulator, fast_env: str) -> None:
    provider = TrackingDomainAssociationProvider()
    state = {**inputs(emu, sending_domain="gone.example.com")}
    assert provider.read("gone.example.com", state).id == ""
    provider.delete("gone.example.com", state)  # nothing to clear: no error


def test_unknown_sending_domain_says_to_create_it_in_sparkpost(emu: Emulator, fast_env: str) -> None:
    with pytest.raises(errors.SparkPostTrackingError) as caught:
        TrackingDomainAssociationProvider().create(inputs(emu, sending_domain="brand.example.net"))
    message = str(caught.value)
    assert "'brand.example.net' is not in the primary account" in message and "never creates" in message


def test_unregistered_tracking_domain_says_to_declare_it(emu: Emulator, fast_env: str) -> None:
    with pytest.raises(errors.SparkPostTrackingError) as caught:
        TrackingDomainAssociationProvider().create(inputs(emu, tracking_domain="nowhere.example.com"))
    assert "'nowhere.example.com' is not registered in this SparkPost account" in str(caught.value)
    assert associated(emu) is None


def test_a_subaccount_mismatch_names_both_scopes(emu: Emulator, fast_env: str) -> None:
    emu.add_sending_domain("brand.example.net", subaccount_id=5)
    with pytest.raises(errors.SparkPostTrackingError) as caught:
        TrackingDomainAssociationProvider().create(inputs(emu, sending_domain="brand.example.net", subaccount_id=5))
    message = str(caught.value)
    assert "belongs to the primary account" in message and "is in subaccount 5" in message
    # The scoped read and PUT, then one unscoped read to find the owner: only on the error path.
    assert [(r.method, r.subaccount) for r in emu.requests()] == [("GET", "5"), ("PUT", "5"), ("GET", None)]


def test_every_call_about_a_subaccount_carries_its_header(emu: Emulator, fast_env: str) -> None:
    emu.add_sending_domain("brand.example.net", subaccount_id=5)
    emu.add_domain("click5.example.net", subaccount_id=5)
    declared = inputs(emu, sending_domain="brand.example.net", tracking_domain="click5.example.net",
                      subaccount_id=5)
    state = TrackingDomainAssociationProvider().create(declared).outs
    assert state is not None
    later = TrackingDomainAssociationProvider()
    later.read("brand.example.net", state)
    later.delete("brand.example.net", state)
    assert [r.method for r in emu.requests()] == ["GET", "PUT", "GET", "GET", "PUT"]
    assert {r.subaccount for r in emu.requests()} == {"5"}


@pytest.mark.parametrize(("declared", "prop"), [
    ({"sending_domain": "not a domain"}, "sending_domain"),
    ({"tracking_domain": "example.com"}, "tracking_domain"),  # an apex cannot be a tracking domain
    ({"tracking_domain": None}, "tracking_domain"),
    ({"subaccount_id": 0}, "subaccount_id"),
    ({"trackingDomain": "click.example.com"}, "trackingDomain"),
])
def test_check_names_the_property_and_asks_nothing(emu: Emulator, declared: dict[str, Any], prop: str) -> None:
    base = {"sending_domain": SENDING, "tracking_domain": TRACKING, "api_url": emu.base_url}
    result = TrackingDomainAssociationProvider().check({}, {**base, **declared})
    assert [f.property for f in result.failures] == [prop] and emu.count() == 0


def test_an_apex_sending_domain_is_fine(emu: Emulator) -> None:
    assert TrackingDomainAssociationProvider().check({}, inputs(emu)).failures == []


@pytest.mark.usefixtures("fast_env")
def test_adopt_existing_takes_an_association_in_place_without_a_write(emu: Emulator) -> None:
    emu.associate(SENDING, TRACKING)
    emu.clear_requests()
    result = TrackingDomainAssociationProvider().create(inputs(emu, adopt_existing=True))
    assert result.id == SENDING and associated(emu) == TRACKING
    assert [(r.method, r.path) for r in emu.requests()] == [("GET", "/api/v1/sending-domains/example.com")]


@pytest.mark.usefixtures("fast_env")
def test_an_association_in_place_is_taken_without_a_write(emu: Emulator) -> None:
    emu.associate(SENDING, TRACKING)
    emu.clear_requests()
    TrackingDomainAssociationProvider().create(inputs(emu))
    assert associated(emu) == TRACKING and [r.method for r in emu.requests()] == ["GET"]


@pytest.mark.usefixtures("fast_env")
def test_adopt_existing_does_not_re_point_another_tracking_domain(emu: Emulator) -> None:
    emu.add_domain("other.example.com", verified=True)
    emu.associate(SENDING, "other.example.com")
    emu.clear_requests()
    with pytest.raises(errors.SparkPostTrackingError, match="replace_existing"):
        TrackingDomainAssociationProvider().create(inputs(emu, adopt_existing=True))
    assert associated(emu) == "other.example.com" and [r.method for r in emu.requests()] == ["GET"]
    with pytest.raises(errors.SparkPostTrackingError, match="not in the primary account"):
        TrackingDomainAssociationProvider().create(inputs(emu, sending_domain="missing.example", adopt_existing=True))


# ---- ownership: the words, exactly (a user acts on them); the rules: tests/provider/test_ownership_seams.py ----

def test_what_each_refusal_and_warning_says(emu: Emulator, fast_env: str) -> None:
    emu.add_domain("colleague.example.com", secure=True, verified=True)
    emu.associate(SENDING, "colleague.example.com")
    with pytest.raises(errors.SparkPostTrackingError) as taken:
        TrackingDomainAssociationProvider().create(inputs(emu))
    assert str(taken.value) == (
        "Sending domain 'example.com' uses tracking domain 'colleague.example.com' now (someone else chose "
        "'colleague.example.com'), and this association would re-point it to 'click.example.com'. Nothing was "
        "written. To take it over, set replace_existing: true on the association (the sending domain's links then "
        "use 'click.example.com'); else leave it and remove the association from the program.")
    state = {**inputs(emu), "tracking_domain": TRACKING}
    with pytest.raises(errors.SparkPostTrackingError) as moved:
        TrackingDomainAssociationProvider().update(SENDING, state, inputs(emu, tracking_domain="next.example.com"))
    assert str(moved.value).startswith(
        "Sending domain 'example.com' uses tracking domain 'colleague.example.com' now (the stack set "
        "'click.example.com'; someone else chose 'colleague.example.com'), and this association would re-point it to "
        "'next.example.com'.")
    with pytest.raises(errors.NoLongerOurs) as re_pointed:
        TrackingDomainAssociationProvider().read(SENDING, state)
    assert str(re_pointed.value) == (
        "Sending domain 'example.com' was re-pointed: it uses tracking domain 'colleague.example.com', where this "
        "stack set 'click.example.com'. This stack writes nothing to it: refresh stops here, and up and destroy "
        "leave it. To point it back (overwriting that choice): SPARKPOST_ADOPT=example.com pulumi refresh --yes, "
        "then pulumi up; to let this association re-point it whenever someone else does, set replace_existing: "
        "true. To leave it, remove the association from the program (pulumi state delete '<urn>' drops it from "
        "this stack only).")
    warned: list[str] = []
    import pulumi

    original, pulumi.log.warn = pulumi.log.warn, warned.append  # type: ignore[assignment]
    try:
        TrackingDomainAssociationProvider().delete(SENDING, state)
        running = TrackingDomainAssociationProvider()
        emu.associate(SENDING, TRACKING)
        running.create(inputs(emu))
        running.delete(SENDING, state)
    finally:
        pulumi.log.warn = original  # type: ignore[assignment]
    assert warned == [
        "Sending domain 'example.com' uses tracking domain 'colleague.example.com' now, not 'click.example.com' as "
        "this stack set it: someone re-pointed it, so its association is left as it is and only dropped from state.",
        "Sending domain 'example.com' was created or adopted by another resource of this deployment (a renamed "
        "resource, then adopted under its new name?): this resource's delete leaves it to that one and only drops "
        "this resource from state. Next time, give the renamed resource aliases naming its old name."]


def test_a_missing_sending_domain_word_for_word(emu: Emulator, fast_env: str) -> None:
    with pytest.raises(errors.SparkPostTrackingError) as caught:
        TrackingDomainAssociationProvider().create(inputs(emu, sending_domain="brand.example.net"))
    assert str(caught.value) == (
        "Sending domain 'brand.example.net' is not in the primary account of this SparkPost account. Add and verify "
        "it in SparkPost first (this stack never creates sending domains), or set subaccount_id to the subaccount "
        "that owns it.")


def test_with_replace_existing_in_state_a_re_pointed_association_is_drift(emu: Emulator, fast_env: str) -> None:
    state = TrackingDomainAssociationProvider().create(inputs(emu, replace_existing=True)).outs
    assert state is not None
    emu.add_domain("colleague.example.com", secure=True, verified=True)
    emu.associate(SENDING, "colleague.example.com")
    read = TrackingDomainAssociationProvider().read(SENDING, state)
    assert read.outs is not None and read.outs["tracking_domain"] == "colleague.example.com"
