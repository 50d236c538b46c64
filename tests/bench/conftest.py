"""The lab runs' closing lines, printed in pytest's closing summary (``review vs replay: ...``)."""

from __future__ import annotations

import pytest

#: Lines a lab test wants in the closing note of the run.
CLOSING: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in CLOSING:
        terminalreporter.write_line(line)
