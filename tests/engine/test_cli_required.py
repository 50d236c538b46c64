"""No silent skip: without a Pulumi CLI the CLI tier fails under CI and skips (saying why) elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.engine.pulumi_cli import REPO


def run_cli_tier(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(PATH=str(Path(sys.executable).parent) + os.pathsep + "/usr/bin:/bin",
               SPARKPOST_TRACKING_CACHE=str(tmp_path / "no-cli-here"))
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                           "tests/engine/test_cli.py::test_up_creates_every_domain"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_missing_cli_fails_the_run_in_ci(tmp_path: Path) -> None:
    result = run_cli_tier(tmp_path, ci=True)
    assert result.returncode != 0, result.stdout
    assert "Pulumi CLI not found" in result.stdout and "error" in result.stdout


def test_missing_cli_skips_with_the_reason_outside_ci(tmp_path: Path) -> None:
    result = run_cli_tier(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout and "Pulumi CLI not found" in result.stdout
