"""The steps of a preview, grouped by tracking domain, each domain with one verdict.

Steps are grouped into chains (``chains``): each tracking-domain component with its resources, and each
``TrackingDomain`` outside one. Each step is judged (``verdicts``) against what its chain's links need; a domain's
verdict is the worst of its chains' findings. Around the steps, what the document itself says is judged too: a
plan the engine refused and cut short (a chain whose SparkPost domain has no step is being deleted or
replaced), a ``changeSummary`` that disagrees with the steps, steps of another stack or project, a preview
without unchanged resources, and a domain that one resource adopts or creates while another deletes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from sparkpost_tracking.components.serving import CannotSee, Carries, Chain, Declarations, Inputs, Link, declarations

from .chains import ChainSteps, chain_domain, context, domain_of, group, new_domain, prop, serving_of, users_of_shared
from .preview import COUNTED, PIPELINE, Preview, Step, stack_of
from .verdicts import Finding, Verdict, association, is_live, sending_domain, served, tracking_domain, unknown_type

#: Where changes go that cannot be tied to a tracking domain: reviewed all the same, never hidden.
UNPLACED: Final[str] = "(tracking domain not in the preview)"
#: Where steps of another stack or project go: never credited to this stack's domains.
FOREIGN: Final[str] = "(another stack or project)"
#: What the document as a whole says, when it is not about one domain.
DOCUMENT: Final[str] = "(the preview as a whole)"
LINK_ORDER: Final[tuple[Link, ...]] = tuple(Link)
RETIRING: Final[str] = "docs/retiring.md"


@dataclass(frozen=True)
class Change:
    urn: str
    link: Link
    op: str
    why: str
    verdict: Verdict
    #: Whether this step turns protection off (the Markdown shows it).
    unprotects: bool = False


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


class _Collector:
    def __init__(self) -> None:
        self.by_domain: dict[str, DomainReview] = {}
        self.notes: list[str] = []

    def add(self, domain: str, step: Step | None, urn: str, findings: Iterable[Finding], op: str | None = None) -> None:
        entry = self.by_domain.setdefault(domain, DomainReview(domain))
        unprotects = bool(step and step.old and step.new and step.old.protect and not step.new.protect)
        for f in findings:
            entry.changes.append(Change(urn, f.link, op or (step.op if step else "delete"), f.why, f.verdict,
                                        unprotects))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _judge_chain(chain: ChainSteps, declared: Declarations, preview: Preview, out: _Collector) -> None:
    domain = chain_domain(chain)
    label = domain or UNPLACED
    tracking = chain.tracking
    live = tracking is None or is_live(tracking.old)
    ctx = context(chain, domain or "", declared)
    in_use = _certificates_in_use(chain, declared, ctx)
    for step in chain.members:
        serving = serving_of(step, chain, declared, ctx)
        if serving is None:
            out.add(label, step, step.urn, unknown_type(step))
        elif serving.is_tracking_domain:
            out.add(label, step, step.urn, tracking_domain(step, domain or "its domain"))
            renamed = domain_of(step.new, serving)
            if step.op == "replace" and renamed and renamed != domain:
                out.add(renamed, None, step.urn, [Finding(Verdict.SAFE, Link.SPARKPOST, "a new tracking domain")],
                        op="create")
        elif serving.carries is Carries.MAIL:
            out.add(label, step, step.urn, association(step, domain or "its domain"))
        elif serving.carries is Carries.SENDING:
            out.add(label, step, step.urn, sending_domain(step))
        else:
            findings = list(served(step, serving, ctx, live=live, in_use=_in_use(step, in_use)))
            if domain is None and step.op != "same":
                findings.append(Finding(Verdict.RISKY, serving.link, "not tied to a tracking domain: its chain "
                                                                     "cannot be judged"))
            out.add(label, step, step.urn, findings)
    cut = preview.cut_short
    if cut is not None and tracking is None and chain.expects_tracking_domain() and not chain.shared:
        out.add(label, chain.component, chain.key, [Finding(
            Verdict.BREAKS_LINKS, Link.SPARKPOST,
            f"deleted or replaced: its SparkPost domain has no step, because the engine stopped at the protected "
            f"{_name(cut.urn)} before listing it; every link sent through {domain or 'it'} would stop working")],
            op="delete")


def _certificates_in_use(chain: ChainSteps, declared: Declarations, ctx: Chain) -> set[str] | None:
    """The certificates the chain's CDN serves with after the plan (None: the preview does not say)."""
    used: set[str] = set()
    for step in chain.members:
        serving = serving_of(step, chain, declared, ctx)
        if serving is None or serving.carries is not Carries.LINKS or serving.certificate_ids is None:
            continue
        if step.new is None:
            continue
        try:
            used |= serving.certificate_ids(Inputs(step.new.inputs), Inputs({}), ctx.domain)
        except CannotSee:
            return None
    return used


def _in_use(step: Step, in_use: set[str] | None) -> bool:
    """Whether a certificate may still serve the chain: unless the chain's CDN names others, and not this one."""
    arn = step.old.outputs.get("arn") if step.old else None
    if in_use is None or not in_use or not isinstance(arn, str):
        return True
    return arn in in_use


def _judge_shared(chain: ChainSteps, chains: list[ChainSteps], declared: Declarations, out: _Collector) -> None:
    for step in chain.members:
        users: list[ChainSteps | None] = [*users_of_shared(step, chains)] or [None]
        for user in users:
            domain = chain_domain(user) if user else None
            ctx = context(user, domain or "", declared) if user else Chain("")
            live = user is None or user.tracking is None or is_live(user.tracking.old)
            serving = serving_of(step, chain, declared, ctx)
            if serving is None:
                findings = list(unknown_type(step))
            else:
                findings = list(served(step, serving, ctx, live=live, in_use=True))
            if domain is None and step.op != "same":
                findings.append(Finding(Verdict.RISKY, Link.CDN, "shared, but no domain's CDN in the preview uses "
                                                                 "it: what it serves cannot be judged"))
            if domain is not None or step.op != "same":
                out.add(domain or UNPLACED, step, step.urn, findings)


def _adopted_and_deleted(chains: list[ChainSteps], preview: Preview, out: _Collector) -> None:
    """A domain one resource creates or adopts while another deletes it (a rename without aliases)."""
    leaving: dict[str, list[str]] = {}
    arriving: dict[str, list[tuple[str, bool]]] = {}
    cut = preview.cut_short
    for chain in chains:
        tracking = chain.tracking
        old_domain = chain_domain(chain) if tracking is None or tracking.old else None
        if tracking is None:
            if cut is not None and old_domain and chain.expects_tracking_domain() and not chain.shared:
                leaving.setdefault(old_domain, []).append(chain.key)
            continue
        if tracking.op in ("delete", "replace") and old_domain:
            leaving.setdefault(old_domain, []).append(tracking.urn)
        if tracking.op in ("create", "replace") and tracking.new:
            domain = new_domain(chain)
            if domain:
                adopts = prop(tracking.new.inputs, "adopt_existing") is True
                arriving.setdefault(domain, []).append((tracking.urn, adopts))
    for domain, created in arriving.items():
        gone = [urn for urn in leaving.get(domain, []) if urn not in {u for u, _ in created}]
        for urn, adopts in created:
            if not gone:
                continue
            how = "adopts" if adopts else "creates"
            why = (f"{_name(urn)} {how} {domain} while {', '.join(map(_name, gone))} deletes it: deletes run last, "
                   f"so the delete would remove the domain {_name(urn)} just took over"
                   if adopts else
                   f"{_name(urn)} creates {domain} while {', '.join(map(_name, gone))} still holds it: SparkPost "
                   f"refuses the create, and the old resource's delete removes the domain")
            out.add(domain, None, urn, [Finding(Verdict.BREAKS_LINKS, Link.SPARKPOST, why)], op="create")
            out.note(f"{domain} is {'adopted' if adopts else 'created'} by one resource and deleted by another in the "
                     "same plan: "
                     "rename a resource with `aliases` instead (its state moves with it), or retire the old one "
                     f"first ({RETIRING}).")


def _judge_document(preview: Preview, out: _Collector) -> None:
    cut = preview.cut_short
    if preview.refusals:
        where = ", ".join(sorted({_name(r.urn) for r in preview.refusals}))
        if cut is not None:
            out.note(f"The engine refused to {'delete' if cut.kind == 'delete' else 'replace'} the protected "
                     f"{_name(cut.urn)} and stopped there: the steps after it are not in the preview, and a domain "
                     "whose SparkPost domain has no step is judged as deleted or replaced. To see the whole plan: "
                     f"`pulumi preview --ignore-protect --json --show-sames --show-replacement-steps` "
                     f"({RETIRING}).")
            # A domain whose every resource is deleted after that point has no step at all, so no chain to judge:
            # the preview as a whole carries it, never a silence that reads as safe.
            out.add(DOCUMENT, None, cut.urn, [Finding(
                Verdict.BREAKS_LINKS, Link.SPARKPOST,
                f"the deletes after the protected {_name(cut.urn)} are not listed: a tracking domain removed from the "
                "program may be among them, with no step here, and every link sent through it would stop working")],
                op="delete")
        else:
            out.note(f"The engine refused to replace protected resources ({where}); the rest of the plan is "
                     f"listed. See {RETIRING} to retire a domain.")
    if not preview.has_sames:
        out.note("The preview lists changed resources only (no --show-sames): a changed CDN, DNS record or "
                 f"association whose component does not change cannot be tied to its tracking domain. Use "
                 f"`{PIPELINE}`.")
    if preview.summary is None:
        return
    refused_deletes = sum(1 for r in preview.refusals if r.kind == "delete")
    hidden, extra = [], []
    for op in sorted(COUNTED):
        said, listed = preview.summary.get(op, 0), preview.counted.get(op, 0)
        allowance = refused_deletes if op == "delete" else 0
        if said > listed:
            hidden.append(f"{said - listed} {op}")
        elif listed > said + allowance:
            extra.append(f"{listed - said} {op}")
    if hidden or extra:
        parts = ([f"counts {', '.join(hidden)} that no step shows"] if hidden else []) + (
            [f"does not count {', '.join(extra)} that the steps show"] if extra else [])
        removes = any(h.split()[1] in ("delete", "replace", "discard") for h in hidden)
        out.add(DOCUMENT, None, "changeSummary", [Finding(
            Verdict.BREAKS_LINKS if removes else Verdict.RISKY, Link.SPARKPOST,
            f"the engine's changeSummary {' and '.join(parts)}: review cannot see those changes")],
            op="update")
        out.note("The preview's changeSummary disagrees with its steps: give review the engine's document as "
                 f"printed by `{PIPELINE}`.")


def review(preview: Preview) -> Review:
    declared = declarations()
    out = _Collector()
    home = preview.stack
    ours = Preview(steps={u: s for u, s in preview.steps.items() if home is None or stack_of(u) == home},
                   has_sames=preview.has_sames, refusals=preview.refusals, summary=preview.summary,
                   counted=preview.counted, stack=home)
    foreign = [s for s in preview.steps.values() if home is not None and stack_of(s.urn) != home]
    grouped = group(ours, declared)
    for chain in grouped.chains:
        if chain.shared:
            _judge_shared(chain, grouped.chains, declared, out)
        else:
            _judge_chain(chain, declared, ours, out)
    _adopted_and_deleted(grouped.chains, ours, out)
    for step in foreign:
        if step.op == "same":
            continue
        stack, project = stack_of(step.urn) or ("?", "?")
        out.add(FOREIGN, step, step.urn, [Finding(Verdict.RISKY, Link.SPARKPOST, f"a step of stack {stack} of project "
                                                                                 f"{project}, not this stack's: not "
                                                                                 "judged")])
    if any(s.op != "same" for s in foreign):
        out.note("Steps of another stack or project are in the document: they are listed apart, unjudged; review "
                 "one stack's preview at a time.")
    _judge_document(preview, out)
    unplaced = [c.urn for c in out.by_domain.get(UNPLACED, DomainReview(UNPLACED)).changes if c.op != "same"]
    if unplaced:
        out.note("Not tied to a tracking domain (their component or SparkPost domain is not in the preview): "
                 + ", ".join(unplaced))
    for entry in out.by_domain.values():
        entry.changes.sort(key=lambda c: (LINK_ORDER.index(c.link), -c.verdict, c.urn))
    domains = sorted(out.by_domain.values(), key=lambda d: (-d.verdict, d.domain))
    return Review(domains, out.notes)
