"""A create of one tracking domain on each engine path, for the tests that hold both to the same guarantee: the
Python dynamic provider (its key and tunables from the environment) and the plugin's native provider (from its
provider config)."""

from __future__ import annotations

from typing import Any

from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental.property_value import PropertyValue

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider
from sparkpost_tracking.dynamic_providers.schema import check_inputs
from sparkpost_tracking.plugin.provider import NativeProvider

from .test_native_provider import URN, configure, run, wire


def dynamic_create(api_url: str, domain: str) -> dict[str, Any]:
    checked, failures = check_inputs({"domain": domain, "api_url": api_url})
    assert failures == []
    result = TrackingDomainProvider().create({**checked, "__provider": "serialized"})
    assert result.outs is not None
    return dict(result.outs)


def native_create(api_url: str, domain: str, key: str, **config: str) -> dict[str, Any]:
    """``config``: the plugin's tunables (``verifyInterval="0"``, ...); the key goes in as a secret."""
    native = NativeProvider(schema=lambda: "{}")
    configure(native, apiKey=PropertyValue(key).with_secret(True), apiUrl=api_url, **config)
    checked = run(native.check(api.CheckRequest(URN, {}, wire(domain=domain), b"")))
    assert not checked.failures and checked.inputs is not None
    response = run(native.create(api.CreateRequest(URN, checked.inputs, 60, False)))
    return {k: v.value for k, v in response.properties.items()}
