"""``SendingDomain``: a SparkPost sending domain as a Pulumi resource (``sending_domains`` does the work)."""

from __future__ import annotations

from typing import Any

import pulumi

from .provider_base import SparkPostProvider
from .schema import SENDING_DOMAIN, SendingDomainArgs, SendingDomainAttributes, own_annotations
from .sending_domains import SendingDomainService
from .serialized_provider import SparkPostResource
from .types import DYNAMIC_MODULE
from .types import SENDING_DOMAIN as SENDING_DOMAIN_TYPE

__all__ = ["SendingDomain", "SendingDomainArgs", "SendingDomainProvider"]


class SendingDomainProvider(SparkPostProvider):
    """CRUD for ``pulumi-python:dynamic/sparkpost:SendingDomain``."""

    service_type = SendingDomainService


class SendingDomain(SendingDomainAttributes, SparkPostResource, module=DYNAMIC_MODULE, name=SENDING_DOMAIN_TYPE.name):
    """A SparkPost sending domain, type ``pulumi-python:dynamic/sparkpost:SendingDomain``.

    Its inputs are ``SendingDomainArgs`` and its outputs are the inputs plus ``SendingDomainOutputs`` (both in
    ``schema``, with each property's doc): the status fields, the DKIM key, and the DNS records to publish
    (``dkim_record_name``/``dkim_record_value``, and ``bounce_record_name``/``bounce_record_value`` for a bounce
    domain). The API key is read by the provider, never an input and never in state.

    It is protected unless ``opts`` says ``protect=False``: deleting a sending domain makes mail from it fail.
    Its tracking domain is set by a ``TrackingDomainAssociation``, the one resource that writes it.
    """

    __annotations__ = own_annotations(SendingDomainAttributes)

    def __init__(self, resource_name: str, args: SendingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        from .resource import before_registering

        before_registering("SendingDomain", resource_name, SENDING_DOMAIN, args)
        # Output-only keys are seeded with None so they become attributes of this resource.
        props: dict[str, Any] = {**dict.fromkeys(SENDING_DOMAIN.outputs), **args}
        opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(protect=True), opts)
        super().__init__(SendingDomainProvider(), resource_name, props, opts)


# Pickle by the public path so refactors inside the package never break existing stacks' state.
SendingDomainProvider.__module__ = "sparkpost_tracking.dynamic_providers"
