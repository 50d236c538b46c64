"""Every resource a component registers has a serving declaration beside its component, and the declarations name
nothing the components do not create (recorded under mocks, real provider types): ``review``, the policy pack and
``check`` read the same declarations."""

from __future__ import annotations

from sparkpost_tracking.components import (
    CloudflareTrackingDomain,
    CloudFrontTrackingDomain,
    CloudFrontTrackingPolicies,
    FastlyTrackingDomain,
    ManagedTrackingDomain,
)
from sparkpost_tracking.components.serving import Carries, Chain, Inputs, declarations
from sparkpost_tracking.dynamic_providers.types import SENDING_DOMAIN, package_token
from sparkpost_tracking.review.chains import group
from sparkpost_tracking.review.preview import Preview, State, Step
from sparkpost_tracking.stack import COMPONENTS
from tests.components.conftest import Registration, run_program

ZONE = "0123456789abcdef0123456789abcdef"
SENDING = {"sending_domains": ["mail.example.com"]}


def every_chain() -> None:
    ManagedTrackingDomain("ma", {"domain": "ma.example.com", "dns": "route53", "dns_zone_id": "Z0123456789AB",
                                 **SENDING})
    CloudFrontTrackingDomain("cf", {"domain": "cf.example.com", "dns": "route53", "dns_zone_id": "Z0123456789AB"})
    FastlyTrackingDomain("fa", {"domain": "fa.example.com", "dns": "cloudflare", "dns_zone_id": ZONE})
    CloudflareTrackingDomain("cl", {"domain": "cl.example.com", "zone_id": ZONE, "cache_rule": True,
                                    "ssl_mode_rule": True, "redirect_mode": "page_rule"})
    CloudflareTrackingDomain("cs", {"domain": "cs.example.com", "zone_id": ZONE, "redirect_mode": "single_redirect"})
    CloudFrontTrackingPolicies("shared", {})


def as_preview(registrations: list[Registration]) -> Preview:
    return Preview(steps={r.urn: Step("same", r.urn, None, State(r.urn, r.type, r.parent or None, r.inputs, {},
                                                                  r.protect, None)) for r in registrations})


def test_every_registered_type_is_declared_and_no_declaration_is_stale() -> None:
    run = run_program(every_chain)
    declared = declarations()
    components = {package_token(w.component) for w in declared.ways.values()} | {
        package_token(c) for w in declared.ways.values() for c in w.shared_components}
    registered = {r.type for r in run.registrations}
    assert registered - set(declared.by_type) == components
    # the plugin's native tokens are declared too (tests/review/test_links.py::test_the_native_resources...)
    # and a SendingDomain is a program's own (tests/review/test_sending_domain_review.py): no component makes one yet
    stale = set(declared.by_type) - registered - {"sparkpost-tracking:index:TrackingDomain",
                                                  "sparkpost-tracking:index:TrackingDomainAssociation",
                                                  *SENDING_DOMAIN.tokens}
    assert stale == set()
    assert set(declared.ways) == set(COMPONENTS)


def test_each_resource_plays_its_part_in_its_own_chain_as_built() -> None:
    run = run_program(every_chain)
    declared = declarations()
    grouped = group(as_preview(run.registrations), declared)
    parts: dict[str, Carries | None] = {}
    for chain in grouped.chains:
        for step in chain.members:
            assert step.new is not None
            serving = declared.serving(step.type, None if chain.shared else chain.way, Inputs(step.new.inputs),
                                       Chain(_domain(chain.key)))
            parts[step.urn.rsplit("::", 1)[-1]] = serving.carries if serving else None
    assert parts["ma-host"] is Carries.LINKS and parts["ma-sparkpost"] is Carries.LINKS
    assert parts["ma-sending-mail-example-com"] is Carries.MAIL
    assert (parts["cf-distribution"], parts["cf-host-a"], parts["cf-acm-validation"]) == (
        Carries.LINKS, Carries.LINKS, Carries.RENEWAL)
    assert (parts["cf-cert"], parts["cf-cache-policy"], parts["shared-cache-policy"]) == (
        Carries.CERTIFICATE, Carries.SETTINGS, Carries.SETTINGS)
    assert (parts["fa-service"], parts["fa-host"], parts["fa-acme-challenge"], parts["fa-tls-subscription"]) == (
        Carries.LINKS, Carries.LINKS, Carries.RENEWAL, Carries.CERTIFICATE)
    assert (parts["cl-record"], parts["cl-page-rule"], parts["cs-http-request-dynamic-redirect"]) == (
        Carries.LINKS, Carries.SETTINGS, Carries.SETTINGS)


def _domain(component_urn: str) -> str:
    return {"ma": "ma.example.com", "cf": "cf.example.com", "fa": "fa.example.com", "cl": "cl.example.com",
            "cs": "cs.example.com"}.get(component_urn.rsplit("::", 1)[-1], "")


def test_the_native_resources_and_the_plugin_components_are_declared_too() -> None:
    from sparkpost_tracking.components.chain import end_chains_in
    from sparkpost_tracking.plugin.resources import TrackingDomain, TrackingDomainAssociation

    end_chains_in(TrackingDomain, TrackingDomainAssociation)
    try:
        run = run_program(lambda: ManagedTrackingDomain("ma", {"domain": "ma.example.com", **SENDING}))
    finally:
        end_chains_in(None)
    declared = declarations()
    carries = {r.name: [s.carries for s in declared.for_type(r.type)] for r in run.registrations}
    assert carries == {"ma": [], "ma-sparkpost": [Carries.LINKS], "ma-sending-mail-example-com": [Carries.MAIL]}
