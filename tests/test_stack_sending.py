"""The stack program's ``sparkpost-tracking:sendingIdentities`` under Pulumi mocks: one SendingIdentity per entry,
associated with a tracking domain of the stack through its component, and every config problem refused before
anything is registered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

from sparkpost_tracking.components.chain import announce_dns_per_component
from tests.components.conftest import SENDING_DOMAIN, sending_domain_outputs
from tests.test_stack_program import PROJECT, ROOT, Mocks, run_stack, stack_config

IDENTITY = "sparkpost-tracking:index:SendingIdentity"
ASSOCIATION = "pulumi-python:dynamic/sparkpost:TrackingDomainAssociation"
VERIFICATION = "pulumi-python:dynamic/sparkpost:SendingDomainVerification"
TRACKING = "click.brand-a.com"


@pytest.fixture(autouse=True)
def _components_announce_again() -> Iterator[None]:
    """The stack program says the records once for the stack; a component built after it says its own again."""
    yield
    announce_dns_per_component(True)


class SendingMocks(Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        name, out = super().new_resource(args)
        if args.typ == SENDING_DOMAIN:
            out.update(sending_domain_outputs(args.inputs))
        return name, out


def config(*identities: dict[str, Any], domains: list[dict[str, Any]] | None = None) -> dict[str, str]:
    values = stack_config(ROOT / "examples" / "Pulumi.managed.yaml")
    values[f"{PROJECT}:domains"] = json.dumps(domains or [{"domain": TRACKING, "cdn": "managed", "subaccountId": 4}])
    values[f"{PROJECT}:sendingIdentities"] = json.dumps(list(identities))
    return values


def states(monitor: MockMonitor, typ: str) -> list[dict[str, Any]]:
    return [r.state for urn, r in monitor.resources.items() if urn.endswith(f"{typ}::" + urn.split("::")[-1])]


def test_a_brand_identity_is_declared_and_associated_with_the_stacks_tracking_domain() -> None:
    monitor, outputs = run_stack(config({"domain": "brand-a.com", "trackingDomain": TRACKING,
                                         "bounceSubdomain": "bounce", "defaultBounceDomain": True}),
                                 monitor=MockMonitor(SendingMocks()))
    domains = sorted(s["domain"] for s in states(monitor, SENDING_DOMAIN))
    assert domains == ["bounce.brand-a.com", "brand-a.com"]
    assert all(s["subaccount_id"] == 4 for s in states(monitor, SENDING_DOMAIN))  # the tracking domain's scope
    [association] = states(monitor, ASSOCIATION)
    assert (association["sending_domain"], association["tracking_domain"]) == ("brand-a.com", TRACKING)
    verifications = {s["sending_domain"]: s for s in states(monitor, VERIFICATION)}
    assert verifications["bounce.brand-a.com"]["default_bounce_domain"] is True
    exported = outputs["sendingIdentities"]["brand-a.com"]
    assert exported["dkimRecordName"].endswith("._domainkey.brand-a.com")
    assert exported["bounceDomain"] == "bounce.brand-a.com"
    kinds = sorted(r["type"] for r in exported["dnsRecordsToCreate"])
    assert kinds == ["CNAME", "TXT"]


def test_without_identities_nothing_more_is_declared_or_exported() -> None:
    values = config()
    del values[f"{PROJECT}:sendingIdentities"]
    monitor, outputs = run_stack(values)
    assert "sendingIdentities" not in outputs and not states(monitor, IDENTITY)


@pytest.mark.parametrize(("identities", "domains", "said"), [
    ([{"domain": "brand-a.com", "bounceSubdomain": "a.b"}], None,
     "sendingIdentities[0].bounceSubdomain: must be one DNS label"),
    ([{"domain": "brand-a.com"}, {"domain": "Brand-A.com"}], None,
     "sendingIdentities[1].domain: 'brand-a.com' is declared already at sparkpost-tracking:sendingIdentities[0]"),
    ([{"domain": "brand-a.com", "trackingDomain": TRACKING}],
     [{"domain": TRACKING, "cdn": "managed", "sendingDomains": ["brand-a.com"]}],
     "one resource writes a sending domain's tracking domain: keep trackingDomain here and drop it from that "
     "sendingDomains list"),
    ([{"domain": "brand-a.com", "verfy": True}], None, "sendingIdentities[0].verfy: is not an argument"),
    ("brand-a.com", None, "sendingIdentities: must be a list of sending domains"),
])
def test_bad_identities_register_nothing(identities: Any, domains: list[dict[str, Any]] | None, said: str) -> None:
    values = config(domains=domains)
    values[f"{PROJECT}:sendingIdentities"] = json.dumps(identities)
    monitor = MockMonitor(SendingMocks())
    with pytest.raises(ValueError) as info:
        run_stack(values, monitor=monitor)
    assert said in str(info.value) and monitor.resources == {}
