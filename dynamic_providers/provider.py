"""``TrackingDomainProvider``: the Pulumi dynamic provider for SparkPost tracking domains, an adapter of the
tracking-domain service (``tracking_domains``)."""

from __future__ import annotations

from .provider_base import SparkPostProvider
from .tracking_domains import TrackingDomainService, outputs_for

__all__ = ["TrackingDomainProvider", "outputs_for"]


class TrackingDomainProvider(SparkPostProvider):
    """CRUD for ``pulumi-python:dynamic/sparkpost:TrackingDomain``."""

    service_type = TrackingDomainService


# Pickle by the public path so refactors inside the package never break existing stacks' state.
TrackingDomainProvider.__module__ = "sparkpost_tracking.dynamic_providers"
