"""The chains of a preview: each tracking-domain component's steps, and what its domain's links need.

A step belongs to the tracking-domain component nearest above it (the engine's ``parent`` chain, or the types in
its URN when the parent is not in the document). A ``TrackingDomain`` outside any component is a chain of its
own; an association outside one joins the chain of its ``tracking_domain``. Resources of a component whose
resources domains share (CloudFront's policies) belong to every domain whose CDN uses them.

The chain's ``context`` is what its links need, from the chain as it served before (old state preferred: what
exists is what sent links point at): the domain, the SparkPost host of its account, where its host may point,
and which certificates are its own.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sparkpost_tracking.components.serving import (
    CannotSee,
    Carries,
    Chain,
    Declarations,
    Inputs,
    Link,
    Serving,
    Way,
    host,
)
from sparkpost_tracking.dynamic_providers.hosts import ENTERPRISE_TRACKING_SUFFIX, HOSTS

from .preview import Preview, State, Step, type_chain, type_of


def prop(props: Mapping[str, Any], key: str) -> Any:
    """A property by its snake_case name, from a dynamic resource's state (snake_case) or a native one's (camel)."""
    if key in props:
        return props[key]
    head, *rest = key.split("_")
    return props.get(head + "".join(part.title() for part in rest))


def domain_of(state: State | None, serving: Serving | None) -> str | None:
    """The tracking domain a SparkPost resource names (its ``domain`` or ``tracking_domain`` input)."""
    if state is None or serving is None or serving.domain_input is None:
        return None
    value = prop(state.inputs, serving.domain_input) or prop(state.outputs, serving.domain_input)
    if serving.is_tracking_domain:
        value = value or state.id
    return host(value) if isinstance(value, str) and value else None


@dataclass
class ChainSteps:
    """One chain's steps."""

    key: str
    way: Way | None
    component: Step | None = None
    members: list[Step] = field(default_factory=list)
    #: Resources of a shared component (its members serve every domain that uses them).
    shared: bool = False
    #: What is worked out once per chain (its context, each member's declaration, the strings its inputs hold).
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def tracking(self) -> Step | None:
        return next((s for s in self.members if _is_tracking(s)), None)

    def expects_tracking_domain(self) -> bool:
        """Whether the chain has a SparkPost domain in state (a component that defers it has none; sending domains
        of their own have none)."""
        if self.component is None and self.members and all(_is_sending(s) for s in self.members):
            return False
        if self.component is None or self.component.old is None or not self.component.old.outputs:
            return True
        # A component that defers its SparkPost domain (a live host only adopted) registers none: no output.
        return bool(self.component.old.outputs.get("tracking_domain"))


@functools.cache
def _tracking_types() -> frozenset[str]:
    from sparkpost_tracking.components.serving import declarations

    return frozenset(t for t, found in declarations().by_type.items() if any(s.is_tracking_domain for s in found))


def _is_tracking(step: Step) -> bool:
    return step.type in _tracking_types()


@functools.cache
def _sending_types() -> frozenset[str]:
    from sparkpost_tracking.components.serving import Carries, declarations

    return frozenset(t for t, found in declarations().by_type.items()
                     if any(s.carries is Carries.SENDING for s in found))


def _is_sending(step: Step) -> bool:
    return step.type in _sending_types()


@dataclass
class Chains:
    chains: list[ChainSteps]
    #: Steps of types this review declares nothing for, not under any tracking-domain component: not ours.
    outside: list[Step]


def _component_of(step: Step, preview: Preview, declared: Declarations) -> tuple[str, str] | None:
    """The nearest tracking-domain or shared component above a step: (its URN, its type)."""
    parent = step.parent
    seen = 0
    while parent and seen < 64:
        seen += 1
        parent_type = type_of(parent)
        if declared.way_of_component(parent_type) or declared.way_sharing(parent_type):
            return parent, parent_type
        above = preview.steps.get(parent)
        parent = above.parent if above else None
    # No state names the parent: the URN still lists every ancestor's type, and a child's name starts with its
    # component's (the convention the engine's own aliases rely on).
    name = step.urn.rsplit("::", 1)[-1]
    for ancestor in reversed(type_chain(step.urn)[:-1]):
        if declared.way_of_component(ancestor) or declared.way_sharing(ancestor):
            named = [s for s in preview.steps.values() if s.type == ancestor
                     and name.startswith(s.urn.rsplit("::", 1)[-1])]
            if named:
                component = max(named, key=lambda s: len(s.urn))
                return component.urn, ancestor
            return f"(a {ancestor} above {step.urn})", ancestor
    return None


def group(preview: Preview, declared: Declarations) -> Chains:
    chains: dict[str, ChainSteps] = {}
    loose: list[Step] = []
    outside: list[Step] = []
    for step in preview.steps.values():
        way = declared.way_of_component(step.type)
        if way or declared.way_sharing(step.type):
            entry = chains.setdefault(step.urn, ChainSteps(step.urn, way, shared=way is None))
            entry.component = step
            entry.way = way or declared.way_sharing(step.type)
            continue
        found = _component_of(step, preview, declared)
        if found is None:
            loose.append(step)
            continue
        urn, component_type = found
        way = declared.way_of_component(component_type)
        entry = chains.setdefault(urn, ChainSteps(urn, way or declared.way_sharing(component_type),
                                                  shared=way is None))
        entry.members.append(step)
    by_domain: dict[str, ChainSteps] = {}
    for entry in chains.values():
        domain = chain_domain(entry)
        if domain and not entry.shared:
            by_domain.setdefault(domain, entry)
    for step in sorted(loose, key=lambda s: not _is_tracking(s)):  # domains first, then what joins them
        serving = next(iter(declared.for_type(step.type)), None)
        if serving is not None and serving.domain_input is None and serving.link is Link.DNS:
            # A DNS record of the program's own, outside any component, named for a domain: that domain's host.
            state = step.old or step.new
            named = host(prop(state.inputs, "name")) if state else ""
            if named in by_domain:
                by_domain[named].members.append(step)
                continue
        if serving is None or serving.domain_input is None:
            if step.type != "pulumi:pulumi:Stack":
                outside.append(step)
            continue
        domain = domain_of(step.old, serving) or domain_of(step.new, serving)
        if serving.is_tracking_domain or domain not in by_domain:
            entry = chains.setdefault(step.urn, ChainSteps(step.urn, None))
            if domain and domain not in by_domain:
                by_domain[domain] = entry
        else:
            entry = by_domain[domain]
        entry.members.append(step)
    for entry in chains.values():
        tracking = entry.tracking
        state = (tracking.old or tracking.new) if tracking else None
        if entry.component is None and entry.way is None and state and prop(state.inputs, "managed_certificate"):
            # A SparkPost domain of its own with SparkPost's managed certificate serves as managed HTTPS does.
            entry.way = next((w for w in declared.ways.values() if w.managed_certificate), None)
    return Chains(list(chains.values()), outside)


def chain_domain(chain: ChainSteps) -> str | None:
    """The domain whose links the chain carries: its SparkPost domain's (as it is), else what its component or an
    association names."""
    from sparkpost_tracking.components.serving import declarations

    declared = declarations()
    tracking = chain.tracking
    if tracking is not None:
        serving = declared.for_type(tracking.type)[0]
        found = domain_of(tracking.old, serving) or domain_of(tracking.new, serving)
        if found:
            return found
    if chain.component is not None:
        for state in (chain.component.old, chain.component.new):
            if state and isinstance(state.outputs.get("domain"), str):
                return host(state.outputs["domain"])
    for step in chain.members:
        for serving in declared.for_type(step.type):
            found = domain_of(step.old, serving) or domain_of(step.new, serving)
            if found:
                return found
    return None


def new_domain(chain: ChainSteps) -> str | None:
    """The domain the chain's SparkPost domain names in the program (None when it has none there)."""
    from sparkpost_tracking.components.serving import declarations

    tracking = chain.tracking
    if tracking is None or tracking.new is None:
        return None
    return domain_of(tracking.new, declarations().for_type(tracking.type)[0])


def _inputs(state: State | None) -> Inputs:
    return Inputs(state.inputs if state else {})


def serving_of(step: Step, chain: ChainSteps | None, declared: Declarations, context: Chain | None) -> Serving | None:
    """The declaration judging a step: the part it played before (old inputs), else the part it will play."""
    key = ("serving", step.urn, context.domain if context else None)
    if chain is not None and key in chain.memo:
        return chain.memo[key]  # type: ignore[no-any-return]
    way = chain.way if chain and not chain.shared else None
    state = step.old or step.new
    found = declared.serving(step.type, way, _inputs(state), context)
    if chain is not None:
        chain.memo[key] = found
    return found


def _origins(chain: ChainSteps, tracking: State | None) -> frozenset[str] | None:
    region = prop(tracking.inputs, "region") if tracking else None
    region = (region or "us") if tracking else None
    if not isinstance(region, str) or region.lower() not in HOSTS:
        return None
    origins = {HOSTS[region.lower()].cdn_origin}
    if tracking and prop(tracking.inputs, "api_url"):
        # An Enterprise tenant's CDN forwards to its own tracking host; what served before shows which.
        origins |= {h for h in _hosts_in(chain) if h.endswith(ENTERPRISE_TRACKING_SUFFIX)}
    return frozenset(origins)


def _hosts_in(chain: ChainSteps) -> Iterator[str]:
    for step in chain.members:
        if step.old is None:
            continue
        for origin in step.old.inputs.get("origins", []) or []:
            if isinstance(origin, Mapping):
                yield host(origin.get("domainName"))
        for backend in step.old.inputs.get("backends", []) or []:
            if isinstance(backend, Mapping):
                yield host(backend.get("address"))
        content = step.old.inputs.get("content")
        if isinstance(content, str):
            yield host(content)


def context(chain: ChainSteps, domain: str, declared: Declarations) -> Chain:
    """What the chain's links need, as it served before (a set stays None where nothing shows it)."""
    key = ("context", domain)
    if key not in chain.memo:
        chain.memo[key] = _context(chain, domain, declared)
    return chain.memo[key]  # type: ignore[no-any-return]


def _context(chain: ChainSteps, domain: str, declared: Declarations) -> Chain:
    tracking = chain.tracking
    state = (tracking.old or tracking.new) if tracking else None
    origins = _origins(chain, state)
    region = str(prop(state.inputs, "region") or "us").lower() if state else None
    way = chain.way if not chain.shared else None
    fixed = way.host_target(region) if way and way.host_target and region in HOSTS else None
    addresses: set[str] = set()
    learned = False
    certificates: set[str] = set()
    leaving: set[str] = set()
    knows_certificates = False
    bare = Chain(domain, origins)
    for step in chain.members:
        serving = serving_of(step, chain, declared, bare)
        if serving is None or step.old is None:
            continue
        old_inputs, outputs = Inputs(step.old.inputs), Inputs(step.old.outputs)
        try:
            if serving.serves_at and step.op in ("same", "update"):
                addresses |= serving.serves_at(outputs)
                learned = True
            if serving.certificate_ids:
                knows_certificates = True
                if serving.carries is Carries.CERTIFICATE and step.op in ("delete", "replace"):
                    leaving |= serving.certificate_ids(old_inputs, outputs, domain)
                elif serving.carries is Carries.CERTIFICATE:
                    # Still the domain's only while its new inputs cover it too.
                    certificates |= serving.certificate_ids(_inputs(step.new), outputs, domain)
                else:
                    certificates |= serving.certificate_ids(old_inputs, outputs, domain)
        except CannotSee:
            continue
    if chain.component and chain.component.old:
        target = chain.component.old.outputs.get("cname_target")
        if isinstance(target, str) and target:
            addresses.add(host(target))
            learned = True
    targets = ({fixed} | addresses) if fixed else (addresses if learned else None)
    return Chain(domain, origins, frozenset(targets) if targets is not None else None,
                 frozenset(certificates - leaving) if knows_certificates else None)


def users_of_shared(step: Step, chains: Iterable[ChainSteps]) -> list[ChainSteps]:
    """The chains whose CDN uses a shared resource (its id among their inputs, before or after)."""
    ids = {s.id for s in (step.old, step.new) if s and s.id}
    if not ids:
        return []
    quoted = [json.dumps(i) for i in ids]
    found = []
    for chain in chains:
        if chain.shared:
            continue
        if "text" not in chain.memo:
            chain.memo["text"] = json.dumps([state.inputs for member in chain.members
                                             for state in (member.old, member.new) if state is not None],
                                            default=str)
        if any(q in chain.memo["text"] for q in quoted):
            found.append(chain)
    return found


