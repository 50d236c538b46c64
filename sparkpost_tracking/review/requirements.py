"""The CDN settings SparkPost requires, checked on a resource's inputs (the engine's camelCase names).

Shared by ``review`` (a setting that stops holding is ``risky``) and the policy pack (a setting that does not
hold fails the policy). SparkPost's requirements for a CDN in front of a tracking domain: forward the viewer's
Host and User-Agent, serve http (port 80) as well as https, and cache for about 10 seconds at most.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

#: The longest cache TTL SparkPost accepts: a longer one hides repeat clicks.
MAX_CACHE_TTL_SECONDS: Final[int] = 10


class Requirement(enum.Enum):
    TTL = "cache TTL at most 10 s"
    HOST = "the viewer's Host forwarded"
    USER_AGENT = "the viewer's User-Agent forwarded"
    PORT_80 = "http (port 80) served as well as https"


@dataclass(frozen=True)
class Violation:
    requirement: Requirement
    detail: str

    def __str__(self) -> str:
        return f"{self.requirement.value}: {self.detail}"


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _ttl(what: str, value: Any) -> Iterable[Violation]:
    seconds = _number(value)
    if seconds is not None and seconds > MAX_CACHE_TTL_SECONDS:
        yield Violation(Requirement.TTL, f"{what} is {seconds:g} s")


def _cloudfront_distribution(props: Mapping[str, Any]) -> Iterable[Violation]:
    for origin in _items(props.get("origins")):
        config = origin.get("customOriginConfig")
        if isinstance(config, Mapping):
            if config.get("originProtocolPolicy") == "https-only":
                yield Violation(Requirement.PORT_80, "origin protocol policy is https-only (use match-viewer)")
            if _number(config.get("httpPort")) not in (None, 80.0):
                yield Violation(Requirement.PORT_80, f"origin http port is {config.get('httpPort')}")
        headers = {str(h.get("name", "")).lower() for h in _items(origin.get("customHeaders"))}
        if "x-forwarded-host" not in headers:
            yield Violation(Requirement.HOST, "no X-Forwarded-Host header to the origin")
    behavior = props.get("defaultCacheBehavior")
    if isinstance(behavior, Mapping) and behavior.get("viewerProtocolPolicy") == "https-only":
        yield Violation(Requirement.PORT_80, "viewer protocol policy is https-only (links sent as http:// fail)")


def _cloudfront_cache_policy(props: Mapping[str, Any]) -> Iterable[Violation]:
    yield from _ttl("default TTL", props.get("defaultTtl"))
    yield from _ttl("max TTL", props.get("maxTtl"))


def _cloudfront_origin_request_policy(props: Mapping[str, Any]) -> Iterable[Violation]:
    config = props.get("headersConfig")
    if not isinstance(config, Mapping):
        return
    behavior = config.get("headerBehavior")
    if behavior in ("allViewer", "allViewerAndWhitelistCloudFront"):
        return
    headers = config.get("headers")
    items = headers.get("items") if isinstance(headers, Mapping) else None
    named = {str(h).lower() for h in items} if isinstance(items, list) else set()
    if behavior != "whitelist" or "user-agent" not in named:
        yield Violation(Requirement.USER_AGENT, f"header behavior {behavior!r} does not forward User-Agent")


def _fastly_service(props: Mapping[str, Any]) -> Iterable[Violation]:
    yield from _ttl("default TTL", props.get("defaultTtl"))
    for backend in _items(props.get("backends")):
        if backend.get("overrideHost"):
            yield Violation(Requirement.HOST, f"backend {backend.get('name')!r} overrides Host with "
                                              f"{backend.get('overrideHost')!r}")
    for settings in _items(props.get("requestSettings")):
        if settings.get("forceSsl"):
            yield Violation(Requirement.PORT_80, "force_ssl turns http requests away")


def _cloudflare_ruleset(props: Mapping[str, Any]) -> Iterable[Violation]:
    for rule in _items(props.get("rules")):
        parameters = rule.get("actionParameters")
        edge = parameters.get("edgeTtl") if isinstance(parameters, Mapping) else None
        if isinstance(edge, Mapping):
            yield from _ttl("edge TTL", edge.get("default"))


CHECKS: Final[Mapping[str, Callable[[Mapping[str, Any]], Iterable[Violation]]]] = {
    "aws:cloudfront/distribution:Distribution": _cloudfront_distribution,
    "aws:cloudfront/cachePolicy:CachePolicy": _cloudfront_cache_policy,
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": _cloudfront_origin_request_policy,
    "fastly:index/serviceVcl:ServiceVcl": _fastly_service,
    "cloudflare:index/ruleset:Ruleset": _cloudflare_ruleset,
}


def violations(type_: str, props: Mapping[str, Any]) -> list[Violation]:
    """What SparkPost requires of a CDN resource that ``props`` do not give (nothing for other types)."""
    check = CHECKS.get(type_)
    return list(check(props)) if check else []
