"""Tier 3b: a create whose verification is held says how the wait goes, on both paths, before it completes.

The emulator answers verify with "pending" until the test has seen a progress line in the CLI's own output; only
then does it let verification pass, so the line must have come while the create was still waiting (no timing).
The dynamic provider says it on the stack once the wait passes ``progressAfter``; the plugin also puts every poll
on the resource's own line (ephemeral), and says the same lasting line.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject
from tests.engine.yaml_project import PACKAGE, YamlProject

pytestmark = pytest.mark.engine

KEY = "progress-key-3c5e7a9b1d"
DOMAIN = "track.example.com"
LINE = re.compile(rf"verifying {re.escape(DOMAIN)}: cname_status \w+, (\d+) s of 300 s")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def up_until_progress(workdir: Path, env: dict[str, str], cli_dir: Path, emu: Emulator) -> tuple[str, str]:
    """Run ``pulumi up``; when a progress line shows, let verification pass. Returns that line and the output."""
    emu.update_settings(default_verification="pending")
    up = subprocess.Popen([str(cli_dir / "pulumi"), "up", "--yes", "--skip-preview", "--non-interactive"],
                          cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    found = threading.Event()
    assert up.stdout is not None

    def read() -> None:
        for line in up.stdout:  # type: ignore[union-attr]
            seen.append(line)
            if not found.is_set() and LINE.search(line):
                found.set()
                emu.set_verification(DOMAIN, "valid")  # the create was still waiting: now it may finish

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert up.wait(timeout=600) == 0, "".join(seen)
    finally:
        if up.poll() is None:
            up.kill()
    reader.join(30)
    assert found.is_set(), "no progress line:\n" + "".join(seen)
    first = next(line for line in seen if LINE.search(line))
    return first, "".join(seen)


def test_the_dynamic_provider_says_how_a_held_verification_goes(cli_dir: Path, emu: Emulator,
                                                                 tmp_path: Path) -> None:
    stack = PulumiProject(tmp_path, cli_dir)
    stack.init(emu.base_url, KEY, [{"domain": DOMAIN}], verifyInterval="0.2", progressAfter="1")
    line, _output = up_until_progress(stack.workdir, stack.env, cli_dir, emu)
    print(f"\n{line}")
    assert int(LINE.search(line).group(1)) >= 1  # type: ignore[union-attr]
    assert emu.get(DOMAIN)["status"]["verified"] is True  # type: ignore[index]


def test_the_plugin_says_how_a_held_verification_goes(yaml_cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    program = YamlProject(tmp_path, yaml_cli_dir,
                          {"plain": {"type": f"{PACKAGE}:TrackingDomain", "properties": {"domain": DOMAIN},
                                     "options": {"protect": False}}})
    program.init(emu.base_url, KEY, verifyInterval="0.2", progressAfter="1")
    line, _output = up_until_progress(program.workdir, program.env, yaml_cli_dir, emu)
    print(f"\n{line}")
    assert f"{PACKAGE}:index:TrackingDomain" in line or "plain" in line  # on the resource's own line
    assert emu.get(DOMAIN)["status"]["verified"] is True  # type: ignore[index]
