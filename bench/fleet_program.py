"""The Python programs of ``bench.fleet``: N tracking domains, and the reference of N resources that do nothing.

Both read the same stack config (``engine-test:domains``, ``engine-test:apiUrl``, ``engine-test:protect``: the
engine project's) and register one resource per domain, with no stack outputs, so they differ only in the
resource:

- ``tracking_domains()``: a ``TrackingDomain`` per domain;
- ``trivial()``: a ``Trivial`` per domain, a dynamic resource whose provider keeps Pulumi's defaults (no check,
  no diff of its own, a read that returns what it was given) and whose create answers at once. Its provider
  pickles by reference and holds no state, like ours, and is not a secret (``serialize_as_secret_always =
  False``, as ours): what is left is Pulumi's own cost per dynamic resource.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

#: The project's config namespace: the one tests/engine/project reads.
NAMESPACE = "engine-test"


class TrivialProvider(ResourceProvider):
    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(props["domain"]), props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class Trivial(Resource, module="bench", name="Trivial"):
    def __init__(self, name: str, domain: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TrivialProvider(), name, {"domain": domain}, opts)


def _domains() -> tuple[pulumi.Config, list[dict[str, Any]]]:
    config = pulumi.Config(NAMESPACE)
    return config, list(config.require_object("domains"))


def trivial() -> None:
    _, domains = _domains()
    for entry in domains:
        Trivial(entry["domain"], entry["domain"])


def tracking_domains() -> None:
    from sparkpost_tracking.dynamic_providers import TrackingDomain

    config, domains = _domains()
    api_url = config.require("apiUrl")
    opts = pulumi.ResourceOptions(protect=config.get_bool("protect"))
    for entry in domains:
        TrackingDomain(entry["domain"], {"domain": entry["domain"], "api_url": api_url}, opts)


class ShapedProvider(TrivialProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(props["domain"]), {**props, "port": 443, "verified": True, "cname_status": "valid",
                                                    "compliance_status": "valid", "tls_status": "unavailable",
                                                    "uses_managed_certificate": False})


class Shaped(Resource, module="bench", name="Shaped"):
    def __init__(self, name: str, domain: str, api_url: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(ShapedProvider(), name, {"domain": domain, "api_url": api_url, "secure": True,
                                                  "default": False, "region": "us", "verify": True,
                                                  "managed_certificate": False, "adopt_existing": False}, opts)


def shaped() -> None:
    config, domains = _domains()
    for entry in domains:
        Shaped(entry["domain"], entry["domain"], config.require("apiUrl"))


class LeanProvider(TrivialProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(props["domain"]), {**props, "secure": True, "default": False, "region": "us",
                                                    "verify": True, "managed_certificate": False,
                                                    "adopt_existing": False, "port": 443, "verified": True,
                                                    "cname_status": "valid", "compliance_status": "valid",
                                                    "tls_status": "unavailable", "uses_managed_certificate": False})


class Lean(Resource, module="bench", name="Lean"):
    def __init__(self, name: str, domain: str, api_url: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(LeanProvider(), name, {"domain": domain, "api_url": api_url}, opts)


def lean() -> None:
    config, domains = _domains()
    for entry in domains:
        Lean(entry["domain"], entry["domain"], config.require("apiUrl"))
