"""A fault storm on a stack of 20 tracking domains, through the real Pulumi CLI against the emulator.

``python -m bench.fault_storm`` runs, per storm, ``pulumi up`` while the emulator fails requests at random
(429/5xx, in bursts, and answers lost after commit), then the next ``pulumi up`` with the storm over (adopting, with
``SPARKPOST_ADOPT``, exactly the domains whose outcome the first run reported unknown), and counts:

- orphans: domains SparkPost holds that are in no stack state and were not there before (must be 0);
- adopted without being declared: domains that existed before (someone else's, colliding with declared names
  and not ``adopt_existing``) that were changed, deleted or recorded in state (must be 0);
- duplicates: creates posted again for a domain an earlier create of the same run had already made (must be 0;
  SparkPost would answer 409, and the emulator records it).

Seven of the 20 declared names exist beforehand as someone else's domains, in every state a lost create could be
mistaken for (``FOREIGN``): both runs must refuse them and send no write to them. Both runs
use ``--continue-on-error`` so that those refusals (and the storm's) do not stop Pulumi from trying the rest.
Needs the Pulumi CLI (scripts/get-pulumi). Retries wait 0.2 s instead of 1 s, only to keep the run short.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.recording import RecordedRequest
from tests.engine.pulumi_cli import PulumiProject, find_cli

KEY = "storm-key-0123456789"
DECLARED = [f"track{i:02d}.example.com" for i in range(20)]
#: Someone else's domains with declared names: never ours to change. Besides a live one, each of the others differs
#: from what our create makes (secure, unverified, not the default, no managed certificate, no subaccount) in at most
#: one field, "identical" in none: only the read before our POST tells it apart from our own lost create.
FOREIGN: dict[str, dict[str, Any]] = {
    "track03.example.com": {"secure": False, "default": True, "verified": True},  # live: verified default
    "track11.example.com": {"secure": False},
    "track05.example.com": {"secure": True},  # identical
    "track07.example.com": {"secure": True, "verified": True},
    "track09.example.com": {"secure": True, "default": True},
    "track13.example.com": {"secure": True, "uses_managed_certificate": True},
    "track15.example.com": {"secure": True, "subaccount_id": 7},
}
#: What may change a domain: any write to its path (an update, a delete, verify or a certificate call).
WRITES = frozenset({"PUT", "DELETE", "POST"})


def foreign_writes(log: list[RecordedRequest]) -> int:
    """Requests that could have changed someone else's domain (a POST to create one is refused with 409)."""
    return sum(1 for r in log if r.method in WRITES
               and any(r.path.endswith(f"/tracking-domains/{name}") or f"/tracking-domains/{name}/" in r.path
                       for name in FOREIGN))


@dataclass(frozen=True)
class StormSpec:
    label: str
    rate: float
    burst_min: int
    burst_max: int
    drop_rate: float


STORMS = [
    StormSpec("30% 429/5xx, 5% lost", 0.3, 1, 1, 0.05),
    StormSpec("bursts of 3-10 (30% start), 5% lost", 0.3, 3, 10, 0.05),
]


def duplicates(log: list[RecordedRequest]) -> int:
    """Creates posted for a domain that an earlier committed create made, with no delete in between."""
    made: set[str] = set()
    count = 0
    for record in log:
        name = (record.body or {}).get("domain") if isinstance(record.body, dict) else None
        if record.method == "POST" and record.path.endswith("/tracking-domains") and isinstance(name, str):
            if name in made:
                count += 1
            if record.status == 200:  # committed, answered or not
                made.add(name)
        elif record.method == "DELETE" and record.status == 204:
            made.discard(record.path.rsplit("/", 1)[-1])
    return count


def _errors(output: str) -> str:
    """How many tracking domains an ``up`` reported errors for, and how many of them were the foreign refusals."""
    failed = set(re.findall(r"TrackingDomain \(([^)]+)\):\n\s+error:", output))
    refused = {name for name in FOREIGN if f"'{name}' already exists" in output}
    return f"{len(failed)} ({len(refused & failed)})"


def run(spec: StormSpec, seed: int, workdir: Path, cli_dir: Path) -> dict[str, Any]:
    with Emulator(api_keys=[KEY]) as emu:
        for name, fields in FOREIGN.items():
            emu.add_domain(name, **fields)
        emu.clear_requests()
        foreign_before = {name: emu.get(name) for name in FOREIGN}
        stack = PulumiProject(workdir, cli_dir)
        stack.init(emu.base_url, KEY, [{"domain": name} for name in DECLARED], verifyInterval="0",
                   retryBackoff="0.2")
        emu.storm(spec.rate, burst_min=spec.burst_min, burst_max=spec.burst_max, drop_rate=spec.drop_rate,
                  seed=seed)
        first = stack.run("up", "--yes", "--skip-preview", "--continue-on-error", check=False)
        stormy = emu.requests()
        emu.clear_faults()
        # A create whose outcome stayed unknown names how to take it: the next run does exactly that.
        unknown = sorted(set(re.findall(r"'([^']+)' may exist in SparkPost now", " ".join(first.text.split()))))
        stack.env["SPARKPOST_ADOPT"] = ",".join(unknown)
        second = stack.run("up", "--yes", "--skip-preview", "--continue-on-error", check=False)
        state = {r["id"] for r in stack.export()["deployment"]["resources"] if r["type"].endswith(":TrackingDomain")}
        held = {d["domain"]: d for d in emu.domains()}
        log = emu.requests()
        ours = [name for name in DECLARED if name not in FOREIGN]
        return {
            "storm": spec.label,
            "requests in storm": len(stormy),
            "failed / lost after commit": f"{sum(r.injected for r in stormy)} / {sum(r.dropped for r in stormy)}",
            "first up: errors (foreign refused)": _errors(first.text),
            "DELETEs (rollbacks)": sum(r.method == "DELETE" for r in stormy),
            "outcome unknown, adopted next": len(unknown),
            "next up: errors (foreign refused)": _errors(second.text),
            "orphans": len(set(held) - state - set(FOREIGN)),
            "adopted without being declared": sum(
                name in state or held.get(name) != foreign_before[name] for name in FOREIGN),
            "writes to foreign domains": foreign_writes(log),
            "duplicates": duplicates(log),
            "declared converged": f"{sum(name in state and held[name]['status']['verified'] for name in ours)}"
                                  f"/{len(ours)}",
        }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fault_storm", description=__doc__)
    parser.add_argument("--seeds", default="1,2,3", help="storm seeds, comma-separated (each repeats its faults)")
    options = parser.parse_args()
    cli_dir = find_cli()
    if cli_dir is None:
        print("the Pulumi CLI is needed: run scripts/get-pulumi", file=sys.stderr)
        return 1
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="fault-storm-") as tmp:
        for spec in STORMS:
            for seed in (int(s) for s in options.seeds.split(",")):
                print(f"fault storm: {spec.label}, seed {seed} ...", file=sys.stderr, flush=True)
                rows.append({"seed": seed, **run(spec, seed, Path(tmp) / f"{len(rows)}", cli_dir)})
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
