"""Every install line of README.md and docs/, run as written in a fresh venv with the pip that venv ships.

Each scenario is a reader's terminal (``tests.docs.session``): a fresh home, a clone of this repository, the
system's ``python3``; it runs the named blocks in order, and then the test asks the venv what it holds. Every
shell block of the docs that installs something (``pip install``/``pip wheel``) belongs to a scenario here or
carries a ``needs:`` marker. Needs PyPI for the dependencies, as CI has. Run with ``-s`` for the transcripts.
"""

from __future__ import annotations

import ensurepip
import json
import subprocess
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import ROOT, Block, blocks, doc_files
from tests.docs.session import DocSession

pytestmark = pytest.mark.engine

README, CHECK = ROOT / "README.md", ROOT / "docs" / "check.md"
COMPONENTS, OTHER = ROOT / "docs" / "components.md", ROOT / "docs" / "other-languages.md"
SDKS = ("pulumi_aws", "pulumi_cloudflare", "pulumi_fastly")


def block(path: Path, starts: str) -> Block:
    """The shell block of ``path`` whose first line starts with ``starts``."""
    [found] = [b for b in blocks(path) if b.is_shell and b.text.startswith(starts)]
    return found


VENV = (README, "python3 -m venv ~/venvs/tracking")
#: scenario → (blocks in order, the venv they install into, modules it must then hold, modules it must not)
SCENARIOS: dict[str, tuple[list[tuple[Path, str]], str, list[str], list[str]]] = {
    "wheel, then extras added later": (
        [VENV, (README, "pip wheel --no-deps --wheel-dir dist ."), (CHECK, "pip install 'sparkpost-tracking[check]'")],
        "~/venvs/tracking", ["sparkpost_tracking", "pulumi_aws", "pulumi_cloudflare", "dns", "cryptography"],
        ["pulumi_fastly", "werkzeug"]),
    "git+file URL of the clone": (
        [VENV, (README, 'pip install "sparkpost-tracking[aws] @ git+file://localhost')],
        "~/venvs/tracking", ["sparkpost_tracking", "pulumi_aws"], ["pulumi_cloudflare", "pulumi_fastly"]),
    "this repository's stack, every extra": (
        [(README, "python3 -m venv .venv && .venv/bin/pip install -e '.[all]'"),
         (COMPONENTS, "python3 -m venv .venv && .venv/bin/pip install -e '.[all]'")],
        ".venv", ["sparkpost_tracking", *SDKS, "werkzeug", "dns", "cryptography"], []),
    "the plugin for other languages": (
        [(OTHER, "python3 -m venv ~/sparkpost-tracking")],
        "~/sparkpost-tracking", ["sparkpost_tracking"], [*SDKS, "werkzeug"]),
}

#: Pages whose every shell block another test runs as written.
RUN_ELSEWHERE: dict[Path, str] = {ROOT / "docs" / "yaml-quickstart.md": "tests/engine/test_yaml_quickstart.py"}

_PROBE = """
import importlib.util, json, sys, pip
names = json.loads(sys.argv[1])
print(json.dumps({"pip": pip.__version__, "found": [n for n in names if importlib.util.find_spec(n)]}))
"""


def test_every_install_line_is_run_here_or_marked() -> None:
    run_here = {block(path, starts).where for steps, *_ in SCENARIOS.values() for path, starts in steps}
    run_here |= {b.where for path in RUN_ELSEWHERE for b in blocks(path)}
    installs = [b for path in doc_files() for b in blocks(path)
                if b.is_shell and ("pip install" in b.text or "pip wheel" in b.text)]
    # A `run-by:` block is run as written by the test it names (tests.engine.test_docs_blocks checks the name).
    unmarked = [b.where for b in installs
                if b.where not in run_here and not ({"needs", "run-by"} & set(b.markers))]
    assert not unmarked, f"install lines neither run by {__name__} nor marked 'needs:' or 'run-by:': {unmarked}"
    print("\nmarked, not run here:\n" + "\n".join(f"  {b.where}: needs {b.markers['needs']}"
                                                 for b in installs if "needs" in b.markers))


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_install_lines_run_as_written(scenario: str, cli_dir: Path, tmp_path: Path) -> None:
    steps, venv, present, absent = SCENARIOS[scenario]
    session = DocSession(tmp_path, cli_dir)  # components.md's block ends in `pulumi login --local`
    try:
        for path, starts in steps:
            ran = session.run(block(path, starts))
            assert ran.returncode == 0, f"{ran.block.where} failed:\n{session.show()}"
    finally:
        print("\n" + session.show())
    python = (session.home / venv[2:] if venv.startswith("~/") else session.cwd / venv) / "bin" / "python"
    probe = subprocess.run([python, "-c", _PROBE, json.dumps([*present, *absent])], check=True,
                           capture_output=True, text=True, cwd=tmp_path)
    found = json.loads(probe.stdout)
    assert found["pip"] == ensurepip.version()  # the venv's own pip, never upgraded
    assert sorted(found["found"]) == sorted(present)
