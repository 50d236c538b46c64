"""What a CloudFront chain must hold to keep serving ``domain`` for SparkPost (read by review, policy and check).

The distribution is enabled, lists the domain among its aliases, serves it with the domain's own certificate,
answers http as well as https, and forwards every path to the SparkPost host of the domain's account (empty
origin path, the standard ports) with ``X-Forwarded-Host: <domain>``, which is how SparkPost recognises the
domain behind CloudFront. SparkPost also asks for a cache of at most 10 s, User-Agent and ``?target`` forwarded,
and the viewer's protocol matched towards the origin: without those links still work, so they are advised.
"""

from __future__ import annotations

from typing import Final

from .serving import (
    CACHE_TTL,
    Carries,
    Chain,
    Inputs,
    Link,
    Requirement,
    Serving,
    Severity,
    Way,
    covers,
    first_fault,
    host,
    known,
    ttl_longer,
)

DISTRIBUTION: Final[str] = "aws:cloudfront/distribution:Distribution"
CACHE_POLICY: Final[str] = "aws:cloudfront/cachePolicy:CachePolicy"
ORIGIN_REQUEST_POLICY: Final[str] = "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"
CERTIFICATE: Final[str] = "aws:acm/certificate:Certificate"
CERTIFICATE_VALIDATION: Final[str] = "aws:acm/certificateValidation:CertificateValidation"
#: The header SparkPost reads the tracking domain from behind CloudFront (CloudFront sends its origin's name as
#: Host unless told otherwise).
FORWARDED_HOST: Final[str] = "X-Forwarded-Host"
STANDARD_PORTS: Final[dict[str, int]] = {"http": 80, "https": 443}
#: Origin protocol policy → the protocols CloudFront uses towards the origin.
_ORIGIN_PROTOCOLS: Final[dict[str, tuple[str, ...]]] = {
    "match-viewer": ("http", "https"), "http-only": ("http",), "https-only": ("https",)}


def _behaviors(inputs: Inputs) -> list[Inputs]:
    return [inputs.at("default_cache_behavior"),
            *inputs.items("ordered_cache_behaviors")]


def _origin_of(inputs: Inputs, behavior: Inputs) -> Inputs | None:
    target = behavior.get("target_origin_id")
    return next((o for o in inputs.items("origins") if o.get("origin_id") == target), None)


def _served_origins(inputs: Inputs) -> list[Inputs | None]:
    """The origin of every cache behavior (None where a behavior names no origin of the distribution)."""
    return [_origin_of(inputs, b) for b in _behaviors(inputs)]


def _enabled(inputs: Inputs, chain: Chain) -> str | None:
    return None if inputs.get("enabled") is True else "enabled is not true: CloudFront serves nothing for it"


def _aliases(inputs: Inputs, chain: Chain) -> str | None:
    names = inputs.names("aliases")
    return None if chain.domain in names else (f"aliases {sorted(names)} no longer hold {chain.domain}: CloudFront "
                                               "refuses its requests")


def _origin(inputs: Inputs, chain: Chain) -> str | None:
    origins = known(chain.origins, "the SparkPost host of the domain's account")
    for origin in _served_origins(inputs):
        if origin is None:
            return "a cache behavior targets no origin of the distribution"
        if host(origin.get("domain_name")) not in origins:
            return (f"the origin is {origin.get('domain_name')!r}, not SparkPost's {' or '.join(sorted(origins))} "
                    "of the domain's account")
    return None


def _origin_path(inputs: Inputs, chain: Chain) -> str | None:
    for origin in filter(None, _served_origins(inputs)):
        if origin.get("origin_path"):
            return f"origin path {origin.get('origin_path')!r}: SparkPost's click paths no longer match"
    return None


def _forwarded_host(inputs: Inputs, chain: Chain) -> str | None:
    for origin in filter(None, _served_origins(inputs)):
        values = [h.get("value") for h in origin.items("custom_headers")
                  if str(h.get("name", default="")).lower() == FORWARDED_HOST.lower()]
        if not values:
            return f"no {FORWARDED_HOST} header to the origin: SparkPost sees CloudFront's Host and cannot tell " \
                   "the domain"
        if host(values[0]) != chain.domain:
            return f"{FORWARDED_HOST} is {values[0]!r}: SparkPost looks up that domain instead"
    return None


def _ports(inputs: Inputs, chain: Chain) -> str | None:
    for origin in filter(None, _served_origins(inputs)):
        config = origin.at("custom_origin_config")
        policy = config.get("origin_protocol_policy", default="match-viewer")
        for protocol in _ORIGIN_PROTOCOLS.get(policy, ("http", "https")):
            port = config.get(f"{protocol}_port", default=STANDARD_PORTS[protocol])
            if port != STANDARD_PORTS[protocol]:
                return f"{protocol} to the origin on port {port}, where SparkPost does not listen"
    return None


def _viewer_http(inputs: Inputs, chain: Chain) -> str | None:
    for behavior in _behaviors(inputs):
        if behavior.get("viewer_protocol_policy") == "https-only":
            return "viewer protocol policy https-only: links sent as http:// are refused"
    return None


def _viewer_certificate(inputs: Inputs, chain: Chain) -> str | None:
    certificate = inputs.at("viewer_certificate")
    if certificate.get("cloudfront_default_certificate") is True:
        return "the default *.cloudfront.net certificate: https links to the domain fail"
    arn = certificate.get("acm_certificate_arn") or certificate.get("iam_certificate_id")
    if not arn:
        return "no certificate of the domain's"
    if arn not in known(chain.certificates, "which certificates are the domain's"):
        return f"{arn} is not a certificate the preview shows for {chain.domain}"
    return None


def _match_viewer(inputs: Inputs, chain: Chain) -> str | None:
    for origin in filter(None, _served_origins(inputs)):
        policy = origin.get("custom_origin_config", "origin_protocol_policy")
        if policy == "https-only":
            return "origin protocol policy is https-only (use match-viewer)"
    return None


def _viewer_redirect(inputs: Inputs, chain: Chain) -> str | None:
    for behavior in _behaviors(inputs):
        if behavior.get("viewer_protocol_policy") == "redirect-to-https":
            return "viewer protocol policy redirect-to-https (use allow-all)"
    return None


def _cache_ttl(inputs: Inputs, chain: Chain) -> str | None:
    return first_fault(lambda: ttl_longer("default TTL", inputs.get("default_ttl")),
                       lambda: ttl_longer("max TTL", inputs.get("max_ttl")))


def _forwards(config: Inputs, items: str, behavior: str, name: str, every: tuple[str, ...]) -> bool:
    kind = config.get(behavior)
    if kind in every:
        return True
    named = {str(v).lower() for v in config.get(items, "items", default=[]) if isinstance(v, str)}
    return kind == "whitelist" and name.lower() in named


def _user_agent(inputs: Inputs, chain: Chain) -> str | None:
    config = inputs.at("headers_config")
    if _forwards(config, "headers", "header_behavior", "User-Agent", ("allViewer", "allViewerAndWhitelistCloudFront")):
        return None
    return f"header behavior {config.get('header_behavior')!r} does not forward User-Agent"


def _target_query(inputs: Inputs, chain: Chain) -> str | None:
    config = inputs.at("query_strings_config")
    if _forwards(config, "query_strings", "query_string_behavior", "target", ("all",)):
        return None
    return f"query string behavior {config.get('query_string_behavior')!r} does not forward target"


def _covers(inputs: Inputs, chain: Chain) -> str | None:
    names = {inputs.get("domain_name"), *inputs.get("subject_alternative_names", default=[])}
    if covers((n for n in names if isinstance(n, str)), chain.domain):
        return None
    return f"it is for {', '.join(sorted(str(n) for n in names if n))}, not {chain.domain}"


def _distribution_address(outputs: Inputs) -> set[str]:
    return {host(outputs.get("domain_name"))} - {""}


def _certificate_ids(inputs: Inputs, outputs: Inputs, domain: str) -> set[str]:
    if _covers(inputs, Chain(domain)) is not None:
        return set()
    arn = outputs.get("arn")
    return {arn} if isinstance(arn, str) and arn else set()


def _viewer_certificates(inputs: Inputs) -> set[str]:
    """The certificate a distribution serves with: one the domain had before stays its own."""
    arn = inputs.get("viewer_certificate", "acm_certificate_arn")
    return {arn} if isinstance(arn, str) and arn else set()


REQUIREMENTS: Final[dict[str, tuple[Requirement, ...]]] = {
    DISTRIBUTION: (
        Requirement("the distribution is enabled", Severity.SERVES, _enabled),
        Requirement("the domain is an alternate domain name (aliases)", Severity.SERVES, _aliases),
        Requirement("every path goes to SparkPost's host", Severity.SERVES, _origin),
        Requirement("the origin path is empty", Severity.SERVES, _origin_path),
        Requirement(f"{FORWARDED_HOST} names the domain", Severity.SERVES, _forwarded_host),
        Requirement("the origin is reached on the standard ports", Severity.SERVES, _ports),
        Requirement("viewers on http are served", Severity.SERVES, _viewer_http),
        Requirement("the viewer certificate is the domain's own", Severity.SERVES, _viewer_certificate),
        Requirement("the viewer's protocol is matched towards the origin", Severity.ADVISED, _match_viewer),
        Requirement("http links served without a redirect", Severity.ADVISED, _viewer_redirect),
    ),
    CACHE_POLICY: (
        Requirement(CACHE_TTL, Severity.ADVISED, _cache_ttl),
    ),
    ORIGIN_REQUEST_POLICY: (
        Requirement("the viewer's User-Agent forwarded", Severity.ADVISED, _user_agent),
        Requirement("the target query string forwarded", Severity.ADVISED, _target_query),
    ),
    CERTIFICATE: (
        Requirement("the certificate covers the domain", Severity.SERVES, _covers),
    ),
}

WAY: Final[Way] = Way(
    name="cloudfront", component="CloudFrontTrackingDomain", shared_components=("CloudFrontTrackingPolicies",),
    resources=(
        Serving(DISTRIBUTION, Link.CDN, Carries.LINKS, REQUIREMENTS[DISTRIBUTION], serves_at=_distribution_address,
                certificate_ids=lambda inputs, outputs, domain: _viewer_certificates(inputs)),
        Serving(CACHE_POLICY, Link.CDN, Carries.SETTINGS, REQUIREMENTS[CACHE_POLICY]),
        Serving(ORIGIN_REQUEST_POLICY, Link.CDN, Carries.SETTINGS, REQUIREMENTS[ORIGIN_REQUEST_POLICY]),
        Serving(CERTIFICATE, Link.CERTIFICATE, Carries.CERTIFICATE, REQUIREMENTS[CERTIFICATE],
                certificate_ids=_certificate_ids),
        Serving(CERTIFICATE_VALIDATION, Link.CERTIFICATE, Carries.RENEWAL),
    ))
