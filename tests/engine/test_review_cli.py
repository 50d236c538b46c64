"""Tier 3b, the "done when" of reviews: this repository's stack with three managed domains (verified) and two
sending domains, up against the emulator; each change below is previewed by the real CLI
(``pulumi preview --json --show-sames --show-replacement-steps``) and piped into ``sparkpost-tracking review
--json``: refused deletes that cut the plan short, refused replacements, renames with and without aliases, a
domain adopted by one resource while another deletes it, protection turned off.

Each real preview is also compared with the engine's plan as tests/review/engine_plan.py emulates it from the same
program under mocks (the same operations on the same resources, the same count, the same refusals): the emulation
builds the documents of the chains this machine cannot preview for real (CloudFront, Fastly, Cloudflare, DNS).

``secure`` cannot be turned off in the stack program (every component serves https), so that case runs on a raw
``TrackingDomain`` program, also previewed by the real CLI.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.config import StackDefaults
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.stack import build, plan_domains
from tests.engine.pulumi_cli import REPO, STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject
from tests.review.engine_plan import change, record

pytestmark = pytest.mark.engine

KEY = "review-cli-key-0a1b2c3d4e5f6a7b"
SENDING = ("brand-a.com", "brand-b.com")
PREVIEW = ("--json", "--show-sames", "--show-replacement-steps")
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


def review(project: PulumiProject, *flags: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """One real preview piped into `review --json`, as the CI example does; the review and the preview."""
    preview = project.preview(*(flags or PREVIEW), check=False)
    done = subprocess.run([sys.executable, "-m", "sparkpost_tracking", "review", "--json"], input=preview.stdout,
                          capture_output=True, text=True, timeout=120, env=project.env)
    assert done.returncode == 0, f"{done.stderr}\npreview: {preview.stderr[-2000:]}"
    return json.loads(done.stdout), json.loads(preview.stdout)


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {d["domain"]: d["verdict"] for d in report["domains"]}


def whys(report: dict[str, Any], domain: str) -> list[str]:
    return [c["why"] for d in report["domains"] if d["domain"] == domain for c in d["changes"]]


def changed(**edits: dict[str, Any]) -> list[dict[str, Any]]:
    domains = copy.deepcopy(DOMAINS)
    for entry in domains:
        entry.update(edits.get(entry["domain"], {}))
    return domains


def shape(document: dict[str, Any]) -> tuple[list[tuple[str, str]], dict[str, int], list[str]]:
    """What the emulation must reproduce: each resource's operations (by name), the count, the refused URNs."""
    steps = sorted((s["op"], s["urn"].rsplit("::", 1)[-1]) for s in document["steps"])
    refused = sorted(d["urn"].rsplit("::", 1)[-1] for d in document.get("diagnostics") or []
                     if d.get("severity") == "error" and d.get("urn"))
    return steps, document["changeSummary"], refused


def emulated(emu: Emulator, domains: list[dict[str, Any]]) -> dict[str, Any]:
    defaults = StackDefaults(api_url=emu.base_url)
    olds = record(lambda: build(plan_domains(copy.deepcopy(DOMAINS), defaults)))
    return change(lambda: build(plan_domains(copy.deepcopy(domains), defaults)), olds).document


def test_every_domain_is_verified_and_each_sending_domain_associated(stack: PulumiProject, emu: Emulator) -> None:
    outputs = json.loads(stack.run("stack", "output", "--json").stdout)
    assert all(entry["verified"] is True for entry in outputs["trackingDomains"].values())
    assert {d["domain"]: d.get("tracking_domain") for d in emu.sending_domains()} == {
        "brand-a.com": "track.example.com", "brand-b.com": "eu-track.example.com"}


def test_no_change_is_safe_and_asks_sparkpost_nothing(stack: PulumiProject, emu: Emulator) -> None:
    stack.set_domains(DOMAINS)
    emu.clear_requests()
    report, preview = review(stack)
    assert emu.count() == 0
    assert report["verdict"] == "safe" and report["notes"] == []
    assert verdicts(report) == dict.fromkeys(["eu-track.example.com", "third.example.com", "track.example.com"],
                                             "safe")
    # every SparkPost resource of the stack is reviewed: three domains, two associations
    links = sorted(c["link"] for d in report["domains"] for c in d["changes"])
    assert links == ["association", "association", "sparkpost", "sparkpost", "sparkpost"]
    assert shape(emulated(emu, DOMAINS)) == shape(preview)


def test_deleting_a_domain_breaks_links(stack: PulumiProject, emu: Emulator) -> None:
    stack.set_domains(DOMAINS[:2])
    report, preview = review(stack)  # the preview itself fails: the domain is protected
    assert report["verdict"] == "breaks-links"
    assert verdicts(report)["third.example.com"] == "breaks-links"
    assert verdicts(report)["track.example.com"] == "safe"
    [change] = [c for d in report["domains"] if d["domain"] == "third.example.com" for c in d["changes"]]
    assert change["op"] == "delete" and "refused it: the resource is protected" in change["why"]
    assert shape(emulated(emu, DOMAINS[:2])) == shape(preview)


def test_deleting_a_domain_with_an_association_is_cut_short_and_still_breaks_links(stack: PulumiProject,
                                                                                    emu: Emulator) -> None:
    """The engine stops at the association's protected delete: the domain's own delete is not in the document."""
    stack.set_domains([DOMAINS[0], DOMAINS[2]])
    report, preview = review(stack)
    assert [s["op"] for s in preview["steps"] if "eu-track-example-com" in s["urn"]] == ["delete"]
    assert verdicts(report) == {"eu-track.example.com": "breaks-links", "track.example.com": "safe",
                                "third.example.com": "safe", "(the preview as a whole)": "breaks-links"}
    assert any("its SparkPost domain has no step" in w for w in whys(report, "eu-track.example.com"))
    assert any("--ignore-protect" in n and "docs/retiring.md" in n for n in report["notes"])
    assert shape(emulated(emu, [DOMAINS[0], DOMAINS[2]])) == shape(preview)


WHOLE_PLAN = re.compile(r"## Seeing the whole plan.*?<!-- run-by: tests/engine/test_review_cli\.py.*?-->\s*"
                        r"```sh\n(.*?)```", re.DOTALL)


def test_the_whole_plan_of_a_protected_stack_as_docs_retiring_shows_it(stack: PulumiProject) -> None:
    """docs/retiring.md's block, as written: with protection ignored the preview lists the deletes the protected
    one hid, and review reads a complete plan (no note about where the engine stopped)."""
    [block] = WHOLE_PLAN.findall((REPO / "docs" / "retiring.md").read_text())
    stack.set_domains([DOMAINS[0], DOMAINS[2]])
    done = subprocess.run(["bash", "-c", block], cwd=stack.workdir, env=stack.env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| eu-track.example.com | ⛔ breaks-links | 2 delete |" in done.stdout
    assert "deleted: every link sent through eu-track.example.com stops working" in done.stdout
    assert "stopped there" not in done.stdout


def test_renaming_without_aliases_breaks_links_and_with_aliases_is_safe(stack: PulumiProject, emu: Emulator) -> None:
    renamed = changed(**{"track.example.com": {"name": "renamed"}})
    stack.set_domains(renamed)
    report, preview = review(stack)
    assert verdicts(report)["track.example.com"] == "breaks-links"
    assert any("renamed-sparkpost creates track.example.com while" in w for w in whys(report, "track.example.com"))
    assert shape(emulated(emu, renamed)) == shape(preview)
    aliased = changed(**{"track.example.com": {"name": "renamed", "aliases": ["track-example-com"]}})
    stack.set_domains(aliased)
    report, preview = review(stack)
    assert report["verdict"] == "safe"
    assert shape(emulated(emu, aliased)) == shape(preview)


def test_a_rename_that_adopts_the_domain_another_resource_deletes_breaks_links(stack: PulumiProject,
                                                                               emu: Emulator) -> None:
    adopting = changed(**{"third.example.com": {"name": "renamed", "adoptExisting": True}})
    stack.set_domains(adopting)
    report, preview = review(stack)
    assert verdicts(report)["third.example.com"] == "breaks-links"
    assert any("renamed-sparkpost adopts third.example.com while" in w for w in whys(report, "third.example.com"))
    assert any("adopted by one resource and deleted by another" in n for n in report["notes"])
    assert shape(emulated(emu, adopting)) == shape(preview)


@pytest.mark.parametrize(("edit", "order"), [
    ({"domain": "fourth.example.com", "name": "third-example-com"}, "create-replacement"),
    ({"subaccountId": 5}, "delete-replaced"),
])
def test_a_protected_replacement_is_reviewed_not_refused(stack: PulumiProject, emu: Emulator, edit: dict[str, Any],
                                                         order: str) -> None:
    """CLI 3.274 refuses a protected replacement but previews on; review reads it (it used to exit 2)."""
    domains = changed(**{"third.example.com": edit})
    stack.set_domains(domains)
    report, preview = review(stack)
    assert verdicts(report)["third.example.com"] == "breaks-links"
    [first] = [s["op"] for s in preview["steps"] if s["urn"].endswith("::third-example-com-sparkpost")][:1]
    assert first == order  # the order of the replacement, as --show-replacement-steps shows it
    assert any("refused to replace protected resources" in n for n in report["notes"])
    assert shape(emulated(emu, domains)) == shape(preview)


def test_changing_a_domain_s_region_breaks_links(stack: PulumiProject, emu: Emulator) -> None:
    domains = changed(**{"third.example.com": {"region": "eu"}})
    stack.set_domains(domains)
    report, preview = review(stack)
    assert verdicts(report)["third.example.com"] == "breaks-links"
    [change] = [c for d in report["domains"] if d["domain"] == "third.example.com" for c in d["changes"]]
    assert "region 'us' → 'eu'" in change["why"]
    assert shape(emulated(emu, domains)) == shape(preview)


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
    assert verdicts(report)["eu-track.example.com"] == "risky"
    # The engine stopped at that delete: the deletes after it, which no document lists, are never taken for none.
    assert report["verdict"] == "breaks-links" and verdicts(report)["(the preview as a whole)"] == "breaks-links"
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


def test_protection_turned_off_shows_in_the_markdown(stack: PulumiProject) -> None:
    stack.set_domains(DOMAINS)
    stack.run("config", "set", f"{STACK_PROGRAM_NAME}:protect", "false")
    try:
        preview = stack.preview(*PREVIEW, check=False)
        done = subprocess.run([sys.executable, "-m", "sparkpost_tracking", "review"], input=preview.stdout,
                              capture_output=True, text=True, timeout=120, env=stack.env)
    finally:
        stack.run("config", "rm", f"{STACK_PROGRAM_NAME}:protect")
    assert done.returncode == 0, done.stderr
    assert "| track.example.com | ✅ safe | protection off on 2 |" in done.stdout
    assert "protection turned off" in done.stdout


def test_turning_secure_off_on_a_live_domain_is_risky(cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    """SparkPost writes http links in new mail; links already sent stay https and work while https is served."""
    raw = PulumiProject(tmp_path, cli_dir)
    raw.init(emu.base_url, KEY, [{"domain": "raw.example.com"}], verifyInterval="0")
    raw.up()
    raw.set_domains([{"domain": "raw.example.com", "secure": False}])
    report, _ = review(raw)
    assert verdicts(report) == {"raw.example.com": "risky"}
    [change] = report["domains"][0]["changes"]
    assert change["op"] == "update" and change["why"].startswith("secure turned off")


#: A program of the user's own: a managed tracking domain, and (config ``note``) a resource of a type review does
#: not know, parented to the component.
UNKNOWN_CHILD = """
import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

from sparkpost_tracking.components import ManagedTrackingDomain


class NoteProvider(ResourceProvider):
    def create(self, props):
        return CreateResult("note", props)


class Note(Resource, module="notes", name="Note"):
    def __init__(self, name, props, opts=None):
        super().__init__(NoteProvider(), name, props, opts)


config = pulumi.Config()
component = ManagedTrackingDomain("note-example-com", {"domain": "note.example.com",
                                                      "api_url": config.require("apiUrl")})
if config.get_bool("note"):
    Note("note-example-com-note", {"text": "beside the chain"}, pulumi.ResourceOptions(parent=component))
"""


def test_a_resource_of_a_type_review_does_not_know_under_the_component_is_risky(cli_dir: Path, emu: Emulator,
                                                                                 tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "__main__.py").write_text(UNKNOWN_CHILD)
    project = PulumiProject(tmp_path / "project", cli_dir, source=source)
    project.init(emu.base_url, KEY, [], verifyInterval="0", certificateTimeout="30")
    project.up()
    project.run("config", "set", "note", "true")
    report, preview = review(project)
    assert any(s["op"] == "create" and s["urn"].endswith("::note-example-com-note") for s in preview["steps"])
    assert verdicts(report) == {"note.example.com": "risky"}
    assert any("which review does not know" in w for w in whys(report, "note.example.com"))
