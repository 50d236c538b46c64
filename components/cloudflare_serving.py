"""What a Cloudflare chain must hold to keep serving ``domain`` for SparkPost (read by review, policy and check).

The proxied record *is* the CDN: it is named for the host, is a CNAME to the SparkPost host of the domain's
account, and is ``proxied`` (the provider's default is false, so an absent value is false): a DNS-only record
sends https viewers to SparkPost's legacy host, which has no certificate for the domain. No rule may override
the Host SparkPost reads, nor set SSL "Full (strict)" towards SparkPost's certificate (a 526 on every click).
An edge TTL of at most 10 s is advised.
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
    first_fault,
    host,
    known,
    ttl_longer,
)

RECORD: Final[str] = "cloudflare:index/dnsRecord:DnsRecord"
RULESET: Final[str] = "cloudflare:index/ruleset:Ruleset"
PAGE_RULE: Final[str] = "cloudflare:index/pageRule:PageRule"
#: Cloudflare's SSL modes that answer a SparkPost origin with 526 (its certificate does not name the host).
STRICT_SSL: Final[frozenset[str]] = frozenset({"strict", "origin_pull"})


def _proxied(inputs: Inputs, chain: Chain) -> str | None:
    return None if inputs.get("proxied") is True else "proxied is off (DNS only): nothing serves https for the host"


def _name(inputs: Inputs, chain: Chain) -> str | None:
    name = host(inputs.get("name"))
    return None if name == chain.domain else f"the record is now named {name!r}: {chain.domain} loses it"


def _content(inputs: Inputs, chain: Chain) -> str | None:
    origins = known(chain.origins, "the SparkPost host of the domain's account")
    if str(inputs.get("type", default="CNAME")).upper() != "CNAME":
        return f"a {inputs.get('type')} record, not a CNAME to {' or '.join(sorted(origins))}"
    content = host(inputs.get("content"))
    return None if content in origins else f"it points at {content!r}, not SparkPost's {' or '.join(sorted(origins))}"


def _rules(inputs: Inputs) -> list[Inputs]:
    return inputs.items("rules")


def _host_override(inputs: Inputs, chain: Chain) -> str | None:
    for rule in _rules(inputs):
        parameters = rule.at("action_parameters")
        if parameters.get("host_header") or parameters.get("origin", "host"):
            return f"rule {rule.get('description') or rule.get('expression')!r} overrides the Host header"
    actions = inputs.at("actions")
    if actions.get("host_header_override") or actions.get("resolve_override"):
        return "the page rule overrides the Host header"
    return None


def _ssl(inputs: Inputs, chain: Chain) -> str | None:
    for rule in _rules(inputs):
        ssl = rule.get("action_parameters", "ssl")
        if ssl in STRICT_SSL:
            return f"a rule sets SSL {ssl!r}: Cloudflare answers every click with 526"
    return None


def _edge_ttl(inputs: Inputs, chain: Chain) -> str | None:
    return first_fault(*(lambda r=r: ttl_longer("edge TTL", r.get("action_parameters", "edge_ttl", "default"))
                         for r in _rules(inputs)))


REQUIREMENTS: Final[dict[str, tuple[Requirement, ...]]] = {
    RECORD: (
        Requirement("the record is proxied", Severity.SERVES, _proxied),
        Requirement("the record is the host's", Severity.SERVES, _name),
        Requirement("the record sends the host to SparkPost's host", Severity.SERVES, _content),
    ),
    RULESET: (
        Requirement("no rule overrides the Host SparkPost reads", Severity.SERVES, _host_override),
        Requirement("SSL towards SparkPost is not Full (strict)", Severity.SERVES, _ssl),
        Requirement(CACHE_TTL, Severity.ADVISED, _edge_ttl),
    ),
    PAGE_RULE: (
        Requirement("no rule overrides the Host SparkPost reads", Severity.SERVES, _host_override),
    ),
}

WAY: Final[Way] = Way(
    name="cloudflare", component="CloudflareTrackingDomain",
    resources=(
        Serving(RECORD, Link.CDN, Carries.LINKS, REQUIREMENTS[RECORD]),  # the way's one record: never a validation one
        Serving(RULESET, Link.CDN, Carries.SETTINGS, REQUIREMENTS[RULESET]),
        Serving(PAGE_RULE, Link.CDN, Carries.SETTINGS, REQUIREMENTS[PAGE_RULE]),
    ),
    proxied_dns=True, rewrites_server=True)
