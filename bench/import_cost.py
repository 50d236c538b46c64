"""P3: import cost in fresh processes, as ratios against the SDK the import cannot avoid.

Each sample is one new interpreter that times a single import (wall time inside the process, so
interpreter start-up is left out) and reports its peak RSS. Samples of the two sides alternate so
machine noise hits both alike; the median of each side is compared.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from .table import Row

PROBE = (
    "import json, resource, sys, time\n"
    "t = time.perf_counter()\n"
    "__import__(sys.argv[1])\n"
    "elapsed = time.perf_counter() - t\n"
    "print(json.dumps([elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))\n"
)

PAIRS = [
    ("components", "pulumi"),
    ("components.managed", "pulumi"),
    ("components.cloudflare", "pulumi_cloudflare"),
    ("components.cloudfront", "pulumi_aws"),
    ("components.fastly", "pulumi_fastly"),
]
BUDGET = 1.10


def sample(module: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", PROBE, module], check=True, capture_output=True, text=True)
    seconds, rss_mib = json.loads(out.stdout)
    return float(seconds), float(rss_mib)


def measure(repeats: int = 15) -> list[Row]:
    rows: list[Row] = []
    for ours, reference in PAIRS:
        ours_samples, ref_samples = [], []
        for _ in range(repeats):
            ours_samples.append(sample(ours))
            ref_samples.append(sample(reference))
        ours_time = statistics.median(s for s, _ in ours_samples)
        ref_time = statistics.median(s for s, _ in ref_samples)
        ours_rss = statistics.median(m for _, m in ours_samples)
        ref_rss = statistics.median(m for _, m in ref_samples)
        ratio = ours_time / ref_time
        rows.append(Row("P3", f"import {ours} vs import {reference} (time)", round(ratio, 3), BUDGET, "ratio",
                        f"<= {BUDGET} ({ours_time * 1000:.0f} ms vs {ref_time * 1000:.0f} ms)"
                        + ("" if ratio <= BUDGET else " MISSED")))
        rows.append(Row("P3", f"import {ours} vs import {reference} (peak RSS)", round(ours_rss / ref_rss, 3),
                        BUDGET, "ratio", f"<= {BUDGET} ({ours_rss:.0f} MiB vs {ref_rss:.0f} MiB)"
                        + ("" if ours_rss / ref_rss <= BUDGET else " MISSED")))
    return rows
