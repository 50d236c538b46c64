"""Preview documents in the engine's own format (``pulumi preview --json --show-sames --show-replacement-steps``),
for chains this machine cannot preview for real: built by ``engine_plan`` from what the components register under
Pulumi mocks (real provider types and inputs), from a stack of every chain kind.

``planned(after)`` is the preview of changing the stack's config to ``after``; ``edit`` changes what a program
registers beyond what the components let it declare (any input of any resource, ``protect``,
``deleteBeforeReplace``), as a program that declares it would register it. ``document`` builds odd documents by
hand, in the same shape.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import pickle
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

from sparkpost_tracking.review import read_preview, review
from sparkpost_tracking.review.report import as_dict
from sparkpost_tracking.stack import build, plan_domains
from tests.review.engine_plan import STACK_URN, Plan, Resource, change, record

ZONE = "0123456789abcdef0123456789abcdef"
HOSTED_ZONE = "Z0123456789ABCDEFGHIJ"
R53 = {"dns": "route53", "dnsZoneId": HOSTED_ZONE}
CF_DNS = {"dns": "cloudflare", "dnsZoneId": ZONE}
MA, CF, CF2, FA, CL = "ma.example.com", "cf.example.com", "cf2.example.com", "fa.example.com", "cl.example.com"
#: Every chain kind, as the stack program builds it (CloudFront domains share one pair of policies).
STACK: tuple[dict[str, Any], ...] = (
    {"domain": MA, "cdn": "managed", **R53, "sendingDomains": ["brand.com"], "makeDefault": True},
    {"domain": CF, "cdn": "cloudfront", **R53, "sendingDomains": ["mail.cf-brand.com"]},
    {"domain": CF2, "cdn": "cloudfront", **CF_DNS},
    {"domain": FA, "cdn": "fastly", **CF_DNS},
    {"domain": CL, "cdn": "cloudflare", "zoneId": ZONE, "cacheRule": True},
)
Edit = Callable[[list[Resource]], list[Resource]]
T = TypeVar("T")
#: Where a mutation run keeps the documents between its test runs (set by the mutation run only): building them
#: under mocks runs none of review's code, so a mutant of review cannot change them.
CACHE: Final[str | None] = os.environ.get("SPARKPOST_TRACKING_PREVIEW_CACHE")


def program(domains: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> Callable[[], Any]:
    """The stack program's logic for this config (``sparkpost-tracking:domains``)."""
    entries = copy.deepcopy(list(domains))
    return lambda: build(plan_domains(entries))


@functools.cache
def _state(key: str) -> tuple[Resource, ...]:
    if not CACHE:
        return tuple(record(program(json.loads(key))))
    path = Path(CACHE) / (hashlib.sha256(key.encode()).hexdigest() + ".state.pickle")
    if not path.exists():
        _write(path, tuple(record(program(json.loads(key)))))
    return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]


def _write(path: Path, value: Any) -> None:
    """Whole or not at all: the mutants are tested in parallel, and one may read what another is writing."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_bytes(pickle.dumps(value))
    partial.replace(path)


def state(domains: tuple[dict[str, Any], ...] | list[dict[str, Any]] = STACK) -> list[Resource]:
    """What ``pulumi up`` of this config leaves in state (every SparkPost domain verified)."""
    return copy.deepcopy(list(_state(json.dumps(list(domains), sort_keys=True))))


calls: Counter[str] = Counter()


def cached(make: Callable[[], T]) -> T:
    """``make()``, kept on disk between the test runs of a mutation run (``CACHE``), by test and call (counted
    from each test's start: ``conftest.py``)."""
    if not CACHE:
        return make()
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    calls[test] += 1
    path = Path(CACHE) / (hashlib.sha256(f"{test}#{calls[test]}".encode()).hexdigest() + ".pickle")
    if not path.exists():
        _write(path, make())
    return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]


def planned_change(after: tuple[dict[str, Any], ...] | list[dict[str, Any]] | None = None, *,
                   edit: Edit | None = None, before: tuple[dict[str, Any], ...] = STACK,
                   old_edit: Edit | None = None) -> Plan:
    def make() -> Plan:
        olds = state(before)
        if old_edit:
            olds = old_edit(olds)
        return change(program(list(after) if after is not None else before), olds, edit)

    return cached(make)


def edited(name: str, plan: Plan) -> None:
    """Fails unless the plan's program registered a resource of this name (an edit of it took effect)."""
    assert any(p.new is not None and p.new.name == name for p in plan.run), f"no resource named {name}"


def planned(after: tuple[dict[str, Any], ...] | list[dict[str, Any]] | None = None, *, edit: Edit | None = None,
            before: tuple[dict[str, Any], ...] = STACK, old_edit: Edit | None = None) -> dict[str, Any]:
    return planned_change(after, edit=edit, before=before, old_edit=old_edit).document


def with_entry(which: str, **fields: Any) -> list[dict[str, Any]]:
    """The stack with one domain's entry changed (a field set to None is removed)."""
    entries = copy.deepcopy(list(STACK))
    for entry in entries:
        if entry["domain"] == which:
            entry.update(fields)
            for key in [k for k, v in entry.items() if v is None]:
                del entry[key]
    return entries


def without(*domains: str) -> list[dict[str, Any]]:
    return [e for e in copy.deepcopy(list(STACK)) if e["domain"] not in domains]


def inputs(name: str, change: Callable[[dict[str, Any]], None]) -> Edit:
    """An edit of the inputs the resource named ``name`` registers (``change`` mutates them in place)."""
    def edit(resources: list[Resource]) -> list[Resource]:
        for resource in resources:
            if resource.name == name:
                change(resource.inputs)
        return resources

    return edit


def options(name: str, **values: Any) -> Edit:
    """An edit of a resource's options (``protect``, ``delete_before_replace``)."""
    def edit(resources: list[Resource]) -> list[Resource]:
        for resource in resources:
            if resource.name == name:
                for key, value in values.items():
                    setattr(resource, key, value)
        return resources

    return edit


def both(*edits: Edit) -> Edit:
    def edit(resources: list[Resource]) -> list[Resource]:
        for one in edits:
            resources = one(resources)
        return resources

    return edit


def reviewed(doc: dict[str, Any]) -> dict[str, Any]:
    return as_dict(review(read_preview(json.dumps(doc))))


def verdicts(doc: dict[str, Any]) -> dict[str, str]:
    return {d["domain"]: d["verdict"] for d in reviewed(doc)["domains"]}


def reasons(doc: dict[str, Any], domain: str) -> list[tuple[str, str, str, str]]:
    """(link, op, verdict, why) of every change of a domain but the unchanged resources."""
    [found] = [d for d in reviewed(doc)["domains"] if d["domain"] == domain]
    return [(c["link"], c["op"], c["verdict"], c["why"]) for c in found["changes"]
            if c["op"] != "same" or c["why"] != "no change"]


# ---- documents by hand --------------------------------------------------------------------------------------


def document(steps: list[dict[str, Any]], diagnostics: list[dict[str, Any]] | None = None,
             summary: dict[str, int] | None = None) -> dict[str, Any]:
    """A document of these steps; its ``changeSummary`` counts them as the engine does, unless given."""
    if summary is None:
        summary = {}
        for s in steps:
            op = s["op"]
            if op in ("create-replacement", "delete-replaced"):
                continue
            summary[op] = summary.get(op, 0) + 1
    return {"steps": steps, "diagnostics": diagnostics or [], "duration": 1000, "changeSummary": summary}


def step(op: str, old: Resource | None, new: Resource | None, **extra: Any) -> dict[str, Any]:
    found = old or new
    assert found is not None
    raw: dict[str, Any] = {"op": op, "urn": found.urn}
    if old is not None:
        raw["oldState"] = old.state()
    if new is not None:
        raw["newState"] = new.state(outputs=False)
    return {**raw, **extra}


def sames(resources: list[Resource]) -> list[dict[str, Any]]:
    stack = {"op": "same", "urn": STACK_URN, "oldState": {"urn": STACK_URN, "type": "pulumi:pulumi:Stack"},
             "newState": {"urn": STACK_URN, "type": "pulumi:pulumi:Stack"}}
    return [stack, *(step("same", r, r) for r in resources)]


def named(resources: list[Resource], name: str) -> Resource:
    [found] = [r for r in resources if r.name == name]
    return found
