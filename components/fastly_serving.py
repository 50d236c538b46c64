"""What a Fastly chain must hold to keep serving ``domain`` for SparkPost (read by review, policy and check).

The service lists the domain, and its backends are the SparkPost host of the domain's account on 443 with TLS
(or 80 without), checked against that host's own name, with the viewer's Host left alone (no ``override_host``):
SparkPost recognises the domain by Host. The TLS subscription covers the domain. A fallback TTL of at most 10 s
and http passed through (no ``force_ssl``) are advised: links work without them.
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
    host,
    known,
    ttl_longer,
)

SERVICE: Final[str] = "fastly:index/serviceVcl:ServiceVcl"
TLS_SUBSCRIPTION: Final[str] = "fastly:index/tlsSubscription:TlsSubscription"
TLS_VALIDATION: Final[str] = "fastly:index/tlsSubscriptionValidation:TlsSubscriptionValidation"
#: The port SparkPost's tracking host listens on, with and without TLS.
PORTS: Final[dict[bool, int]] = {True: 443, False: 80}


def _domain(inputs: Inputs, chain: Chain) -> str | None:
    names = {host(d.get("name")) for d in inputs.items("domains")}
    return None if chain.domain in names else f"domains {sorted(names)} no longer hold {chain.domain}"


def _backend(inputs: Inputs, chain: Chain) -> str | None:
    origins = known(chain.origins, "the SparkPost host of the domain's account")
    backends = inputs.items("backends")
    if not backends:
        return "the service has no backend"
    for backend in backends:
        if host(backend.get("address")) not in origins:
            return f"backend {backend.get('name')!r} is {backend.get('address')!r}, not SparkPost's " \
                   f"{' or '.join(sorted(origins))} of the domain's account"
    return None


def _port(inputs: Inputs, chain: Chain) -> str | None:
    for backend in inputs.items("backends"):
        tls = backend.get("use_ssl") is True
        if backend.get("port", default=80) != PORTS[tls]:
            return f"backend {backend.get('name')!r} on port {backend.get('port', default=80)}" \
                   f"{' with' if tls else ' without'} TLS, where SparkPost listens on {PORTS[tls]}"
    return None


def _names_other(backend: Inputs, key: str) -> str | None:
    value = backend.get(key)
    expected = host(backend.get("address"))
    if backend.get("use_ssl") is True and value and host(value) != expected:
        return f"backend {backend.get('name')!r} has {key} {value!r}, but SparkPost's host is {expected}"
    return None


def _certificate_name(inputs: Inputs, chain: Chain) -> str | None:
    for backend in inputs.items("backends"):
        if backend.get("ssl_check_cert") is not False:
            found = _names_other(backend, "ssl_cert_hostname")
            if found:
                return found
    return None


def _sni(inputs: Inputs, chain: Chain) -> str | None:
    return next(filter(None, (_names_other(b, "ssl_sni_hostname") for b in inputs.items("backends"))), None)


def _host(inputs: Inputs, chain: Chain) -> str | None:
    for backend in inputs.items("backends"):
        override = backend.get("override_host")
        if override and host(override) != chain.domain:
            return f"backend {backend.get('name')!r} overrides Host with {override!r}"
    return None


def _ttl(inputs: Inputs, chain: Chain) -> str | None:
    return ttl_longer("default TTL", inputs.get("default_ttl"))


def _plain_http(inputs: Inputs, chain: Chain) -> str | None:
    if any(s.get("force_ssl") for s in inputs.items("request_settings")):
        return "force_ssl turns http requests away"
    return None


def _covers(inputs: Inputs, chain: Chain) -> str | None:
    names = inputs.names("domains")
    return None if chain.domain in names else f"its domains {sorted(names)} no longer hold {chain.domain}"


REQUIREMENTS: Final[dict[str, tuple[Requirement, ...]]] = {
    SERVICE: (
        Requirement("the service lists the domain", Severity.SERVES, _domain),
        Requirement("the backend is SparkPost's host", Severity.SERVES, _backend),
        Requirement("the backend is reached on SparkPost's port", Severity.SERVES, _port),
        Requirement("the backend's certificate is checked against its own name", Severity.SERVES, _certificate_name),
        Requirement("the viewer's Host reaches SparkPost (no override_host)", Severity.SERVES, _host),
        Requirement("SNI names SparkPost's host", Severity.ADVISED, _sni),
        Requirement(CACHE_TTL, Severity.ADVISED, _ttl),
        Requirement("http (port 80) served as well as https", Severity.ADVISED, _plain_http),
    ),
    TLS_SUBSCRIPTION: (
        Requirement("the TLS subscription covers the domain", Severity.SERVES, _covers),
    ),
}

WAY: Final[Way] = Way(
    name="fastly", component="FastlyTrackingDomain",
    resources=(
        Serving(SERVICE, Link.CDN, Carries.LINKS, REQUIREMENTS[SERVICE]),
        Serving(TLS_SUBSCRIPTION, Link.CERTIFICATE, Carries.CERTIFICATE, REQUIREMENTS[TLS_SUBSCRIPTION]),
        Serving(TLS_VALIDATION, Link.CERTIFICATE, Carries.RENEWAL),
    ))
