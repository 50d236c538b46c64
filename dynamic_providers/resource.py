"""``TrackingDomain``: the SparkPost tracking domain as a Pulumi resource."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi.dynamic import Resource

from .provider import TrackingDomainProvider
from .validation import INPUT_KEYS, OUTPUT_KEYS


class TrackingDomainArgs(TypedDict):
    """Inputs of a SparkPost tracking domain. Only ``domain`` is required."""

    domain: pulumi.Input[str]
    """The tracking hostname, e.g. ``track.example.com`` (stored lower-case; a change replaces)."""
    secure: NotRequired[pulumi.Input[bool]]
    """Write tracked links as https (default true)."""
    default: NotRequired[pulumi.Input[bool]]
    """Make this the default tracking domain of its account/subaccount, once verified (default false)."""
    subaccount_id: NotRequired[pulumi.Input[int]]
    """The owning subaccount; leave out for the primary account (a change replaces)."""
    region: NotRequired[pulumi.Input[str]]
    """'us' (default) or 'eu'."""
    api_url: NotRequired[pulumi.Input[str]]
    """Full API base ending in /api/v1, for Enterprise tenants or the local emulator."""
    verify: NotRequired[pulumi.Input[bool]]
    """Verify after create/update and wait until verified (default true)."""
    managed_certificate: NotRequired[pulumi.Input[bool]]
    """Use SparkPost-managed HTTPS (Let's Encrypt) instead of a CDN certificate (default false)."""
    adopt_existing: NotRequired[pulumi.Input[bool]]
    """Take over the domain if it already exists in the account instead of failing (default false)."""


class TrackingDomain(Resource, module="sparkpost", name="TrackingDomain"):
    """A SparkPost tracking domain, type ``pulumi-python:dynamic/sparkpost:TrackingDomain``.

    The API key is read by the provider from ``sparkpost:apiKey`` (or ``SPARKPOST_API_KEY``);
    it is never an input and never in state.
    """

    domain: pulumi.Output[str]
    secure: pulumi.Output[bool]
    default: pulumi.Output[bool]
    subaccount_id: pulumi.Output[int | None]
    region: pulumi.Output[str]
    api_url: pulumi.Output[str | None]
    verify: pulumi.Output[bool]
    managed_certificate: pulumi.Output[bool]
    adopt_existing: pulumi.Output[bool]
    port: pulumi.Output[int]
    verified: pulumi.Output[bool]
    cname_status: pulumi.Output[str | None]
    compliance_status: pulumi.Output[str | None]
    tls_status: pulumi.Output[str | None]
    uses_managed_certificate: pulumi.Output[bool]

    def __init__(self, resource_name: str, args: TrackingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        unknown = sorted(set(args) - INPUT_KEYS)
        if unknown:
            raise TypeError(f"TrackingDomain {resource_name!r}: unknown argument(s) {', '.join(unknown)}; "
                            f"known: {', '.join(sorted(INPUT_KEYS))}")
        # Output-only keys are seeded with None so they become attributes of this resource.
        props: dict[str, Any] = {**{k: None for k in OUTPUT_KEYS}, **args}
        super().__init__(TrackingDomainProvider(), resource_name, props, opts)
