"""Tier 3b: ``check --from-stack`` and ``check --all --from-stack`` in three kinds of program, under the real CLI.

- this repository's stack (the managed example's domains, from stack config);
- a Python program of a team's own that uses the components and a bare ``TrackingDomain``, and exports nothing;
- a YAML program using the plugin (a component and a native ``TrackingDomain``).

Each is brought up against the emulator; then ``check`` reads the chains from the stack's state, answers DNS from
a local server (``--dns-server``), asks SparkPost (the emulator) to verify with the stack's own key, and leaves
out the TLS and HTTP steps (tested with a loopback chain in tests/check/).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.check.fake_dns import FakeDns
from tests.engine.pulumi_cli import REPO, STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject
from tests.engine.yaml_project import YamlProject

pytestmark = pytest.mark.engine

KEY = "check-from-stack-key-1a2b3c4d5e"
OFFLINE = ["--skip", "tls", "--skip", "https", "--skip", "http"]

PROGRAM = '''
import pulumi
from sparkpost_tracking.components import ManagedTrackingDomain
from sparkpost_tracking.dynamic_providers import TrackingDomain

api_url = pulumi.Config().require("apiUrl")
ManagedTrackingDomain("brand-a", {"domain": "track.brand-a.example", "api_url": api_url})
ManagedTrackingDomain("brand-b", {"domain": "click.brand-b.example", "api_url": api_url})
TrackingDomain("links", {"domain": "links.brand-a.example", "api_url": api_url, "verify": False})
'''


@dataclass
class Program:
    """A stack that is up, and what ``check`` must find in it: domain → expected target (None: none known)."""

    workdir: Path
    env: dict[str, str]
    expected: dict[str, str | None]
    cdn: dict[str, str | None]


@pytest.fixture(scope="module")
def repo_stack(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Program:
    example = yaml.safe_load((REPO / "examples" / "Pulumi.managed.yaml").read_text())
    domains = list(example["config"][f"{STACK_PROGRAM_NAME}:domains"])
    project = PulumiProject(tmp_path_factory.mktemp("repo-stack"), cli_dir, stack="managed", source=STACK_PROGRAM,
                            name=STACK_PROGRAM_NAME)
    project.init(emu.base_url, KEY, domains, verifyInterval="0", certificateTimeout="30")
    project.up()
    targets = {d["domain"]: "eu.v2.spgo.io" if d.get("region") == "eu" else "v2.spgo.io" for d in domains}
    return Program(project.workdir, project.env, targets, dict.fromkeys(targets, "managed"))


@pytest.fixture(scope="module")
def python_program(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Program:
    workdir = tmp_path_factory.mktemp("team-program")
    (workdir / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    (workdir / "Pulumi.yaml").write_text("name: team-program\nruntime: python\n")
    project = PulumiProject(workdir, cli_dir, stack="dev", source=workdir, name="team-program")
    project.init(emu.base_url, KEY, [], verifyInterval="0", certificateTimeout="30")
    project.up()
    return Program(workdir, project.env,
                   {"track.brand-a.example": "v2.spgo.io", "click.brand-b.example": "v2.spgo.io",
                    "links.brand-a.example": None},
                   {"track.brand-a.example": "managed", "click.brand-b.example": "managed",
                    "links.brand-a.example": None})


@pytest.fixture(scope="module")
def yaml_program(yaml_cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Program:
    resources: dict[str, Any] = {
        "tracking": {"type": "sparkpost-tracking:ManagedTrackingDomain", "properties": {"domain": "track.y.example"}},
        "links": {"type": "sparkpost-tracking:TrackingDomain", "properties": {"domain": "links.y.example"}},
    }
    project = YamlProject(tmp_path_factory.mktemp("yaml-program"), yaml_cli_dir, resources, stack="dev")
    project.init(emu.base_url, KEY, verifyInterval="0", certificateTimeout="30")
    project.run("up", "--yes", "--skip-preview")
    return Program(project.workdir, project.env, {"track.y.example": "v2.spgo.io", "links.y.example": None},
                   {"track.y.example": "managed", "links.y.example": None})


PROGRAMS = ["repo_stack", "python_program", "yaml_program"]


def check(program: Program, dns: FakeDns, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sparkpost_tracking", "check", *args, "--from-stack",
                           "--dns-server", dns.address, *OFFLINE], cwd=program.workdir, env=program.env,
                          capture_output=True, text=True, timeout=300)


def records(program: Program, wrong: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """DNS as it should be (each domain a CNAME to its target), except ``wrong``, which points elsewhere."""
    table: dict[str, list[tuple[str, str]]] = {"elsewhere.example": [("A", "192.0.2.99")]}
    for domain, target in program.expected.items():
        pointed = "elsewhere.example" if domain == wrong else target or "elsewhere.example"
        table[domain] = [("CNAME", pointed)]
        if target:
            table[target] = [("A", "192.0.2.20")]
    return table


@pytest.mark.parametrize("name", PROGRAMS)
def test_one_domain_takes_its_target_from_the_state(name: str, request: pytest.FixtureRequest,
                                                   emu: Emulator) -> None:
    program: Program = request.getfixturevalue(name)
    domain = next(d for d, target in program.expected.items() if target)
    with FakeDns(records(program)) as dns:
        done = check(program, dns, domain, "--sparkpost-verify", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert (report["expected_target"], report["target_source"], report["cdn"]) == (
        program.expected[domain], "stack", program.cdn[domain])
    # Managed HTTPS adds the CAA step (the fake DNS has no CAA record: Let's Encrypt may issue).
    managed = {"caa": "pass"} if program.cdn[domain] == "managed" else {}
    assert {s["step"]: s["status"] for s in report["steps"] if s["required"]} == {"dns": "pass", "sparkpost": "pass",
                                                                                  **managed}
    assert KEY not in done.stdout + done.stderr


@pytest.mark.parametrize("name", PROGRAMS)
def test_all_lists_every_domain_and_passes_only_when_all_do(name: str, request: pytest.FixtureRequest) -> None:
    program: Program = request.getfixturevalue(name)
    with FakeDns(records(program)) as dns:
        done = check(program, dns, "--all", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["schema"] == "sparkpost-tracking/check-all/1" and report["ok"] is True
    found = {d["domain"]: (d["expected_target"], d["cdn"]) for d in report["domains"]}
    assert found == {d: (program.expected[d], program.cdn[d]) for d in program.expected}

    broken = next(d for d, target in program.expected.items() if target)
    with FakeDns(records(program, wrong=broken)) as dns:
        table = check(program, dns, "--all")
    print(f"\n$ sparkpost-tracking check --all --from-stack  # exit {table.returncode}\n{table.stdout}{table.stderr}")
    assert table.returncode == 1
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["DOMAIN", "TARGET", "CDN"]
    rows = {line.split()[0]: line.split() for line in lines[1:1 + len(program.expected)]}
    assert set(rows) == set(program.expected)
    assert rows[broken][-1] == "FAIL" and all(row[-1] == "PASS" for d, row in rows.items() if d != broken)
    assert lines[-1] == f"FAIL: 1 of {len(program.expected)} tracking domains did not pass: {broken}"
