"""What a Python program registers to use the plugin's native resources.

``TrackingDomain`` here takes the same ``TrackingDomainArgs`` and has the same snake_case attributes as the dynamic
``sparkpost_tracking.dynamic_providers.TrackingDomain``, but its type is ``sparkpost-tracking:index:TrackingDomain``:
the engine runs it in the ``pulumi-resource-sparkpost-tracking`` plugin (installed with this package), so it needs
no Python of the program's own, and ``pulumi import`` works. The plugin's components end in it.
"""

from __future__ import annotations

from typing import Any

import pulumi

from sparkpost_tracking.dynamic_providers.schema import (
    SendingDomainArgs,
    SendingDomainAttributes,
    TrackingDomainArgs,
    TrackingDomainAssociationArgs,
    TrackingDomainAssociationAttributes,
    TrackingDomainAttributes,
    own_annotations,
)
from sparkpost_tracking.dynamic_providers.sending_verification import (
    SendingDomainVerificationArgs,
    SendingDomainVerificationAttributes,
)
from sparkpost_tracking.dynamic_providers.validation import refuse_unknown_arguments

from .native import (
    ASSOCIATION,
    SENDING_DOMAIN,
    SENDING_DOMAIN_VERIFICATION,
    TRACKING_DOMAIN,
    NativeResource,
    in_plugin_namespace,
)


class _NativeResource(pulumi.CustomResource):
    """A resource the plugin serves: snake_case here, camelCase on the wire (both derived from the table entry)."""

    _native: NativeResource

    def __init__(self, resource_name: str, args: Any, opts: pulumi.ResourceOptions | None = None) -> None:
        # The same check and words as the dynamic resource's, but the key lives in this provider's namespace.
        refuse_unknown_arguments(self._native.name, resource_name, self._native.service.schema, args,
                                 words=in_plugin_namespace)
        # Output-only keys are seeded with None so they become attributes of this resource.
        props: dict[str, Any] = {**dict.fromkeys(self._native.outputs.__annotations__), **args}
        super().__init__(self._native.token, resource_name, props, opts)

    def translate_input_property(self, prop: str) -> str:
        return self._native.names.wire.get(prop, prop)

    def translate_output_property(self, prop: str) -> str:
        return self._native.names.snake.get(prop, prop)


class TrackingDomain(TrackingDomainAttributes, _NativeResource):
    """A SparkPost tracking domain, type ``sparkpost-tracking:index:TrackingDomain`` (served by the plugin).

    Protected unless ``opts`` says ``protect=False``, like the dynamic class: links already sent point at it.
    """

    __annotations__ = own_annotations(TrackingDomainAttributes)

    _native = TRACKING_DOMAIN

    def __init__(self, resource_name: str, args: TrackingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(protect=True), opts)
        super().__init__(resource_name, args, opts)


class TrackingDomainAssociation(TrackingDomainAssociationAttributes, _NativeResource):
    """A sending domain's tracking domain, type ``sparkpost-tracking:index:TrackingDomainAssociation`` (served by the
    plugin)."""

    __annotations__ = own_annotations(TrackingDomainAssociationAttributes)

    _native = ASSOCIATION

    def __init__(self, resource_name: str, args: TrackingDomainAssociationArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(resource_name, args, opts)


class SendingDomain(SendingDomainAttributes, _NativeResource):
    """A SparkPost sending domain, type ``sparkpost-tracking:index:SendingDomain`` (served by the plugin).

    Protected unless ``opts`` says ``protect=False``, like the dynamic class: deleting it makes mail from it fail.
    """

    __annotations__ = own_annotations(SendingDomainAttributes)

    _native = SENDING_DOMAIN

    def __init__(self, resource_name: str, args: SendingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(protect=True), opts)
        super().__init__(resource_name, args, opts)


class SendingDomainVerification(SendingDomainVerificationAttributes, _NativeResource):
    """SparkPost's verification of a sending domain's records, type
    ``sparkpost-tracking:index:SendingDomainVerification`` (served by the plugin)."""

    __annotations__ = own_annotations(SendingDomainVerificationAttributes)

    _native = SENDING_DOMAIN_VERIFICATION

    def __init__(self, resource_name: str, args: SendingDomainVerificationArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(resource_name, args, opts)
