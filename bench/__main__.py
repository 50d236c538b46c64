"""Run every benchmark and print one markdown table: ``python -m bench`` (or ``scripts/bench``).

Options: ``--skip-engine`` leaves out the Pulumi CLI figures; ``--sizes 1,10`` limits P2.
Figures are measured in one run on this machine and reported as ratios where a reference exists;
they are never asserted as timed tests.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys

from . import api_requests, import_cost, ownership_window, program_eval, review, state_footprint
from .table import Row, render


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--skip-engine", action="store_true", help="leave out the figures that need the CLI")
    parser.add_argument("--sizes", default="1,10,50,200", help="P2 program sizes (comma-separated)")
    parser.add_argument("--repeats", type=int, default=15, help="P3 samples per import (noise on 2 cores needs many)")
    options = parser.parse_args()

    rows: list[Row] = []
    steps = [
        ("P1 API requests", api_requests.measure),
        ("P2 program evaluation", lambda: program_eval.measure(tuple(int(s) for s in options.sizes.split(",")))),
        ("P3 import cost", lambda: import_cost.measure(options.repeats)),
        ("P4 serialized provider", state_footprint.measure),
        ("P9 review of a 500-domain preview", review.measure),
        ("P10 ownership windows", ownership_window.measure),
    ]
    if not options.skip_engine:
        from . import engine, native_waits, preview_lines, waits

        steps.append(("P4/P5 engine", engine.measure))
        steps.append(("P6 waits overlap", waits.measure))
        steps.append(("P6 waits overlap, native resource", native_waits.measure))
        from . import adopt_account

        steps.append(("P7 adopting a large account", adopt_account.measure))
        steps.append(("P8 preview lines", preview_lines.measure))
    for label, step in steps:
        print(f"bench: {label} ...", file=sys.stderr, flush=True)
        rows += step()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {load:.1f} at the end.\n")
    print(render(rows))
    missed = [r for r in rows if "MISSED" in r.budget]
    if missed:
        print(f"\n{len(missed)} figure(s) missed their budget: " + "; ".join(r.what for r in missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
