"""P6 for the plugin's native ``TrackingDomain``: do SparkPost waits overlap? Measured under the real CLI.

The same figure as ``waits`` (the dynamic resource), for a Pulumi YAML program of N native ``TrackingDomain``s
served by ``pulumi-resource-sparkpost-tracking``: the emulator holds every verify call W seconds, and the added wall
time (the same ``pulumi up`` without the hold subtracted) divided by W is 1 when all waits overlap. The engine's
``--parallel`` is the only limit the plugin leaves; ``providerWorkers 0`` shows the SDK's default executor instead
(min(32, CPUs + 4) threads).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import find_cli
from tests.engine.yaml_project import PACKAGE, YamlProject

from .table import Row
from .waits import HOLD, REPEATS

KEY = "bench-native-waits-key-0123456789"
N = 16
BUDGET = 1.5


def _project(root: Path, name: str, cli: Path, emu: Emulator, n: int, **settings: str) -> YamlProject:
    resources = {f"d{i}": {"type": f"{PACKAGE}:TrackingDomain", "properties": {"domain": f"{name}{i}.example.com"}}
                 for i in range(n)}
    project = YamlProject(root / name, cli, resources)
    project.init(emu.base_url, KEY, verifyInterval="0", retryBackoff="0.05", **settings)
    return project


def _added_up(root: Path, cli: Path, emu: Emulator, tag: str, n: int, parallel: int | None,
              **settings: str) -> tuple[float, int]:
    """(added wall time of an up whose verifies are held HOLD s, most verifies SparkPost saw at once).

    The fastest of REPEATS of each kind is kept (noise on a shared machine only adds); the in-flight peak is
    exact, and says the same thing without noise: how many waits overlapped.
    """
    flags = ("--parallel", str(parallel)) if parallel else ()
    plain: list[float] = []
    held: list[float] = []
    peak = 0
    for attempt in range(REPEATS):
        plain.append(_project(root, f"{tag}{attempt}a", cli, emu, n, **settings).up(*flags).seconds)
        project = _project(root, f"{tag}{attempt}b", cli, emu, n, **settings)
        emu.delay_next(n, HOLD, method="POST", path_suffix="/verify")
        emu.clear_requests()
        held.append(project.up(*flags).seconds)
        peak = max(peak, emu.in_flight()["peak"])
        emu.clear_faults()
    return min(held) - min(plain), peak


def measure() -> list[Row]:
    cli = find_cli()
    if cli is None or not (cli / "pulumi-language-yaml").exists():
        return [Row("P6", "native waits overlap", "skipped", "-", "-",
                    "no Pulumi CLI with pulumi-language-yaml (run scripts/get-pulumi)")]
    cores = os.cpu_count() or 1
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp, Emulator(api_keys=[KEY]) as emu:
        root = Path(tmp)
        added, peak = _added_up(root, cli, emu, "n64-", N, parallel=64)
        ratio = added / HOLD
        rows.append(Row("P6", f"native: up of {N} domains (YAML), verify held {HOLD:g} s, --parallel 64: added / hold",
                        round(ratio, 2), BUDGET, "x", f"<= {BUDGET} ({added:.1f} s added; {peak} verifies at once)"
                        + ("" if ratio <= BUDGET else " MISSED")))
        added, peak = _added_up(root, cli, emu, "nd-", N, parallel=None)
        rows.append(Row("P6", f"  native: same at the default --parallel ({4 * cores})", round(added / HOLD, 2), "-",
                        "x", f"{added:.1f} s added; {peak} verifies at once: the engine's limit, "
                        f"{-(-N // (4 * cores))} rounds predicted"))
        added, peak = _added_up(root, cli, emu, "n0-", N, parallel=64, providerWorkers="0")
        threads = min(32, cores + 4)
        rows.append(Row("P6", f"  native: same, providerWorkers 0 (the SDK's {threads}-thread executor)",
                        round(added / HOLD, 2), "-", "x",
                        f"{added:.1f} s added; {peak} verifies at once; {threads} threads predict {-(-N // threads)}"))
    return rows


if __name__ == "__main__":
    from .table import render

    print(render(measure()))
