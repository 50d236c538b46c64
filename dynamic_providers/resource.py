"""``TrackingDomain``: the SparkPost tracking domain as a Pulumi resource."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from sparkpost_tracking.config import check_program_config

from .provider import TrackingDomainProvider
from .schema import OUTPUT_KEYS, TRACKING_DOMAIN, Schema, TrackingDomainArgs, TrackingDomainAttributes, own_annotations
from .serialized_provider import SparkPostResource
from .types import DYNAMIC_MODULE
from .types import TRACKING_DOMAIN as TRACKING_DOMAIN_TYPE
from .validation import refuse_unknown_arguments

__all__ = ["TrackingDomain", "TrackingDomainArgs"]


def before_registering(kind: str, resource_name: str, schema: Schema, args: Mapping[str, Any]) -> None:
    """What a SparkPost resource checks in the program: unknown arguments and this package's config keys.

    Refused here, before registration, so the message reaches the user without a traceback; values are checked
    by the provider's check (they may be Outputs, unknown until the engine resolves them).
    """
    refuse_unknown_arguments(kind, resource_name, schema, args)
    check_program_config()


class TrackingDomain(TrackingDomainAttributes, SparkPostResource, module=DYNAMIC_MODULE,
                     name=TRACKING_DOMAIN_TYPE.name):
    """A SparkPost tracking domain, type ``pulumi-python:dynamic/sparkpost:TrackingDomain``.

    Its inputs are ``TrackingDomainArgs`` and its outputs are the inputs plus ``TrackingDomainOutputs``
    (both in ``schema``, with each property's doc). The API key is read by the provider from
    ``sparkpost:apiKey`` (or ``SPARKPOST_API_KEY``); it is never an input and never in state.

    It is protected unless ``opts`` says ``protect=False``: links in mail already sent point at it, and deleting
    it breaks them for good (docs/retiring.md).
    """

    __annotations__ = own_annotations(TrackingDomainAttributes)

    def __init__(self, resource_name: str, args: TrackingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        before_registering("TrackingDomain", resource_name, TRACKING_DOMAIN, args)
        # Output-only keys are seeded with None so they become attributes of this resource.
        props: dict[str, Any] = {**dict.fromkeys(OUTPUT_KEYS), **args}
        # Protected unless the caller says otherwise (a component passes its own ``protect``).
        opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(protect=True), opts)
        super().__init__(TrackingDomainProvider(), resource_name, props, opts)
