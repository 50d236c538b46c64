"""``SendingDomain`` against the emulator on both paths (the dynamic provider and the plugin's native one): what
each operation asks of SparkPost, the outputs (status, DKIM key, the DNS records to publish), a change of sharing,
a change of ``dkim_key_length`` refused, and a delete."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.dynamic_providers.dkim import key_problem
from sparkpost_tracking.dynamic_providers.sending_domains import SendingDomainService
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.dkim_keys import key_length

from .deployments import FAST, Deployment, DynamicDeployment, NativeDeployment

KEY = "sending-domain-key-0123456789"
D = "brand.example"
KIND = "sending_domain"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@pytest.fixture(params=["dynamic", "native"])
def deployment(request: pytest.FixtureRequest, emu: Emulator,
               monkeypatch: pytest.MonkeyPatch) -> Callable[[], Deployment]:
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


def calls(emu: Emulator) -> list[tuple[str, str]]:
    return [(r.method, r.path.removeprefix("/api/v1")) for r in emu.requests()]


def test_create_reads_then_posts(emu: Emulator, deployment: Callable[[], Deployment]) -> None:
    outs = deployment().create(KIND, declared(emu))
    stored = emu.get_sending_domain(D)
    assert stored is not None
    assert calls(emu) == [("GET", f"/sending-domains/{D}"), ("POST", "/sending-domains")]
    assert outs["dkim_public_key"] == stored["dkim"]["public"] and outs["dkim_selector"] == stored["dkim"]["selector"]
    assert outs["dkim_record_name"] == f"{stored['dkim']['selector']}._domainkey.{D}"
    assert key_problem(outs["dkim_record_value"], stored["dkim"]["public"]) is None
    assert outs["dkim_record_value"].startswith("v=DKIM1; k=rsa; h=sha256; p=")
    assert key_length(stored["dkim"]["public"]) == 2048 and outs["dkim_key_length"] == 2048
    assert outs.get("creation_time") is None  # not in the POST's answer: the first refresh records it
    assert outs["ownership_verified"] is False and outs["dkim_status"] == "unverified"
    assert outs["cname_status"] == "unverified" and outs.get("compliance_status") is None
    refreshed = deployment().read(KIND, D, outs)
    assert refreshed is not None and refreshed["creation_time"] == stored["creation_time"]
    assert refreshed["compliance_status"] == "valid" and refreshed["dkim_record_value"] == outs["dkim_record_value"]
    assert outs["bounce_record_name"] == D and outs["bounce_record_value"] == "sparkpostmail.com"
    assert outs["shared_with_subaccounts"] is False and outs["tracking_domain"] == ""


def test_a_1024_bit_key_on_request(emu: Emulator, deployment: Callable[[], Deployment]) -> None:
    outs = deployment().create(KIND, declared(emu, dkim_key_length=1024))
    stored = emu.get_sending_domain(D)
    assert stored is not None and key_length(stored["dkim"]["public"]) == 1024 and outs["dkim_key_length"] == 1024


def test_refresh_is_one_read_and_sees_verification(emu: Emulator, deployment: Callable[[], Deployment]) -> None:
    outs = deployment().create(KIND, declared(emu))
    emu.mutate_sending_domain(D, dkim_status="valid")
    emu.clear_requests()
    found = deployment().read(KIND, D, outs)
    assert found is not None and found["dkim_status"] == "valid" and found["ownership_verified"] is True
    assert calls(emu) == [("GET", f"/sending-domains/{D}")]


def test_sharing_is_one_read_and_one_put(emu: Emulator, deployment: Callable[[], Deployment]) -> None:
    outs = deployment().create(KIND, declared(emu))
    emu.clear_requests()
    new = deployment().update(KIND, D, outs, declared(emu, shared_with_subaccounts=True))
    assert new["shared_with_subaccounts"] is True
    assert emu.get_sending_domain(D)["shared_with_subaccounts"] is True  # type: ignore[index]
    assert calls(emu) == [("GET", f"/sending-domains/{D}"), ("PUT", f"/sending-domains/{D}")]


def test_a_change_of_key_length_is_refused_naming_the_property(emu: Emulator) -> None:
    service = SendingDomainService()
    olds = {"domain": D, "dkim_key_length": 2048, "region": "us"}
    news, _ = service.schema.check({"domain": D, "dkim_key_length": 1024})
    with pytest.raises(errors.UserError, match=r"^Sending domain property dkim_key_length cannot change from 2048 "
                                               r"to 1024: .*Declare dkim_key_length: 2048 again; nothing was changed"):
        service.diff(olds, news)
    assert service.diff(olds, service.schema.check({"domain": D})[0]).changes is False


def test_delete_reads_then_deletes(emu: Emulator, deployment: Callable[[], Deployment]) -> None:
    outs = deployment().create(KIND, declared(emu))
    emu.clear_requests()
    deployment().delete(KIND, D, outs)
    assert emu.get_sending_domain(D) is None
    assert calls(emu) == [("GET", f"/sending-domains/{D}"), ("DELETE", f"/sending-domains/{D}")]


def test_the_plugins_check_refuses_tracking_domain_and_a_bad_key_length_in_its_words() -> None:
    import asyncio

    from pulumi.provider.experimental import provider as api

    from sparkpost_tracking.plugin.provider import NativeProvider
    from sparkpost_tracking.plugin.wire import from_python

    provider = NativeProvider(schema=lambda: "{}")
    wired = {"domain": from_python(D), "trackingDomain": from_python("click.brand.example"),
             "dkimKeyLength": from_python(1000.0)}
    checked = asyncio.run(provider.check(api.CheckRequest(
        "urn:pulumi:s::p::sparkpost-tracking:index:SendingDomain::s", {}, wired, b"")))
    said = {f.property: f.reason for f in checked.failures}
    assert set(said) == {"trackingDomain", "dkimKeyLength"}
    assert "TrackingDomainAssociation (sendingDomain: this domain" in said["trackingDomain"]
    assert said["dkimKeyLength"].startswith("must be a whole number of bits from 1024 to 4096, got 1000.0")


def test_the_dynamic_providers_diff_refuses_a_key_length_change_as_one_line(emu: Emulator) -> None:
    from sparkpost_tracking.dynamic_providers import SendingDomainProvider

    provider = SendingDomainProvider()
    with pytest.raises(errors.UserError) as caught:
        provider.diff(D, {"domain": D, "dkim_key_length": 2048}, {"domain": D, "dkim_key_length": 4096})
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("Sending domain property dkim_key_length cannot change from 2048 to 4096")
    with pytest.raises(errors.UserError, match=r"from 2048 to 1024: .* Declare dkim_key_length: 2048 again"):
        provider.diff(D, {"domain": D, "dkim_key_length": 2048.0}, {"domain": D, "dkim_key_length": 1024.0})


def test_import_ids_name_an_apex_and_its_subaccount(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    from sparkpost_tracking.dynamic_providers.import_ids import ImportIdError

    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    emu.add_sending_domain(D, subaccount_id=31, shared_with_subaccounts=False)
    service = SendingDomainService()
    with pytest.raises(ImportIdError, match=rf"^{D} belongs to SparkPost subaccount 31: import it with the id {D},31 "):
        service.read(D, {}, {"api_url": emu.base_url})
    found = service.read(f"{D},31", {}, {"api_url": emu.base_url})
    assert found.id == f"{D},31" and found.inputs["domain"] == D and found.inputs["subaccount_id"] == 31
    with pytest.raises(ImportIdError, match=r"Give <domain>\[,<subaccount id>\], e\.g\. example\.com,12"):
        service.read("brand_example", {}, {"api_url": emu.base_url})


def test_sharing_set_out_of_band_already_is_read_and_not_written(emu: Emulator,
                                                                  deployment: Callable[[], Deployment]) -> None:
    outs = deployment().create(KIND, declared(emu))
    emu.mutate_sending_domain(D, shared_with_subaccounts=True)  # someone did what the program now declares
    emu.clear_requests()
    new = deployment().update(KIND, D, outs, declared(emu, shared_with_subaccounts=True))
    assert new["shared_with_subaccounts"] is True and calls(emu) == [("GET", f"/sending-domains/{D}")]


def test_a_signing_domain_names_where_the_record_is_published(emu: Emulator,
                                                              deployment: Callable[[], Deployment]) -> None:
    outs = deployment().create(KIND, declared(emu))
    key = emu.get_sending_domain(D)["dkim"]  # type: ignore[index]
    emu.mutate_sending_domain(D, dkim={"selector": key["selector"], "public": key["public"],
                                       "signing_domain": "sign.example"})
    found = deployment().read(KIND, D, {**outs, "creation_time": emu.get_sending_domain(D)["creation_time"]})  # type: ignore[index]
    assert found is not None and found["dkim_record_name"] == f"{key['selector']}._domainkey.sign.example"


@pytest.mark.parametrize("verified", [False, True])
def test_a_domain_sparkpost_removed_is_forgotten_by_refresh_saying_why(emu: Emulator,
                                                                     deployment: Callable[[], Deployment],
                                                                     verified: bool) -> None:
    outs = deployment().create(KIND, declared(emu))
    if verified:
        emu.mutate_sending_domain(D, dkim_status="valid")
        outs = deployment().read(KIND, D, outs) or {}
        emu.remove_sending_domain(D)
    else:
        assert emu.expire_unverified(D) == [D]  # SparkPost's two-week removal
    refresh = deployment()
    assert refresh.read(KIND, D, outs) is None
    [warning] = [w.replace("dkimRecordName", "dkim_record_name") for w in refresh.warnings]
    assert warning.startswith(f"Sending domain '{D}' is gone from SparkPost: ")
    assert ("someone deleted it" in warning) is verified
    assert ("removes a sending domain that stays unverified for two weeks" in warning) is not verified
    assert "the next 'pulumi up' makes it again, with a new DKIM key" in warning
    again = deployment().create(KIND, declared(emu))  # the next up
    assert again["dkim_public_key"] != outs["dkim_public_key"]
