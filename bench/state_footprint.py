"""P4 (without the engine): the serialized provider stored in every TrackingDomain's state."""

from __future__ import annotations

from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _serialize

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider

from .table import Row


def measure() -> list[Row]:
    text, secret = _serialize(True, serialize_provider, TrackingDomainProvider())
    return [Row("P4", "serialized provider (__provider) per resource", len(text), 300, "chars",
                f"< 300; plain (not a secret): {not secret and not TrackingDomainProvider.serialize_as_secret_always}")]
