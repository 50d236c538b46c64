"""Import ids on the plugin's native resources, ``<name>[,<subaccount id>]``, against the emulator: a subaccount's
domain and association import by id; a subaccount's domain imported without its subaccount is refused with the id
to use; a bad id is refused before any request; what an import declares passes our own check."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.provider.experimental import provider as api

from sparkpost_tracking.dynamic_providers.import_ids import ImportId
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.plugin.provider import NativeProvider
from tests.provider.test_native_provider import ASSOCIATION_URN, URN, emu, plain, provider, run

__all__ = ["emu", "provider"]  # fixtures


def imported(native: NativeProvider, id_: str, urn: str = URN) -> api.ReadResponse:
    return run(native.read(api.ReadRequest(urn, id_, {}, {})))


def check_declared(native: NativeProvider, read: api.ReadResponse, urn: str = URN) -> api.CheckResponse:
    return run(native.check(api.CheckRequest(urn, {}, read.inputs, b"")))


def unchanged(native: NativeProvider, id_: str, read: api.ReadResponse, urn: str = URN) -> bool:
    checked = check_declared(native, read, urn)
    assert not checked.failures, checked.failures
    diff = run(native.diff(api.DiffRequest(urn, id_, read.properties, checked.inputs or {}, [])))
    return not diff.changes


@pytest.mark.parametrize(("value", "parsed"), [
    ("track.example.com", ImportId("track.example.com")),
    (" Track.Example.com,12 ", ImportId("track.example.com", 12)),
    ("track.example.com,0", ImportId("track.example.com")),  # SparkPost's header 0 is the primary account
])
def test_ids_parse_and_print_back(value: str, parsed: ImportId) -> None:
    assert ImportId.parse(value) == parsed
    assert ImportId.parse(str(parsed)) == parsed


@pytest.mark.parametrize(("value", "words"), [
    ("track.example.com,abc", "subaccount_id: must be a whole number after the comma"),
    ("track.example.com,-3", "must be a whole number"),
    ("example.com", "apex"),
    ("track_example.com,12", "domain"),
])
def test_bad_ids_say_what_to_give(value: str, words: str) -> None:
    with pytest.raises(ValueError, match=r"e\.g\. track\.example\.com,12") as caught:
        ImportId.parse(value)
    assert words in str(caught.value) and repr(value) in str(caught.value)


def test_a_subaccount_domain_imports_by_id_and_previews_unchanged(provider: NativeProvider, emu: Emulator) -> None:
    emu.add_domain("click.brand.example", subaccount_id=12, secure=True, verified=True, default=True)
    emu.clear_requests()
    read = imported(provider, "click.brand.example,12")
    declared = plain(read.inputs)
    assert (declared["domain"], declared["subaccountId"], declared["default"]) == ("click.brand.example", 12, True)
    assert read.resource_id == "click.brand.example,12"
    assert [(r.method, r.subaccount) for r in emu.requests()] == [("GET", "12")]  # scoped: no owner check needed
    assert unchanged(provider, "click.brand.example,12", read)
    # A refresh of the imported resource reads it under the same id, in its subaccount.
    refreshed = run(provider.read(api.ReadRequest(URN, "click.brand.example,12", read.properties, read.inputs)))
    assert plain(refreshed.properties)["verified"] is True and emu.requests()[-1].subaccount == "12"


def test_a_subaccount_domain_without_its_subaccount_is_refused_with_the_id_to_use(provider: NativeProvider,
                                                                                  emu: Emulator) -> None:
    emu.add_domain("click.brand.example", subaccount_id=12)
    with pytest.raises(ValueError, match=r"subaccount 12: import it with the id click\.brand\.example,12"):
        imported(provider, "click.brand.example")
    emu.clear_requests()
    with pytest.raises(ValueError, match="import id"):
        imported(provider, "click.brand.example,x")
    assert emu.count() == 0  # a bad id asks SparkPost nothing


def test_a_default_unverified_domain_imports_into_inputs_our_check_accepts(provider: NativeProvider,
                                                                           emu: Emulator) -> None:
    """SparkPost's own list sample shows a default domain that is not verified (it was, then its CNAME broke)."""
    emu.add_domain("imported.example.com", secure=True, default=True, cname_status="pending")
    read = imported(provider, "imported.example.com")
    declared = plain(read.inputs)
    assert (declared["default"], declared["verify"]) == (True, True)
    assert not check_declared(provider, read).failures
    # The preview says what up would do: verify the default again, nothing else.
    checked = check_declared(provider, read)
    diff = run(provider.diff(api.DiffRequest(URN, "imported.example.com", read.properties, checked.inputs or {},
                                             [])))
    assert diff.changes and not diff.replaces


def test_a_managed_domain_and_an_unverified_domain_import_unchanged(provider: NativeProvider, emu: Emulator) -> None:
    emu.add_domain("m.example.com", subaccount_id=4, verified=True, uses_managed_certificate=True,
                   tls_status="valid", secure=True)
    emu.add_domain("new.example.com", secure=False)
    for id_ in ("m.example.com,4", "new.example.com"):
        read = imported(provider, id_)
        assert unchanged(provider, id_, read), id_
    assert plain(imported(provider, "m.example.com,4").inputs)["managedCertificate"] is True


def test_a_subaccount_association_imports_by_id(provider: NativeProvider, emu: Emulator) -> None:
    emu.add_domain("click.brand.example", subaccount_id=12, verified=True)
    emu.add_sending_domain("brand.example", subaccount_id=12, tracking_domain="click.brand.example")
    read = imported(provider, "brand.example,12", ASSOCIATION_URN)
    declared: dict[str, Any] = plain(read.inputs)
    assert {k: declared[k] for k in ("sendingDomain", "trackingDomain", "subaccountId")} == {
        "sendingDomain": "brand.example", "trackingDomain": "click.brand.example", "subaccountId": 12}
    assert unchanged(provider, "brand.example,12", read, ASSOCIATION_URN)
    with pytest.raises(ValueError, match=r"import it with the id brand\.example,12"):
        imported(provider, "brand.example", ASSOCIATION_URN)
    # Delete (after the protection is lifted) removes the association in its subaccount, by the same id.
    run(provider.delete(api.DeleteRequest(ASSOCIATION_URN, "brand.example,12", read.properties, 60)))
    last = emu.requests()[-1]
    assert (last.method, last.subaccount, last.body) == ("PUT", "12", {"tracking_domain": ""})


def test_import_of_a_missing_domain_reads_as_gone(provider: NativeProvider) -> None:
    read = imported(provider, "missing.example.com")
    assert not read.resource_id and read.properties == {}



def test_an_id_in_any_case_imports_under_its_canonical_form(provider: NativeProvider, emu: Emulator) -> None:
    emu.add_domain("click.brand.example", subaccount_id=12, secure=True)
    assert imported(provider, " Click.Brand.Example,12").resource_id == "click.brand.example,12"
