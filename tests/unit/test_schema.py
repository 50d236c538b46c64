"""The TrackingDomain schema is the one declaration: what derives from it, and the typed copies that must agree."""

from __future__ import annotations

from dataclasses import fields
from typing import get_type_hints

import pytest

from sparkpost_tracking.dynamic_providers.lifecycle import Desired
from sparkpost_tracking.dynamic_providers.resource import TrackingDomain
from sparkpost_tracking.dynamic_providers.schema import (
    INPUT_DEFAULTS,
    INPUT_KEYS,
    INPUTS,
    OUTPUT_KEYS,
    REQUIRED_KEYS,
    Change,
    TrackingDomainArgs,
    TrackingDomainAttributes,
    check_inputs,
)


def test_the_declared_properties_are_the_public_contract() -> None:
    assert list(INPUTS) == ["domain", "secure", "default", "subaccount_id", "region", "api_url", "verify",
                            "managed_certificate", "adopt_existing"]
    assert REQUIRED_KEYS == {"domain"}
    assert OUTPUT_KEYS == ("port", "verified", "cname_status", "compliance_status", "tls_status",
                           "uses_managed_certificate", "certificate_issued_at", "certificate_expires_at",
                           "certificate_error")
    assert {k for k, p in INPUTS.items() if p.change is Change.REPLACE} == {"domain", "subaccount_id"}
    assert INPUT_DEFAULTS["secure"] is True and INPUT_DEFAULTS["region"] == "us"


def test_every_default_passes_its_own_validator() -> None:
    for name, prop in INPUTS.items():
        assert prop.doc.strip(), name
        if prop.default is not None:
            assert prop.validate(prop.default, name) == prop.default


def test_the_resource_attributes_are_the_inputs_and_outputs() -> None:
    assert issubclass(TrackingDomain, TrackingDomainAttributes)
    assert set(get_type_hints(TrackingDomainAttributes)) == INPUT_KEYS | set(OUTPUT_KEYS)
    assert set(TrackingDomainArgs.__annotations__) == INPUT_KEYS


def test_desired_takes_every_input_the_lifecycle_acts_on() -> None:
    # region and api_url choose where the client talks; they are not part of the desired state.
    assert {f.name for f in fields(Desired)} == INPUT_KEYS - {"region", "api_url"}
    desired = Desired.from_inputs({"domain": "TRACK.example.com", "subaccount_id": 7.0})
    assert desired.domain == "track.example.com" and desired.subaccount_id == 7
    assert desired.secure is INPUT_DEFAULTS["secure"] and desired.adopt_existing is False


@pytest.mark.parametrize("missing", sorted(REQUIRED_KEYS))
def test_a_missing_required_property_is_named(missing: str) -> None:
    _, failures = check_inputs({})
    assert [f.prop for f in failures] == [missing]
    assert "required" in failures[0].reason


def test_pulumi_types_the_outputs_from_the_shared_attributes() -> None:
    # Pulumi reads only a resource class's own annotations: without them the port arrives as a float (443.0).
    from pulumi._types import resource_types

    from sparkpost_tracking.dynamic_providers.association import TrackingDomainAssociation

    assert resource_types(TrackingDomain)["port"] is int and resource_types(TrackingDomain)["verified"] is bool
    assert resource_types(TrackingDomainAssociation)["sending_domain"] is str
