"""Tier 3b: live chains are protected. ``pulumi destroy`` of the repository's stack fails without a single
SparkPost write (with and without ``--skip-preview``); the retire block of docs/retiring.md, run as written, then
destroys it. A stack written by 0.2.0 (no ``protect`` in state) upgrades with a first preview that shows only the
protect flip, which ``review`` calls safe, and an ``up`` that asks SparkPost nothing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import REPO, STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject

#: The block of the docs this test runs as written.
BLOCK = re.compile(r"<!-- run-by: tests/engine/test_protect_cli\.py.*?-->\s*```sh\n(.*?)```",
                   re.DOTALL)

pytestmark = pytest.mark.engine

KEY = "protect-cli-key-9f8e7d6c5b4a"
DOMAINS = [{"domain": "track.example.com", "cdn": "managed", "sendingDomains": ["brand-a.com"]},
           {"domain": "eu-track.example.com", "cdn": "managed", "region": "eu"}]
SPARKPOST_TYPES = ("pulumi-python:dynamic/sparkpost:TrackingDomain",
                   "pulumi-python:dynamic/sparkpost:TrackingDomainAssociation")
RETIRING = REPO / "docs" / "retiring.md"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        emulator.add_sending_domain("brand-a.com")
        yield emulator


@pytest.fixture
def stack(cli_dir: Path, emu: Emulator, tmp_path: Path) -> PulumiProject:
    project = PulumiProject(tmp_path / "stack", cli_dir, stack="dev", source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
    project.init(emu.base_url, KEY, DOMAINS, verifyInterval="0", certificateTimeout="30")
    project.up()
    return project


def writes(emu: Emulator) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in emu.requests() if r.method != "GET"]


def retire_block() -> str:
    found = re.search(BLOCK.pattern, RETIRING.read_text(), re.DOTALL)
    assert found, "docs/retiring.md lost its retire block"
    return found.group(1)


def sparkpost_resources(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in state["deployment"]["resources"] if r["type"] in SPARKPOST_TYPES]


def test_destroy_of_a_protected_stack_fails_without_a_write_then_the_retire_path_succeeds(
        stack: PulumiProject, emu: Emulator) -> None:
    assert all(r.get("protect") for r in sparkpost_resources(stack.export()))
    emu.clear_requests()
    for extra in ((), ("--skip-preview",)):
        failed = stack.run("destroy", "--yes", *extra, check=False)
        assert failed.returncode != 0
        assert "cannot be deleted" in failed.text and "because it is protected" in failed.text
        assert writes(emu) == [], extra
    assert sorted(d["domain"] for d in emu.domains()) == ["eu-track.example.com", "track.example.com"]
    assert {d["domain"]: d.get("tracking_domain") for d in emu.sending_domains()} == {
        "brand-a.com": "track.example.com"}

    done = subprocess.run(["bash", "-euo", "pipefail", "-c", retire_block()], cwd=stack.workdir, env=stack.env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert emu.domains() == []
    assert {d["domain"]: d.get("tracking_domain") or None for d in emu.sending_domains()} == {"brand-a.com": None}


def test_a_0_2_0_stack_upgrades_with_only_the_protect_flip(stack: PulumiProject, emu: Emulator,
                                                          tmp_path: Path) -> None:
    state = stack.export()
    for resource in state["deployment"]["resources"]:
        resource.pop("protect", None)  # what 0.2.0 wrote: nothing was protected
    (tmp_path / "old.json").write_text(json.dumps(state))
    stack.run("stack", "import", "--file", str(tmp_path / "old.json"))
    assert not any(r.get("protect") for r in stack.export()["deployment"]["resources"])

    emu.clear_requests()
    # What a person sees: nothing changes but the lock on each SparkPost resource.
    text = stack.preview("--diff").stdout
    assert text.count("(same) 🔒") == len(sparkpost_resources(state)) and "unchanged" in text
    assert not re.search(r"\b(to create|to update|to delete|to replace)\b", text), text
    preview = stack.preview("--json", "--show-sames", "--show-replacement-steps")
    done = subprocess.run([sys.executable, "-m", "sparkpost_tracking", "review", "--json", "--fail-on", "risky"],
                          input=preview.stdout, capture_output=True, text=True, timeout=120, env=stack.env)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["verdict"] == "safe"
    whys = {(c["link"], c["why"]) for d in report["domains"] for c in d["changes"]}
    assert whys == {("sparkpost", "protection turned on"), ("association", "protection turned on")}
    steps = json.loads(preview.stdout)["steps"]
    flips = [s for s in steps if (s.get("oldState") or {}).get("protect") != (s.get("newState") or {}).get("protect")]
    assert {s["newState"]["type"] for s in flips} == set(SPARKPOST_TYPES)
    assert all(s["op"] == "same" or s.get("diffReasons") in (None, [], ["protect"]) for s in steps), steps

    stack.up()
    assert emu.count() == 0  # the flag lives in state only
    assert all(r.get("protect") for r in sparkpost_resources(stack.export()))
    assert stack.preview("--expect-no-changes").returncode == 0
