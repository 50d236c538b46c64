"""Tier 3b: one fleet file, three stacks (one per SparkPost subaccount), driven by ``sparkpost-tracking shards``
through Pulumi's Automation API on a local file backend, against the emulator.

The three ``up``s run at once, as three processes (what ``xargs -P`` or a CI matrix does); ``review`` and
``check --all`` run per stack and are summed. What is asserted: each stack holds exactly its own domains, SparkPost
holds all of them in the right subaccount, an unchanged fleet reviews safe and checks pass, a domain dropped from the
fleet makes the sum ``breaks-links`` (its stack's preview stops at the protected delete), a wrong DNS answer fails
the summed check, and a stack without a result makes the sum refuse a verdict.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.dynamic_providers.types import TRACKING_DOMAIN
from sparkpost_tracking.emulator import Emulator
from tests.check.fake_dns import FakeDns
from tests.engine.pulumi_cli import STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject

pytestmark = pytest.mark.engine

KEY = "shards-test-key-5e6f7a8b9c0d"
STACKS = ["fleet-us-primary", "fleet-us-sub1", "fleet-us-sub2"]
DOMAINS = [{"domain": f"t{i}.brand{i % 3}.example", "cdn": "managed", **({"subaccountId": i % 3} if i % 3 else {})}
           for i in range(9)]
OFFLINE = ["--skip", "tls", "--skip", "https", "--skip", "http"]


class Fleet:
    def __init__(self, project: PulumiProject, emu: Emulator) -> None:
        self.workdir = project.workdir
        self.env = {k: v for k, v in project.env.items() if k != "PULUMI_BACKEND_URL"}  # the fleet file says where
        self.env["SPARKPOST_API_KEY"] = KEY
        self.document: dict[str, Any] = {
            "backend": "file://./state", "shards": {"by": "subaccount"},
            "config": {"sparkpost-tracking:apiUrl": emu.base_url, "sparkpost:verifyInterval": "0",
                       "sparkpost:certificateTimeout": "30"},
            "domains": list(DOMAINS)}
        self.write()

    def write(self) -> None:
        (self.workdir / "fleet.yaml").write_text(yaml.safe_dump(self.document, sort_keys=False))

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "sparkpost_tracking", "shards", *args]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(*args), cwd=self.workdir, env=self.env, capture_output=True, text=True,
                              timeout=600)

    def state(self, stack: str) -> dict[str, Any]:
        done = subprocess.run(["pulumi", "stack", "export", "--stack", stack, "--non-interactive"], cwd=self.workdir,
                              env={**self.env, "PULUMI_BACKEND_URL": f"file://{self.workdir / 'state'}"},
                              capture_output=True, text=True, check=True)
        return dict(json.loads(done.stdout))

    def results(self, kind: str, *extra: str, stacks: list[str] = STACKS) -> list[str]:
        files = []
        for stack in stacks:
            out = f"{kind}-{stack}.json"
            done = self.run(kind, "fleet.yaml", "--shard", stack, "--out", out, *extra)
            assert done.returncode == 0, done.stdout + done.stderr
            files.append(out)
        return files


@pytest.fixture(scope="module")
def fleet(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    project = PulumiProject(tmp_path_factory.mktemp("fleet"), cli_dir, source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
    fleet = Fleet(project, emu)
    listed = fleet.run("list", "fleet.yaml")
    assert listed.returncode == 0 and listed.stdout.split() == STACKS, listed.stdout + listed.stderr
    # The three stacks go up at once, as three processes.
    ups = [subprocess.Popen(fleet.command("up", "fleet.yaml", "--shard", stack), cwd=fleet.workdir, env=fleet.env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for stack in STACKS]
    for stack, up in zip(STACKS, ups, strict=True):
        out, _ = up.communicate(timeout=600)
        assert up.returncode == 0, f"{stack}:\n{out[-3000:]}"
    return fleet


def test_each_stack_holds_its_subaccount_and_sparkpost_holds_them_all(fleet: Fleet, emu: Emulator) -> None:
    for index, stack in enumerate(STACKS):
        state = fleet.state(stack)
        held = sorted(r["outputs"]["domain"] for r in state["deployment"]["resources"]
                      if r["type"] == TRACKING_DOMAIN.dynamic)
        assert held == sorted(d["domain"] for d in DOMAINS if DOMAINS.index(d) % 3 == index), stack
    live = {d["domain"]: d.get("subaccount_id") for d in emu.domains()}
    assert live == {d["domain"]: d.get("subaccountId") for d in DOMAINS}


def test_an_unchanged_fleet_reviews_safe_and_its_checks_pass(fleet: Fleet) -> None:
    files = fleet.results("review")
    for file in files:
        result = json.loads((fleet.workdir / file).read_text())["result"]
        assert {c["op"] for d in result["domains"] for c in d["changes"]} == {"same"}
    summed = fleet.run("sum", "fleet.yaml", *files, "--fail-on", "risky", "--json")
    assert summed.returncode == 0, summed.stdout + summed.stderr
    summary = json.loads(summed.stdout)
    assert (summary["verdict"], summary["domains"]) == ("safe", len(DOMAINS))
    assert [s["stack"] for s in summary["stacks"]] == STACKS

    records = {d["domain"]: [("CNAME", "v2.spgo.io")] for d in DOMAINS} | {"v2.spgo.io": [("A", "192.0.2.20")]}
    with FakeDns(records) as dns:
        checks = fleet.results("check", "--", "--dns-server", dns.address, *OFFLINE)
    summed = fleet.run("sum", "fleet.yaml", *checks)
    assert summed.returncode == 0, summed.stdout + summed.stderr
    assert "## Fleet check --all: pass" in summed.stdout
    assert f"3 stacks, {len(DOMAINS)} tracking domains" in summed.stdout

    wrong = DOMAINS[4]["domain"]
    with FakeDns(records | {wrong: [("CNAME", "elsewhere.example")]}) as dns:
        checks = fleet.results("check", "--", "--dns-server", dns.address, *OFFLINE)
    summed = fleet.run("sum", "fleet.yaml", *checks, "--json")
    assert summed.returncode == 1
    assert json.loads(summed.stdout)["flagged"] == [{"stack": "fleet-us-sub1", "domain": wrong, "outcome": "fail"}]


def test_a_domain_dropped_from_the_fleet_breaks_links_and_a_missing_result_gives_no_verdict(fleet: Fleet) -> None:
    dropped = fleet.document["domains"].pop(5)
    fleet.write()
    try:
        files = fleet.results("review")
        summed = fleet.run("sum", "fleet.yaml", *files, "--fail-on", "breaks-links", "--json")
        assert summed.returncode == 1, summed.stdout + summed.stderr
        summary = json.loads(summed.stdout)
        assert summary["verdict"] == "breaks-links"
        assert summary["flagged"] == [{"stack": "fleet-us-sub2", "domain": dropped["domain"],
                                       "outcome": "breaks-links"}]
        incomplete = fleet.run("sum", "fleet.yaml", *files[:2])
        assert incomplete.returncode == 2 and "no usable result from fleet-us-sub2" in incomplete.stderr
        assert "## Fleet review: incomplete" in incomplete.stdout
    finally:
        fleet.document["domains"].insert(5, dropped)
        fleet.write()
