"""P6: do the SparkPost waits of many tracking domains overlap? Measured under the real CLI.

N ``TrackingDomain``s are created while the emulator holds every verify call W seconds. The added wall time
(the same ``pulumi up`` without the hold subtracted) divided by W is 1 when all waits overlap and N/4 when
the provider serves 4 calls at a time (Pulumi's dynamic-provider server without our wider pool: the
``sparkpost:providerWorkers 0`` rows). The engine's own limit is ``--parallel`` (default 4 x CPUs), so the
figures are taken with ``--parallel`` at least N and, for N=16, also at the default. The provider process's
peak RSS is sampled from /proc while it runs. A refresh of 100 domains with 200 ms per request is measured
the same way.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject, find_cli

from .table import Row

KEY = "bench-waits-key-0123456789"
HOLD = 3.0  # seconds SparkPost "takes" to verify each domain
LATENCY = 0.2  # seconds per request in the refresh figure
REPEATS = 2


def _project(root: Path, name: str, cli: Path, emu: Emulator, n: int, **settings: str) -> PulumiProject:
    project = PulumiProject(root / name, cli)
    project.init(emu.base_url, KEY, [{"domain": f"{name}{i}.example.com"} for i in range(n)],
                 verifyInterval="0", retryBackoff="0.05", **settings)
    return project


def _provider_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"pulumi.dynamic" in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


@contextmanager
def _peak_rss() -> Iterator[list[float]]:
    """Samples the high-water RSS (VmHWM) of every dynamic-provider process until the block ends; MiB."""
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.1):
            for pid in _provider_pids():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            peak[0] = max(peak[0], int(line.split()[1]) / 1024)
                except OSError:
                    continue

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def _added_up(root: Path, cli: Path, emu: Emulator, tag: str, n: int, parallel: int | None,
              **settings: str) -> tuple[float, float]:
    """(added wall time of an up whose verifies are held HOLD s, peak provider RSS MiB).

    Each kind of up runs REPEATS times, alternating, and the fastest of each is kept: wall times on a shared
    2-core machine only ever grow with noise, so the minimum is the cleanest estimate.
    """
    flags = ("--parallel", str(parallel)) if parallel else ()
    plain: list[float] = []
    held: list[float] = []
    peak_mib = 0.0
    for attempt in range(REPEATS):
        plain.append(_project(root, f"{tag}{attempt}a", cli, emu, n, **settings).up(*flags).seconds)
        project = _project(root, f"{tag}{attempt}b", cli, emu, n, **settings)
        emu.delay_next(n, HOLD, method="POST", path_suffix="/verify")
        with _peak_rss() as peak:
            held.append(project.up(*flags).seconds)
        emu.clear_faults()
        peak_mib = max(peak_mib, peak[0])
    return min(held) - min(plain), peak_mib


def _added_refresh(root: Path, cli: Path, emu: Emulator, tag: str, n: int, parallel: int,
                   **settings: str) -> float:
    project = _project(root, tag, cli, emu, n, **settings)
    project.up("--parallel", str(parallel))
    flags = ("refresh", "--yes", "--skip-preview", "--parallel", str(parallel))
    fast: list[float] = []
    slow: list[float] = []
    for _ in range(REPEATS):
        fast.append(project.run(*flags).seconds)
        emu.update_settings(latency=LATENCY)
        try:
            slow.append(project.run(*flags).seconds)
        finally:
            emu.update_settings(latency=0.0)
    return min(slow) - min(fast)


def measure() -> list[Row]:
    cli = find_cli()
    if cli is None:
        return [Row("P6", "waits overlap", "skipped", "-", "-", "no Pulumi CLI (run scripts/get-pulumi)")]
    cores = os.cpu_count() or 1
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp, Emulator(api_keys=[KEY]) as emu:
        root = Path(tmp)
        for n, budget in ((16, 1.5), (100, 2.0)):
            added, rss = _added_up(root, cli, emu, f"w{n}-", n, parallel=2 * n)
            ratio = added / HOLD
            rows.append(Row("P6", f"up of {n} domains, verify held {HOLD:g} s, --parallel {2 * n}: added / hold",
                            round(ratio, 2), budget, "x", f"<= {budget} ({added:.1f} s added)"
                            + ("" if ratio <= budget else " MISSED")))
            if n == 100:
                rows.append(Row("P6", f"  peak RSS of the provider process, {n} domains", round(rss), "-", "MiB",
                                "VmHWM sampled from /proc"))
        added, _ = _added_up(root, cli, emu, "w16d-", 16, parallel=None)
        rows.append(Row("P6", f"  same, 16 domains at the default --parallel ({4 * cores})", round(added / HOLD, 2),
                        "-", "x", f"{added:.1f} s added; the engine runs {4 * cores} operations at once"))
        added, _ = _added_up(root, cli, emu, "w16o-", 16, parallel=32, providerWorkers="0")
        rows.append(Row("P6", "  same, 16 domains, providerWorkers 0 (Pulumi's 4 workers)", round(added / HOLD, 2),
                        4.0, "x", f"{added:.1f} s added; 4 workers predict 16/4 = 4"))
        for tag, settings, note in (("r", {}, "<= 2 s"), ("ro", {"providerWorkers": "0"}, "4 workers predict ~5 s")):
            added = _added_refresh(root, cli, emu, f"{tag}100-", 100, parallel=128, **settings)
            label = "refresh of 100 domains, 200 ms/request, --parallel 128: added wall time"
            if settings:
                label = "  same, providerWorkers 0 (Pulumi's 4 workers)"
            rows.append(Row("P6", label, round(added, 2), 2.0 if not settings else 5.0, "s",
                            note + ("" if settings or added <= 2.0 else " MISSED")))
    return rows
