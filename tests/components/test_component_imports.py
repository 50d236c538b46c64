"""Import isolation, in fresh interpreters: importing the components loads no provider SDK, building one loads
only its own CDN's SDK, and a DNS strategy loads its SDK only when used.

Each scenario is one fresh interpreter running steps in order; after each step it reports which provider
SDKs are loaded. Run as a script to print import time and peak RSS per component module::

    .venv/bin/python tests/components/test_component_imports.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SDKS = ("pulumi_aws", "pulumi_cloudflare", "pulumi_fastly")

_PROLOGUE = f"""
import json, resource, sys, time
def report(step):
    print(json.dumps({{"step": step, "sdks": sorted(m for m in {SDKS!r} if m in sys.modules),
                      "seconds": time.perf_counter() - START,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
START = time.perf_counter()
"""

_MOCKS = """
import pulumi
ANSWERS = {"fastly:index/getTlsConfiguration:getTlsConfiguration": {"id": "c", "dnsRecords": [
               {"recordType": "CNAME", "recordValue": "t.sni.global.fastly.net", "region": "global"}]},
           "cloudflare:index/getZone:getZone": {"name": "example.com", "type": "full"},
           "cloudflare:index/getZoneSetting:getZoneSetting": {"value": "full"}}
class M(pulumi.runtime.Mocks):
    def new_resource(self, a): return a.name + "-id", dict(a.inputs)
    def call(self, a): return ANSWERS[a.token]
pulumi.runtime.set_mocks(M(), preview=True)
"""


def _build(cls: str, **args: str) -> str:
    return (f"from sparkpost_tracking.components import {cls}\n"
            f"pulumi.runtime.test(lambda: {cls}('x-{len(args)}', {{'domain': 't.example.com', **{args!r}}}))()")


#: scenario → [(step code, SDKs loaded after it)]
SCENARIOS: dict[str, list[tuple[str, list[str]]]] = {
    "managed": [
        ("import sparkpost_tracking.components", []),
        ("import sparkpost_tracking.stack, sparkpost_tracking.components.dns, sparkpost_tracking.components.chain, "
         "sparkpost_tracking.dynamic_providers.hosts", []),
        ("from sparkpost_tracking.components import ManagedTrackingDomain, ComponentArgumentError", []),
        (_MOCKS + _build("ManagedTrackingDomain"), []),
        (_build("ManagedTrackingDomain", dns="route53", dns_zone_id="Z1"), ["pulumi_aws"]),
    ],
    "fastly": [
        ("import sparkpost_tracking.components", []),
        ("from sparkpost_tracking.components import FastlyTrackingDomain", []),
        (_MOCKS + _build("FastlyTrackingDomain"), ["pulumi_fastly"]),
        (_build("FastlyTrackingDomain", dns="route53", dns_zone_id="Z1"), ["pulumi_aws", "pulumi_fastly"]),
    ],
    "cloudfront": [
        ("from sparkpost_tracking.components import CloudFrontTrackingDomain", []),
        (_MOCKS + _build("CloudFrontTrackingDomain"), ["pulumi_aws"]),
    ],
    "cloudflare": [
        ("from sparkpost_tracking.components import CloudflareTrackingDomain", []),
        (_MOCKS + _build("CloudflareTrackingDomain", zone_id="0123456789abcdef0123456789abcdef"),
         ["pulumi_cloudflare"]),
    ],
    # The plugin's schema (every component class) and its server load no SDK.
    "schema": [
        ("from sparkpost_tracking.plugin.server import schema_json; schema_json()", []),
    ],
}


def start(steps: list[str]) -> subprocess.Popen[str]:
    code = _PROLOGUE + "".join(f"{step}\nreport({i})\n" for i, step in enumerate(steps))
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> list[dict]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"step"')]


@pytest.fixture(scope="module")
def reports() -> dict[str, list[dict]]:
    """Every scenario at once, each in its own interpreter, so the slow SDK imports overlap."""
    running = {name: start([code for code, _ in steps]) for name, steps in SCENARIOS.items()}
    return {name: finish(process) for name, process in running.items()}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_only_the_needed_sdks_are_loaded(reports, scenario):
    expected = [sdks for _, sdks in SCENARIOS[scenario]]
    assert [r["sdks"] for r in reports[scenario]] == expected


if __name__ == "__main__":
    print(f"{'fresh process, best of 3':<36} {'seconds':>8} {'peak RSS MB':>12}  SDKs loaded")
    for module in ("pulumi", *(f"sparkpost_tracking.{m}" for m in ("components", "stack", "components.managed",
                   "components.cloudfront", "components.fastly", "components.cloudflare"))):
        runs = [finish(start([f"import {module}"]))[0] for _ in range(3)]
        best = min(runs, key=lambda r: r["seconds"])
        print(f"{'import ' + module:<36} {best['seconds']:>8.2f} {best['peak_rss_mb']:>12.0f}  "
              f"{', '.join(best['sdks']) or '-'}")
    # pulumi_aws loads its submodules lazily, so building a component (under mocks) costs more than importing it
    for cls, extra in (("ManagedTrackingDomain", {}), ("CloudFrontTrackingDomain", {}),
                       ("FastlyTrackingDomain", {}), ("CloudflareTrackingDomain", {"zone_id": "z"})):
        runs = [finish(start([_MOCKS + _build(cls, **extra)]))[0] for _ in range(3)]
        best = min(runs, key=lambda r: r["seconds"])
        print(f"{'+ build ' + cls:<36} {best['seconds']:>8.2f} {best['peak_rss_mb']:>12.0f}  "
              f"{', '.join(best['sdks']) or '-'}")


def test_declaring_resources_does_not_load_the_http_stack():
    # requests/urllib3 are only needed in the provider process, where SparkPost is called.
    import subprocess
    import sys

    code = ("import sys, sparkpost_tracking.components.managed, sparkpost_tracking.dynamic_providers\n"
            "print(sorted(m for m in ('requests', 'urllib3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
