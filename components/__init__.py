"""Secure SparkPost tracking domains as Pulumi components.

``from sparkpost_tracking.components import CloudflareTrackingDomain`` (or ``CloudFrontTrackingDomain``,
``FastlyTrackingDomain``, ``ManagedTrackingDomain``; ``CloudFrontTrackingPolicies`` shares one pair of CloudFront
policies). Names are resolved lazily (PEP 562), and a component's module loads its CDN's SDK only when the
component makes its first resource: importing the package or a class loads no provider SDK (pulumi-cloudflare
alone costs seconds and >100 MB), and building one component loads only its own CDN's SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name → submodule that defines it
_EXPORTS: dict[str, str] = {
    "CloudflareTrackingDomain": "cloudflare",
    "CloudflareTrackingDomainArgs": "cloudflare",
    "CloudFrontTrackingDomain": "cloudfront",
    "CloudFrontTrackingDomainArgs": "cloudfront",
    "CloudFrontTrackingPolicies": "cloudfront",
    "CloudFrontTrackingPoliciesArgs": "cloudfront",
    "FastlyTrackingDomain": "fastly",
    "FastlyTrackingDomainArgs": "fastly",
    "ManagedTrackingDomain": "managed",
    "ManagedTrackingDomainArgs": "managed",
    "SendingIdentity": "sending",
    "SendingIdentityArgs": "sending",
    "CommonArgs": "args",
    "DnsArgs": "args",
    "DnsRecord": "args",
    "HostRecordArgs": "dns",
    "ComponentArgumentError": "errors",
}

__all__ = [
    "CloudFrontTrackingDomain",
    "CloudFrontTrackingDomainArgs",
    "CloudFrontTrackingPolicies",
    "CloudFrontTrackingPoliciesArgs",
    "CloudflareTrackingDomain",
    "CloudflareTrackingDomainArgs",
    "CommonArgs",
    "ComponentArgumentError",
    "DnsArgs",
    "DnsRecord",
    "FastlyTrackingDomain",
    "FastlyTrackingDomainArgs",
    "HostRecordArgs",
    "ManagedTrackingDomain",
    "ManagedTrackingDomainArgs",
    "SendingIdentity",
    "SendingIdentityArgs",
]

if TYPE_CHECKING:
    from .args import CommonArgs, DnsArgs, DnsRecord
    from .cloudflare import CloudflareTrackingDomain, CloudflareTrackingDomainArgs
    from .cloudfront import (
        CloudFrontTrackingDomain,
        CloudFrontTrackingDomainArgs,
        CloudFrontTrackingPolicies,
        CloudFrontTrackingPoliciesArgs,
    )
    from .dns import HostRecordArgs
    from .errors import ComponentArgumentError
    from .fastly import FastlyTrackingDomain, FastlyTrackingDomainArgs
    from .managed import ManagedTrackingDomain, ManagedTrackingDomainArgs
    from .sending import SendingIdentity, SendingIdentityArgs


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
