"""Tier 3b: the real Pulumi CLI (up, preview, refresh, destroy, stack export) against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject

pytestmark = pytest.mark.engine

KEY = "cli-test-key-5f3c0a9d1e7b4c2a"
DOMAINS = [{"domain": f"track{i}.example.com"} for i in range(3)]



@pytest.fixture(scope="module")
def stack(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> PulumiProject:
    project = PulumiProject(tmp_path_factory.mktemp("cli-stack"), cli_dir)
    project.init(emu.base_url, KEY, DOMAINS, verifyInterval="0", retryBackoff="0.05")
    # These tests preview replaces and deletes on purpose: protection off, the documented way (docs/retiring.md).
    project.run("config", "set", f"{project.name}:protect", "false")
    return project


def stored(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {d["domain"]: d for d in emu.domains()}


def test_up_creates_every_domain(stack: PulumiProject, emu: Emulator) -> None:
    stack.up()
    domains = stored(emu)
    assert sorted(domains) == [d["domain"] for d in DOMAINS]
    assert all(d["secure"] and d["status"]["verified"] for d in domains.values())


def test_second_preview_reports_no_changes(stack: PulumiProject, emu: Emulator) -> None:
    emu.clear_requests()
    result = stack.preview("--expect-no-changes")
    assert result.returncode == 0
    assert emu.count() == 0  # a no-op preview asks SparkPost nothing


def test_refresh_finds_out_of_band_changes_and_up_repairs_them(stack: PulumiProject, emu: Emulator) -> None:
    emu.mutate("track0.example.com", secure=False)
    emu.remove("track1.example.com")
    emu.clear_requests()
    refresh = stack.run("refresh", "--yes", "--skip-preview")
    assert emu.count(method="GET") == len(DOMAINS)  # one GET per domain
    assert "track0.example.com" in refresh.text and "track1.example.com" in refresh.text
    drifted = stack.preview("--expect-no-changes", check=False)
    assert drifted.returncode != 0
    stack.up()
    domains = stored(emu)
    assert domains["track0.example.com"]["secure"] is True
    assert "track1.example.com" in domains and domains["track1.example.com"]["status"]["verified"] is True
    assert stack.preview("--expect-no-changes").returncode == 0


def test_preview_shows_update_for_secure_and_replace_for_domain(stack: PulumiProject) -> None:
    changed = [{"domain": "track0.example.com", "secure": False},
               {"domain": "renamed1.example.com", "name": "track1.example.com"},
               DOMAINS[2]]
    stack.set_domains(changed)
    try:
        text = stack.preview("--diff").text
    finally:
        stack.set_domains(DOMAINS)
    blocks = resource_blocks(text)
    assert blocks["track0.example.com"][0].endswith("(update)"), text
    assert any(line.startswith("~ secure") and "true => false" in line for line in blocks["track0.example.com"])
    assert blocks["track1.example.com"][0].endswith("(replace)"), text
    assert any(line.startswith("~ domain") and "renamed1.example.com" in line for line in blocks["track1.example.com"])
    assert "track2.example.com" not in blocks  # unchanged resources are not listed


def resource_blocks(preview: str) -> dict[str, list[str]]:
    """Map each resource named in a `pulumi preview --diff` text to its block of stripped lines."""
    blocks: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in preview.splitlines():
        line = raw.strip()
        if line.endswith(")") and "TrackingDomain:" in line:
            current = [line]
        elif current:
            current.append(line)
            if line.startswith("[urn=") and "TrackingDomain::" in line:
                blocks[line.rsplit("::", 1)[1].rstrip("]")] = current
    return blocks


def test_the_key_is_nowhere_in_state_or_output(stack: PulumiProject) -> None:
    exported = stack.export()
    assert KEY not in str(exported)
    # Dynamic providers get the whole stack config, and the engine records it as the pulumi-python
    # provider's inputs: the key is there only as a ciphertext secret, never in plain text.
    resources = exported["deployment"]["resources"]
    for resource in resources:
        recorded = resource.get("inputs", {}).get("sparkpost:apiKey")
        if recorded is not None:
            assert set(recorded) >= {"ciphertext"}, recorded
    assert not any("apiKey" in str(r.get("outputs", {})) for r in resources if "TrackingDomain" in r["type"])
    assert all(KEY not in result.text for result in stack.transcript)
    state_files = [p for p in (stack.workdir / "state").rglob("*") if p.is_file()]
    assert state_files and all(KEY.encode() not in p.read_bytes() for p in state_files)
    # The stack file holds the key only encrypted.
    assert KEY not in (stack.workdir / "Pulumi.test.yaml").read_text()


def test_destroy_leaves_the_emulator_empty(stack: PulumiProject, emu: Emulator) -> None:
    stack.retire("--skip-preview")
    assert emu.domains() == []
