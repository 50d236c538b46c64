"""What ``sparkpost-tracking COMMAND --help`` prints of each option: its name and the argument it takes, as a user
reads them, for the tests that hold the docs to the command line."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout

from sparkpost_tracking.__main__ import main

#: An option line of argparse's help: ``  --resolve HOST:PORT:ADDRESS  help...`` or ``  --cdn {a,b}``.
_OPTION_LINE = re.compile(r"^  (?:-\w, )?(--[a-z][a-z-]*)(?: (\S+))?(?:  |$)")


def spelled(argument: str | None) -> str | None:
    """An option's argument as the docs write it: choices ``{us,eu}`` as ``us|eu``, a metavar as it is."""
    if argument is None:
        return None
    return argument.strip("{}").replace(",", "|") if argument.startswith("{") else argument


def options_of(command: str) -> dict[str, str | None]:
    """Every ``--option`` of ``command --help`` (``--help`` itself aside) and its argument (None for a flag)."""
    out = io.StringIO()
    with redirect_stdout(out):
        try:
            main([command, "--help"])
        except SystemExit as exc:
            assert exc.code == 0
    found = {m.group(1): spelled(m.group(2)) for m in map(_OPTION_LINE.match, out.getvalue().splitlines()) if m}
    found.pop("--help", None)
    return found
