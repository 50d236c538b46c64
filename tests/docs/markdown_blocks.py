"""The fenced code blocks of the docs, with the markers written before them.

A marker is an HTML comment on the lines just above a block (blank lines between are allowed), so a reader of
the rendered page sees nothing and a reader of the source sees why::

    <!-- needs: real-cloud (...) -->      the block needs what no test has: a real cloud, a SparkPost key, a live
                                          domain, a language host that cannot be built here; listed, not run
    <!-- run-by: tests/engine/x.py -->    another test runs it as written (that file names this page)
    <!-- background -->                   started and left running (the docs say "in another terminal")
    <!-- file: Pulumi.yaml -->            not a command: the file to write, in the shell's directory

Every other shell block is run by tests/engine/test_docs_blocks.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

ROOT: Final[Path] = Path(__file__).resolve().parents[2]
SHELL: Final[frozenset[str]] = frozenset({"sh", "bash", "shell", "console"})
_FENCE = re.compile(r"^(\s*)```(\S*)\s*$")  # also indented, inside a list item
_MARKER = re.compile(r"^\s*<!--\s*([a-z-]+)(?::\s*(.*?))?\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    markers: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def is_shell(self) -> bool:
        return self.lang in SHELL


def blocks(path: Path) -> list[Block]:
    """Every fenced block of ``path``, in order, with its markers."""
    lines = path.read_text().splitlines()
    found: list[Block] = []
    markers: dict[str, str] = {}
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        marker = _MARKER.match(lines[i])
        if marker:
            markers[marker.group(1)] = marker.group(2) or ""
        elif fence:
            indent = len(fence.group(1))
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip().startswith("```"))
            text = "\n".join(line[indent:] for line in lines[i + 1:end]) + "\n"
            found.append(Block(path, i + 1, fence.group(2), text, markers))
            markers = {}
            i = end
        elif lines[i].strip():
            markers = {}  # a marker belongs to the block right after it
        i += 1
    return found


def doc_files() -> list[Path]:
    """README.md and every Markdown file under docs/ (and the emulator's README)."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "emulator" / "README.md"]
