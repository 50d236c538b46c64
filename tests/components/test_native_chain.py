"""Under mocks: in the plugin's process the components end in the native TrackingDomain; elsewhere they keep the
dynamic one; and a Python program can declare the native resource itself."""

from __future__ import annotations

from collections.abc import Iterator

import pulumi
import pytest

from sparkpost_tracking.components import ManagedTrackingDomain
from sparkpost_tracking.components.chain import TrackingDomainComponent, end_chains_in
from sparkpost_tracking.dynamic_providers.validation import ResourceArgumentError
from sparkpost_tracking.plugin.resources import TrackingDomain

from .conftest import CERTIFICATE_EXPIRES_AT, NATIVE_TRACKING_DOMAIN, TRACKING_DOMAIN

COMPONENT = "sparkpost-tracking:index:ManagedTrackingDomain"


@pytest.fixture
def native_chains() -> Iterator[None]:
    end_chains_in(TrackingDomain)  # what the plugin does when it starts
    try:
        yield
    finally:
        end_chains_in(None)


def test_in_the_plugin_the_chain_ends_in_the_native_resource(pulumi_run, native_chains) -> None:
    run = pulumi_run(lambda: ManagedTrackingDomain("ma", {"domain": "t.example.com", "subaccount_id": 7,
                                                          "dns": "route53", "dns_zone_id": "Z1"}))
    assert TRACKING_DOMAIN not in run.types
    child = run.one(NATIVE_TRACKING_DOMAIN)
    assert child.parent == run.one(COMPONENT).urn
    assert child.inputs["managedCertificate"] is True and child.inputs["subaccountId"] == 7  # wire names
    assert "managed_certificate" not in child.inputs and "__provider" not in child.inputs
    assert run.one("aws:route53/record:Record").urn in child.explicit_dependencies  # the chain's order holds
    assert run.value(run.result.verified) is True
    assert run.value(run.result.certificate_expires_at) == CERTIFICATE_EXPIRES_AT  # read back in snake_case


def test_elsewhere_the_chain_keeps_the_dynamic_resource(pulumi_run) -> None:
    assert TrackingDomainComponent._sparkpost_resource is None
    run = pulumi_run(lambda: ManagedTrackingDomain("ma", {"domain": "t.example.com"}))
    assert run.one(TRACKING_DOMAIN).inputs["managed_certificate"] is True
    assert NATIVE_TRACKING_DOMAIN not in run.types


def test_a_python_program_can_declare_the_native_resource(pulumi_run) -> None:
    def program() -> TrackingDomain:
        return TrackingDomain("td", {"domain": "t.example.com", "subaccount_id": 3, "adopt_existing": True})

    run = pulumi_run(program)
    inputs = run.one(NATIVE_TRACKING_DOMAIN).inputs
    assert inputs == {"domain": "t.example.com", "subaccountId": 3, "adoptExisting": True}
    # Attributes keep the snake_case names of the dynamic resource.
    assert run.value(run.result.verified) is True and run.value(run.result.cname_status) == "valid"
    assert run.value(run.result.uses_managed_certificate) is False


def test_an_unknown_argument_is_refused_before_registration(pulumi_run_failing) -> None:
    error, registered = pulumi_run_failing(lambda: TrackingDomain("td", {"domain": "t.example.com",
                                                                         "api_key": "k"}))  # type: ignore[typeddict-unknown-key]
    # The dynamic resource's error (tests/engine/test_plugin_yaml.py pins its words): a RunError, no traceback.
    assert isinstance(error, ResourceArgumentError) and isinstance(error, pulumi.RunError)
    assert "api_key: the API key is never an input" in str(error)
    assert registered == []


def test_programs_never_load_the_plugin() -> None:
    # The component import cost of Python programs is unchanged: the plugin and the experimental provider SDK it
    # builds on load only in the plugin's own process.
    import subprocess
    import sys

    code = ("import sys, sparkpost_tracking.components, sparkpost_tracking.stack\n"
            "from sparkpost_tracking.components import ManagedTrackingDomain\n"
            "print(sorted(m for m in sys.modules if m.startswith(('sparkpost_tracking.plugin', "
            "'pulumi.provider.experimental'))))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
