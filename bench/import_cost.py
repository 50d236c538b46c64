"""P3: import cost in fresh processes, as ratios against the SDK the import cannot avoid.

Every component module imports its SDK first, so its cost is the SDK's plus ours. Each sample is a new
interpreter that times ``import <sdk>`` and then ``import <component>`` in the same process (paired: the
two share the process's luck, so the large run-to-run variance of the SDK import cancels out), and reports
the peak RSS after each step. The figure is the median over samples of (sdk + ours) / sdk.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from .table import Row

PROBE = (
    "import json, resource, sys, time\n"
    "def rss():\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
    "t0 = time.perf_counter()\n"
    "__import__(sys.argv[1])\n"
    "t1, r1 = time.perf_counter(), rss()\n"
    "__import__(sys.argv[2])\n"
    "t2, r2 = time.perf_counter(), rss()\n"
    "print(json.dumps([t1 - t0, t2 - t1, r1, r2]))\n"
)

PAIRS = [
    ("sparkpost_tracking.components", "pulumi"),
    ("sparkpost_tracking.components.managed", "pulumi"),
    ("sparkpost_tracking.components.cloudflare", "pulumi_cloudflare"),
    ("sparkpost_tracking.components.cloudfront", "pulumi_aws"),
    ("sparkpost_tracking.components.fastly", "pulumi_fastly"),
]
BUDGET = 1.10


def sample(reference: str, ours: str) -> tuple[float, float, float, float]:
    out = subprocess.run([sys.executable, "-c", PROBE, reference, ours], check=True, capture_output=True,
                         text=True)
    ref_s, ours_s, ref_rss, total_rss = json.loads(out.stdout)
    return float(ref_s), float(ours_s), float(ref_rss), float(total_rss)


def measure(repeats: int = 15) -> list[Row]:
    rows: list[Row] = []
    for ours, reference in PAIRS:
        samples = [sample(reference, ours) for _ in range(repeats)]
        time_ratio = statistics.median((ref + extra) / ref for ref, extra, _, _ in samples)
        rss_ratio = statistics.median(total / ref_rss for _, _, ref_rss, total in samples)
        ref_ms = statistics.median(ref for ref, _, _, _ in samples) * 1000
        extra_ms = statistics.median(extra for _, extra, _, _ in samples) * 1000
        ref_mib = statistics.median(r for _, _, r, _ in samples)
        total_mib = statistics.median(t for _, _, _, t in samples)
        rows.append(Row("P3", f"import {ours} vs import {reference} (time)", round(time_ratio, 3), BUDGET,
                        "ratio", f"<= {BUDGET} ({reference} {ref_ms:.0f} ms, then ours +{extra_ms:.0f} ms)"
                        + ("" if time_ratio <= BUDGET else " MISSED")))
        rows.append(Row("P3", f"import {ours} vs import {reference} (peak RSS)", round(rss_ratio, 3), BUDGET,
                        "ratio", f"<= {BUDGET} ({total_mib:.0f} MiB vs {ref_mib:.0f} MiB)"
                        + ("" if rss_ratio <= BUDGET else " MISSED")))
    return rows
