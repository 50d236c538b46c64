"""Tier 3b, "adopting an account writes nothing and clobbers nothing": a SparkPost account made by hand (the
13 tracking domains of the walkthroughs over the primary account and 2 subaccounts, plus a scope of 5 domains whose
adoption must write: an unverified default, an expired managed certificate, a managed certificate on an http domain,
two CNAMEs at the V2 host without a managed certificate; 4 associations) is adopted under the real CLI:

- ``sparkpost-tracking import --out import.json``, then ``pulumi import -f import.json`` in a fresh YAML project
  (import steps; the generated program taken in), the first ``up``, then ``pulumi preview --expect-no-changes``;
- ``sparkpost-tracking import --stack-config`` into this repository's stack, with DNS from a local server: the first
  ``up`` adopts, and the next preview is unchanged.

On both paths the first ``up`` sends a steady domain no write, and every other domain exactly the writes that the
import's report named for it beforehand.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import (
    DOMAINS,
    SENDING,
    UNSTEADY,
    UNSTEADY_DNS,
    announced,
    seed_account,
    snapshot,
    writes,
    writes_by_domain,
)
from tests.check.fake_dns import FakeDns
from tests.engine.pulumi_cli import STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject
from tests.engine.yaml_project import PACKAGE, YamlProject

pytestmark = pytest.mark.engine

KEY = "import-account-key-3e2d1c0b9a8f7e6d"
DOMAIN_TYPE = f"{PACKAGE}:index:TrackingDomain"
ASSOCIATION_TYPE = f"{PACKAGE}:index:TrackingDomainAssociation"
KINDS = {**DOMAINS, **UNSTEADY}


@pytest.fixture
def account() -> Iterator[Emulator]:
    """The account, fresh for each path (adopting one writes what was announced)."""
    with Emulator(api_keys=[KEY]) as emulator:
        seed_account(emulator, KINDS)
        emulator.clear_requests()
        yield emulator


def sparkpost_import(emu: Emulator, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SPARKPOST_")}, "SPARKPOST_API_KEY": KEY}
    done = subprocess.run([sys.executable, "-m", "sparkpost_tracking", "import", "--api-url", emu.base_url, *args],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
    assert KEY not in done.stdout + done.stderr
    return done


def import_id(domain: str, sub: int | None) -> str:
    return domain if sub is None else f"{domain},{sub}"


def assert_only_announced_writes(emu: Emulator, said: dict[str, list[str]], before: tuple[Any, ...]) -> None:
    measured = writes_by_domain(emu.requests())
    assert measured == said, (measured, said)
    assert len(writes(emu.requests())) == sum(map(len, said.values()))  # no association or other write
    after = snapshot(emu)
    assert after[1] == before[1]
    assert {new["domain"] for old, new in zip(before[0], after[0], strict=True) if old != new} <= set(said)


def test_bulk_import_then_the_first_up_writes_only_what_was_announced(yaml_cli_dir: Path, account: Emulator,
                                                                      tmp_path: Path) -> None:
    emu, before = account, snapshot(account)
    done = sparkpost_import(emu, tmp_path, "--out", "import.json", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    said = announced(json.loads(done.stdout))
    assert said == {
        "m.example.com": ["POST /tracking-domains/m.example.com/verify"],
        "click.brand-c.com": ["POST /tracking-domains/click.brand-c.com/verify"],
        "expired.brand-c.com": [f"POST /tracking-domains/expired.brand-c.com/certificate/{call}"
                                for call in ("check", "enable")]}

    program = YamlProject(tmp_path / "program", yaml_cli_dir, {})
    program.init(emu.base_url, KEY, verifyInterval="0")
    generated = tmp_path / "generated.yaml"
    imported = program.run("import", "-f", str(tmp_path / "import.json"), "--yes", "--out", str(generated))
    # adopted resources are import steps: the tracking domains, the associations and the sending domains
    assert f"= {len(KINDS) + 2 * len(SENDING)} imported" in imported.stdout
    assert writes(emu.requests()) == []
    code = yaml.safe_load(generated.read_text())["resources"]
    assert len(code) == len(KINDS) + 2 * len(SENDING)
    assert all(resource["options"]["protect"] is True for resource in code.values())  # Pulumi's convention
    # The program takes in what `pulumi import` generated, as it printed it; its preview (no SparkPost request)
    # updates exactly the domains the import named.
    program.resources.update(code)
    program.write()
    preview = program.preview("--json")
    steps = json.loads(preview.stdout)["steps"]
    assert sorted(s["urn"].rsplit("::", 1)[1] for s in steps if s["op"] != "same") == sorted(
        d.replace(".", "_") for d in said)
    assert {s["op"] for s in steps if s["op"] != "same"} == {"update"}

    program.up()
    assert_only_announced_writes(emu, said, before)
    emu.clear_requests()
    assert program.preview("--expect-no-changes").returncode == 0
    assert emu.count() == 0

    state = {r["urn"].rsplit("::", 1)[1]: r for r in program.export()["deployment"]["resources"]
             if r["type"] in (DOMAIN_TYPE, ASSOCIATION_TYPE)}
    assert {r["id"] for r in state.values() if r["type"] == DOMAIN_TYPE} == {
        import_id(d, sub) for d, (sub, _) in KINDS.items()}
    assert {(r["inputs"]["sendingDomain"], r["inputs"].get("subaccountId"), r["inputs"]["trackingDomain"])
            for r in state.values() if r["type"] == ASSOCIATION_TYPE} == {
        (s, sub, t) for s, (sub, t) in SENDING.items()}
    sending = {r["id"]: r for r in program.export()["deployment"]["resources"]
               if r["type"] == "sparkpost-tracking:index:SendingDomain"}
    assert set(sending) == {import_id(s, sub) for s, (sub, _) in SENDING.items()}
    assert all(r.get("protect") and r["outputs"]["dkimRecordValue"].startswith("v=DKIM1; k=rsa; h=sha256; p=")
               for r in sending.values())
    declared = {r["inputs"]["domain"]: r["inputs"] for r in state.values() if r["type"] == DOMAIN_TYPE}
    for domain, (sub, fields) in KINDS.items():
        assert declared[domain].get("subaccountId") == sub, domain
        assert declared[domain]["secure"] is fields["secure"] and declared[domain]["default"] is bool(
            fields.get("default")), domain
        # A managed certificate is declared where it serves: on a secure domain (the check refuses it on another).
        assert declared[domain]["managedCertificate"] is bool(
            fields.get("uses_managed_certificate") and fields["secure"]), domain
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
    assert emu.count() == emu.count(method="GET")
    assert all(KEY not in result.text for result in program.transcript)


def test_stack_config_into_the_repository_stack_first_up_writes_only_what_was_announced(
        cli_dir: Path, account: Emulator, tmp_path: Path) -> None:
    emu, before = account, snapshot(account)
    stack = PulumiProject(tmp_path / "stack", cli_dir, stack="adopted", source=STACK_PROGRAM,
                          name=STACK_PROGRAM_NAME)
    stack.run("stack", "init", "adopted")
    stack.run("config", "set", f"{STACK_PROGRAM_NAME}:apiUrl", emu.base_url)
    stack.run("config", "set", "--secret", "sparkpost:apiKey", stdin=KEY)
    stack.run("config", "set", "sparkpost:verifyInterval", "0")
    with FakeDns(UNSTEADY_DNS) as dns:
        done = sparkpost_import(emu, stack.workdir, "--stack-config", "Pulumi.adopted.yaml", "--dns-server",
                                dns.address, "--timeout", "2", "--json")
    assert done.returncode == 1, done.stdout + done.stderr  # the http domains are left out, the CDN-less drafted
    report = json.loads(done.stdout)
    left_out = {f["domain"] for f in report["findings"] if f["left_out"]}
    assert left_out == {"legacy.example.com", "http.brand-a.com", "old.brand-b.com", "plain.brand-c.com",
                        "track.example.com", "new.example.com", "track.brand-a.com", "click.brand-b.com",
                        "pending.brand-b.com", "click.brand-c.com"}
    said = announced(report)
    assert said == {
        "m.example.com": ["POST /tracking-domains/m.example.com/verify"],
        "expired.brand-c.com": [f"POST /tracking-domains/expired.brand-c.com/certificate/{c}" for c in ("check",
                                                                                                        "enable")],
        "v2.brand-c.com": [f"POST /tracking-domains/v2.brand-c.com/certificate/{c}" for c in ("check", "enable")],
        "v2new.brand-c.com": [f"POST /tracking-domains/v2new.brand-c.com/{c}"
                              for c in ("verify", "certificate/check", "certificate/enable")]}
    config = yaml.safe_load((stack.workdir / "Pulumi.adopted.yaml").read_text())["config"]
    entries = config[f"{STACK_PROGRAM_NAME}:domains"]
    assert sorted(e["domain"] for e in entries) == sorted(
        ["click.example.com", "m.example.com", "click.brand-a.com", "m.brand-a.com", "m.brand-b.com",
         "expired.brand-c.com", "v2.brand-c.com", "v2new.brand-c.com"])
    assert all(e["cdn"] == "managed" and e["adoptExisting"] is True for e in entries)
    assert stack.run("config", "get", "sparkpost:apiKey").stdout.strip() == KEY  # the merge kept the secret

    emu.clear_requests()
    stack.up()
    assert_only_announced_writes(emu, said, before)
    # Each adopting create read its domain and took it over: no create was posted.
    assert not [r for r in emu.requests() if r.method == "POST" and r.path.endswith("/tracking-domains")]
    outputs = json.loads(stack.run("stack", "output", "--json").stdout)
    assert sorted(outputs["trackingDomains"]) == sorted(e["domain"] for e in entries)
    emu.clear_requests()
    assert stack.preview("--expect-no-changes").returncode == 0
    assert emu.count() == 0
