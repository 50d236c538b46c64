"""The checks of the policy pack, as pure functions over the resources a program declares.

They read the serving declarations of ``components/*_serving.py`` through ``review``'s chains: each resource is
tied to its tracking domain through its component, judged with what its chain's links need, as far as a policy
can see (new inputs and options only: no outputs, no old state, no operation, and values the preview does not
know yet are left unjudged).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sparkpost_tracking.components.serving import Carries, Inputs, Severity, declarations
from sparkpost_tracking.review.chains import ChainSteps, chain_domain, context, group, prop, serving_of
from sparkpost_tracking.review.preview import Preview, State, Step


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


def _preview(resources: Iterable[Declared]) -> Preview:
    return Preview(steps={r.urn: Step("create", r.urn, None, State(r.urn, r.type, r.parent, r.props, {}, r.protect,
                                                                     None)) for r in resources})


def _judged(resources: Iterable[Declared]) -> Iterator[tuple[ChainSteps, Step, str | None]]:
    declared = declarations()
    grouped = group(_preview(resources), declared)
    for chain in grouped.chains:
        domain = None if chain.shared else chain_domain(chain)
        for step in chain.members:
            yield chain, step, domain


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def unprotected_live_chain(resources: Iterable[Declared]) -> list[Violation]:
    """Resources that serve links already sent (or say where new mail's links point) but are not protected."""
    declared = declarations()
    found = []
    for chain, step, domain in _judged(resources):
        if chain.shared or step.new is None or step.new.protect:
            continue
        serving = serving_of(step, chain, declared, context(chain, domain or "", declared))
        if serving is not None and serving.carries is Carries.SENDING:
            found.append(Violation(step.urn, f"{_name(step.urn)} is a sending domain but is not protected: deleting "
                                             "it makes the mail sent from it fail (keep protect on)"))
            continue
        if serving is None or serving.carries not in (Carries.LINKS, Carries.MAIL):
            continue
        found.append(Violation(step.urn, f"{_name(step.urn)} serves links already sent through "
                                         f"{domain or 'its tracking domain'} but is not protected: deleting it "
                                         "would break them (keep protect on; see docs/retiring.md to retire a "
                                         "domain)"))
    return found


def _faults(resources: Iterable[Declared], severity: Severity) -> list[Violation]:
    declared = declarations()
    found = []
    for chain, step, domain in _judged(resources):
        ctx = context(chain, domain or "", declared)
        serving = serving_of(step, chain, declared, ctx)
        if serving is None or step.new is None or (domain is None and severity is Severity.SERVES):
            continue
        judged = serving.judge(_inputs(step), ctx)
        for fault in judged.failing(severity):
            what = f"{_name(step.urn)} no longer serves {domain}: " if severity is Severity.SERVES else \
                "SparkPost requires "
            found.append(Violation(step.urn, f"{what}{fault}"))
    return found


def _inputs(step: Step) -> Inputs:
    return Inputs(step.new.inputs if step.new else {})


def chain_serves(resources: Iterable[Declared]) -> list[Violation]:
    """What links already sent need of each resource (its way's serving requirements), as far as a policy sees."""
    return _faults(resources, Severity.SERVES)


def cdn_requirements(resources: Iterable[Declared]) -> list[Violation]:
    """The CDN settings SparkPost asks for that links survive without (cache TTL, User-Agent, port 80 served)."""
    return _faults(resources, Severity.ADVISED)


def _is_tracking_domain(resource: Declared) -> bool:
    return any(s.is_tracking_domain for s in declarations().for_type(resource.type))


def insecure_behind_cdn(resource: Declared) -> str | None:
    """A tracking domain served through a CDN (not SparkPost's managed certificate) that writes http links."""
    if not _is_tracking_domain(resource):
        return None
    if prop(resource.props, "secure") is False and not prop(resource.props, "managed_certificate"):
        return (f"{prop(resource.props, 'domain')}: secure is false, so SparkPost writes http links although a CDN "
                "serves https for it; set secure: true")
    return None


def verification_off(resource: Declared) -> str | None:
    if _is_tracking_domain(resource) and prop(resource.props, "verify") is False:
        return f"{prop(resource.props, 'domain')}: verify is false, so nothing proves the chain serves SparkPost"
    return None

