"""The wire translation of the plugin, and the experimental-SDK caveats it works around."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime import rpc

from sparkpost_tracking.plugin.native import TRACKING_DOMAIN, in_wire_words
from sparkpost_tracking.plugin.wire import UNKNOWN, from_python, secret_names, to_python
from tests.engine.grpc_driver import to_struct


def test_the_sdk_still_cannot_send_its_own_computed_value() -> None:
    # The caveat worked around (pulumi 3.272): a preview that answered with PropertyValue.computed() crashed.
    # When this starts passing through, UNKNOWN may become PropertyValue.computed() again.
    with pytest.raises(ValueError, match="Unsupported value type"):
        PropertyValue.computed().marshal()


def test_unknown_goes_out_as_the_engines_unknown_and_comes_back_unknown() -> None:
    struct = PropertyValue.marshal_map({"verified": UNKNOWN, "port": from_python(Unknown())})
    assert struct.fields["verified"].string_value == rpc.UNKNOWN
    decoded = rpc.deserialize_properties(struct, keep_unknowns=True)
    assert isinstance(decoded["verified"], Unknown) and isinstance(decoded["port"], Unknown)
    # What the engine sends for an unknown input reaches the shared check as the sentinel it passes through.
    assert to_python(PropertyValue.unmarshal(struct.fields["verified"])) == rpc.UNKNOWN


def test_numbers_go_out_as_floats_and_values_round_trip() -> None:
    value = {"subaccountId": 7, "secure": True, "nested": {"list": [1, "a", None]}, "gone": None}
    wire = from_python(value)
    assert wire.value["subaccountId"].value == 7.0  # type: ignore[index]
    assert to_python(wire) == {"subaccountId": 7.0, "secure": True, "nested": {"list": [1.0, "a", None]},
                               "gone": None}
    marshalled = to_struct({"v": value})
    assert to_python(PropertyValue.unmarshal_map(marshalled)["v"]) == to_python(wire)


def test_names_map_snake_case_to_camel_case_and_keep_secrets() -> None:
    names = TRACKING_DOMAIN.names
    incoming = {"domain": PropertyValue("t.example.com").with_secret(True), "subaccountId": PropertyValue(3.0),
                "madeUp": PropertyValue("x")}
    plain = names.from_wire(incoming)
    assert plain == {"domain": "t.example.com", "subaccount_id": 3.0, "madeUp": "x"}  # unknown names kept for check
    hidden = secret_names(incoming, names)
    assert hidden == {"domain"}
    out = names.to_wire({"domain": "t.example.com", "uses_managed_certificate": False, "tls_status": None}, hidden)
    assert set(out) == {"domain", "usesManagedCertificate"}
    assert out["domain"].is_secret and not out["usesManagedCertificate"].is_secret


def test_messages_of_the_shared_code_read_in_the_schemas_words() -> None:
    message = ("Set adopt_existing: true to take it over; raise sparkpost:verifyTimeout; use api_url or "
               "'subaccount_id'. Type pulumi-python:dynamic/sparkpost:TrackingDomain, my_api_url, default.")
    assert in_wire_words(message) == (
        "Set adoptExisting: true to take it over; raise sparkpost-tracking:verifyTimeout; use apiUrl or "
        "'subaccountId'. Type pulumi-python:dynamic/sparkpost:TrackingDomain, my_api_url, default.")
