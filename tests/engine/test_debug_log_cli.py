"""Tier 3b: docs/troubleshooting.md's steps before a ``PULUMI_DEBUG_GRPC`` session, run as written on a stack of
each path whose key was in stack config, and every debug log searched for the key afterwards.

On each path (this repository's stack program, the Python dynamic provider; a YAML program, the plugin):

1. the key in stack config, one ``up``: a debug log of a ``preview`` holds the key (what the page warns of);
2. ``pulumi config rm`` alone is not enough: the next preview's log still holds it, from the provider's inputs that
   the last ``up`` saved (then the key goes back into config, and an ``up`` saves it again);
3. the page's block, as written (``<key>`` is this test's key; on the YAML path its ``config rm`` line is the one
   the page gives for that path): its ``up`` changes nothing and asks SparkPost nothing, and the log of its
   ``preview`` holds the key in no form; nor do logs of a later ``up`` and ``refresh``.
"""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.docs.markdown_blocks import ROOT, blocks
from tests.engine.pulumi_cli import STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject
from tests.engine.yaml_project import PACKAGE, YamlProject

pytestmark = pytest.mark.engine

KEY = "debug-log-key-7c3e9a1f5b2d4e6f"
PAGE = ROOT / "docs" / "troubleshooting.md"
DOMAIN = {"domain": "track.example.com", "cdn": "managed"}


def the_block() -> str:
    [block] = [b for b in blocks(PAGE) if "test_debug_log_cli.py" in b.markers.get("run-by", "")]
    return block.text


def spellings(key: str) -> set[str]:
    """The key as a log could hold it: as is, JSON-escaped, URL-encoded, base64 (bytes fields)."""
    return {key, json.dumps(key)[1:-1], quote(key, safe=""), base64.b64encode(key.encode()).decode()[:-4]}


def held(log: Path) -> int:
    text = log.read_text()
    return sum(text.count(form) for form in spellings(KEY))


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@pytest.fixture(params=["python", "yaml"])
def stack(request: pytest.FixtureRequest, cli_dir: Path, emu: Emulator,
          tmp_path: Path) -> tuple[str, PulumiProject | YamlProject]:
    if request.param == "python":
        project: PulumiProject | YamlProject = PulumiProject(tmp_path / "py", cli_dir, stack="debug",
                                                             source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
        project.init(emu.base_url, KEY, [DOMAIN], verifyInterval="0")
        return "sparkpost:apiKey", project
    request.getfixturevalue("yaml_cli_dir")
    resources = {"track": {"type": f"{PACKAGE}:ManagedTrackingDomain", "properties": {"domain": DOMAIN["domain"]}}}
    project = YamlProject(tmp_path / "yaml", cli_dir, resources, stack="debug")
    project.init(emu.base_url, KEY, verifyInterval="0")
    return f"{PACKAGE}:apiKey", project


def logged(project: PulumiProject | YamlProject, log: Path, *args: str) -> int:
    """Run one pulumi command with its gRPC messages logged to ``log``; how often the log holds the key."""
    saved = project.env
    project.env = {**saved, "PULUMI_DEBUG_GRPC": str(log)}
    try:
        project.run(*args)
    finally:
        project.env = saved
    return held(log)


def test_the_pages_steps_leave_a_debug_log_without_the_key(stack: tuple[str, PulumiProject | YamlProject],
                                                           emu: Emulator, tmp_path: Path) -> None:
    key_name, project = stack
    project.run("up", "--yes", "--skip-preview")
    # 1. The key in config: the log holds it.
    assert logged(project, tmp_path / "in-config.json", "preview") > 0
    # 2. Out of the config, but still in the provider's inputs saved by the last up.
    project.run("config", "rm", key_name)
    project.env["SPARKPOST_API_KEY"] = KEY
    after_rm = logged(project, tmp_path / "after-rm.json", "preview")
    print(f"\nkey in the log of a preview right after 'pulumi config rm {key_name}': {after_rm} times")
    assert after_rm > 0
    project.run("config", "set", "--secret", key_name, stdin=KEY)
    project.run("up", "--yes", "--skip-preview")
    del project.env["SPARKPOST_API_KEY"]
    # 3. The page's block, as a reader runs it.
    script = the_block().replace("<key>", KEY)
    if key_name != "sparkpost:apiKey":
        script = script.replace("pulumi config rm sparkpost:apiKey ", f"pulumi config rm {key_name} ")
    emu.clear_requests()
    done = subprocess.run(["bash", "-e", "-c", script], cwd=project.workdir, env=project.env, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    print(f"$ {script}\n{done.stdout}{done.stderr}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert emu.count() == 0  # the up saved the provider's inputs and changed nothing
    after_up = done.stdout[done.stdout.index("Updating ("):]
    up_output = after_up[:after_up.index("Previewing update (")]
    assert "unchanged" in up_output and " created" not in up_output and " updated" not in up_output
    assert held(project.workdir / "grpc.json") == 0
    assert "Configure" in (project.workdir / "grpc.json").read_text()  # the log is a real one
    project.env["SPARKPOST_API_KEY"] = KEY
    assert logged(project, tmp_path / "up.json", "up", "--yes", "--skip-preview") == 0
    assert logged(project, tmp_path / "refresh.json", "refresh", "--yes") == 0
