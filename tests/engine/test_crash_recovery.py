"""Tier 3b: ``kill -9`` of the pulumi CLI in the middle of an ``up``, then the recovery docs/recovery.md gives, on
both paths: a Python program (the dynamic provider) and a YAML program (the provider plugin).

The provider process must stop calling SparkPost within half a second of its engine's death, and the documented
commands, run as written, must leave state equal to SparkPost with no pending operation and no hand edit.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from sparkpost_tracking.dynamic_providers.types import TRACKING_DOMAIN
from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import REPO, PulumiProject
from tests.engine.yaml_project import PACKAGE, PLUGIN, YamlProject, plugin_dir

pytestmark = pytest.mark.engine

KEY = "crash-test-key-51d0e8a3"
DOMAINS = [{"domain": f"track{i}.example.com", **({"default": True} if i == 0 else {})} for i in range(5)]
RECOVERY_DOC = REPO / "docs" / "recovery.md"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


STOPPED_WITHIN = 0.5  # seconds from the engine's death to its provider process's exit (both paths)


def recovery_commands() -> str:
    """The shell block that follows the ``<!-- run-by: tests/engine/test_crash_recovery.py`` marker in
    docs/recovery.md (one block serves both paths)."""
    text = RECOVERY_DOC.read_text()
    found = re.search(r"<!-- run-by: tests/engine/test_crash_recovery\.py.*?-->\s*```sh\n(.*?)```", text, re.DOTALL)
    assert found, "docs/recovery.md lost its recovery block"
    return found.group(1)


class Stack(Protocol):
    workdir: Path
    env: dict[str, str]

    def export(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class EnginePath:
    """How one engine path sets up the five-domain stack, and how its provider process is recognized."""

    name: str
    provider_marker: bytes

    def stack(self, workdir: Path, cli_dir: Path, emu: Emulator) -> Stack:
        settings = {"verifyInterval": "0.2", "verifyTimeout": "3600"}
        if self.name == "python":
            python = PulumiProject(workdir, cli_dir)
            python.init(emu.base_url, KEY, DOMAINS, **settings)
            return python
        resources = {d["domain"].split(".")[0]: {"type": f"{PACKAGE}:TrackingDomain", "properties": d}
                     for d in DOMAINS}
        program = YamlProject(workdir, cli_dir, resources)
        program.init(emu.base_url, KEY, **settings)
        # The recovery's python is the one sparkpost-tracking (and so the plugin) was installed with.
        program.env["PATH"] = os.pathsep.join([str(plugin_dir()), program.env["PATH"]])
        return program


PATHS = [EnginePath("python", b"pulumi.dynamic"), EnginePath("yaml", PLUGIN.encode())]


def processes_in(workdir: Path, marker: bytes = b"") -> list[int]:
    """Our own processes working in ``workdir`` (the CLI's plugins), optionally only those whose command line
    contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.readlink(entry / "cwd") != str(workdir) or marker not in (entry / "cmdline").read_bytes():
                continue
        except OSError:
            continue
        found.append(int(entry.name))
    return found


def engine_started(pid: int, engine: int) -> bool:
    """Whether the engine (the CLI, ``engine``) started ``pid`` itself, not through its language host (which also
    starts the plugin, for the schema, and outlives the CLI by a second or two: that copy calls no SparkPost)."""
    while pid not in (engine, 0, 1):
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent != engine and b"pulumi-language-" in Path(f"/proc/{parent}/cmdline").read_bytes():
                return False
        except (OSError, ValueError, IndexError):
            return False
        pid = parent
    return pid == engine


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return result


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_kill_9_mid_up_then_the_documented_recovery(path: EnginePath, yaml_cli_dir: Path, emu: Emulator,
                                                    tmp_path: Path) -> None:
    stack = path.stack(tmp_path, yaml_cli_dir, emu)
    emu.update_settings(default_verification="pending")  # creates stay busy polling verify
    # --parallel 3: the engine starts 3 of the 5 creates, so the kill finds the up half-way whatever the
    # provider's own concurrency.
    up = subprocess.Popen([str(yaml_cli_dir / "pulumi"), "up", "--yes", "--skip-preview", "--non-interactive",
                           "--parallel", "3"],
                          cwd=stack.workdir, env=stack.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: emu.count("POST", "/tracking-domains") >= 3, "the first creates to reach SparkPost")
        providers = wait_for(lambda: [pid for pid in processes_in(stack.workdir, path.provider_marker)
                                      if engine_started(pid, up.pid)], "the provider process")
        wait_for(lambda: emu.count(path_suffix="/verify") >= 3, "the creates to poll verify")
        killed_at = time.time()
        up.send_signal(signal.SIGKILL)
        up.wait()
        # The engine is gone: its provider process must stop (it would otherwise poll for an hour).
        wait_for(lambda: not any(pid in processes_in(stack.workdir) for pid in providers),
                 "the orphaned provider process to exit", timeout=60)
        stopped_at = time.time()
        last_call = max(r.received_at for r in emu.requests())
        print(f"\ncrash: provider stopped {stopped_at - killed_at:.2f}s after kill -9 of the CLI; its last "
              f"SparkPost call came {last_call - killed_at:.2f}s after it")
        assert last_call <= stopped_at
        assert stopped_at - killed_at < STOPPED_WITHIN
        created = {d["domain"] for d in emu.domains()}
        assert 3 <= len(created) < len(DOMAINS)  # interrupted half-way
    finally:
        if up.poll() is None:
            up.kill()
        for pid in processes_in(stack.workdir):  # the CLI's language host outlives it too
            os.kill(pid, signal.SIGKILL)

    pending = stack.export()["deployment"].get("pending_operations") or []
    assert sorted(p["resource"]["inputs"]["domain"] for p in pending) == sorted(created)  # the creates in flight
    emu.update_settings(default_verification="valid")
    emu.clear_requests()
    recovery = subprocess.run(["bash", "-euo", "pipefail", "-c", recovery_commands()],
                              cwd=stack.workdir,
                              env=stack.env, capture_output=True, text=True, timeout=900)
    assert recovery.returncode == 0, recovery.stdout[:6000] + recovery.stderr[-3000:]

    deployment = stack.export()["deployment"]
    assert not deployment.get("pending_operations")
    in_state = {r["id"]: r["outputs"] for r in deployment["resources"] if r["type"] in TRACKING_DOMAIN.tokens}
    in_sparkpost = {d["domain"]: d for d in emu.domains()}
    assert sorted(in_state) == sorted(in_sparkpost) == sorted(d["domain"] for d in DOMAINS)
    for name, outputs in in_state.items():
        found = in_sparkpost[name]
        assert (outputs["secure"], outputs["default"], outputs["verified"], outputs["port"]) == (
            found["secure"], found["default"], found["status"]["verified"], found["port"]), name
    assert in_sparkpost["track0.example.com"]["default"] is True
    assert all(d["secure"] and d["status"]["verified"] for d in in_sparkpost.values())
    # Every interrupted domain was taken back as it was found, never posted twice into existence: the recovery
    # posted only the domains the dead run had not reached, and each of those POSTs was answered.
    posts = [r for r in emu.requests() if r.method == "POST" and r.path.endswith("/tracking-domains")]
    assert len(posts) == len(DOMAINS) - len(created) and all(r.status == 200 for r in posts)
