"""scripts/get-pulumi, when another build of the same version holds the lock: it says so at once, then how long it
has waited, every ``GET_PULUMI_WAIT_REPORT`` seconds, and uses the other build once that is done.

The "other build" is this test: it holds the lock of an empty cache entry, waits until get-pulumi has reported its
wait twice, then finishes the entry (the machine's finished build, linked in with its markers) and lets go. Needs Go
and its module cache holding the CLI's module, as every machine that built the CLI has (scripts/test builds it).
"""

from __future__ import annotations

import fcntl
import os
import queue
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.engine.pulumi_cli import REPO

pytestmark = pytest.mark.engine


def finished_build(cli_dir: Path) -> tuple[str, list[Path]]:
    """The version of the machine's cached build and its files (markers included)."""
    markers = sorted(cli_dir.glob(".tools-*"))
    if not (cli_dir / ".complete").exists() or not markers or not cli_dir.parent.name.startswith("pulumi-"):
        message = f"{cli_dir} is not a finished scripts/get-pulumi build (no .complete/.tools-* markers)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return cli_dir.parent.name.removeprefix("pulumi-"), sorted(cli_dir.iterdir())


def test_a_second_build_says_it_waits_and_how_long_then_uses_the_first(cli_dir: Path, tmp_path: Path) -> None:
    version, files = finished_build(cli_dir)
    cache = tmp_path / "cache"
    dest = cache / f"pulumi-{version}" / "bin"
    dest.mkdir(parents=True)
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p and not (Path(p) / "pulumi").exists()]
    env = {**os.environ, "SPARKPOST_TRACKING_CACHE": str(cache), "PULUMI_VERSION": version,
           "GET_PULUMI_WAIT_REPORT": "1", "PATH": os.pathsep.join(path)}
    lines: queue.Queue[str] = queue.Queue()
    said: list[str] = []
    with (cache / f".pulumi-{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other build is under way
        proc = subprocess.Popen([str(REPO / "scripts" / "get-pulumi")], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True)  # type: ignore[union-attr]
        reader.start()
        deadline = time.monotonic() + 120
        while sum("still waiting" in line for line in said) < 2:
            assert proc.poll() is None, "".join(said)
            try:
                said.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail("get-pulumi did not report its wait twice in 120 s:\n" + "".join(said))
        for file in files:  # the other build finishes: its files, then its markers, then the lock is released
            (dest / file.name).symlink_to(file)
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.wait(timeout=120)
    reader.join(timeout=30)
    while not lines.empty():
        said.append(lines.get())
    text = "".join(said)
    assert proc.returncode == 0, text
    assert out.strip().splitlines()[-1] == str(dest)
    waiting = [line for line in said if "waiting" in line]
    assert waiting[0].startswith(f"get-pulumi: another get-pulumi is building Pulumi v{version} (it holds "
                                 f"{cache}/.pulumi-{version}.lock): waiting for it")
    assert waiting[1].startswith(f"get-pulumi: still waiting for the other build of v{version}: ")
    seconds = [int(line.rsplit(": ", 1)[1].split("s")[0]) for line in waiting if "still waiting" in line]
    assert seconds == sorted(seconds) and seconds[-1] >= 1
    assert f"the other build of v{version} finished; waited" in text
    assert f"using cached build {dest}" in text
    assert "building Pulumi CLI" not in text  # nothing was built twice
