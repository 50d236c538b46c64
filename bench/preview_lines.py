"""P8: how much a reviewer reads. Lines that ``pulumi preview`` prints for the managed example stack
(examples/Pulumi.managed.yaml, two domains) after ``up``: unchanged, and with one domain added; and how many of
them are about DNS records to create by hand. Needs the CLI (scripts/get-pulumi) and runs against the emulator.

Before the records were said once per stack (and not at all once a domain is verified), 0.2.0 printed 15 lines
for the unchanged stack (4 of them naming a record) and 88 for the one-domain change (12, output diffs included).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import REPO, STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject, find_cli

from .table import Row

KEY = "bench-preview-lines-0123456789"
BEFORE = {"unchanged": (15, 4), "one domain added": (88, 12)}


def measure() -> list[Row]:
    cli = find_cli()
    assert cli is not None, "run scripts/get-pulumi first"
    example = yaml.safe_load((REPO / "examples" / "Pulumi.managed.yaml").read_text())
    domains = example["config"][f"{STACK_PROGRAM_NAME}:domains"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Emulator(api_keys=[KEY]) as emu:
        stack = PulumiProject(Path(tmp), cli, stack="bench", source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
        stack.init(emu.base_url, KEY, domains, verifyInterval="0", certificateTimeout="30")
        stack.up()
        for label, config in (("unchanged", domains),
                              ("one domain added", [*domains, {"domain": "new.example.com", "cdn": "managed"}])):
            stack.set_domains(config)
            text = stack.preview().text
            lines = len(text.splitlines())
            about_records = sum(1 for line in text.splitlines() if "CNAME" in line or "to set up" in line)
            before_lines, before_records = BEFORE[label]
            rows.append(Row("P8", f"preview lines, {label} (of which about DNS records)",
                            f"{lines} ({about_records})", f"{before_lines} ({before_records})", "lines",
                            "reference: 0.2.0, the same stack"))
    return rows


if __name__ == "__main__":
    from .table import render

    print(render(measure()))
