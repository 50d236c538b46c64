"""docs/check.md's table of options is the command line's: the same options, each with the argument ``check --help``
shows (a metavar, or its choices), so a reader types what the command takes."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli_help import options_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "check.md"


def documented() -> dict[str, str | None]:
    """The options named in the first column of the Options table, each with the argument written beside it."""
    section = DOC.read_text().split("\n## Options\n", 1)[1].split("\n## ", 1)[0]
    cells = [line.split(" | ")[0].removeprefix("| ") for line in section.splitlines() if line.startswith("| `")]
    fragments = [fragment for cell in cells for fragment in re.findall(r"`(--[^`]+)`", cell.replace("\\|", "|"))]
    return {name: argument or None for name, _, argument in (f.partition(" ") for f in fragments)}


def test_the_options_table_names_every_option_with_its_argument() -> None:
    assert documented() == options_of("check")
