"""A program that imports the components is protected by the config check: under Pulumi mocks, a misspelt or
plain-text key of ours fails the first component (or bare TrackingDomain) before anything is registered."""

from __future__ import annotations

from collections.abc import Iterator

import pulumi
import pytest
from pulumi.runtime.config import set_all_config

from sparkpost_tracking.components import ManagedTrackingDomain
from sparkpost_tracking.config import StackConfigError
from sparkpost_tracking.dynamic_providers import TrackingDomain
from sparkpost_tracking.dynamic_providers.validation import ResourceArgumentError

ARGS = {"domain": "track.example.com"}


@pytest.fixture
def config() -> Iterator[dict[str, str]]:
    values: dict[str, str] = {}
    yield values
    set_all_config({})


def test_misspelt_setting_fails_the_component_before_registration(pulumi_run_failing, config) -> None:
    set_all_config({"sparkpost:verifyTimout": "60", "infra:zone": "x"})
    error, registered = pulumi_run_failing(lambda: ManagedTrackingDomain("t", ARGS))
    assert isinstance(error, StackConfigError) and isinstance(error, pulumi.RunError)
    assert error.problems[0].startswith("sparkpost:verifyTimout: is not a setting of the SparkPost provider. "
                                        "Did you mean 'sparkpost:verifyTimeout'?")
    assert registered == []


def test_plain_text_key_fails_and_a_secret_one_passes(pulumi_run, pulumi_run_failing, config) -> None:
    set_all_config({"sparkpost:apiKey": "plain-0123456789"})
    error, registered = pulumi_run_failing(lambda: TrackingDomain("t", ARGS))
    assert "pulumi config set --secret sparkpost:apiKey <key>" in str(error)
    assert "plain-0123456789" not in str(error) and registered == []
    set_all_config({"sparkpost:apiKey": "secret-0123456789"}, ["sparkpost:apiKey"])
    assert len(pulumi_run(lambda: ManagedTrackingDomain("t", ARGS)).registrations) == 2


def test_bare_tracking_domain_refuses_an_unknown_argument_as_a_run_error(pulumi_run_failing) -> None:
    error, registered = pulumi_run_failing(lambda: TrackingDomain("t", {**ARGS, "secrue": True}))  # type: ignore[typeddict-unknown-key]
    assert isinstance(error, ResourceArgumentError) and isinstance(error, pulumi.RunError)
    assert str(error).startswith("TrackingDomain 't': secrue: is not a tracking-domain property. "
                                 "Did you mean 'secure'?")
    assert registered == []
