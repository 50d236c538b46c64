"""docs/adopting.md names every option of ``import --help``, and writes each one's argument as the command takes it: a
metavar as ``--help`` shows it (``--out FILE``), a choice among its choices, any other value as an example."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli_help import options_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "adopting.md"


def test_the_guide_names_every_option_with_its_argument() -> None:
    options = options_of("import")
    written = [f.partition(" ") for f in re.findall(r"`(--[a-z][a-z-]*(?: [^`]+)?)`", DOC.read_text())]
    ours = [(name, argument) for name, _, argument in written if name in options]
    assert {name for name, _ in ours} == set(options)
    for name, argument in ours:
        expected = options[name]
        if argument and expected and re.fullmatch(r"[A-Z][A-Z:\[\]]*", argument):  # a metavar
            assert argument == expected, name
        elif argument and expected and "|" in expected:  # a value among the choices
            assert argument in expected.split("|"), name
        else:
            assert argument == "" or expected is not None, name  # a flag takes no argument
