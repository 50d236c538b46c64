"""P9: ``sparkpost-tracking review`` of a 500-domain preview (budget: under 2 s for the whole command).

The document is the engine's (``--show-sames --show-replacement-steps``), emulated by tests/review/engine_plan.py:
500 CloudFront chains with Route 53 records, as the components register them (the component, certificate,
validation record and validation, distribution, two host records, SparkPost domain) and the shared policies,
every one unchanged but one distribution moved off SparkPost's host. One chain is recorded under mocks and copied
499 times under other names. Measured: the whole command in a fresh process (interpreter start, imports, reading,
reviewing, printing), against the same process doing only ``json.load`` of the document.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .table import Row

DOMAINS = 500
REPEATS = 5
BUDGET_SECONDS = 2.0
HOSTED_ZONE = "Z0123456789ABCDEFGHIJ"


def preview_document(domains: int = DOMAINS) -> dict[str, Any]:
    from sparkpost_tracking.stack import build, plan_domains
    from tests.review.engine_plan import Resource, plan, record

    entry = {"domain": "t0.example.com", "cdn": "cloudfront", "dns": "route53", "dnsZoneId": HOSTED_ZONE}
    one = record(lambda: build(plan_domains([entry])))
    shared = [r for r in one if r.name.startswith("cloudfront-policies")]
    chain = json.dumps([r.__dict__ for r in one if r not in shared])
    olds = list(shared)
    for i in range(domains):
        copied = chain.replace("t0.example.com", f"t{i}.example.com").replace("t0-example-com", f"t{i}-example-com")
        olds += [Resource(**fields) for fields in json.loads(copied)]
    news = json.loads(json.dumps([r.__dict__ for r in olds]))
    [distribution] = [r for r in news if r["name"] == "t0-example-com-distribution"]
    distribution["inputs"]["origins"][0]["domainName"] = "example.net"
    return plan(olds, [Resource(**fields) for fields in news]).document


def _best(command: list[str]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def measure() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "preview.json"
        doc = preview_document()
        path.write_text(json.dumps(doc))
        steps = len(doc["steps"])
        review = [sys.executable, "-m", "sparkpost_tracking", "review", "--json", "--file", str(path)]
        done = subprocess.run(review, check=False, capture_output=True, text=True)
        verdict = json.loads(done.stdout)["verdict"]
        assert verdict == "breaks-links", done.stderr
        baseline = [sys.executable, "-c", f"import json; json.load(open({str(path)!r}))"]
        seconds, reference = _best(review), _best(baseline)

        from sparkpost_tracking.review import read_preview
        from sparkpost_tracking.review import review as run_review

        text = path.read_text()
        run_review(read_preview(text))  # imports and the declarations, once
        in_process = statistics.median(_timed(lambda: run_review(read_preview(text))) for _ in range(REPEATS))
    within = "within" if seconds < BUDGET_SECONDS else "MISSED"
    return [
        Row("P9", f"review --json of {DOMAINS} domains ({steps} steps), whole command", seconds, reference, "s",
            f"{within} the {BUDGET_SECONDS:g} s budget; reference: json.load alone, ratio "
            f"{seconds / reference:.1f}x"),
        Row("P9", f"review of {DOMAINS} domains in process (read + review)", in_process, "", "s", "best of the above"),
    ]


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


if __name__ == "__main__":
    from .table import render

    print(render(measure()))
