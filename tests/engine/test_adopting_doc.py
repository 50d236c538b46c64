"""Tier 3b: docs/adopting.md's two walkthroughs, run exactly as written (bash, the real CLI, the installed
``sparkpost-tracking`` command) against the emulator seeded with the 13-domain account: verified, unverified,
default, associated and managed domains. Each walkthrough's first ``up`` writes nothing to a steady domain, and only
the write that its import named beforehand to the one that is not (a managed domain whose verification lapsed);
each ends in ``pulumi preview --expect-no-changes``."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import DOMAINS, SENDING, seed_account, snapshot, writes, writes_by_domain
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


def said_before(done: subprocess.CompletedProcess[str], marker: str) -> dict[str, list[str]]:
    """The writes the import's report announced (its warning lines), each before ``marker`` shows that Pulumi ran."""
    found: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        warned = re.match(r"\s+warning: (\S+) \(.*?\): --(?:out|stack-config): .*?the first up sends (.*?) \(", line)
        if warned:
            assert done.stdout.index(line) < done.stdout.index(marker), f"{line!r} came after {marker!r}"
            found[warned.group(1)] = warned.group(2).split(", ")
    return found


def unchanged_but(before: tuple[Any, ...], after: tuple[Any, ...], verified: set[str]) -> None:
    """The account after adoption: as it was, except the domains whose announced verify succeeded."""
    assert after[1] == before[1]  # the associations
    changed = {new["domain"] for old, new in zip(before[0], after[0], strict=True) if old != new}
    assert changed == verified
    assert all(new["status"]["verified"] for new in after[0] if new["domain"] in verified)


def test_the_yaml_walkthrough(cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    before = snapshot(emu)
    project = PulumiProject(tmp_path / "yaml", cli_dir, stack="prod", source=tmp_path / "yaml")
    (project.workdir / "Pulumi.yaml").unlink()  # the walkthrough writes its own
    done = run_block("adopting-yaml", project, emu)
    program = yaml.safe_load((project.workdir / "Pulumi.yaml").read_text())
    resources = len(DOMAINS) + 2 * len(SENDING)  # the tracking domains, the associations, the sending domains
    assert program["runtime"] == "yaml" and len(program["resources"]) == resources
    # Adopted resources show as import steps; the one domain that is not steady was named, with its write, first.
    assert f"= {resources} imported" in done.stdout
    announced = said_before(done, "Importing (prod)")
    assert announced == {"m.example.com": ["POST /tracking-domains/m.example.com/verify"]}
    # Measured: the first up wrote what was announced and nothing else (every steady domain: reads only).
    assert writes_by_domain(emu.requests()) == announced
    assert len(writes(emu.requests())) == 1
    unchanged_but(before, snapshot(emu), {"m.example.com"})


def test_the_stack_walkthrough(cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    before = snapshot(emu)
    project = PulumiProject(tmp_path / "stack", cli_dir, stack="prod", source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
    done = run_block("adopting-stack", project, emu)
    stack_file = yaml.safe_load((project.workdir / "Pulumi.prod.yaml").read_text())
    config = stack_file["config"]
    domains = config[f"{STACK_PROGRAM_NAME}:domains"]
    # Verified, unverified, the default, associated, all managed: the four the selection names.
    assert [e["domain"] for e in domains] == ["click.example.com", "m.example.com", "click.brand-a.com",
                                              "m.brand-a.com"]
    assert {e["domain"] for e in domains if e.get("makeDefault")} == {"click.brand-a.com"}
    assert [e["domain"] for e in domains if e.get("sendingDomains")] == ["click.example.com"]
    # The stack's own file was merged into, not replaced: its salt and the secret it encrypts still work.
    assert stack_file["encryptionsalt"] and "secure" in config["sparkpost:apiKey"]
    assert project.run("config", "get", "sparkpost:apiKey").stdout.strip() == KEY
    # The preview shows each adoption as a create with adopt_existing: true (Pulumi cannot import a dynamic
    # resource): the four domains and the association.
    preview = done.stdout[done.stdout.index("Previewing update (prod)"):done.stdout.index("Updating (prod)")]
    assert len(re.findall(r"\+ pulumi-python:dynamic/sparkpost:TrackingDomain(Association)?: \(create\)",
                          preview)) == 5
    assert len(re.findall(r"adopt_existing\s*: true", preview)) == 5
    announced = said_before(done, "Previewing update (prod)")
    assert announced == {"m.example.com": ["POST /tracking-domains/m.example.com/verify"]}
    assert writes_by_domain(emu.requests()) == announced
    assert len(writes(emu.requests())) == 1
    unchanged_but(before, snapshot(emu), {"m.example.com"})


def test_no_other_command_in_the_document_goes_unrun() -> None:
    """Every shell block of the document is one of the two the tests run."""
    blocks = re.findall(r"```sh\n", DOC.read_text())
    assert len(blocks) == 2 and all(block(m) for m in ("adopting-yaml", "adopting-stack"))
    assert os.path.basename(__file__) in DOC.read_text()
