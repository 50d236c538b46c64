"""The Python programs of ``bench.fleet``: N tracking domains, and two references of N resources that do nothing.

All read the same stack config (``engine-test:domains``, ``engine-test:apiUrl``, ``engine-test:protect``: the
engine project's) and register one resource per domain, with no stack outputs, so they differ only in the resource:

- ``tracking_domains()``: a ``TrackingDomain`` per domain;
- ``trivial()``: a ``Trivial`` per domain: a dynamic resource whose provider keeps Pulumi's defaults (no check, no
  diff of its own, a read that returns what it was given) and whose create answers at once, with one property.
  What is left is Pulumi's own cost per dynamic resource;
- ``same_shape()``: a ``SameShape`` per domain: no work either, but the state of a ``TrackingDomain`` (its check
  fills in the same defaults, its create returns the same outputs). Pulumi's cost for a resource of our shape: the
  engine's work per property (every checkpoint rewrites them all) is in it, our code is not.

The providers pickle by reference and hold no state, like ours, and are not secrets (``serialize_as_secret_always =
False``, as ours).
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, Resource, ResourceProvider

from sparkpost_tracking.dynamic_providers.schema import INPUT_DEFAULTS

#: The project's config namespace: the one tests/engine/project reads.
NAMESPACE = "engine-test"
#: What SparkPost reports of a verified domain behind a CDN: the outputs a ``TrackingDomain`` adds to its inputs.
REPORTED: dict[str, Any] = {"port": 443, "verified": True, "cname_status": "valid", "compliance_status": "valid",
                            "tls_status": "unavailable", "uses_managed_certificate": False}


class TrivialProvider(ResourceProvider):
    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(props["domain"]), props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class Trivial(Resource, module="bench", name="Trivial"):
    def __init__(self, name: str, domain: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TrivialProvider(), name, {"domain": domain}, opts)


class SameShapeProvider(TrivialProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        defaults = {k: v for k, v in INPUT_DEFAULTS.items() if v is not None}
        return CheckResult({**defaults, **news}, [])

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(props["domain"]), {**props, **REPORTED})


class SameShape(Resource, module="bench", name="SameShape"):
    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(SameShapeProvider(), name, props, opts)


def _domains() -> tuple[pulumi.Config, list[dict[str, Any]]]:
    config = pulumi.Config(NAMESPACE)
    return config, list(config.require_object("domains"))


def trivial() -> None:
    _, domains = _domains()
    for entry in domains:
        Trivial(entry["domain"], entry["domain"])


def same_shape() -> None:
    config, domains = _domains()
    for entry in domains:
        SameShape(entry["domain"], {"domain": entry["domain"], "api_url": config.require("apiUrl")})


def tracking_domains() -> None:
    from sparkpost_tracking.dynamic_providers import TrackingDomain

    config, domains = _domains()
    api_url = config.require("apiUrl")
    opts = pulumi.ResourceOptions(protect=config.get_bool("protect"))
    for entry in domains:
        TrackingDomain(entry["domain"], {"domain": entry["domain"], "api_url": api_url}, opts)
