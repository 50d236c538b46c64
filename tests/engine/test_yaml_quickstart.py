"""Tier 3b: the program of docs/yaml-quickstart.md, as written there, runs against the emulator."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.engine.yaml_project import PACKAGE, YamlProject, plugin_dir

pytestmark = pytest.mark.engine

QUICKSTART = Path(__file__).resolve().parents[2] / "docs" / "yaml-quickstart.md"
KEY = "demo-key"


def quickstart_program() -> dict:
    blocks = re.findall(r"```yaml\n(.*?)```", QUICKSTART.read_text(), flags=re.S)
    program = yaml.safe_load(blocks[0])
    assert program["plugins"]["providers"][0]["name"] == PACKAGE
    return dict(program)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def test_the_quickstart_program_runs_as_documented(yaml_cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    program = quickstart_program()
    project = YamlProject(tmp_path, yaml_cli_dir, program["resources"], program["outputs"], stack="dev",
                          name=program["name"])
    # The documented plugin path is a placeholder: the project points at where this environment installed it.
    assert (tmp_path / "Pulumi.yaml").read_text().count(f"path: {plugin_dir()}") == 1
    project.init(emu.base_url, KEY, verifyInterval="0")
    preview = project.preview().text
    assert "sparkpost-tracking:index:TrackingDomain" in preview and "tracking-sparkpost" in preview
    project.up()
    assert project.outputs_now() == {
        "cnameTarget": "v2.spgo.io", "linksPort": 443, "trackingVerified": True,
        "dnsRecords": [{"name": "track.example.com", "type": "CNAME", "value": "v2.spgo.io"}]}
    assert project.preview("--expect-no-changes").returncode == 0
    assert project.run("destroy", "--yes", "--skip-preview", check=False).returncode != 0  # protected
    assert sorted(d["domain"] for d in emu.domains()) == ["links.example.com", "track.example.com"]
    project.run("state", "unprotect", "--all", "--yes")  # the quickstart's clean-up, as written there
    project.run("destroy", "--yes", "--skip-preview")
    assert emu.domains() == []
