"""The link-replay lab, run small: every real migration keeps every sent link redirected, the naive switch
breaks some (the lab can see breakage), and a plan with a step left out is caught too."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from bench.link_lab import World
from bench.link_replay import DOMAINS, run
from bench.migrations import CDN_A, V1, plans, render

REPO = Path(__file__).resolve().parents[2]


def test_the_command_replays_every_migration_with_nothing_broken() -> None:
    done = subprocess.run([sys.executable, "-m", "bench.link_replay", "--links", "8"], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    migrations = [line for line in lines if line.startswith("migration ")]
    assert [line.split(":")[0] for line in migrations] == [
        "migration cdn-to-managed", "migration spgo-to-managed", "migration cdn-to-cdn"]
    assert all(", 0 not redirected, " in line for line in migrations), migrations
    control = next(line for line in lines if line.startswith("negative control: "))
    assert int(control.split(", ")[1].split()[0]) > 0, control
    assert lines[-1].startswith("link replay: ") and lines[-1].endswith(", 0 not redirected")
    assert "| spgo-to-managed | 2 |" in done.stdout and "48 h 15 min" in done.stdout


def test_a_cdn_switch_without_the_new_cdns_certificate_is_caught() -> None:
    cdn_to_cdn = next(m for m in plans(DOMAINS) if m.name == "cdn-to-cdn")
    host = DOMAINS["cdn2"]
    # Left out: the new CDN's configuration and certificate before the DNS switch.
    hasty = dataclasses.replace(cdn_to_cdn, steps=tuple(
        dataclasses.replace(step, hosts={host: dataclasses.replace(step.hosts[host], cdns=frozenset({CDN_A}))})
        if number < 2 else step for number, step in enumerate(cdn_to_cdn.steps)))
    with ExitStack() as stack:
        tally = run(World(stack), hasty, 4)
    assert tally.failed > 0
    assert any("fresh DNS" in reason for reason in tally.failures)


def test_managed_https_before_the_cname_is_on_v2_fails_the_up_with_the_dns_fix() -> None:
    spgo_to_managed = next(m for m in plans(DOMAINS) if m.name == "spgo-to-managed")
    host = DOMAINS["spgo"]
    # Both steps at once in the wrong order: managed HTTPS while the CNAME still points at spgo.io.
    backwards = dataclasses.replace(spgo_to_managed, steps=(dataclasses.replace(
        spgo_to_managed.steps[1], hosts={host: dataclasses.replace(spgo_to_managed.steps[1].hosts[host], dns=V1)}),))
    with ExitStack() as stack:
        tally = run(World(stack), backwards, 4)
    assert len(tally.failed_ups) == 1 and "error_code acme:dns" in tally.failed_ups[0]
    assert tally.failed == 0  # the failed up changed nothing a link depends on: http links still work


def test_the_migration_guide_shows_the_plans_as_config_changes() -> None:
    done = subprocess.run([sys.executable, "-m", "bench.link_replay", "--plans"], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "\n\n".join(render(m) for m in plans(DOMAINS) if not m.negative)
    guide = (REPO / "docs" / "migration.md").read_text()
    assert done.stdout.strip() in guide, "docs/migration.md: paste 'python -m bench.link_replay --plans'"
