"""P4 (state bytes per domain) and P5 (engine parallelism), plus engine wall times, with the real CLI.

Runs the raw-TrackingDomain project of tests/engine against the emulator on a local file backend.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject, find_cli

from .table import Row

KEY = "bench-engine-key-0123456789"
#: pulumi.dynamic's gRPC server runs a ThreadPoolExecutor(max_workers=4): at most 4 calls at once.
PROVIDER_WORKERS = 4
#: Added wall time ÷ the serial bound.
P5_BUDGET = 0.15


def _domains(n: int, prefix: str) -> list[dict[str, str]]:
    return [{"domain": f"{prefix}{i}.example.com"} for i in range(n)]


def _project(root: Path, name: str, cli: Path, emu: Emulator, n: int) -> PulumiProject:
    project = PulumiProject(root / name, cli)
    project.init(emu.base_url, KEY, _domains(n, name), verifyInterval="0", retryBackoff="0.05")
    return project


def _exported_bytes(project: PulumiProject) -> int:
    return len(json.dumps(project.export(), separators=(",", ":")).encode())


def measure(parallel_n: int = 50, latency: float = 0.2) -> list[Row]:
    cli = find_cli()
    if cli is None:
        return [Row("P4/P5", "engine figures", "skipped", "-", "-", "no Pulumi CLI (run scripts/get-pulumi)")]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp, Emulator(api_keys=[KEY]) as emu:
        root = Path(tmp)
        one = _project(root, "one", cli, emu, 1)
        up1 = one.up().seconds
        twenty = _project(root, "twenty", cli, emu, 20)
        up20 = twenty.up().seconds
        preview20 = twenty.preview("--expect-no-changes").seconds
        rows += [
            Row("engine", "pulumi up, 1 tracking domain (wall)", round(up1, 2), "-", "s", "measured"),
            Row("engine", "pulumi up, 20 tracking domains (wall)", round(up20, 2), round(up1 * 20, 2), "s",
                "vs 20 x the 1-domain up"),
            Row("engine", "pulumi preview, unchanged 20-domain stack (wall)", round(preview20, 2), "-", "s",
                "0 SparkPost requests"),
        ]
        per_domain = (_exported_bytes(twenty) - _exported_bytes(one)) / 19
        rows.append(Row("P4", "exported state per tracking domain", round(per_domain), "-", "bytes",
                        "stack export, (20-domain - 1-domain) / 19"))

        # P5: the same 50-domain up with no latency (engine overhead) and with latency per request. The serial bound
        # counts the requests a create makes, as measured (P1: the read before the POST, the POST, the verify).
        base = _project(root, "fast", cli, emu, parallel_n)
        emu.clear_requests()
        overhead = base.up().seconds
        requests_per_create = emu.count() / parallel_n
        emu.update_settings(latency=latency)
        slow = _project(root, "slow", cli, emu, parallel_n)
        with_latency = slow.up().seconds
        emu.update_settings(latency=0.0)
        serial = parallel_n * requests_per_create * latency
        unbounded = requests_per_create * latency
        worker_bound = math.ceil(parallel_n / PROVIDER_WORKERS) * requests_per_create * latency
        engine_parallel = 4 * (os.cpu_count() or 1)  # the engine's default --parallel
        engine_bound = math.ceil(parallel_n / engine_parallel) * requests_per_create * latency
        added = with_latency - overhead
        rows += [
            Row("P5", f"pulumi up {parallel_n} domains, {latency * 1000:.0f} ms/request: added wall time",
                round(added, 2), round(serial, 1), "s", f"serial bound {serial:.1f} s ({requests_per_create:g} "
                f"requests a domain); ratio {added / serial:.2f}" + ("" if added / serial <= P5_BUDGET else " MISSED")),
            Row("P5", "  same, against the parallel bounds", round(added, 2), round(worker_bound, 1), "s",
                f"{PROVIDER_WORKERS}-worker bound {worker_bound:.1f} s, the engine's default --parallel "
                f"({engine_parallel}) {engine_bound:.1f} s, unbounded {unbounded:.1f} s"),
            Row("P5", "  engine overhead of that up (no latency)", round(overhead, 2), "-", "s", "measured"),
        ]
    return rows
