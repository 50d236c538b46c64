"""What one step of ``check`` found: a status, one line of detail and, when it is not a pass, a code and a hint."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"  # works, with a remark (e.g. the CDN rewrote ``server``); does not fail the run
    FAIL = "fail"
    SKIP = "skip"  # not run: not asked for, or an earlier step left nothing to check


@dataclass(frozen=True)
class StepResult:
    """One row of the report.

    ``code`` is a stable machine-readable name of what went wrong (``wrong_target``, ``expired``,
    ``timeout`` ...), so scripts need not parse ``detail``; ``hint`` says what to fix, in one line.
    A step that is not ``required`` never fails the run (``--skip``, or a check the user did not ask for).
    """

    step: str
    status: Status
    detail: str
    code: str | None = None
    hint: str | None = None
    required: bool = True
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when this step does not stop the run from passing."""
        return not self.required or self.status in (Status.PASS, Status.WARN)


def passed(step: str, detail: str, **data: Any) -> StepResult:
    return StepResult(step, Status.PASS, detail, data=data)


def warned(step: str, detail: str, code: str, hint: str, **data: Any) -> StepResult:
    return StepResult(step, Status.WARN, detail, code, hint, data=data)


def failed(step: str, detail: str, code: str, hint: str, **data: Any) -> StepResult:
    return StepResult(step, Status.FAIL, detail, code, hint, data=data)


def skipped(step: str, detail: str, *, required: bool, code: str | None = None) -> StepResult:
    return StepResult(step, Status.SKIP, detail, code, required=required)


@dataclass(frozen=True)
class Report:
    """Every step for one domain; the run passes when every required step passes (or only warns)."""

    domain: str
    steps: tuple[StepResult, ...]
    expected_target: str | None = None
    #: Where the expected target came from: ``--expect-target``, ``stack`` or None.
    target_source: str | None = None
    cdn: str | None = None

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.step == name)
