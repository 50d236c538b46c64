"""A service's claims (what a resource of this deployment created or adopted), keyed by resource type, account and
name: pure, no request. The rename they guard against, on both paths: tests/provider/test_ownership_seams.py."""

from __future__ import annotations

from sparkpost_tracking.dynamic_providers.associations import AssociationService
from sparkpost_tracking.dynamic_providers.tracking_domains import TrackingDomainService

NAME = "track.example.com"
EMULATOR = "http://127.0.0.1:8787/api/v1"


def test_a_claim_is_per_account_and_name_case_blind() -> None:
    service = TrackingDomainService()
    service.claim({"api_url": EMULATOR}, NAME.upper())
    assert service.claimed_elsewhere({"api_url": EMULATOR + "/"}, NAME) == (
        f"Tracking domain '{NAME}' was created or adopted by another resource of this deployment (a renamed "
        "resource, then adopted under its new name?): this resource's delete leaves it to that one and only drops "
        "this resource from state. Next time, give the renamed resource aliases naming its old name.")
    assert service.claimed_elsewhere({"api_url": "http://127.0.0.1:9999/api/v1"}, NAME) is None  # another account
    assert service.claimed_elsewhere({"api_url": EMULATOR}, "other.example.com") is None


def test_regions_are_separate_accounts() -> None:
    service = TrackingDomainService()
    service.claim({"region": "eu"}, NAME)
    assert service.claimed_elsewhere({"region": "us"}, NAME) is None
    assert service.claimed_elsewhere({}, NAME) is None  # the default region is us
    assert service.claimed_elsewhere({"region": "eu"}, NAME) is not None
    # An explicit API base wins over the region, as for every call.
    service.claim({"region": "eu", "api_url": EMULATOR}, "click.example.com")
    assert service.claimed_elsewhere({"api_url": EMULATOR}, "click.example.com") is not None


def test_claims_are_per_service_so_per_resource_type_and_deployment() -> None:
    tracking, association = TrackingDomainService(), AssociationService()
    tracking.claim({"api_url": EMULATOR}, NAME)
    assert association.claimed_elsewhere({"api_url": EMULATOR}, NAME) is None
    assert TrackingDomainService().claimed_elsewhere({"api_url": EMULATOR}, NAME) is None  # a later deployment
