"""The checks of the policy pack, as pure functions over the resources a program declares.

They share ``review``'s code: the roles of resource types, the tie of each resource to its tracking domain
through its component, the resources that serve sent links, and the CDN settings SparkPost requires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sparkpost_tracking.review.links import Role, role_of, serves_links
from sparkpost_tracking.review.preview import Preview, State, Step
from sparkpost_tracking.review.requirements import violations
from sparkpost_tracking.review.review import domains_of
from sparkpost_tracking.review.verdicts import prop


@dataclass(frozen=True)
class Declared:
    """One resource as a policy sees it."""

    urn: str
    type: str
    parent: str | None
    props: Mapping[str, Any]
    protect: bool


@dataclass(frozen=True)
class Violation:
    urn: str
    message: str


def unprotected_live_chain(resources: Iterable[Declared]) -> list[Violation]:
    """Resources that serve links already sent but are not protected."""
    declared = list(resources)
    preview = Preview(steps={r.urn: Step("same", r.urn, None, State(r.urn, r.type, r.parent, r.props, {},
                                                                      r.protect, None))
                             for r in declared})
    domains = domains_of(preview)
    found = []
    for resource in declared:
        domain = domains.get(resource.urn)
        if not resource.protect and serves_links(role_of(resource.type), resource.props, domain):
            found.append(Violation(resource.urn, f"{resource.urn.rsplit('::', 1)[-1]} serves links already sent "
                                                 f"through {domain or 'its tracking domain'} but is not protected: "
                                                 "deleting it would break them (keep protect on; see "
                                                 "docs/retiring.md to retire a domain)"))
    return found


def insecure_behind_cdn(resource: Declared) -> str | None:
    """A tracking domain served through a CDN (not SparkPost's managed certificate) that writes http links."""
    if role_of(resource.type) is not Role.TRACKING_DOMAIN:
        return None
    if prop(resource.props, "secure") is False and not prop(resource.props, "managed_certificate"):
        return (f"{prop(resource.props, 'domain')}: secure is false, so SparkPost writes http links although a CDN "
                "serves https for it; set secure: true")
    return None


def cdn_requirements(resource: Declared) -> list[str]:
    """The CDN settings SparkPost requires that this resource does not give."""
    return [f"SparkPost requires {v}" for v in violations(resource.type, resource.props)]


def verification_off(resource: Declared) -> str | None:
    if role_of(resource.type) is Role.TRACKING_DOMAIN and prop(resource.props, "verify") is False:
        return f"{prop(resource.props, 'domain')}: verify is false, so nothing proves the chain serves SparkPost"
    return None
