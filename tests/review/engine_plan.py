"""The engine's plan, emulated: what ``pulumi preview --json --show-sames --show-replacement-steps`` prints for a
change of a program, from the resources the program registers under Pulumi mocks (real provider types and
inputs), for chains this machine cannot preview for real (CloudFront, Fastly, Cloudflare and Route 53 need cloud
plugins). tests/engine/test_review_cli.py previews the SparkPost side with the real CLI, and
tests/engine/test_engine_plan_cli.py checks this emulation against it.

What it follows, from the engine's own code (pkg/resource/deploy, CLI 3.274):
- resources are stepped in registration order: ``same``, ``create``, ``update``, or a replacement
  (``create-replacement`` + ``replace``, the ``delete-replaced`` among the deletes; with ``deleteBeforeReplace``,
  ``delete-replaced`` + ``replace`` + ``create-replacement`` in place); then the deletes, in reverse order of
  the old state;
- an old resource is found by URN, then by aliases (the resource's own, and those inherited from an aliased
  parent: ``inheritedChildAlias``);
- a protected replacement is refused with ``unable to replace resource ... as it is currently marked for
  protection`` and the preview goes on; the first protected delete is refused with ``resource ... cannot be
  deleted because it is protected`` and the preview stops there; the refused delete is listed but not counted;
- an input that depends on a resource being created or replaced is unknown in the preview;
- our dynamic resources are diffed by their own providers; native ones by their inputs, a change of a property
  the provider marks ForceNew/RequiresReplace replacing them (``REPLACING``, from the providers' schemas).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from sparkpost_tracking.components.serving import UNKNOWN
from tests.components.cloud_answers import INVOKE_ANSWERS
from tests.components.conftest import computed_outputs

STACK: Final[str] = "dev"
PROJECT: Final[str] = "sparkpost-tracking"
STACK_TYPE: Final[str] = "pulumi:pulumi:Stack"
STACK_URN: Final[str] = f"urn:pulumi:{STACK}::{PROJECT}::{STACK_TYPE}::{PROJECT}-{STACK}"
TRACKING_DOMAIN: Final[str] = "pulumi-python:dynamic/sparkpost:TrackingDomain"
ASSOCIATION: Final[str] = "pulumi-python:dynamic/sparkpost:TrackingDomainAssociation"
#: Properties whose change replaces a native resource (the providers' ForceNew / RequiresReplace, as their
#: Terraform schemas declare them; pulumi-aws 7 adds the per-resource ``region``).
REPLACING: Final[Mapping[str, frozenset[str]]] = {
    "aws:acm/certificate:Certificate": frozenset({"domainName", "subjectAlternativeNames", "validationMethod",
                                                  "keyAlgorithm", "region"}),
    "aws:acm/certificateValidation:CertificateValidation": frozenset({"certificateArn", "validationRecordFqdns",
                                                                      "region"}),
    "aws:route53/record:Record": frozenset({"name", "zoneId"}),
    "cloudflare:index/dnsRecord:DnsRecord": frozenset({"zoneId"}),
    "cloudflare:index/ruleset:Ruleset": frozenset({"zoneId", "accountId", "kind", "phase"}),
    "cloudflare:index/pageRule:PageRule": frozenset({"zoneId"}),
    "fastly:index/tlsSubscription:TlsSubscription": frozenset({"certificateAuthority", "configurationId"}),
    "fastly:index/tlsSubscriptionValidation:TlsSubscriptionValidation": frozenset({"subscriptionId"}),
}


@dataclass
class Resource:
    """One resource as the engine holds it: in state (old) or as the program registers it (new)."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    protect: bool = False
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    delete_before_replace: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    #: Alias specs: {"urn"} or {"name", "type", "parent", "noParent"}.
    aliases: list[dict[str, Any]] = field(default_factory=list)

    def state(self, *, outputs: bool = True) -> dict[str, Any]:
        state: dict[str, Any] = {"urn": self.urn, "custom": self.custom, "type": self.type, "parent": self.parent}
        if self.custom:
            state["inputs"] = copy.deepcopy(self.inputs)
            state["propertyDependencies"] = copy.deepcopy(self.property_dependencies)
        if outputs:
            state["outputs"] = copy.deepcopy(self.outputs)
            if self.custom:
                state["id"] = self.id
        if self.protect:
            state["protect"] = True
        if self.dependencies:
            state["dependencies"] = list(self.dependencies)
        return state


def urn_of(name: str, type_: str, parent: str) -> str:
    """The engine's URN (resource.CreateURN): the parent's qualified type, unless the parent is the stack."""
    qualified = type_
    if parent and parent != STACK_URN:
        qualified = parent.split("::")[2] + "$" + type_
    return f"urn:pulumi:{STACK}::{PROJECT}::{qualified}::{name}"


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self, known: Mapping[tuple[str, str], tuple[str, dict[str, Any]]]) -> None:
        self.known = known

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if (args.typ, args.name) in self.known:
            return self.known[(args.typ, args.name)]
        outputs = {**args.inputs, **computed_outputs(args.typ, args.name, args.inputs)} if args.custom else {}
        if args.typ == TRACKING_DOMAIN:
            return str(args.inputs.get("domain", args.name)).lower(), outputs
        if args.typ == ASSOCIATION:
            return str(args.inputs.get("sending_domain", args.name)).lower(), outputs
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return INVOKE_ANSWERS[args.token], []


class _Recorder(MockMonitor):
    def __init__(self, mocks: _Mocks) -> None:
        super().__init__(mocks)
        self.recorded: list[Resource] = []
        self._urns: dict[str, str] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type == STACK_TYPE:
            self._urns[response.urn] = STACK_URN
            return response
        parent = self._urns.get(request.parent, STACK_URN) if request.parent else STACK_URN
        urn = urn_of(request.name, request.type, parent)
        self._urns[response.urn] = urn
        aliases = []
        for alias in request.aliases:
            if alias.HasField("urn") or alias.WhichOneof("alias") == "urn":
                aliases.append({"urn": alias.urn})
            else:
                spec = alias.spec
                aliases.append({"name": spec.name, "type": spec.type, "noParent": bool(spec.noParent),
                                "parent": self._urns.get(spec.parentUrn, spec.parentUrn) if spec.parentUrn else ""})
        self.recorded.append(Resource(
            urn=urn, type=request.type, name=request.name, parent=parent, custom=bool(request.custom),
            inputs=rpc.deserialize_properties(request.object), outputs=dict(self.resources[response.urn].state or {}),
            id=str(response.id or ""), protect=bool(request.protect),
            dependencies=[self._urns.get(d, d) for d in request.dependencies],
            property_dependencies={k: [self._urns.get(u, u) for u in v.urns]
                                   for k, v in request.propertyDependencies.items()},
            delete_before_replace=bool(request.deleteBeforeReplace), ignore_changes=list(request.ignoreChanges),
            aliases=aliases))
        return response


def record(program: Callable[[], Any],
           known: Mapping[tuple[str, str], tuple[str, dict[str, Any]]] | None = None) -> list[Resource]:
    """Run a program under mocks; ``known`` gives the id and outputs of resources that already exist."""
    mocks = _Mocks(known or {})
    monitor = _Recorder(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=STACK, preview=False, monitor=monitor)

    @pulumi.runtime.test
    def run() -> None:
        program()

    run()
    return monitor.recorded


# ---- the plan ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One step of the plan, as the ``up`` would run it."""

    op: str  # the engine's op
    old: Resource | None
    new: Resource | None
    refused: bool = False


@dataclass
class Plan:
    document: dict[str, Any]
    #: The steps the engine runs, in order (protection ignored: what the change does once it is let through).
    run: list[Planned]
    #: Old URN → new resource, for every resource that lives on (same, update, replace).
    kept: dict[str, Resource]


def _old_candidates(new: Resource, aliased: Mapping[str, str], by_urn: Mapping[str, Resource]) -> list[str]:
    """The URNs an old resource may have: its own, its aliases, and those inherited from an aliased parent."""
    found = [new.urn]
    for alias in new.aliases:
        found.append(_collapse(new, alias, aliased))
    if new.parent in aliased:
        parent_alias = aliased[new.parent]
        parent_name = new.parent.rsplit("::", 1)[-1]
        names = [new.name, *(_collapse(new, a, aliased).rsplit("::", 1)[-1] for a in new.aliases)]
        for name in names:
            alias_name = parent_alias.rsplit("::", 1)[-1] + name[len(parent_name):] if name.startswith(
                parent_name) else name
            found.append(urn_of(alias_name, new.type, parent_alias))
    return list(dict.fromkeys(found))


def _collapse(new: Resource, alias: Mapping[str, Any], aliased: Mapping[str, str]) -> str:
    if alias.get("urn"):
        return str(alias["urn"])
    parent = alias.get("parent") or new.parent
    parent = aliased.get(parent, parent)
    if alias.get("noParent") or parent == STACK_URN:
        parent = ""
    return urn_of(alias.get("name") or new.name, alias.get("type") or new.type, parent)


def _unknown_where_pending(new: Resource, pending: set[str]) -> Resource:
    """The inputs as the preview shows them: a property fed by a resource being created or replaced is unknown,
    unless that resource is one of our SparkPost resources (whose preview echoes its inputs)."""
    inputs = dict(new.inputs)
    for key, urns in new.property_dependencies.items():
        if key in inputs and any(u in pending for u in urns):
            inputs[key] = UNKNOWN
    return replace(new, inputs=inputs)


def _pend(pending: set[str], new: Resource) -> None:
    """A resource being created or replaced: what depends on its outputs is unknown in the preview, except for our
    SparkPost resources, whose preview echoes their inputs."""
    if new.type not in (TRACKING_DOMAIN, ASSOCIATION):
        pending.add(new.urn)


def _diff(old: Resource, new: Resource) -> tuple[list[str], list[str], bool]:
    """(changed, replacing, delete before replace) as the provider would answer the engine's Diff."""
    if new.type in (TRACKING_DOMAIN, ASSOCIATION):
        from sparkpost_tracking.dynamic_providers import (
            TrackingDomainAssociationProvider,
            TrackingDomainProvider,
        )

        provider = TrackingDomainProvider() if new.type == TRACKING_DOMAIN else TrackingDomainAssociationProvider()
        news = {k: v for k, v in new.inputs.items() if k != "__provider"}
        checked = provider.check(dict(old.outputs), news)
        result = provider.diff(old.id, dict(old.outputs), dict(checked.inputs or news))
        changes = [k for k in (result.replaces or [])]
        if result.changes and not changes:
            changes = [k for k in news if news.get(k) != old.inputs.get(k)] or ["outputs"]
        return (changes if result.changes else []), list(result.replaces or []), bool(
            result.delete_before_replace)
    ignored = set(new.ignore_changes) | {_camel(k) for k in new.ignore_changes}
    keys = (set(old.inputs) | set(new.inputs)) - ignored - {"__defaults"}
    changed = sorted(k for k in keys if old.inputs.get(k) != new.inputs.get(k))
    replacing = [k for k in changed if k in REPLACING.get(new.type, ())]
    return changed, replacing, False


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def plan(olds: list[Resource], news: list[Resource], final: list[Resource] | None = None) -> Plan:
    """The preview document of going from ``olds`` (state) to ``news`` (the program); ``final``: the program as
    the ``up`` registers it (with the outputs of what it creates), for ``Plan.run``."""
    by_urn = {r.urn: r for r in olds}
    final_by_urn = {r.urn: r for r in (final or news)}
    steps: list[dict[str, Any]] = []
    run: list[Planned] = []
    diagnostics: list[dict[str, Any]] = []
    counted: dict[str, int] = {}
    aliased: dict[str, str] = {}
    matched: dict[str, str] = {}  # old URN → new URN
    pending: set[str] = set()  # new URNs being created or replaced
    later: list[tuple[Resource, Resource]] = []  # create-before-delete replacements: old deleted with the deletes
    kept: dict[str, Resource] = {}

    def count(op: str) -> None:
        counted[op] = counted.get(op, 0) + 1

    steps.append({"op": "same", "urn": STACK_URN,
                  "oldState": {"urn": STACK_URN, "custom": False, "type": STACK_TYPE, "outputs": {}},
                  "newState": {"urn": STACK_URN, "custom": False, "type": STACK_TYPE}})
    count("same")
    for registered in news:
        new = _unknown_where_pending(registered, pending)
        done = final_by_urn.get(new.urn, registered)
        old = None
        for candidate in _old_candidates(new, aliased, by_urn):
            if candidate in by_urn and candidate not in matched:
                old = by_urn[candidate]
                if candidate != new.urn:
                    aliased[new.urn] = candidate
                break
        if old is None:
            steps.append({"op": "create", "urn": new.urn, "newState": new.state(outputs=False)})
            run.append(Planned("create", None, done))
            _pend(pending, new)
            count("create")
            continue
        matched[old.urn] = new.urn
        if not new.custom:
            steps.append({"op": "same", "urn": new.urn, "oldState": old.state(), "newState": new.state(outputs=False)})
            count("same")
            kept[old.urn] = done
            continue
        changed, replacing, dbr = _diff(old, new)
        dbr = dbr or new.delete_before_replace
        old_view = replace(old, urn=new.urn) if old.urn != new.urn else old
        if not changed:
            steps.append({"op": "same", "urn": new.urn, "oldState": old_view.state(),
                          "newState": new.state(outputs=False)})
            count("same")
            run.append(Planned("same", old, done))
            kept[old.urn] = done
            continue
        if not replacing:
            steps.append({"op": "update", "urn": new.urn, "oldState": old_view.state(),
                          "newState": new.state(outputs=False), "diffReasons": changed})
            run.append(Planned("update", old, done))
            count("update")
            kept[old.urn] = done
            continue
        if old.protect and new.protect:
            diagnostics.append({"urn": new.urn, "severity": "error", "message": (
                f'error: unable to replace resource "{new.urn}"\nas it is currently marked for protection. To '
                "unprotect the resource, remove the `protect` flag from the resource in your Pulumi program and "
                "run `pulumi up`\n")})
        reasons = {"replaceReasons": replacing, "diffReasons": changed}
        create = {"op": "create-replacement", "urn": new.urn, "oldState": old_view.state(),
                  "newState": new.state(outputs=False), **reasons}
        middle = {"op": "replace", "urn": new.urn, "oldState": old_view.state(),
                  "newState": new.state(outputs=False), **reasons}
        delete = {"op": "delete-replaced", "urn": new.urn, "oldState": old_view.state()}
        _pend(pending, new)
        count("replace")
        kept[old.urn] = done
        if dbr:
            steps += [delete, middle, create]
            run += [Planned("delete-replaced", old, None), Planned("create-replacement", None, done)]
        else:
            steps += [create, middle]
            run.append(Planned("create-replacement", None, done))
            later.append((old, new))
    # Deletes: in reverse order of the old state, each replaced resource's old copy among them.
    replaced_later = {old.urn: new for old, new in later}
    stopped = False
    for old in reversed(olds):
        if old.urn in replaced_later:
            step = {"op": "delete-replaced", "urn": replaced_later[old.urn].urn,
                    "oldState": replace(old, urn=replaced_later[old.urn].urn).state()}
            if not stopped:
                steps.append(step)
            run.append(Planned("delete-replaced", old, None))
            continue
        if old.urn in matched:
            continue
        run.append(Planned("delete", old, None, refused=old.protect))
        if stopped:
            continue
        steps.append({"op": "delete", "urn": old.urn, "oldState": old.state()})
        if old.protect:
            stopped = True
            diagnostics.append({"urn": old.urn, "severity": "error", "message": (
                f'error: Preview failed: resource "{old.urn}" cannot be deleted\nbecause it is protected. To '
                "unprotect the resource, either remove the `protect` flag from the resource in your Pulumi program "
                f"and run `pulumi up`, or use the command:\n`pulumi state unprotect '{old.urn}'`\n")})
            continue
        count("delete")
    if any(d["severity"] == "error" for d in diagnostics):
        diagnostics.append({"message": "error: preview failed\n", "severity": "error"})
    return Plan({"steps": steps, "diagnostics": diagnostics, "duration": 1000, "changeSummary": counted}, run, kept)


def outputs_of(olds: Iterable[Resource]) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    return {(r.type, r.name): (r.id, r.outputs) for r in olds}


def change(after: Callable[[], Any], olds: list[Resource],
           edit: Callable[[list[Resource]], list[Resource]] | None = None) -> Plan:
    """The plan of changing the program that made ``olds`` to ``after`` (its registrations edited by ``edit``, as a
    program declaring other inputs or options would register them).

    The program sees the outputs of what exists (an aliased resource keeps its own), and the ``up`` the outputs of
    what it creates or replaces (``Plan.run``).
    """
    edit = edit or (lambda resources: resources)
    by_urn = {r.urn: r for r in olds}

    def known(kept: Mapping[str, Resource], leaving: set[str]) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
        return {(new.type, new.name): (by_urn[old].id, by_urn[old].outputs) for old, new in kept.items()
                if new.urn not in leaving}

    first = plan(olds, edit(record(after)))
    seen = edit(record(after, known(first.kept, set())))
    preview = plan(olds, seen)
    replaced = {p.new.urn for p in preview.run if p.op == "create-replacement" and p.new}
    return plan(olds, seen, edit(record(after, known(preview.kept, replaced))))
