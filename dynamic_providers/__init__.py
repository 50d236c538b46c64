"""The SparkPost side of a secure tracking domain: the API client and the dynamic resources ``TrackingDomain``,
``TrackingDomainAssociation`` and ``SendingDomain``.

Names load on first use (PEP 562): a program that only declares resources never imports the HTTP
client, and a module that only needs validation does not load the resource machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: Public name → the submodule that defines it.
_EXPORTS: dict[str, str] = {
    "ConfigurationError": "errors",
    "ManagedCertificateError": "errors",
    "SparkPostAPIError": "errors",
    "SparkPostTrackingError": "errors",
    "TransportError": "errors",
    "VerificationFailed": "errors",
    "TrackingDomainProvider": "provider",
    "TrackingDomain": "resource",
    "TrackingDomainAssociation": "association",
    "TrackingDomainAssociationArgs": "schema",
    "TrackingDomainAssociationProvider": "association",
    "TrackingDomainArgs": "schema",
    "TrackingDomainOutputs": "schema",
    "SendingDomain": "sending_domain",
    "SendingDomainArgs": "schema",
    "SendingDomainOutputs": "schema",
    "SendingDomainProvider": "sending_domain",
    "SendingDomainVerification": "sending_verification",
    "SendingDomainVerificationArgs": "sending_verification",
    "SendingDomainVerificationProvider": "sending_verification",
    "RetryPolicy": "retry_policy",
    "SparkPostClient": "client",  # pulls in requests/urllib3: only the provider process needs it
    "InvalidInput": "validation",
    "check_inputs": "schema",
    "validate_domain": "validation",
    "validate_region": "validation",
}
__all__ = [
    "ConfigurationError",
    "InvalidInput",
    "ManagedCertificateError",
    "RetryPolicy",
    "SendingDomain",
    "SendingDomainArgs",
    "SendingDomainOutputs",
    "SendingDomainProvider",
    "SendingDomainVerification",
    "SendingDomainVerificationArgs",
    "SendingDomainVerificationProvider",
    "SparkPostAPIError",
    "SparkPostClient",
    "SparkPostTrackingError",
    "TrackingDomain",
    "TrackingDomainArgs",
    "TrackingDomainAssociation",
    "TrackingDomainAssociationArgs",
    "TrackingDomainAssociationProvider",
    "TrackingDomainOutputs",
    "TrackingDomainProvider",
    "TransportError",
    "VerificationFailed",
    "check_inputs",
    "validate_domain",
    "validate_region",
]

if TYPE_CHECKING:
    from .association import TrackingDomainAssociation, TrackingDomainAssociationProvider
    from .client import SparkPostClient
    from .errors import (
        ConfigurationError,
        ManagedCertificateError,
        SparkPostAPIError,
        SparkPostTrackingError,
        TransportError,
        VerificationFailed,
    )
    from .provider import TrackingDomainProvider
    from .resource import TrackingDomain
    from .retry_policy import RetryPolicy
    from .schema import (
        SendingDomainArgs,
        SendingDomainOutputs,
        TrackingDomainArgs,
        TrackingDomainAssociationArgs,
        TrackingDomainOutputs,
        check_inputs,
    )
    from .sending_domain import SendingDomain, SendingDomainProvider
    from .sending_verification import (
        SendingDomainVerification,
        SendingDomainVerificationArgs,
        SendingDomainVerificationProvider,
    )
    from .validation import InvalidInput, validate_domain, validate_region


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
