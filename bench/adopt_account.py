"""P7: adopting a large account. ``sparkpost-tracking import`` of 500 tracking domains in the primary account and
10 subaccounts (with an associated sending domain per scope): how many requests and how long, then the
``pulumi import -f`` of its file and the unchanged preview, under the real CLI against the emulator.

The reference for requests is what importing domain by domain costs SparkPost: one read per object. The command
lists instead, so its requests stay at two however large the account; the figure is requests per adopted object.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import seed_large, writes
from tests.engine.pulumi_cli import find_cli
from tests.engine.yaml_project import YamlProject

from .table import Row

KEY = "bench-adopt-key-0123456789abcdef"
DOMAINS = 500
SUBACCOUNTS = 10


def _import_command(emu: Emulator, workdir: Path) -> tuple[float, dict[str, object]]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SPARKPOST_")}, "SPARKPOST_API_KEY": KEY}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sparkpost_tracking", "import", "--api-url", emu.base_url,
                           "--out", "import.json", "--json"], cwd=workdir, env=env, capture_output=True, text=True,
                          check=True)
    return time.perf_counter() - started, dict(json.loads(done.stdout))


def measure(domains: int = DOMAINS, subaccounts: int = SUBACCOUNTS) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp, Emulator(api_keys=[KEY]) as emu:
        root = Path(tmp)
        seed_large(emu, domains, subaccounts)
        emu.clear_requests()
        seconds, report = _import_command(emu, root)
        objects = sum(int(report[kind]) for kind in ("domains", "associations", "sending_domains"))  # type: ignore[call-overload]
        requests = emu.count()
        rows.append(Row("P7", f"import of {domains} domains in {subaccounts} subaccounts + primary: requests per "
                        "adopted object", round(requests / objects, 4), 1, "requests/object",
                        f"{requests} requests for {objects} objects (one read each: {objects}); "
                        f"{seconds:.2f} s wall, interpreter start included"))
        cli = find_cli()
        if cli is None or not (cli / "pulumi-language-yaml").exists():
            rows.append(Row("P7", "pulumi import -f of the file", "skipped", "-", "-", "no Pulumi CLI with YAML"))
            return rows
        program = YamlProject(root / "program", cli, {})
        program.init(emu.base_url, KEY)
        emu.clear_requests()
        generated = root / "generated.yaml"
        imported = program.run("import", "-f", str(root / "import.json"), "--yes", "--out", str(generated))
        import_reads, import_writes = emu.count(method="GET"), len(writes(emu.requests()))
        program.resources.update(yaml.safe_load(generated.read_text())["resources"])
        program.write()
        emu.clear_requests()
        preview = program.preview("--expect-no-changes", check=False)
        rows.append(Row("P7", f"  pulumi import -f of the {objects} objects: reads per object",
                        round(import_reads / objects, 3), "-", "requests/object",
                        f"{import_reads} reads, {import_writes} writes, {imported.seconds:.1f} s; the command took "
                        f"{seconds / imported.seconds:.3f}x of it"))
        rows.append(Row("P7", "  then pulumi preview --expect-no-changes", preview.returncode, 0, "exit code",
                        f"{emu.count()} requests, {preview.seconds:.1f} s"))
    return rows


if __name__ == "__main__":
    from .table import render

    print(render(measure()))
