"""The SparkPost side of a secure tracking domain: API client and the ``TrackingDomain`` dynamic resource."""

from .client import RetryPolicy, SparkPostClient
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
