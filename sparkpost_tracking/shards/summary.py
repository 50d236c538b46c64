"""The fleet's verdict from each stack's own: ``review`` and ``check --all``, run per stack, summed.

Each shard's run writes one result document (``shards review|check --shard S --json``)::

    {"schema": "sparkpost-tracking/shard/1", "stack": "fleet-0", "kind": "review" | "check",
     "result": <review's sparkpost-tracking/review/1, or check's sparkpost-tracking/check-all/1>}

``summarize`` takes the documents of one kind and the fleet's planned stacks. A stack without a document, or with
one that says its run failed (an orphaned stack's always does), is something the sum cannot see: it is never summed
as safe or passing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Final

from sparkpost_tracking.review.verdicts import Verdict

SHARD_SCHEMA: Final[str] = "sparkpost-tracking/shard/1"
SUMMARY_SCHEMA: Final[dict[str, str]] = {"review": "sparkpost-tracking/shards-review/1",
                                         "check": "sparkpost-tracking/shards-check/1"}
KINDS: Final[tuple[str, ...]] = tuple(SUMMARY_SCHEMA)


class BadResult(ValueError):
    """A result document that is not one of ours, or of another kind than the rest."""


def shard_document(stack: str, kind: str, result: dict[str, Any] | None, error: str | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"schema": SHARD_SCHEMA, "stack": stack, "kind": kind, "result": result}
    if error:
        document["error"] = error
    return document


@dataclass
class StackLine:
    stack: str
    #: ``review``: the stack's verdict label; ``check``: pass or fail; "missing"/"failed" when it cannot be seen.
    outcome: str
    domains: int = 0
    #: (domain, its verdict or "fail") of each domain that is not safe / did not pass.
    flagged: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""


@dataclass
class Summary:
    kind: str
    stacks: list[StackLine]

    @property
    def unseen(self) -> list[StackLine]:
        return [s for s in self.stacks if s.outcome in ("missing", "failed")]

    @property
    def domains(self) -> int:
        return sum(s.domains for s in self.stacks)

    @property
    def verdict(self) -> str:
        """``review``: the worst verdict, ``check``: pass or fail; ``incomplete`` when a stack is unseen."""
        if self.unseen:
            return "incomplete"
        if self.kind == "check":
            return "fail" if any(s.outcome == "fail" for s in self.stacks) else "pass"
        return max((Verdict.named(s.outcome) for s in self.stacks), default=Verdict.SAFE).label

    def to_json(self) -> dict[str, Any]:
        return {"schema": SUMMARY_SCHEMA[self.kind], "verdict": self.verdict, "domains": self.domains,
                "stacks": [{"stack": s.stack, "outcome": s.outcome, "domains": s.domains,
                            **({"error": s.error} if s.error else {})} for s in self.stacks],
                "flagged": [{"stack": s.stack, "domain": d, "outcome": o} for s in self.stacks for d, o in s.flagged]}

    def markdown(self) -> str:
        title = "review" if self.kind == "review" else "check --all"
        lines = [f"## Fleet {title}: {self.verdict}", "",
                 f"{len(self.stacks)} stacks, {self.domains} tracking domains.", "",
                 "| stack | domains | outcome |", "|---|---|---|"]
        lines += [f"| {s.stack} | {s.domains} | {s.outcome}{': ' + s.error if s.error else ''} |" for s in self.stacks]
        flagged = [(s.stack, d, o) for s in self.stacks for d, o in s.flagged]
        if flagged:
            lines += ["", "| stack | domain | outcome |", "|---|---|---|"]
            lines += [f"| {stack} | {domain} | {outcome} |" for stack, domain, outcome in flagged]
        return "\n".join(lines) + "\n"


def _line(kind: str, document: dict[str, Any]) -> StackLine:
    stack, result = str(document["stack"]), document.get("result")
    if document.get("error") or not isinstance(result, dict):
        return StackLine(stack, "failed", error=str(document.get("error") or "no result"))
    domains = result.get("domains") or []
    if kind == "review":
        flagged = [(d["domain"], d["verdict"]) for d in domains if d.get("verdict") != Verdict.SAFE.label]
        return StackLine(stack, str(result.get("verdict")), len(domains), flagged)
    flagged = [(d["domain"], "fail") for d in domains if not d.get("ok")]
    return StackLine(stack, "pass" if result.get("ok") is True and not flagged else "fail", len(domains), flagged)


def summarize(documents: list[dict[str, Any]], stacks: list[str]) -> Summary:
    """Sum the stacks' documents; ``stacks`` is every stack of the fleet (the plan), so a missing one shows."""
    kinds = {d.get("kind") for d in documents}
    for document in documents:
        if not isinstance(document, dict) or document.get("schema") != SHARD_SCHEMA:
            raise BadResult(f"not a shard result (schema {SHARD_SCHEMA}): {json.dumps(document)[:80]}")
    if len(kinds) > 1:
        raise BadResult(f"results of different kinds ({', '.join(sorted(map(str, kinds)))}); sum one kind at a time")
    kind = kinds.pop() if kinds else "review"
    if kind not in KINDS:
        raise BadResult(f"unknown result kind {kind!r}")
    by_stack = {str(d["stack"]): d for d in documents}
    # A result of a stack the plan does not fill is an orphaned stack's (``list`` names those): it counts too.
    every = [*stacks, *sorted(set(by_stack) - set(stacks))]
    return Summary(kind, [_line(kind, by_stack[s]) if s in by_stack else StackLine(s, "missing") for s in every])
