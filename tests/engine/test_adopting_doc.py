"""Tier 3b: docs/adopting.md's two walkthroughs, run exactly as written (bash, the real CLI, the installed
``sparkpost-tracking`` command) against the emulator seeded with the 12-domain account. Each ends in
``pulumi preview --expect-no-changes``; SparkPost receives no write."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import DOMAINS, SENDING, seed_account, snapshot, writes
from tests.engine.pulumi_cli import REPO, STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject

pytestmark = pytest.mark.engine

KEY = "adopting-doc-key-6f5e4d3c2b1a0918"
DOC = REPO / "docs" / "adopting.md"


def block(marker: str) -> str:
    label = {"adopting-yaml": "the YAML walkthrough", "adopting-stack": "the stack walkthrough"}[marker]
    found = re.search(rf"<!-- run-by: tests/engine/test_adopting_doc\.py \({label}\).*?-->\s*```sh\n(.*?)```",
                      DOC.read_text(), re.DOTALL)
    assert found, f"docs/adopting.md lost its {marker} block"
    return found.group(1)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        seed_account(emulator)
        emulator.clear_requests()
        yield emulator


def run_block(marker: str, project: PulumiProject, emu: Emulator) -> subprocess.CompletedProcess[str]:
    # The project's environment: its own backend and home, the CLI and this venv (the `sparkpost-tracking` command
    # and the plugin) on PATH; the key only in the environment, as the document asks.
    env = {**project.env, "API": emu.base_url, "SPARKPOST_API_KEY": KEY}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block(marker)], cwd=project.workdir, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert KEY not in done.stdout + done.stderr
    return done


def test_the_yaml_walkthrough(cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    before = snapshot(emu)
    project = PulumiProject(tmp_path / "yaml", cli_dir, stack="prod", source=tmp_path / "yaml")
    (project.workdir / "Pulumi.yaml").unlink()  # the walkthrough writes its own
    run_block("adopting-yaml", project, emu)
    program = yaml.safe_load((project.workdir / "Pulumi.yaml").read_text())
    assert program["runtime"] == "yaml" and len(program["resources"]) == len(DOMAINS) + len(SENDING)
    assert writes(emu.requests()) == [] and snapshot(emu) == before


def test_the_stack_walkthrough(cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    before = snapshot(emu)
    project = PulumiProject(tmp_path / "stack", cli_dir, stack="prod", source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
    run_block("adopting-stack", project, emu)
    config = yaml.safe_load((project.workdir / "Pulumi.prod.yaml").read_text())["config"]
    assert sorted(e["domain"] for e in config[f"{STACK_PROGRAM_NAME}:domains"]) == [
        "click.example.com", "m.brand-a.com", "m.brand-b.com"]
    assert writes(emu.requests()) == [] and snapshot(emu) == before


def test_no_other_command_in_the_document_goes_unrun() -> None:
    """Every shell block of the document is one of the two the tests run."""
    blocks = re.findall(r"```sh\n", DOC.read_text())
    assert len(blocks) == 2 and all(block(m) for m in ("adopting-yaml", "adopting-stack"))
    assert os.path.basename(__file__) in DOC.read_text()
