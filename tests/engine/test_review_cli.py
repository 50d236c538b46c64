"""Tier 3b, the "done when" of reviews: this repository's stack with three managed domains (verified) and two
sending domains, up against the emulator; each change below is previewed by the real CLI
(``pulumi preview --json --show-sames``) and piped into ``sparkpost-tracking review --json``.

``secure`` cannot be turned off in the stack program (every component serves https), so that case runs on a
raw ``TrackingDomain`` program, also previewed by the real CLI. CDN and DNS links need cloud plugins this machine
cannot get: tests/review covers them with documents in the same format.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject

pytestmark = pytest.mark.engine

KEY = "review-cli-key-0a1b2c3d4e5f6a7b"
SENDING = ("brand-a.com", "brand-b.com")
DOMAINS: list[dict[str, Any]] = [
    {"domain": "track.example.com", "cdn": "managed", "makeDefault": True, "sendingDomains": ["brand-a.com"]},
    {"domain": "eu-track.example.com", "cdn": "managed", "region": "eu", "sendingDomains": ["brand-b.com"]},
    {"domain": "third.example.com", "cdn": "managed"},
]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        for sending in SENDING:
            emulator.add_sending_domain(sending)
        yield emulator


@pytest.fixture(scope="module")
def stack(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> PulumiProject:
    project = PulumiProject(tmp_path_factory.mktemp("review-stack"), cli_dir, stack="dev", source=STACK_PROGRAM,
                            name=STACK_PROGRAM_NAME)
    project.init(emu.base_url, KEY, DOMAINS, verifyInterval="0", certificateTimeout="30")
    project.up()
    return project


def review(project: PulumiProject) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """One real preview piped into `review --json`, as the CI example does."""
    preview = project.preview("--json", "--show-sames", check=False)
    done = subprocess.run([sys.executable, "-m", "sparkpost_tracking", "review", "--json"], input=preview.stdout,
                          capture_output=True, text=True, timeout=120, env=project.env)
    assert done.returncode == 0, f"{done.stderr}\npreview: {preview.stderr[-2000:]}"
    return json.loads(done.stdout), done


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {d["domain"]: d["verdict"] for d in report["domains"]}


def changed(**edits: dict[str, Any]) -> list[dict[str, Any]]:
    domains = copy.deepcopy(DOMAINS)
    for entry in domains:
        entry.update(edits.get(entry["domain"], {}))
    return domains


def test_every_domain_is_verified_and_each_sending_domain_associated(stack: PulumiProject, emu: Emulator) -> None:
    outputs = json.loads(stack.run("stack", "output", "--json").stdout)
    assert all(entry["verified"] is True for entry in outputs["trackingDomains"].values())
    assert {d["domain"]: d.get("tracking_domain") for d in emu.sending_domains()} == {
        "brand-a.com": "track.example.com", "brand-b.com": "eu-track.example.com"}


def test_no_change_is_safe_and_asks_sparkpost_nothing(stack: PulumiProject, emu: Emulator) -> None:
    stack.set_domains(DOMAINS)
    emu.clear_requests()
    report, _ = review(stack)
    assert emu.count() == 0
    assert report["verdict"] == "safe" and report["notes"] == []
    assert verdicts(report) == dict.fromkeys(["eu-track.example.com", "third.example.com", "track.example.com"],
                                             "safe")
    # every SparkPost resource of the stack is reviewed: three domains, two associations
    links = sorted(c["link"] for d in report["domains"] for c in d["changes"])
    assert links == ["association", "association", "sparkpost", "sparkpost", "sparkpost"]


def test_deleting_a_domain_breaks_links(stack: PulumiProject) -> None:
    stack.set_domains(DOMAINS[:2])
    report, _ = review(stack)  # the preview itself fails: the domain is protected
    assert report["verdict"] == "breaks-links"
    assert verdicts(report)["third.example.com"] == "breaks-links"
    assert verdicts(report)["track.example.com"] == "safe"
    [change] = [c for d in report["domains"] if d["domain"] == "third.example.com" for c in d["changes"]]
    assert change["op"] == "delete" and "refused it: the resource is protected" in change["why"]


def test_changing_a_domain_s_region_breaks_links(stack: PulumiProject) -> None:
    stack.set_domains(changed(**{"third.example.com": {"region": "eu"}}))
    report, _ = review(stack)
    assert verdicts(report)["third.example.com"] == "breaks-links"
    [change] = [c for d in report["domains"] if d["domain"] == "third.example.com" for c in d["changes"]]
    assert "region 'us' → 'eu'" in change["why"]


def test_moving_the_default_is_risky(stack: PulumiProject) -> None:
    stack.set_domains(changed(**{"track.example.com": {"makeDefault": False},
                                 "third.example.com": {"makeDefault": True}}))
    report, _ = review(stack)
    assert report["verdict"] == "risky"
    assert verdicts(report) == {"track.example.com": "risky", "third.example.com": "risky",
                                "eu-track.example.com": "safe"}


def test_removing_an_association_is_risky(stack: PulumiProject) -> None:
    stack.set_domains(changed(**{"eu-track.example.com": {"sendingDomains": []}}))
    report, _ = review(stack)  # refused too: associations are protected
    assert report["verdict"] == "risky" and verdicts(report)["eu-track.example.com"] == "risky"
    [change] = [c for d in report["domains"] for c in d["changes"] if c["link"] == "association" and c["op"] != "same"]
    assert change["op"] == "delete" and "brand-b.com stops using eu-track.example.com" in change["why"]
    assert "protected" in change["why"]


def test_adding_a_domain_is_safe(stack: PulumiProject, emu: Emulator) -> None:
    stack.set_domains([*DOMAINS, {"domain": "new.example.com", "cdn": "managed"}])
    report, _ = review(stack)
    assert report["verdict"] == "safe" and verdicts(report)["new.example.com"] == "safe"
    [change] = [c for d in report["domains"] if d["domain"] == "new.example.com" for c in d["changes"]]
    assert (change["op"], change["link"]) == ("create", "sparkpost")
    stack.set_domains(DOMAINS)


def test_turning_secure_off_on_a_live_domain_breaks_links(cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    raw = PulumiProject(tmp_path, cli_dir)
    raw.init(emu.base_url, KEY, [{"domain": "raw.example.com"}], verifyInterval="0")
    raw.up()
    raw.set_domains([{"domain": "raw.example.com", "secure": False}])
    report, _ = review(raw)
    assert verdicts(report) == {"raw.example.com": "breaks-links"}
    [change] = report["domains"][0]["changes"]
    assert (change["op"], change["why"]) == ("update", "secure turned off on a live domain: links sent as https "
                                                       "stop working")
