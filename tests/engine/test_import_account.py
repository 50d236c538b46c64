"""Tier 3b, issue "adopt a whole account": a SparkPost account made by hand (12 tracking domains over the primary
account and 2 subaccounts, a default in each, verified and not, secure and not, managed HTTPS; 4 associations)
is adopted under the real CLI, and SparkPost receives no write at any point:

- ``sparkpost-tracking import --out import.json``, then ``pulumi import -f import.json`` in a fresh YAML project
  (the generated program taken in), then ``pulumi preview --expect-no-changes``;
- ``sparkpost-tracking import --stack-config``, then this repository's stack program: its first ``up`` adopts
  and writes nothing, and the next preview is unchanged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import DOMAINS, MANAGED_PATTERNS, SENDING, seed_account, snapshot, writes
from tests.engine.pulumi_cli import STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject
from tests.engine.yaml_project import PACKAGE, YamlProject

pytestmark = pytest.mark.engine

KEY = "import-account-key-3e2d1c0b9a8f7e6d"
DOMAIN_TYPE = f"{PACKAGE}:index:TrackingDomain"
ASSOCIATION_TYPE = f"{PACKAGE}:index:TrackingDomainAssociation"


@pytest.fixture(scope="module")
def account(emu: Emulator) -> tuple[Any, ...]:
    seed_account(emu)
    return snapshot(emu)


def sparkpost_import(emu: Emulator, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SPARKPOST_")}, "SPARKPOST_API_KEY": KEY}
    done = subprocess.run([sys.executable, "-m", "sparkpost_tracking", "import", "--api-url", emu.base_url, *args],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
    assert KEY not in done.stdout + done.stderr
    return done


def import_id(domain: str, sub: int | None) -> str:
    return domain if sub is None else f"{domain},{sub}"


def test_bulk_import_into_a_yaml_project_then_an_unchanged_preview(yaml_cli_dir: Path, emu: Emulator,
                                                                   account: tuple[Any, ...],
                                                                   tmp_path: Path) -> None:
    emu.clear_requests()
    done = sparkpost_import(emu, tmp_path, "--out", "import.json")
    assert done.returncode == 0, done.stdout + done.stderr

    program = YamlProject(tmp_path / "program", yaml_cli_dir, {})
    program.init(emu.base_url, KEY, verifyInterval="0")
    generated = tmp_path / "generated.yaml"
    program.run("import", "-f", str(tmp_path / "import.json"), "--yes", "--out", str(generated))
    code = yaml.safe_load(generated.read_text())["resources"]
    assert len(code) == len(DOMAINS) + len(SENDING)
    assert all(resource["options"]["protect"] is True for resource in code.values())  # Pulumi's convention
    # The program takes in what `pulumi import` generated, as it printed it.
    program.resources.update(code)
    program.write()
    assert program.preview("--expect-no-changes").returncode == 0

    state = {r["urn"].rsplit("::", 1)[1]: r for r in program.export()["deployment"]["resources"]
             if r["type"] in (DOMAIN_TYPE, ASSOCIATION_TYPE)}
    assert {r["id"] for r in state.values() if r["type"] == DOMAIN_TYPE} == {
        import_id(d, sub) for d, (sub, _) in DOMAINS.items()}
    assert {(r["inputs"]["sendingDomain"], r["inputs"].get("subaccountId"), r["inputs"]["trackingDomain"])
            for r in state.values() if r["type"] == ASSOCIATION_TYPE} == {
        (s, sub, t) for s, (sub, t) in SENDING.items()}
    declared = {r["inputs"]["domain"]: r["inputs"] for r in state.values() if r["type"] == DOMAIN_TYPE}
    for domain, (sub, fields) in DOMAINS.items():
        assert declared[domain].get("subaccountId") == sub, domain
        assert declared[domain]["secure"] is fields["secure"] and declared[domain]["default"] is bool(
            fields.get("default")), domain
        assert declared[domain]["managedCertificate"] is bool(fields.get("uses_managed_certificate")), domain
    assert all(r.get("protect") for r in state.values())
    # The documented way to lift the protection from one resource (to retire it): drop it in the program, unprotect
    # it in the stack. Nothing else changes, and SparkPost hears nothing of it.
    retired = "legacy_example_com"
    del program.resources[retired]["options"]["protect"]
    program.write()
    program.run("state", "unprotect", state[retired]["urn"], "--yes")
    assert program.preview("--expect-no-changes").returncode == 0
    after = {r["urn"].rsplit("::", 1)[1]: r for r in program.export()["deployment"]["resources"]}
    assert not after[retired].get("protect") and after["track_example_com"]["protect"] is True
    # Throughout: reads only, and the account is as it was.
    assert writes(emu.requests()) == [] and emu.count() == emu.count(method="GET")
    assert snapshot(emu) == account
    assert all(KEY not in result.text for result in program.transcript)


def test_stack_config_into_the_repository_stack_first_up_writes_nothing(cli_dir: Path, emu: Emulator,
                                                                        account: tuple[Any, ...],
                                                                        tmp_path: Path) -> None:
    emu.clear_requests()
    done = sparkpost_import(emu, tmp_path, "--stack-config", "stack.yaml", "--no-dns", "--json",
                            "--domains", ",".join(MANAGED_PATTERNS))
    assert done.returncode == 0, done.stdout + done.stderr
    entries = yaml.safe_load((tmp_path / "stack.yaml").read_text())["config"][f"{STACK_PROGRAM_NAME}:domains"]
    assert [e["domain"] for e in entries] == ["click.example.com", "click.brand-a.com", "m.brand-a.com",
                                              "m.brand-b.com"]
    assert all(e["cdn"] == "managed" and e["adoptExisting"] is True for e in entries)

    stack = PulumiProject(tmp_path / "stack", cli_dir, stack="adopted", source=STACK_PROGRAM,
                          name=STACK_PROGRAM_NAME)
    stack.init(emu.base_url, KEY, entries, verifyInterval="0")
    stack.up()
    made = writes(emu.requests())
    assert made == [], [(r.method, r.path, r.status) for r in made]
    assert snapshot(emu) == account
    # Each adopting create is SparkPost's 409 (the domain exists), then reads: nothing else reached SparkPost.
    assert {(r.method, r.status) for r in emu.requests() if r.method != "GET"} <= {("POST", 409)}
    outputs = json.loads(stack.run("stack", "output", "--json").stdout)
    assert sorted(outputs["trackingDomains"]) == sorted(e["domain"] for e in entries)
    emu.clear_requests()
    assert stack.preview("--expect-no-changes").returncode == 0
    assert emu.count() == 0
