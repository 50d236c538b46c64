"""Tier 3b: an existing Python stack moves from the dynamic TrackingDomain to the plugin's native one, as
docs/other-languages.md describes, without SparkPost seeing a write: forget, switch the class, adopt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject

pytestmark = pytest.mark.engine

KEY = "migration-test-key-3c9e1f7a5b"
DOMAIN = "moving.example.com"
DYNAMIC = "pulumi-python:dynamic/sparkpost:TrackingDomain"
NATIVE = "sparkpost-tracking:index:TrackingDomain"
NATIVE_PROGRAM = """
import pulumi

from sparkpost_tracking.plugin.resources import TrackingDomain

config = pulumi.Config()
opts = pulumi.ResourceOptions(protect=config.get_bool("protect"))
for entry in config.require_object("domains"):
    domain = TrackingDomain(entry["domain"], {"domain": entry["domain"], "api_url": config.require("apiUrl"),
                                              "adopt_existing": True}, opts)
    pulumi.export(entry["domain"], {"verified": domain.verified, "port": domain.port})
"""


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def test_a_python_stack_moves_to_the_native_resource(cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    stack = PulumiProject(tmp_path, cli_dir)
    stack.init(emu.base_url, KEY, [{"domain": DOMAIN}], verifyInterval="0")
    stack.up()
    dynamic = next(r for r in stack.export()["deployment"]["resources"] if r["type"] == DYNAMIC)

    # 1. The plugin reads its own config namespace.
    stack.run("config", "set", "--secret", "sparkpost-tracking:apiKey", stdin=KEY)
    # 2. Forget the dynamic resource: state only.
    emu.clear_requests()
    assert dynamic["protect"] is True  # protected by default: the CLI forgets it only when forced
    forgotten = stack.run("state", "delete", "--force", dynamic["urn"], "--yes")
    assert "deleted" in forgotten.text.lower()
    # 3. Switch the program to the native class (adopt_existing: the domain is there).
    (tmp_path / "__main__.py").write_text(NATIVE_PROGRAM)
    preview = stack.preview()
    assert f"+  {NATIVE} {DOMAIN} create" in preview.text, preview.text
    # 4. One up adopts it: the create reads the domain first, finds it, and finds nothing to change.
    stack.up()
    assert emu.count(method="PUT") == emu.count(method="DELETE") == 0
    assert emu.count(method="POST", path_suffix="/tracking-domains") == 0  # found by the read: nothing posted
    assert [d["domain"] for d in emu.domains()] == [DOMAIN]
    resources = stack.export()["deployment"]["resources"]
    assert DYNAMIC not in [r["type"] for r in resources]
    [native] = [r for r in resources if r["type"] == NATIVE]
    assert native.get("protect") is True  # as protected as the dynamic one was
    emu.clear_requests()
    assert stack.preview("--expect-no-changes").returncode == 0
    assert emu.count() == 0
    stack.retire("--skip-preview")
    assert emu.domains() == []
