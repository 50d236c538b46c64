"""Docs are code: every shell block of README.md, docs/ and emulator/README.md is run, offline, or visibly marked.

- A block with no marker is run here, as written, page by page in one reader's terminal (``tests.docs.session``),
  against the emulator the page itself starts (a ``background`` block); the emulator's port 8787 in later blocks
  becomes the port it printed. A page that assumes an installed package gets this test's venv as the reader's
  activated one.
- ``run-by: <file>``: another test (or the CI entry point) runs the block; the file must exist, and a test file
  must name the page.
- ``needs: <what>``: a real cloud, a SparkPost key, a live domain, a language host that cannot be built here. The
  test lists these (run with ``-s``), so what is not run here is in plain sight.

Whole pages run by their own test: ``PAGES_RUN_BY``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import ROOT, Block, blocks, doc_files
from tests.docs.session import DocSession

pytestmark = pytest.mark.engine

PAGES_RUN_BY: dict[str, str] = {"docs/yaml-quickstart.md": "tests/engine/test_yaml_quickstart.py"}
KNOWN_MARKERS = {"needs", "run-by", "background", "file"}
DOC_PORT = "8787"
_LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)/")


def shell_blocks() -> list[Block]:
    return [b for path in doc_files() for b in blocks(path) if b.is_shell or "file" in b.markers]


def page(block: Block) -> str:
    return block.path.relative_to(ROOT).as_posix()


def run_here(block: Block) -> bool:
    return not ({"needs", "run-by"} & set(block.markers)) and page(block) not in PAGES_RUN_BY


def test_every_block_is_run_or_marked() -> None:
    found = shell_blocks()
    assert len(found) > 20
    listing = []
    for block in found:
        unknown = set(block.markers) - KNOWN_MARKERS
        assert not unknown, f"{block.where}: unknown marker(s) {unknown}; known: {sorted(KNOWN_MARKERS)}"
        runner = block.markers.get("run-by") or PAGES_RUN_BY.get(page(block))
        if runner:
            target = ROOT / runner.split(",")[0].split()[0]
            assert target.is_file(), f"{block.where}: run-by names {target}, which does not exist"
            if target.suffix == ".py":
                assert block.path.name in target.read_text(), f"{block.where}: {target} does not name the page"
        if "needs" in block.markers:
            listing.append(f"  {block.where}: needs {block.markers['needs']}")
    print(f"\n{len(listing)} blocks not run here (marked):\n" + "\n".join(listing))
    assert listing, "the listing of marked blocks is empty: the markers were lost"


@pytest.mark.parametrize("name", sorted({page(b) for b in shell_blocks() if run_here(b)}))
def test_the_page_runs_as_written(name: str, cli_dir: Path, tmp_path: Path) -> None:
    session = DocSession(tmp_path, cli_dir, activated=Path(sys.prefix))
    try:
        for block in (b for b in shell_blocks() if page(b) == name and run_here(b)):
            if "background" in block.markers:
                first = session.start(block)
                port = _LISTENING.search(first)
                if port:
                    session.substitutions[DOC_PORT] = port.group(1)
                continue
            ran = session.run(block)
            assert ran.returncode == 0, f"{block.where} failed:\n{session.show()}"
            assert "Traceback" not in ran.output, f"{block.where}:\n{ran.output}"
    finally:
        session.close()
        print("\n" + session.show())
