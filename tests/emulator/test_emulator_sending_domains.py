"""Sending domains in the emulator: seeded out of band, read and associated through the API, scoped."""

from __future__ import annotations

import pytest

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.testing import HttpApi, errors_of

SENDING = "/sending-domains/example.com"


def put(api: HttpApi, tracking_domain: object, *, sub: int | None = None, path: str = SENDING) -> object:
    return api("PUT", path, json={"tracking_domain": tracking_domain}, sub=sub)


def test_association_is_set_read_and_removed(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("Example.com")
    api.create("click.example.com")
    assert "tracking_domain" not in api("GET", SENDING).json()["results"]
    response = put(api, "Click.Example.com")
    assert response.status_code == 200
    assert response.json()["results"] == {"message": "Successfully Updated Domain.", "domain": "example.com"}
    assert api("GET", SENDING).json()["results"]["tracking_domain"] == "click.example.com"
    assert put(api, "").status_code == 200
    assert "tracking_domain" not in api("GET", SENDING).json()["results"]


def test_an_unregistered_tracking_domain_is_the_documented_400(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("example.com")
    before = api("GET", SENDING).json()["results"]
    response = put(api, "nowhere.example.com")
    assert response.status_code == 400
    assert errors_of(response) == [{"message": "invalid params", "code": "1200", "description":
                                    "Tracking domain 'nowhere.example.com' is not a registered tracking domain"}]
    assert api("GET", SENDING).json()["results"] == before


def test_both_domains_must_be_in_one_scope(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("example.com", subaccount_id=5)
    api.create("click.example.com")  # primary account
    api.create("click5.example.com", sub=5)
    assert put(api, "click.example.com", sub=5).status_code == 400  # another scope's tracking domain
    assert put(api, "click5.example.com").status_code == 404  # no header: the primary account's view
    assert put(api, "click5.example.com", sub=5).status_code == 200
    assert api("GET", SENDING, sub=6).status_code == 404
    assert api("GET", SENDING).json()["results"]["subaccount_id"] == 5  # no header sees every scope


def test_unknown_sending_domain_and_bad_body(api: HttpApi, emulator: Emulator) -> None:
    assert api("GET", SENDING).status_code == 404
    emulator.add_sending_domain("example.com")
    assert put(api, 7).status_code == 422
    assert api("PUT", SENDING, json={"something": "else"}).status_code == 200  # nothing else is modelled


def test_deleting_a_tracking_domain_clears_its_associations(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("example.com", tracking_domain="")
    api.create("click.example.com")
    put(api, "click.example.com")
    assert api("DELETE", "/tracking-domains/click.example.com").status_code == 204
    assert "tracking_domain" not in api("GET", SENDING).json()["results"]


def test_seeding_and_out_of_band_changes(emulator: Emulator) -> None:
    emulator.add_sending_domain("example.com", subaccount_id=3, tracking_domain="click.example.com")
    assert emulator.sending_domains() == [emulator.get_sending_domain("EXAMPLE.com")]
    assert emulator.associate("example.com", "")["domain"] == "example.com"
    assert "tracking_domain" not in emulator.get_sending_domain("example.com")
    with pytest.raises(ValueError):
        emulator.add_sending_domain("example.com")
    with pytest.raises(KeyError):
        emulator.associate("missing.example.com", "")
    emulator.reset()
    assert emulator.sending_domains() == []
