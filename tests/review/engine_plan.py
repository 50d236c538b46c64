"""The engine's plan, emulated: what ``pulumi preview --json --show-sames --show-replacement-steps`` prints for a
change of a program, from the resources the program registers under Pulumi mocks (real provider types and
inputs), for chains this machine cannot preview for real (CloudFront, Fastly, Cloudflare and Route 53 need cloud
plugins). tests/engine/test_review_cli.py previews the SparkPost side with the real CLI and checks this
emulation against each of its previews (the same operations on the same resources, count and refusals).

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
import logging
import pickle
from collections.abc import Callable, Mapping
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
    #: Input leaves the program writes as literals (a generated edit): the preview shows them even inside a
    #: property that depends on a resource being replaced, whose other leaves it shows unknown.
    literal_paths: list[tuple[Any, ...]] = field(default_factory=list)

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


#: The program's own log lines (its errors included: the caller sees them raised) are not the plan's.
_QUIET = logging.getLogger("engine-plan")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        #: What the next registration answers with: an existing resource's id and outputs, or None (a new one,
        #: whose outputs are computed from these inputs).
        self.next: tuple[str, dict[str, Any]] | dict[str, Any] | None = None

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        answer, self.next = self.next, None
        if isinstance(answer, tuple):
            return answer
        inputs = answer if isinstance(answer, dict) else args.inputs
        outputs = {**inputs, **computed_outputs(args.typ, args.name, inputs)} if args.custom else {}
        if args.typ == TRACKING_DOMAIN:
            return str(inputs.get("domain", args.name)).lower(), outputs
        if args.typ == ASSOCIATION:
            return str(inputs.get("sending_domain", args.name)).lower(), outputs
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return INVOKE_ANSWERS[args.token], []


class _Recorder(MockMonitor):
    """Records what the program registers, as the engine would see it; a resource that exists (found by URN or
    alias, as the engine finds it) and that the plan keeps answers with its outputs from state, so the program
    goes on with the values a real ``up`` would give it."""

    def __init__(self, mocks: _Mocks, olds: list[Resource], edit: Callable[[list[Resource]], list[Resource]]) -> None:
        super().__init__(mocks)
        self.mocks_ = mocks
        self.recorded: list[Resource] = []
        self._urns: dict[str, str] = {}
        self._olds = {r.urn: r for r in olds}
        self._edit = edit
        self._aliased: dict[str, str] = {}
        self._matched: set[str] = set()

    def RegisterResource(self, request: Any) -> Any:
        if request.type == STACK_TYPE:
            response = super().RegisterResource(request)
            self._urns[response.urn] = STACK_URN
            return response
        parent = self._urns.get(request.parent, STACK_URN) if request.parent else STACK_URN
        urn = urn_of(request.name, request.type, parent)
        aliases = []
        for alias in request.aliases:
            if alias.WhichOneof("alias") == "urn":
                aliases.append({"urn": alias.urn})
            else:
                spec = alias.spec
                aliases.append({"name": spec.name, "type": spec.type, "noParent": bool(spec.noParent),
                                "parent": self._urns.get(spec.parentUrn, spec.parentUrn) if spec.parentUrn else ""})
        resource = Resource(
            urn=urn, type=request.type, name=request.name, parent=parent, custom=bool(request.custom),
            inputs=rpc.deserialize_properties(request.object), protect=bool(request.protect),
            dependencies=[self._urns.get(d, d) for d in request.dependencies],
            property_dependencies={k: [self._urns.get(u, u) for u in v.urns]
                                   for k, v in request.propertyDependencies.items()},
            delete_before_replace=bool(request.deleteBeforeReplace), ignore_changes=list(request.ignoreChanges),
            aliases=aliases)
        [resource] = self._edit([resource])
        old = _find_old(resource, self._aliased, self._olds, self._matched)
        if old is not None:
            self._matched.add(old.urn)
            if old.urn != resource.urn:
                self._aliased[resource.urn] = old.urn
        kept = old is not None and (not resource.custom or not _diff(old, resource)[1])
        self.mocks_.next = (old.id, old.outputs) if kept and old is not None else resource.inputs
        response = super().RegisterResource(request)
        self._urns[response.urn] = urn
        resource.outputs = dict(self.resources[response.urn].state or {})
        resource.id = str(response.id or "")
        self.recorded.append(resource)
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        urn = self._urns.get(request.urn, request.urn)
        outputs = rpc.deserialize_properties(request.outputs, keep_unknowns=True)
        for resource in self.recorded:
            if resource.urn == urn:
                resource.outputs = {k: _plain(v) for k, v in outputs.items() if v is not None}
        return super().RegisterResourceOutputs(request)


def _plain(value: Any) -> Any:
    """A component's output as state holds it (a resource as a reference)."""
    if isinstance(value, pulumi.Resource):
        return {"urn": "(a resource reference)"}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def record(program: Callable[[], Any], olds: list[Resource] | None = None,
           edit: Callable[[list[Resource]], list[Resource]] | None = None) -> list[Resource]:
    """Run a program under mocks, as a change from ``olds`` (state), each registration edited by ``edit``."""
    mocks = _Mocks()
    monitor = _Recorder(mocks, olds or [], edit or (lambda resources: resources))
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=STACK, preview=False, monitor=monitor, logger=_QUIET)

    @pulumi.runtime.test
    def run() -> None:
        program()

    # pulumi.dynamic wraps pickle's _batch_setitems once per dynamic resource and never unwraps it: after about
    # a thousand registrations in one process, pickling recurses too deep. Each run starts from the original.
    batch_setitems, save_dict = pickle._Pickler._batch_setitems, pickle._Pickler.save_dict  # type: ignore[attr-defined]
    try:
        run()
    finally:
        pickle._Pickler._batch_setitems, pickle._Pickler.save_dict = batch_setitems, save_dict  # type: ignore[attr-defined]
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


def _find_old(new: Resource, aliased: Mapping[str, str], by_urn: Mapping[str, Resource],
              matched: set[str] | Mapping[str, str]) -> Resource | None:
    for candidate in _old_candidates(new, aliased, by_urn):
        if candidate in by_urn and candidate not in matched:
            return by_urn[candidate]
    return None


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
            literal = [p[1:] for p in new.literal_paths if p and p[0] == key]
            inputs[key] = _unknown_but(inputs[key], literal) if literal else UNKNOWN
    return replace(new, inputs=inputs)


def _unknown_but(value: Any, literal: list[tuple[Any, ...]]) -> Any:
    """``value`` with every leaf unknown but those at the ``literal`` paths (an empty path: the value itself)."""
    if any(not p for p in literal):
        return copy.deepcopy(value)
    if isinstance(value, dict):
        return {k: _unknown_but(v, [p[1:] for p in literal if p[0] == k]) if any(p[0] == k for p in literal)
                else _unknown_but(v, []) for k, v in value.items()}
    if isinstance(value, list):
        return [_unknown_but(v, [p[1:] for p in literal if p[0] == i]) for i, v in enumerate(value)]
    return UNKNOWN


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


def plan(olds: list[Resource], news: list[Resource]) -> Plan:
    """The preview document of going from ``olds`` (state) to ``news`` (the program, as the ``up`` registers it),
    and the steps the ``up`` runs (``Plan.run``, with the values the ``up`` gives what it creates)."""
    by_urn = {r.urn: r for r in olds}
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
        done = registered
        old = _find_old(new, aliased, by_urn, matched)
        if old is not None and old.urn != new.urn:
            aliased[new.urn] = old.urn
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


def change(after: Callable[[], Any], olds: list[Resource],
           edit: Callable[[list[Resource]], list[Resource]] | None = None) -> Plan:
    """The plan of changing the program that made ``olds`` to ``after``, its registrations edited by ``edit`` (as
    a program declaring other inputs or options would register them)."""
    return plan(olds, record(after, olds, edit))
