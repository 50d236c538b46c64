"""Tier 3b: docs/scaling.md's fleet (one fleet file, three stacks: one per SparkPost subaccount), driven by
``sparkpost-tracking shards`` through Pulumi's Automation API on a local file backend, against the emulator.

The page's fleet file and its ``run-by`` command blocks are run as written (the emulator's port put in for the
page's 8787, and the test's quick verification added to the fleet's config): the three ``up``s run at once, as
``xargs -P 3`` starts them; ``review`` runs per stack and is summed. Then what the page cannot run offline, the
summed ``check --all``, with a local DNS server and the TLS and HTTP steps left out. What is asserted: each stack
holds exactly its own domains, SparkPost holds all of them in the right subaccount, an unchanged fleet reviews safe
and checks pass, a domain dropped from the fleet makes the sum ``breaks-links`` (its stack's preview stops at the
protected delete), a wrong DNS answer fails the summed check, and a stack without a result makes the sum refuse a
verdict.
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
from tests.docs.markdown_blocks import ROOT, blocks
from tests.engine.pulumi_cli import STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject

pytestmark = pytest.mark.engine

KEY = "shards-test-key-5e6f7a8b9c0d"
PAGE = ROOT / "docs" / "scaling.md"
DOC_PORT = "8787"
STACKS = ["fleet-us-primary", "fleet-us-sub1", "fleet-us-sub2"]
OFFLINE = ["--skip", "tls", "--skip", "https", "--skip", "http"]
#: What the test adds to the page's fleet config: verification without a pause, a short certificate wait.
QUICK = {"sparkpost:verifyInterval": "0", "sparkpost:certificateTimeout": "30"}


def page_fleet(api_port: int) -> dict[str, Any]:
    [block] = [b for b in blocks(PAGE) if b.markers.get("file") == "fleet.yaml"]
    fleet = yaml.safe_load(block.text.replace(f"127.0.0.1:{DOC_PORT}", f"127.0.0.1:{api_port}"))
    fleet["config"].update(QUICK)
    return dict(fleet)


def page_commands() -> list[str]:
    return [b.text for b in blocks(PAGE) if b.is_shell and b.markers.get("run-by") == "tests/engine/test_shards_cli.py"]


class Fleet:
    def __init__(self, project: PulumiProject, emu: Emulator) -> None:
        self.workdir = project.workdir
        self.env = {k: v for k, v in project.env.items() if k != "PULUMI_BACKEND_URL"}  # the fleet file says where
        self.env["SPARKPOST_API_KEY"] = KEY
        self.env["PATH"] = f"{Path(sys.prefix) / 'bin'}:{self.env['PATH']}"  # sparkpost-tracking, as installed
        self.document = page_fleet(emu.port)
        self.domains: list[dict[str, Any]] = list(self.document["domains"])
        self.write()

    def write(self) -> None:
        (self.workdir / "fleet.yaml").write_text(yaml.safe_dump(self.document, sort_keys=False))

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "sparkpost_tracking", "shards", *args]

    def shell(self, script: str) -> subprocess.CompletedProcess[str]:
        """A block of the page, in bash as a reader's terminal runs it (stopping at the first failure)."""
        return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=900)

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
    bring_up = page_commands()[0]
    assert "xargs -P 3" in bring_up and "shards up" in bring_up
    done = fleet.shell(bring_up)  # plan, then the three stacks' ups at once
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"{len(fleet.domains)} tracking domains in 3 stacks (by subaccount)" in done.stdout
    return fleet


def test_each_stack_holds_its_subaccount_and_sparkpost_holds_them_all(fleet: Fleet, emu: Emulator) -> None:
    assert fleet.run("list", "fleet.yaml").stdout.split() == STACKS
    for index, stack in enumerate(STACKS):
        state = fleet.state(stack)
        held = sorted(r["outputs"]["domain"] for r in state["deployment"]["resources"]
                      if r["type"] == TRACKING_DOMAIN.dynamic)
        assert held == sorted(d["domain"] for d in fleet.domains if d.get("subaccountId", 0) == index), stack
    live = {d["domain"]: d.get("subaccount_id") for d in emu.domains()}
    assert live == {d["domain"]: d.get("subaccountId") for d in fleet.domains}


def test_an_unchanged_fleet_reviews_safe_and_its_checks_pass(fleet: Fleet) -> None:
    review_and_sum = page_commands()[1]
    assert "review-{}.json" in review_and_sum and "--fail-on breaks-links" in review_and_sum
    done = fleet.shell(review_and_sum)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "## Fleet review: safe" in done.stdout and f"3 stacks, {len(fleet.domains)} tracking domains" in done.stdout
    for stack in STACKS:
        result = json.loads((fleet.workdir / f"review-{stack}.json").read_text())["result"]
        assert {c["op"] for d in result["domains"] for c in d["changes"]} == {"same"}
    summed = fleet.run("sum", "fleet.yaml", *(f"review-{s}.json" for s in STACKS), "--fail-on", "risky", "--json")
    assert summed.returncode == 0 and json.loads(summed.stdout)["verdict"] == "safe", summed.stdout + summed.stderr

    records = {d["domain"]: [("CNAME", "v2.spgo.io")] for d in fleet.domains} | {"v2.spgo.io": [("A", "192.0.2.20")]}
    with FakeDns(records) as dns:
        checks = fleet.results("check", "--", "--dns-server", dns.address, *OFFLINE)
    summed = fleet.run("sum", "fleet.yaml", *checks)
    assert summed.returncode == 0, summed.stdout + summed.stderr
    assert "## Fleet check --all: pass" in summed.stdout
    assert f"3 stacks, {len(fleet.domains)} tracking domains" in summed.stdout

    wrong = fleet.domains[2]["domain"]
    with FakeDns(records | {wrong: [("CNAME", "elsewhere.example")]}) as dns:
        checks = fleet.results("check", "--", "--dns-server", dns.address, *OFFLINE)
    summed = fleet.run("sum", "fleet.yaml", *checks, "--json")
    assert summed.returncode == 1
    assert json.loads(summed.stdout)["flagged"] == [{"stack": "fleet-us-sub1", "domain": wrong, "outcome": "fail"}]


def test_a_domain_dropped_from_the_fleet_breaks_links_and_a_missing_result_gives_no_verdict(fleet: Fleet) -> None:
    dropped = fleet.document["domains"].pop(2)  # one of the two domains of subaccount 1
    fleet.write()
    try:
        files = fleet.results("review")
        summed = fleet.run("sum", "fleet.yaml", *files, "--fail-on", "breaks-links", "--json")
        assert summed.returncode == 1, summed.stdout + summed.stderr
        summary = json.loads(summed.stdout)
        assert summary["verdict"] == "breaks-links"
        # the engine stops at the dropped domain's protected delete, so review also judges the deletes it never
        # listed, under the preview as a whole
        assert sorted(summary["flagged"], key=lambda f: f["domain"]) == [
            {"stack": "fleet-us-sub1", "domain": "(the preview as a whole)", "outcome": "breaks-links"},
            {"stack": "fleet-us-sub1", "domain": dropped["domain"], "outcome": "breaks-links"}]
        incomplete = fleet.run("sum", "fleet.yaml", *files[:2])
        assert incomplete.returncode == 2 and "no usable result from fleet-us-sub2" in incomplete.stderr
        assert "## Fleet review: incomplete" in incomplete.stdout
    finally:
        fleet.document["domains"].insert(2, dropped)
        fleet.write()


def test_a_stack_the_fleet_no_longer_fills_is_listed_and_never_summed_as_safe(fleet: Fleet, emu: Emulator) -> None:
    dropped = fleet.document["domains"].pop(3)  # the only domain of subaccount 2
    fleet.write()
    try:
        planned = fleet.run("plan", "fleet.yaml")
        assert planned.returncode == 0 and "3 tracking domains in 2 stacks" in planned.stdout
        assert "fleet-us-sub2: none (the fleet lists none of this stack's domains" in planned.stdout
        assert fleet.run("list", "fleet.yaml").stdout.split() == STACKS  # the backend still holds it
        files = fleet.results("review")  # each writes its result; the orphaned stack's says why it has none
        orphan = json.loads((fleet.workdir / files[2]).read_text())
        assert orphan["result"] is None and "retire them deliberately" in orphan["error"]
        summed = fleet.run("sum", "fleet.yaml", *files)
        assert summed.returncode == 2 and "| fleet-us-sub2 | 0 | failed: the fleet lists none" in summed.stdout
        up = fleet.run("up", "fleet.yaml", "--shard", "fleet-us-sub2")
        assert up.returncode == 1 and "would delete them all" in up.stderr
        assert emu.get(dropped["domain"]) is not None  # nothing was deleted
    finally:
        fleet.document["domains"].insert(3, dropped)
        fleet.write()
