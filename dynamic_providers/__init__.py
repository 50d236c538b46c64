"""The SparkPost side of a secure tracking domain: API client and the ``TrackingDomain`` dynamic resource."""

from .errors import (
    ConfigurationError,
    ManagedCertificateError,
    SparkPostAPIError,
    SparkPostTrackingError,
    TransportError,
    VerificationFailed,
)
from .provider import TrackingDomainProvider
from .resource import TrackingDomain, TrackingDomainArgs
from .retry_policy import RetryPolicy
from .validation import InvalidInput, check_inputs, validate_domain, validate_region

__all__ = [
    "ConfigurationError",
    "InvalidInput",
    "ManagedCertificateError",
    "RetryPolicy",
    "SparkPostAPIError",
    "SparkPostClient",
    "SparkPostTrackingError",
    "TrackingDomain",
    "TrackingDomainArgs",
    "TrackingDomainProvider",
    "TransportError",
    "VerificationFailed",
    "check_inputs",
    "validate_domain",
    "validate_region",
]


def __getattr__(name: str) -> object:
    # The client pulls in requests/urllib3 (~0.1 s); programs that only declare resources never need it.
    if name == "SparkPostClient":
        from .client import SparkPostClient

        return SparkPostClient
    if name == "RetryPolicy":
        from .retry_policy import RetryPolicy

        return RetryPolicy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
