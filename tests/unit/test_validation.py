"""check(): every bad input is named and explained; good inputs are normalized; unknowns pass."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider
from sparkpost_tracking.dynamic_providers.schema import check_inputs
from sparkpost_tracking.dynamic_providers.validation import did_you_mean

# (label, inputs, the property the failure must name, a word the reason must contain)
BAD_INPUTS: list[tuple[str, dict[str, Any], str, str]] = [
    ("missing domain", {}, "domain", "required"),
    ("domain not a string", {"domain": 42}, "domain", "hostname"),
    ("empty domain", {"domain": ""}, "domain", "empty"),
    ("domain is a URL", {"domain": "https://track.example.com"}, "domain", "URL"),
    ("domain with a space", {"domain": "track example.com"}, "domain", "whitespace"),
    ("domain without a dot", {"domain": "localhost"}, "domain", "no dot"),
    ("apex domain", {"domain": "example.com"}, "domain", "apex"),
    ("doubled dot", {"domain": "track..example.com"}, "domain", "empty label"),
    ("underscore", {"domain": "track_1.example.com"}, "domain", "invalid"),
    ("leading hyphen", {"domain": "-track.example.com"}, "domain", "hyphen"),
    ("label over 63", {"domain": "a" * 64 + ".example.com"}, "domain", "63"),
    ("name over 253", {"domain": ".".join(["abcdefghi"] * 26) + ".com"}, "domain", "253"),
    ("IP address", {"domain": "10.0.0.1"}, "domain", "IP address"),
    ("non-ASCII", {"domain": "tráck.example.com"}, "domain", "punycode"),
    ("secure as string", {"domain": "track.example.com", "secure": "yes"}, "secure", "boolean"),
    ("default as number", {"domain": "track.example.com", "default": 1}, "default", "boolean"),
    ("verify as string", {"domain": "track.example.com", "verify": "true"}, "verify", "boolean"),
    ("subaccount zero", {"domain": "track.example.com", "subaccount_id": 0}, "subaccount_id", "between 1"),
    ("subaccount negative", {"domain": "track.example.com", "subaccount_id": -3}, "subaccount_id", "between 1"),
    ("subaccount fraction", {"domain": "track.example.com", "subaccount_id": 1.5}, "subaccount_id", "whole number"),
    ("subaccount too big", {"domain": "track.example.com", "subaccount_id": 2**31}, "subaccount_id", "between 1"),
    ("subaccount bool", {"domain": "track.example.com", "subaccount_id": True}, "subaccount_id", "whole number"),
    ("region typo", {"domain": "track.example.com", "region": "usa"}, "region", "Did you mean 'us'"),
    ("region unknown", {"domain": "track.example.com", "region": "ap"}, "region", "must be one of"),
    ("api_url ftp", {"domain": "track.example.com", "api_url": "ftp://api.sparkpost.com/api/v1"}, "api_url",
     "http(s)"),
    ("api_url without /api/v1", {"domain": "track.example.com", "api_url": "https://api.sparkpost.com"}, "api_url",
     "/api/v1"),
    ("api_url plain http remote", {"domain": "track.example.com", "api_url": "http://api.sparkpost.com/api/v1"},
     "api_url", "https"),
    ("api_url with credentials", {"domain": "track.example.com", "api_url": "https://u:p@api.sparkpost.com/api/v1"},
     "api_url", "credentials"),
    ("api key as input", {"domain": "track.example.com", "api_key": "abc"}, "api_key", "never an input"),
    ("misspelt key", {"domain": "track.example.com", "secrue": True}, "secrue", "Did you mean 'secure'"),
    ("output as input", {"domain": "track.example.com", "verified": True}, "verified", "output"),
    ("managed but not secure", {"domain": "track.example.com", "managed_certificate": True, "secure": False},
     "secure", "managed"),
    ("managed without verify", {"domain": "track.example.com", "managed_certificate": True, "verify": False},
     "verify", "verified"),
    ("default without verify", {"domain": "track.example.com", "default": True, "verify": False}, "default",
     "verify"),
]


@pytest.mark.parametrize(("label", "inputs", "prop", "word"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_check_names_the_property(label: str, inputs: dict[str, Any], prop: str, word: str) -> None:
    result = TrackingDomainProvider().check({}, {**inputs, "__provider": "x"})
    assert [f.property for f in result.failures] == [prop], result.failures and result.failures[0].reason
    assert word.lower() in result.failures[0].reason.lower()


def test_bad_inputs_are_distinct_and_many() -> None:
    assert len({label for label, *_ in BAD_INPUTS}) == len(BAD_INPUTS) >= 15


def test_every_failure_is_reported_at_once() -> None:
    _, failures = check_inputs({"domain": "nodot", "secure": "no", "region": "mars"})
    assert sorted(f.prop for f in failures) == ["domain", "region", "secure"]


def test_defaults_and_normalization() -> None:
    inputs, failures = check_inputs({"domain": "Track.Example.COM.", "region": "EU", "subaccount_id": 7.0,
                                     "api_url": "HTTP://127.0.0.1:8787/api/v1/"})
    assert failures == []
    assert inputs == {"domain": "track.example.com", "secure": True, "default": False, "subaccount_id": 7,
                      "region": "eu", "api_url": "http://127.0.0.1:8787/api/v1", "verify": True,
                      "managed_certificate": False, "adopt_existing": False}
    assert isinstance(inputs["subaccount_id"], int)


def test_unknown_values_pass_through_in_preview() -> None:
    inputs, failures = check_inputs({"domain": rpc.UNKNOWN, "secure": rpc.UNKNOWN, "subaccount_id": rpc.UNKNOWN})
    assert failures == []
    assert inputs["domain"] == rpc.UNKNOWN and inputs["secure"] == rpc.UNKNOWN
    assert inputs["subaccount_id"] == rpc.UNKNOWN


def test_check_keeps_no_provider_key_in_its_inputs() -> None:
    # The engine puts __provider back itself; check must not echo or validate it.
    result = TrackingDomainProvider().check({}, {"domain": "track.example.com", "__provider": "abc"})
    assert "__provider" not in result.inputs and result.failures == []


@pytest.mark.parametrize(("word", "choices", "hint"), [
    ("makeDefualt", ["makeDefault", "verify"], " Did you mean 'makeDefault'?"),
    ("apiURL", ["apiUrl", "region"], " Did you mean 'apiUrl'?"),  # case aside
    ("usa", ["us", "eu"], " Did you mean 'us'?"),
    ("eu-west", ["us", "eu"], ""),  # another word, not a typo: no hint rather than a wrong one
    ("mars", ["us", "eu"], ""),
])
def test_did_you_mean_only_when_close(word: str, choices: list[str], hint: str) -> None:
    assert did_you_mean(word, choices) == hint


def test_did_you_mean_shows_a_prefix_it_does_not_compare() -> None:
    assert did_you_mean("verifyTimout", ["verifyTimeout"], "sparkpost:") == " Did you mean 'sparkpost:verifyTimeout'?"


def test_unknown_objects_from_the_provider_server_pass_through() -> None:
    # python -m pulumi.dynamic hands check and diff pulumi.output.Unknown objects, not the sentinel string.
    from pulumi.output import Unknown

    news = {key: Unknown() for key in ("domain", "secure", "default", "subaccount_id", "region", "api_url")}
    inputs, failures = check_inputs(news)
    assert failures == []
    assert all(isinstance(inputs[key], Unknown) for key in news)


@pytest.mark.parametrize("api_url", [
    "http://127.evil.example/api/v1",
    "http://127.0.0.1.nip.io/api/v1",
    "http://localhost.evil.example/api/v1",
    "http://[::ffff:10.0.0.1]/api/v1",
])
def test_plain_http_only_to_literal_loopback(api_url: str) -> None:
    _, failures = check_inputs({"domain": "track.example.com", "api_url": api_url})
    assert [(f.prop, "https" in f.reason) for f in failures] == [("api_url", True)]


@pytest.mark.parametrize("api_url", ["http://localhost:8787/api/v1", "http://127.0.0.2:8787/api/v1",
                                     "http://[::1]:8787/api/v1"])
def test_plain_http_to_loopback_is_allowed(api_url: str) -> None:
    assert check_inputs({"domain": "track.example.com", "api_url": api_url})[1] == []
