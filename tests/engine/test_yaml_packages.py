"""Tier 3b: Pulumi's convention for a local package, ``packages:`` in Pulumi.yaml, with a YAML program.

``pulumi package add <path>`` gets the schema from the plugin, generates an SDK, then links it into the project,
which writes the ``packages:`` entry. The YAML language host built here (pulumi-yaml 1.25) has no ``Link``, so
the command stops there (``method Link not implemented``); the entry it would write works when written by hand:
the plugin's directory, relative to the project. (A ``PulumiPlugin.yaml`` at the repository's root cannot serve:
the Python host would run the root ``__main__.py``, which is this repository's stack program, not the plugin.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.engine.yaml_project import PACKAGE, PLUGIN, YamlProject, plugin_dir

pytestmark = pytest.mark.engine

KEY = "yaml-packages-key-5e6f7a8b"


def test_package_add_gets_the_schema_and_the_packages_entry_runs(yaml_cli_dir: Path, emu: Emulator,
                                                                 tmp_path: Path) -> None:
    resources = {"links": {"type": "sparkpost-tracking:TrackingDomain", "properties": {"domain": "p.example.com"}}}
    project = YamlProject(tmp_path, yaml_cli_dir, resources, stack="dev", name="yaml-packages")
    program = {"name": "yaml-packages", "runtime": "yaml", "resources": resources}
    (tmp_path / "Pulumi.yaml").write_text(yaml.safe_dump(program, sort_keys=False))

    added = project.run("package", "add", str(plugin_dir() / PLUGIN), check=False)
    print(f"\n$ pulumi package add {plugin_dir() / PLUGIN}  # exit {added.returncode}\n{added.text}")
    # The schema came from the plugin: the SDK generation step wrote it.
    assert f"Successfully generated an SDK for the {PACKAGE} package" in added.text
    entry = yaml.safe_load((tmp_path / "Pulumi.yaml").read_text()).get("packages")
    if added.returncode != 0:
        assert "method Link not implemented" in added.text and entry is None
        program["packages"] = {PACKAGE: os.path.relpath(plugin_dir(), tmp_path)}
        (tmp_path / "Pulumi.yaml").write_text(yaml.safe_dump(program, sort_keys=False))
    else:
        assert PACKAGE in entry

    # No plugins.providers, and the plugin's directory is not on PATH: only `packages:` can find it.
    assert "plugins" not in yaml.safe_load((tmp_path / "Pulumi.yaml").read_text())
    project.init(emu.base_url, KEY, verifyInterval="0")
    project.run("up", "--yes", "--skip-preview")
    assert [d["domain"] for d in emu.domains()] == ["p.example.com"]
    assert project.preview("--expect-no-changes").returncode == 0
    project.run("destroy", "--yes", "--skip-preview")
    assert emu.domains() == []
