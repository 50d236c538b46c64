"""The steps of a preview, grouped by tracking domain, each domain with one verdict.

A step belongs to a tracking domain through its component: the engine's ``parent`` chain leads from a CDN
distribution or a DNS record to the component, and the component's SparkPost ``TrackingDomain`` child (or its
``domain`` output) names the domain. A ``TrackingDomain`` outside any component names its own domain, and an
association outside one belongs to its ``tracking_domain``. Old state is preferred to new: what exists is what
sent links point at.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from .links import Link, Role, role_of
from .preview import Preview, State, Step
from .verdicts import NO_CHANGE, Finding, Verdict, findings, prop

#: The link a role's changes are listed under when no rule says otherwise.
ROLE_LINK: Final[Mapping[Role, Link]] = {
    Role.TRACKING_DOMAIN: Link.SPARKPOST, Role.ASSOCIATION: Link.ASSOCIATION, Role.DNS_RECORD: Link.DNS,
    Role.CDN_SERVICE: Link.CDN, Role.CDN_SETTINGS: Link.CDN, Role.CERTIFICATE: Link.CERTIFICATE,
}
#: Where changes go that cannot be tied to a tracking domain: reviewed all the same, never hidden.
UNPLACED: Final[str] = "(tracking domain not in the preview)"
LINK_ORDER: Final[tuple[Link, ...]] = tuple(Link)


@dataclass(frozen=True)
class Change:
    urn: str
    link: Link
    op: str
    why: str
    verdict: Verdict


@dataclass
class DomainReview:
    domain: str
    changes: list[Change] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        return max((c.verdict for c in self.changes), default=Verdict.SAFE)


@dataclass
class Review:
    domains: list[DomainReview]
    #: What the review could not see or place, for the reader.
    notes: list[str]

    @property
    def verdict(self) -> Verdict:
        return max((d.verdict for d in self.domains), default=Verdict.SAFE)


class _Resolver:
    """Finds each resource's tracking domain through the parent chain."""

    def __init__(self, preview: Preview) -> None:
        self.steps = preview.steps
        self.children: dict[str, list[Step]] = defaultdict(list)
        for step in preview.steps.values():
            if step.parent:
                self.children[step.parent].append(step)
        self._memo: dict[str, str | None] = {}

    def domain(self, urn: str) -> str | None:
        if urn not in self._memo:
            self._memo[urn] = None  # a cycle cannot loop
            self._memo[urn] = self._find(urn)
        return self._memo[urn]

    def _find(self, urn: str) -> str | None:
        step = self.steps.get(urn)
        if step is None:
            return None
        role = role_of(step.type)
        if role is Role.TRACKING_DOMAIN:
            return _domain_of(step.old) or _domain_of(step.new)
        if role is Role.COMPONENT:
            for child in self.children.get(urn, ()):
                if role_of(child.type) is Role.TRACKING_DOMAIN:
                    return self.domain(child.urn)
            for state in (step.old, step.new):
                if state and isinstance(state.outputs.get("domain"), str):
                    return str(state.outputs["domain"]).lower()
            return None
        if step.parent and step.parent in self.steps and role_of(self.steps[step.parent].type) is Role.COMPONENT:
            return self.domain(step.parent)
        if step.parent and step.parent not in self.steps:
            # A failed preview may stop before listing the component: its SparkPost domain still names it.
            for sibling in self.children.get(step.parent, ()):
                if sibling.urn != urn and role_of(sibling.type) is Role.TRACKING_DOMAIN:
                    return self.domain(sibling.urn)
        if role is Role.ASSOCIATION:
            for state in (step.old, step.new):
                target = prop(state.inputs, "tracking_domain") if state else None
                if isinstance(target, str) and target:
                    return target.lower()
        return self.domain(step.parent) if step.parent else None


def _domain_of(state: State | None) -> str | None:
    if state is None:
        return None
    value = prop(state.inputs, "domain") or prop(state.outputs, "domain") or state.id
    return str(value).lower() if isinstance(value, str) and value else None


def _change(step: Step, finding: Finding) -> Change:
    return Change(step.urn, finding.link, step.op, finding.why, finding.verdict)


def domains_of(preview: Preview) -> dict[str, str | None]:
    """Each resource's tracking domain (None where none can be found), by URN: what the policy pack shares."""
    resolver = _Resolver(preview)
    return {urn: resolver.domain(urn) for urn in preview.steps}


def review(preview: Preview) -> Review:
    resolver = _Resolver(preview)
    by_domain: dict[str, DomainReview] = {}
    unplaced: list[str] = []
    for step in preview.steps.values():
        role = role_of(step.type)
        if role is None or role is Role.COMPONENT:
            continue
        domain = resolver.domain(step.urn)
        if domain is None:
            if step.op == "same":
                continue
            unplaced.append(step.urn)
        entry = by_domain.setdefault(domain or UNPLACED, DomainReview(domain or UNPLACED))
        found = findings(step, role, domain or "") or [Finding(Verdict.SAFE, ROLE_LINK[role], NO_CHANGE)]
        entry.changes.extend(_change(step, f) for f in found)
        if role is Role.TRACKING_DOMAIN and step.op == "replace":
            # A domain renamed in place: the new name is a new domain of its own.
            new = _domain_of(step.new)
            if new and new != domain:
                by_domain.setdefault(new, DomainReview(new)).changes.append(
                    Change(step.urn, Link.SPARKPOST, "create", "a new tracking domain", Verdict.SAFE))
    for entry in by_domain.values():
        entry.changes.sort(key=lambda c: (LINK_ORDER.index(c.link), -c.verdict, c.urn))
    notes = []
    if not preview.has_sames:
        notes.append("The preview lists changed resources only (no --show-sames): a changed CDN, DNS record or "
                     "association whose component does not change cannot be tied to its tracking domain.")
    if unplaced:
        notes.append("Not tied to a tracking domain (their parent is not in the preview): " + ", ".join(unplaced))
    domains = sorted(by_domain.values(), key=lambda d: (-d.verdict, d.domain))
    return Review(domains, notes)
