"""``TrackingDomainAssociation``: a sending domain uses a tracking domain (``associations`` does the work)."""

from __future__ import annotations

import pulumi

from .associations import AssociationService
from .provider_base import SparkPostProvider
from .schema import ASSOCIATION, TrackingDomainAssociationArgs, TrackingDomainAssociationAttributes, own_annotations
from .serialized_provider import SparkPostResource
from .types import ASSOCIATION as ASSOCIATION_TYPE
from .types import DYNAMIC_MODULE

__all__ = ["TrackingDomainAssociation", "TrackingDomainAssociationArgs", "TrackingDomainAssociationProvider"]


class TrackingDomainAssociationProvider(SparkPostProvider):
    """CRUD for ``pulumi-python:dynamic/sparkpost:TrackingDomainAssociation``."""

    service_type = AssociationService


class TrackingDomainAssociation(TrackingDomainAssociationAttributes, SparkPostResource, module=DYNAMIC_MODULE,
                                name=ASSOCIATION_TYPE.name):
    """A sending domain's tracking domain, type ``pulumi-python:dynamic/sparkpost:TrackingDomainAssociation``.

    Inputs are ``TrackingDomainAssociationArgs`` (in ``schema``, with each property's doc); pass the tracking
    domain as ``tracking_domain.domain`` (an Output) so the association waits for the domain to exist.
    """

    __annotations__ = own_annotations(TrackingDomainAssociationAttributes)

    def __init__(self, resource_name: str, args: TrackingDomainAssociationArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        from .resource import before_registering

        before_registering("TrackingDomainAssociation", resource_name, ASSOCIATION, args)
        super().__init__(TrackingDomainAssociationProvider(), resource_name, dict(args), opts)


# Pickle by the public path so refactors inside the package never break existing stacks' state.
TrackingDomainAssociationProvider.__module__ = "sparkpost_tracking.dynamic_providers"
