"""Tier 3b: the pull-request workflow of docs/pull-requests.md, run locally against the repository's stack and the
emulator: every ``run`` of examples/ci/github-actions.yml except the comment upload, and the pipe the doc shows.
A change that deletes a live domain fails the check with the Markdown to post; an unchanged stack passes."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import REPO, STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject

#: The block of the docs this test runs as written.
BLOCK = re.compile(r"<!-- run-by: tests/engine/test_ci_example\.py.*?-->\s*```sh\n(.*?)```",
                   re.DOTALL)

pytestmark = pytest.mark.engine

KEY = "ci-example-key-5a4b3c2d1e0f"
WORKFLOW = REPO / "examples" / "ci" / "github-actions.yml"
DOC = REPO / "docs" / "pull-requests.md"
DOMAINS = [{"domain": "track.example.com", "cdn": "managed"}, {"domain": "old.example.com", "cdn": "managed"}]
UPLOAD = "gh pr comment"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def stack(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> PulumiProject:
    project = PulumiProject(tmp_path_factory.mktemp("ci-stack"), cli_dir, stack="prod", source=STACK_PROGRAM,
                            name=STACK_PROGRAM_NAME)
    project.init(emu.base_url, KEY, DOMAINS, verifyInterval="0", certificateTimeout="30")
    project.up()
    return project


def workflow_steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    [job] = workflow["jobs"].values()
    return list(job["steps"])


def run_workflow(stack: PulumiProject, tmp_path: Path) -> tuple[int, str]:
    """Every ``run`` step in order, as Actions runs it (``bash -e``), with ``GITHUB_OUTPUT``/``GITHUB_PATH`` files;
    the setup step runs in the repository, the others in the stack's directory. Returns the last step's exit code
    and the Markdown that the upload step would post."""
    outputs, paths = tmp_path / "github_output", tmp_path / "github_path"
    workflow_env = yaml.safe_load(WORKFLOW.read_text())["env"]
    env = {**stack.env, "STACK": stack.stack, "GITHUB_OUTPUT": str(outputs), "GITHUB_PATH": str(paths),
           "VENV": sys.prefix}
    assert workflow_env["STACK"] and "PULUMI_CONFIG_PASSPHRASE" in workflow_env
    code = 0
    uploads = 0
    for step in workflow_steps():
        if "run" not in step:
            continue
        if step["run"].startswith(UPLOAD):
            uploads += 1
            continue  # posting the comment needs GitHub
        values = dict(line.split("=", 1) for line in outputs.read_text().splitlines()) if outputs.exists() else {}
        script = re.sub(r"\$\{\{ steps\.review\.outputs\.(\w+) \}\}",
                        lambda m, given=values: given[m.group(1)], step["run"])
        cwd = REPO if "scripts/setup" in script else stack.workdir
        done = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=900)
        code = done.returncode
        if step.get("name", "").startswith("Fail when"):
            break
        assert code == 0, f"{step.get('name')}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    assert uploads == 1
    assert paths.read_text().strip() == f"{REPO}/.venv/bin"
    return code, (stack.workdir / "review.md").read_text()


def test_an_unchanged_stack_passes_with_a_safe_comment(stack: PulumiProject, emu: Emulator, tmp_path: Path) -> None:
    emu.clear_requests()
    code, comment = run_workflow(stack, tmp_path)
    assert code == 0
    assert comment.startswith("## sparkpost-tracking review: ✅ **safe**")
    assert emu.count() == 0


def test_deleting_a_live_domain_fails_the_check_and_says_why(stack: PulumiProject, emu: Emulator,
                                                             tmp_path: Path) -> None:
    stack.set_domains(DOMAINS[:1])
    try:
        emu.clear_requests()
        code, comment = run_workflow(stack, tmp_path)
    finally:
        stack.set_domains(DOMAINS)
    assert code == 1
    assert comment.startswith("## sparkpost-tracking review: ⛔ **breaks-links**")
    assert "| old.example.com | ⛔ breaks-links | 1 delete |" in comment
    assert [(r.method, r.path) for r in emu.requests() if r.method != "GET"] == []


def doc_block() -> str:
    found = re.search(BLOCK.pattern, DOC.read_text(), re.DOTALL)
    assert found, "docs/pull-requests.md lost its pipe block"
    return found.group(1)


def test_the_pipe_of_the_doc_exits_by_fail_on(stack: PulumiProject) -> None:
    env = {**stack.env}
    done = subprocess.run(["bash", "-c", doc_block()], cwd=stack.workdir, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✅ **safe**" in done.stdout
    stack.set_domains(DOMAINS[:1])
    try:
        done = subprocess.run(["bash", "-c", doc_block()], cwd=stack.workdir, env=env, capture_output=True,
                              text=True, timeout=600)
    finally:
        stack.set_domains(DOMAINS)
    assert done.returncode == 1 and "⛔ **breaks-links**" in done.stdout
