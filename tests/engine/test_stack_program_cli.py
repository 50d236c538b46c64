"""Tier 3b for the product path: this repository's stack program (Pulumi.yaml + __main__.py + components)
under the real CLI, with the managed-HTTPS example against the emulator (as scripts/demo runs it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.check.fake_dns import FakeDns
from tests.engine.pulumi_cli import REPO, STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject

pytestmark = pytest.mark.engine

KEY = "stack-program-key-7d1e2f3a4b5c"



def example_domains() -> list[dict[str, Any]]:
    example = yaml.safe_load((REPO / "examples" / "Pulumi.managed.yaml").read_text())
    return list(example["config"][f"{STACK_PROGRAM_NAME}:domains"])


@pytest.fixture(scope="module")
def stack(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> PulumiProject:
    project = PulumiProject(tmp_path_factory.mktemp("stack-program"), cli_dir, stack="managed",
                            source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
    project.init(emu.base_url, KEY, example_domains(), verifyInterval="0", certificateTimeout="30")
    return project


def test_up_runs_the_whole_managed_flow(stack: PulumiProject, emu: Emulator) -> None:
    result = stack.up()
    stored = {d["domain"]: d for d in emu.domains()}
    assert sorted(stored) == sorted(d["domain"] for d in example_domains())
    for domain in stored.values():
        assert domain["uses_managed_certificate"] is True and domain["status"]["tls_status"] == "valid"
        assert domain["secure"] is True
    defaults = [d["domain"] for d in example_domains() if d.get("makeDefault")]
    assert [name for name, d in stored.items() if d["default"]] == defaults
    steps = [r.path.rsplit("/", 1)[-1] for r in emu.requests() if r.method == "POST"]
    assert {"verify", "check", "enable"} <= set(steps)
    assert "ManagedTrackingDomain" in result.text
    # The records to create by hand are said once for the stack, not once per domain.
    diagnostics = result.stdout.split("Diagnostics:", 1)[1]
    assert diagnostics.count("DNS record(s) for you to set up") == 1
    assert diagnostics.count("track.example.com CNAME v2.spgo.io") == 1


def test_outputs_list_the_cnames_to_create(stack: PulumiProject) -> None:
    outputs = json.loads(stack.run("stack", "output", "--json").stdout)
    records = {r["name"]: r["value"] for r in outputs["dnsRecordsToCreate"]}
    assert records == {"track.example.com": "v2.spgo.io", "eu-track.example.com": "eu.v2.spgo.io"}
    assert all(entry["verified"] is True for entry in outputs["trackingDomains"].values())


def test_check_takes_the_target_account_and_key_from_the_stack(stack: PulumiProject, emu: Emulator) -> None:
    """`sparkpost-tracking check --from-stack`: the CNAME target, the CDN and the SparkPost account come from the
    stack's outputs, the key from its secret config (the environment has none); DNS answers from a local server."""
    before = emu.count("POST", "/verify")
    records = {"track.example.com": [("CNAME", "v2.spgo.io")], "v2.spgo.io": [("A", "192.0.2.20")]}
    with FakeDns(records) as dns:
        done = subprocess.run(
            [sys.executable, "-m", "sparkpost_tracking", "check", "track.example.com", "--from-stack",
             "--sparkpost-verify", "--dns-server", dns.address, "--skip", "tls", "--skip", "https", "--skip", "http",
             "--json"], cwd=stack.workdir, env=stack.env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert (report["expected_target"], report["target_source"], report["cdn"]) == ("v2.spgo.io", "stack", "managed")
    # A managed-HTTPS host (cdn 'managed' from the stack) also gets the caa step; no CAA record: any CA may issue.
    assert {s["step"]: s["status"] for s in report["steps"] if s["required"]} == {"dns": "pass", "caa": "pass",
                                                                                  "sparkpost": "pass"}
    assert emu.count("POST", "/verify") == before + 1
    assert KEY not in done.stdout + done.stderr


def test_unchanged_stack_previews_without_changes_or_requests(stack: PulumiProject, emu: Emulator) -> None:
    emu.clear_requests()
    preview = stack.preview("--expect-no-changes")
    assert emu.count() == 0
    # The domains are verified, so their records exist: the preview does not repeat them.
    assert "CNAME" not in preview.text and "Diagnostics" not in preview.text


def test_destroy_empties_sparkpost(stack: PulumiProject, emu: Emulator) -> None:
    stack.retire("--skip-preview")
    assert emu.domains() == []
