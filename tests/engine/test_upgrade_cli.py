"""Tier 3b: a stack made by 0.1.0 (the provider pickled as ``dynamic_providers.TrackingDomainProvider``) upgrades
with one ``pulumi up`` that rewrites the provider reference in state and makes no SparkPost call; refresh then
loads the provider from state again. What CHANGELOG.md tells users, proven under the real CLI."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject

pytestmark = pytest.mark.engine

KEY = "upgrade-test-key-0a1b2c3d4e5f"
DOMAINS = [{"domain": "track.example.com"}]
TYPE = "pulumi-python:dynamic/sparkpost:TrackingDomain"
# The 0.1.0 layout: the provider class lived in a top-level `dynamic_providers` package.
OLD_PROVIDER = """
import sys, types
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _serialize
from sparkpost_tracking.dynamic_providers import TrackingDomainProvider
old = types.ModuleType("dynamic_providers")
old.TrackingDomainProvider = TrackingDomainProvider
sys.modules["dynamic_providers"] = old
TrackingDomainProvider.__module__ = "dynamic_providers"
print(_serialize(True, serialize_provider, TrackingDomainProvider())[0])
"""



def old_provider() -> str:
    text = subprocess.run([sys.executable, "-c", OLD_PROVIDER], check=True, capture_output=True, text=True,
                          cwd="/").stdout.strip()
    assert b"dynamic_providers" in base64.b64decode(text) and b"sparkpost_tracking" not in base64.b64decode(text)
    return text


def providers(state: dict[str, Any]) -> set[str]:
    return {r[part]["__provider"] for r in state["deployment"]["resources"] if r["type"] == TYPE
            for part in ("inputs", "outputs")}


def test_a_pre_namespace_stack_upgrades_with_one_up_and_no_call(cli_dir: Path, emu: Emulator,
                                                                tmp_path: Path) -> None:
    stack = PulumiProject(tmp_path / "project", cli_dir)
    stack.init(emu.base_url, KEY, DOMAINS, verifyInterval="0")
    stack.up()
    state = stack.export()
    [current] = providers(state)
    # Rewind state to what 0.1.0 wrote.
    old = old_provider()
    (tmp_path / "old.json").write_text(json.dumps(state).replace(current, old))
    stack.run("stack", "import", "--file", str(tmp_path / "old.json"))
    assert providers(stack.export()) == {old}

    emu.clear_requests()
    preview = stack.preview("--diff")
    assert f"~ {TYPE}: (update)" in preview.stdout and "~ 1 to update" in preview.stdout
    stack.up()
    assert emu.count() == 0  # the provider reference is rewritten in state only
    assert providers(stack.export()) == {current}
    assert stack.preview("--expect-no-changes").returncode == 0

    stack.run("refresh", "--yes", "--skip-preview")  # loads the provider from state: it imports again
    assert emu.count(method="GET") == 1
