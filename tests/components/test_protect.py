"""Live chains are protected by default: the resources that serve links already sent (the SparkPost domain, its
associations, the host's DNS record, the CDN distribution or service) carry ``protect``; certificates, validation
records and policies do not (they must stay renewable). ``protect: false`` is the one switch that turns it off."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from sparkpost_tracking.components import (
    CloudflareTrackingDomain,
    CloudFrontTrackingDomain,
    FastlyTrackingDomain,
    ManagedTrackingDomain,
)
from sparkpost_tracking.dynamic_providers import TrackingDomain

DOMAIN = "track.example.com"
R53 = {"dns": "route53", "dns_zone_id": "Z0123456789ABCDEFGHIJ"}
CF_ZONE = "0123456789abcdef0123456789abcdef"
SENDING = {"sending_domains": ["mail.example.com"]}

#: component, its arguments, and the names of the children that serve sent links.
CHAINS: list[tuple[type, dict[str, Any], set[str]]] = [
    (ManagedTrackingDomain, {**R53, **SENDING}, {"t-sparkpost", "t-host", "t-sending-mail-example-com"}),
    (CloudFrontTrackingDomain, {**R53, **SENDING},
     {"t-sparkpost", "t-distribution", "t-host-a", "t-host-aaaa", "t-sending-mail-example-com"}),
    (FastlyTrackingDomain, {"dns": "cloudflare", "dns_zone_id": CF_ZONE}, {"t-sparkpost", "t-service", "t-host"}),
    (CloudflareTrackingDomain, {"zone_id": CF_ZONE}, {"t-sparkpost", "t-record"}),
]


@pytest.mark.parametrize(("component", "args", "serving"), CHAINS, ids=lambda v: getattr(v, "__name__", ""))
def test_the_resources_that_serve_sent_links_are_protected(pulumi_run, component, args, serving):
    run = pulumi_run(lambda: component("t", {"domain": DOMAIN, **args}))
    protected = {r.name for r in run.children if r.protect}
    assert protected == serving
    if component in (CloudFrontTrackingDomain, FastlyTrackingDomain):  # certificates, validation records: free
        assert {r.name for r in run.children} - serving


@pytest.mark.parametrize(("component", "args", "serving"), CHAINS, ids=lambda v: getattr(v, "__name__", ""))
def test_protect_false_turns_it_off(pulumi_run, component, args, serving):
    run = pulumi_run(lambda: component("t", {"domain": DOMAIN, "protect": False, **args}))
    assert serving <= {r.name for r in run.children}
    assert [r.name for r in run.children if r.protect] == []


def test_protect_must_be_a_bool(pulumi_run):
    from sparkpost_tracking.components import ComponentArgumentError

    with pytest.raises(ComponentArgumentError, match="protect"):
        pulumi_run(lambda: ManagedTrackingDomain("t", {"domain": DOMAIN, "protect": "no"}))


@pytest.mark.parametrize("native", [False, True], ids=["dynamic", "native"])
def test_the_python_tracking_domain_is_protected_unless_told(pulumi_run, native):
    from sparkpost_tracking.plugin.resources import TrackingDomain as NativeTrackingDomain

    cls = NativeTrackingDomain if native else TrackingDomain

    def program() -> None:
        cls("kept", {"domain": DOMAIN})
        cls("free", {"domain": "t2.example.com"}, pulumi.ResourceOptions(protect=False))

    run = pulumi_run(program)
    assert (run.named("kept").protect, run.named("free").protect) == (True, False)
