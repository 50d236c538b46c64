"""Every resource a component registers has a role in ``review``: its own types derive from the declarations, and
the SDK types listed in ``links`` are exactly those the components create (recorded under mocks)."""

from __future__ import annotations

from sparkpost_tracking.components import (
    CloudflareTrackingDomain,
    CloudFrontTrackingDomain,
    FastlyTrackingDomain,
    ManagedTrackingDomain,
)
from sparkpost_tracking.review.links import FOREIGN_ROLES, Role, role_of
from tests.components.conftest import run_program

ZONE = "0123456789abcdef0123456789abcdef"
SENDING = {"sending_domains": ["mail.example.com"]}


def every_chain() -> None:
    ManagedTrackingDomain("ma", {"domain": "ma.example.com", "dns": "route53", "dns_zone_id": "Z0123456789AB",
                                 **SENDING})
    CloudFrontTrackingDomain("cf", {"domain": "cf.example.com", "dns": "route53", "dns_zone_id": "Z0123456789AB"})
    FastlyTrackingDomain("fa", {"domain": "fa.example.com", "dns": "cloudflare", "dns_zone_id": ZONE})
    CloudflareTrackingDomain("cl", {"domain": "cl.example.com", "zone_id": ZONE, "cache_rule": True,
                                    "redirect_mode": "page_rule"})
    CloudflareTrackingDomain("cs", {"domain": "cs.example.com", "zone_id": ZONE, "redirect_mode": "single_redirect"})


def test_every_registered_type_has_a_role_and_the_sdk_list_has_nothing_stale() -> None:
    run = run_program(every_chain)
    registered = {r.type for r in run.registrations}
    assert {t: role_of(t) for t in registered if role_of(t) is None} == {}
    assert set(FOREIGN_ROLES) == {t for t in registered if t in FOREIGN_ROLES} == {
        t for t in registered if role_of(t) not in (Role.TRACKING_DOMAIN, Role.ASSOCIATION, Role.COMPONENT)}
    roles = {r.name: role_of(r.type) for r in run.registrations}
    assert (roles["ma"], roles["ma-sparkpost"], roles["ma-sending-mail-example-com"]) == (
        Role.COMPONENT, Role.TRACKING_DOMAIN, Role.ASSOCIATION)
    assert (roles["cf-distribution"], roles["fa-service"]) == (Role.CDN_SERVICE, Role.CDN_SERVICE)


def test_the_native_resources_and_the_plugin_components_are_ours_too() -> None:
    from sparkpost_tracking.components.chain import end_chains_in
    from sparkpost_tracking.plugin.resources import TrackingDomain, TrackingDomainAssociation

    end_chains_in(TrackingDomain, TrackingDomainAssociation)
    try:
        run = run_program(lambda: ManagedTrackingDomain("ma", {"domain": "ma.example.com", **SENDING}))
    finally:
        end_chains_in(None)
    assert {r.name: role_of(r.type) for r in run.registrations} == {
        "ma": Role.COMPONENT, "ma-sparkpost": Role.TRACKING_DOMAIN, "ma-sending-mail-example-com": Role.ASSOCIATION}
