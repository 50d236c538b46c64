"""Reading ``pulumi preview --json --show-sames --show-replacement-steps`` into steps, or saying clearly why the
input is not one.

The engine prints one JSON document: ``steps`` (each with ``op``, ``urn``, ``oldState`` and ``newState``),
``diagnostics`` and ``changeSummary``. Without ``--show-sames`` it leaves out every resource that does not
change; without ``--show-replacement-steps`` a replacement is one ``replace`` step, which hides whether the old
resource is deleted before the new one exists. Both gaps are recorded, never guessed over.

A preview the engine refused because protected resources would be deleted or replaced is valid input, and it
is incomplete: deletes come last in a plan, in reverse dependency order, and the engine stops at the first
protected one, so the deletes after it appear nowhere; a protected dependent of a delete-before-replace
stops the plan where it stands. ``refusals`` records where it stopped and how.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

#: Engine operations → the operation a reviewer reads. A replacement shows as up to three steps of one URN.
OPS: Final[Mapping[str, str]] = {
    "same": "same", "read": "same", "refresh": "same",
    "create": "create", "import": "create",
    "update": "update",
    "delete": "delete", "discard": "delete",
    "replace": "replace", "create-replacement": "replace", "delete-replaced": "replace",
    "read-replacement": "replace", "import-replacement": "replace", "discard-replaced": "replace",
}
#: The steps of a replacement that create the new resource, and those that remove the old one.
CREATES_REPLACEMENT: Final[frozenset[str]] = frozenset({"create-replacement", "import-replacement",
                                                        "read-replacement"})
REMOVES_REPLACED: Final[frozenset[str]] = frozenset({"delete-replaced", "discard-replaced"})
#: Engine operations that say nothing about the plan.
IGNORED_OPS: Final[frozenset[str]] = frozenset({"remove-pending-replace"})
#: The operations the engine's ``changeSummary`` counts, as it counts them (one ``replace`` per replacement).
COUNTED: Final[frozenset[str]] = frozenset({"create", "update", "delete", "replace", "import", "discard"})
_URN_TEXT = r"urn:pulumi:[^\s\"']+"
#: The engine's refusals of a protected resource (CLI 3.274, pkg/resource/deploy): a delete, a replacement, and
#: a protected dependent of a delete-before-replace, which stops the plan where it stands.
REFUSALS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("dependent", re.compile(rf"unable to replace resource \"?({_URN_TEXT})\"? as part of replacing", re.I)),
    ("replace", re.compile(rf"unable to replace resource \"?({_URN_TEXT})\"?\s+as it is currently marked for "
                           r"protection", re.I)),
    ("delete", re.compile(rf"resource \"?({_URN_TEXT})\"? cannot be deleted\s+because it is protected", re.I)),
    # Older engines: "refusing to delete protected resource" and "... cannot be replaced because it is protected".
    ("delete", re.compile(rf"refusing to delete protected resource \"?({_URN_TEXT})\"?", re.I)),
    ("replace", re.compile(rf"resource \"?({_URN_TEXT})\"? cannot be replaced\s+because it is protected", re.I)),
)
#: The engine's closing line of a failed run ("preview failed", "update failed"): it adds nothing to the errors.
_SUMMARY = re.compile(r"^(error: )?(preview|update|destroy) failed\s*$", re.IGNORECASE)
PIPELINE: Final[str] = "pulumi preview --json --show-sames --show-replacement-steps"
HINT: Final[str] = f"give it the output of `{PIPELINE}`"
STACK_TYPE: Final[str] = "pulumi:pulumi:Stack"
#: Bounds of what is read: beyond these the input is not the engine's (a 500-domain preview is a few MB).
MAX_BYTES: Final[int] = 256 * 1024 * 1024
MAX_STEPS: Final[int] = 200_000


class BadPreview(Exception):
    """The input is not a usable preview; the message says why and what to give instead."""


@dataclass(frozen=True)
class State:
    """One side of a step: what the state holds (old) or the program declares (new)."""

    urn: str
    type: str
    parent: str | None
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    protect: bool
    id: str | None

    @classmethod
    def of(cls, raw: Any, urn: str) -> State | None:
        if not isinstance(raw, Mapping):
            return None
        parent, id_, type_ = raw.get("parent"), raw.get("id"), raw.get("type")
        return cls(urn=urn, type=type_ if isinstance(type_, str) and type_ else type_of(urn),
                   parent=parent if isinstance(parent, str) and parent else None, inputs=_mapping(raw.get("inputs")),
                   outputs=_mapping(raw.get("outputs")), protect=raw.get("protect") is True,
                   id=id_ if isinstance(id_, str) and id_ else None)


@dataclass(frozen=True)
class Step:
    """One resource's planned operation (the steps of a replacement merged)."""

    op: str
    urn: str
    old: State | None
    new: State | None
    replace_reasons: tuple[str, ...] = ()
    #: How the engine refused this step because the resource is protected (None: it did not).
    refused: str | None = None
    #: For a replacement: ``delete-first``, ``create-first``, or None when the document does not show it.
    order: str | None = None
    #: Where the resource first appears in the document.
    position: int = 0

    @property
    def type(self) -> str:
        state = self.new or self.old
        return state.type if state else type_of(self.urn)

    @property
    def parent(self) -> str | None:
        for state in (self.new, self.old):
            if state and state.parent:
                return state.parent
        return None


@dataclass(frozen=True)
class Refusal:
    urn: str
    #: ``delete``, ``replace`` or ``dependent`` (a protected dependent of a delete-before-replace).
    kind: str

    @property
    def cuts_plan(self) -> bool:
        """Whether the document lacks steps because of it: the deletes after a refused delete, everything after
        a refused dependent. A refused replacement is previewed to the end."""
        return self.kind != "replace"


@dataclass
class Preview:
    steps: dict[str, Step] = field(default_factory=dict)
    #: Whether unchanged resources are listed (``--show-sames``).
    has_sames: bool = False
    #: Where the engine refused protected resources, in the document's order.
    refusals: list[Refusal] = field(default_factory=list)
    #: The engine's own count of the plan (``changeSummary``), if the document has one.
    summary: Mapping[str, int] | None = None
    #: The same count, taken from the steps.
    counted: Counter[str] = field(default_factory=Counter)
    #: The stack and project the document is about (from the stack's own URN, else the most common).
    stack: tuple[str, str] | None = None

    @property
    def cut_short(self) -> Refusal | None:
        """The refusal that left steps out of the document, if any."""
        return next((r for r in self.refusals if r.cuts_plan), None)


def type_of(urn: str) -> str:
    """The resource type in a URN (``urn:pulumi:stack::project::parent$type::name``)."""
    parts = urn.split("::", 3)
    return parts[2].rsplit("$", 1)[-1] if len(parts) == 4 else ""


def type_chain(urn: str) -> list[str]:
    """The types of a resource's ancestors, then its own (the URN's ``parent$...$type``)."""
    parts = urn.split("::", 3)
    return parts[2].split("$") if len(parts) == 4 else []


def stack_of(urn: str) -> tuple[str, str] | None:
    """(stack, project) of a URN."""
    parts = urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith("urn:pulumi:"):
        return None
    return parts[0][len("urn:pulumi:"):], parts[1]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _merge(previous: Step | None, step: Step, engine_op: str, seen: dict[str, list[str]]) -> Step:
    ops = seen.setdefault(step.urn, [])
    ops.append(engine_op)
    if previous is None:
        merged = step
    else:
        op = "replace" if "replace" in (previous.op, step.op) else step.op
        merged = Step(op=op, urn=step.urn, old=previous.old or step.old, new=step.new or previous.new,
                      replace_reasons=previous.replace_reasons or step.replace_reasons, position=previous.position)
    if merged.op != "replace":
        return merged
    creates = next((i for i, o in enumerate(ops) if o in CREATES_REPLACEMENT), None)
    removes = next((i for i, o in enumerate(ops) if o in REMOVES_REPLACED), None)
    order = None
    if creates is not None and (removes is None or creates < removes):
        order = "create-first"
    elif removes is not None:
        order = "delete-first"
    return Step(merged.op, merged.urn, merged.old, merged.new, merged.replace_reasons, order=order,
                position=merged.position)


def _load(text: str) -> Any:
    if len(text) > MAX_BYTES:
        raise BadPreview(f"the input is {len(text) // (1024 * 1024)} MB, more than a preview of any stack this "
                         f"reviews ({MAX_BYTES // (1024 * 1024)} MB at most): {HINT}")
    if not text.strip():
        raise BadPreview(f"the input is empty: {HINT}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        first = text.strip().splitlines()[0][:80]
        raise BadPreview(f"the input is not JSON ({exc.msg} at line {exc.lineno}; it starts {first!r}): "
                         f"{HINT}") from None
    except RecursionError:
        raise BadPreview(f"the input is JSON nested deeper than any preview: {HINT}") from None


def _refusal(message: str) -> Refusal | None:
    for kind, pattern in REFUSALS:
        found = pattern.search(message)
        if found:
            # The whole URN (a lazy match took "urn:pulumi:d" from an unquoted one), without the sentence's stop.
            return Refusal(found.group(1).rstrip(".,:"), kind)
    return None


def _read_diagnostics(document: Mapping[str, Any], preview: Preview) -> None:
    diagnostics = document.get("diagnostics") or []
    if not isinstance(diagnostics, list):
        raise BadPreview(f"'diagnostics' is not a list: {HINT}")
    errors = [d for d in diagnostics if isinstance(d, Mapping) and d.get("severity") == "error"]
    other = []
    for diagnostic in errors:
        message = diagnostic.get("message")
        message = message if isinstance(message, str) else ""
        if _SUMMARY.match(message.strip()):
            continue
        refusal = _refusal(message)
        if refusal is not None and refusal.urn:
            preview.refusals.append(refusal)
            continue
        other.append(message.strip())
    if other or (errors and not preview.refusals):
        other = other or ["the engine reported an error without a message"]
        raise BadPreview("the preview failed, so it says nothing reliable about the plan: "
                         + " | ".join(m.splitlines()[0] if m else "(no message)" for m in other[:3])
                         + ". Fix the program or config and preview again")


def read_preview(text: str) -> Preview:
    """Parse the engine's preview document; raises ``BadPreview`` with what is wrong."""
    document = _load(text)
    if not isinstance(document, Mapping) or not ({"steps", "changeSummary", "diagnostics"} & set(document)):
        raise BadPreview(f"the input is JSON but not a preview (no steps, changeSummary or diagnostics): {HINT}")
    preview = Preview()
    _read_diagnostics(document, preview)
    steps = document.get("steps") or []
    if not isinstance(steps, list):
        raise BadPreview(f"'steps' is not a list: {HINT}")
    if len(steps) > MAX_STEPS:
        raise BadPreview(f"the input has {len(steps)} steps, more than a preview of any stack this reviews "
                         f"({MAX_STEPS} at most)")
    same_steps = 0
    stacks: Counter[tuple[str, str]] = Counter()
    seen: dict[str, list[str]] = {}
    for index, raw in enumerate(steps):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("urn"), str) or not isinstance(raw.get("op"), str):
            raise BadPreview(f"steps[{index}] has no op and urn: {HINT}")
        engine_op, urn = raw["op"], raw["urn"]
        if engine_op in IGNORED_OPS:
            continue
        if engine_op not in OPS:
            raise BadPreview(f"steps[{index}] has an operation this version does not know: {engine_op!r}")
        where = stack_of(urn)
        if where is None:
            raise BadPreview(f"steps[{index}] has no resource URN (urn:pulumi:<stack>::<project>::...): {urn[:80]!r}")
        if type_of(urn) == STACK_TYPE and preview.stack is None:
            preview.stack = where
        stacks[where] += 1
        reasons = raw.get("replaceReasons")
        step = Step(op=OPS[engine_op], urn=urn, old=State.of(raw.get("oldState"), urn),
                    new=State.of(raw.get("newState"), urn), position=index,
                    replace_reasons=tuple(str(r) for r in reasons) if isinstance(reasons, list) else ())
        preview.steps[urn] = _merge(preview.steps.get(urn), step, engine_op, seen)
        same_steps += engine_op == "same"
        if engine_op in COUNTED:
            preview.counted[engine_op] += 1
    if preview.stack is None and stacks:
        preview.stack = stacks.most_common(1)[0][0]
    summary = document.get("changeSummary")
    if isinstance(summary, Mapping):
        preview.summary = {str(k): v for k, v in summary.items() if isinstance(v, int) and not isinstance(v, bool)}
    unchanged = (preview.summary or {}).get("same", 0)
    # Without --show-sames the engine still lists the stack itself as "same", but counts every unchanged resource.
    preview.has_sames = same_steps >= unchanged
    for refusal in preview.refusals:
        known = preview.steps.get(refusal.urn)
        op = known.op if known and known.op in ("delete", "replace") else (
            "replace" if refusal.kind != "delete" else "delete")
        preview.steps[refusal.urn] = Step(
            op=op, urn=refusal.urn, old=known.old if known else None, new=known.new if known else None,
            replace_reasons=known.replace_reasons if known else (), refused=refusal.kind,
            order=known.order if known else None, position=known.position if known else len(steps))
    return preview
