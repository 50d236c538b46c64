"""Reading ``pulumi preview --json`` into steps, or saying clearly why the input is not one.

The engine prints one JSON document: ``steps`` (each with ``op``, ``urn``, ``oldState`` and ``newState``),
``diagnostics`` and ``changeSummary``. Without ``--show-sames`` it leaves out every resource that does not
change, so a changed child cannot always be tied to its component; ``has_sames`` says whether the document has
them. A preview that failed only because protected resources would be deleted or replaced is valid input: its
errors name the resources, and those are exactly what a review must flag.
"""

from __future__ import annotations

import json
import re
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
#: Engine operations that say nothing about the plan.
IGNORED_OPS: Final[frozenset[str]] = frozenset({"remove-pending-replace"})
#: The engine's refusal to delete or replace a protected resource (its URN is in the message or the diagnostic).
_PROTECTED = re.compile(r"cannot be (deleted|replaced)\s+because it is protected", re.IGNORECASE)
_URN = re.compile(r"urn:pulumi:[^\s\"']+")
#: The engine's closing line of a failed run ("preview failed", "update failed"): it adds nothing to the errors.
_SUMMARY = re.compile(r"^(error: )?(preview|update|destroy) failed\s*$", re.IGNORECASE)
HINT: Final[str] = "give it the output of `pulumi preview --json --show-sames`"


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
        return cls(urn=str(raw.get("urn") or urn), type=str(raw.get("type") or type_of(urn)),
                   parent=raw.get("parent") or None, inputs=_mapping(raw.get("inputs")),
                   outputs=_mapping(raw.get("outputs")), protect=bool(raw.get("protect")), id=raw.get("id") or None)


@dataclass(frozen=True)
class Step:
    """One resource's planned operation (the steps of a replacement merged)."""

    op: str
    urn: str
    old: State | None
    new: State | None
    replace_reasons: tuple[str, ...] = ()
    #: The engine refused this step because the resource is protected (the preview failed on it).
    refused: bool = False

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


@dataclass
class Preview:
    steps: dict[str, Step] = field(default_factory=dict)
    #: Whether unchanged resources are listed (``--show-sames``).
    has_sames: bool = False
    #: The protected resources the engine refused to delete or replace.
    refused: list[str] = field(default_factory=list)


def type_of(urn: str) -> str:
    """The resource type in a URN (``urn:pulumi:stack::project::parent$type::name``)."""
    parts = urn.split("::", 3)
    return parts[2].rsplit("$", 1)[-1] if len(parts) == 4 else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _merge(previous: Step | None, step: Step) -> Step:
    if previous is None:
        return step
    op = "replace" if "replace" in (previous.op, step.op) else step.op
    return Step(op=op, urn=step.urn, old=previous.old or step.old, new=step.new or previous.new,
                replace_reasons=previous.replace_reasons or step.replace_reasons,
                refused=previous.refused or step.refused)


def read_preview(text: str) -> Preview:
    """Parse the engine's preview document; raises ``BadPreview`` with what is wrong."""
    if not text.strip():
        raise BadPreview(f"the input is empty: {HINT}")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        first = text.strip().splitlines()[0][:80]
        raise BadPreview(f"the input is not JSON ({exc.msg} at line {exc.lineno}; it starts {first!r}): "
                         f"{HINT}") from None
    if not isinstance(document, Mapping) or not ({"steps", "changeSummary", "diagnostics"} & set(document)):
        raise BadPreview(f"the input is JSON but not a preview (no steps, changeSummary or diagnostics): {HINT}")
    preview = Preview()
    errors = [d for d in document.get("diagnostics") or [] if isinstance(d, Mapping) and d.get("severity") == "error"]
    other = []
    for diagnostic in errors:
        message = str(diagnostic.get("message") or "")
        if _SUMMARY.match(message.strip()):
            continue
        if _PROTECTED.search(message):
            urn = diagnostic.get("urn") or next(iter(_URN.findall(message)), None)
            if urn:
                preview.refused.append(str(urn).rstrip(".,:"))
                continue
        other.append(message.strip())
    if other or (errors and not preview.refused):
        other = other or ["the engine reported an error without a message"]
        raise BadPreview("the preview failed, so it says nothing reliable about the plan: "
                         + " | ".join(m.splitlines()[0] if m else "(no message)" for m in other[:3])
                         + ". Fix the program or config and preview again")
    steps = document.get("steps") or []
    if not isinstance(steps, list):
        raise BadPreview(f"'steps' is not a list: {HINT}")
    same_steps = 0
    for index, raw in enumerate(steps):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("urn"), str) or not isinstance(raw.get("op"), str):
            raise BadPreview(f"steps[{index}] has no op and urn: {HINT}")
        engine_op, urn = raw["op"], raw["urn"]
        if engine_op in IGNORED_OPS:
            continue
        if engine_op not in OPS:
            raise BadPreview(f"steps[{index}] has an operation this version does not know: {engine_op!r}")
        step = Step(op=OPS[engine_op], urn=urn, old=State.of(raw.get("oldState"), urn),
                    new=State.of(raw.get("newState"), urn),
                    replace_reasons=tuple(str(r) for r in raw.get("replaceReasons") or ()))
        preview.steps[urn] = _merge(preview.steps.get(urn), step)
        same_steps += engine_op == "same"
    summary = document.get("changeSummary")
    unchanged = summary.get("same", 0) if isinstance(summary, Mapping) else 0
    # Without --show-sames the engine still lists the stack itself as "same", but counts every unchanged resource.
    preview.has_sames = same_steps >= (unchanged if isinstance(unchanged, int) else 0)
    for urn in preview.refused:
        # The engine stopped at this resource: it would have been deleted or replaced.
        known = preview.steps.get(urn)
        preview.steps[urn] = Step(op=known.op if known and known.op in ("delete", "replace") else "delete", urn=urn,
                                  old=known.old if known else None, new=known.new if known else None,
                                  replace_reasons=known.replace_reasons if known else (), refused=True)
    return preview
