"""One row per figure, rendered as a markdown table next to its reference."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    figure: str  # P1..P5
    what: str
    value: float | int | str
    reference: float | int | str
    unit: str
    budget: str  # what the value is held against, in words

    def cells(self) -> list[str]:
        return [self.figure, self.what, _fmt(self.value), _fmt(self.reference), self.unit, self.budget]


def _fmt(value: float | int | str) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def render(rows: list[Row]) -> str:
    header = ["fig", "what", "measured", "reference", "unit", "budget / comparison"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)
