"""Tier 3b: SendingDomain under the real CLI, on both paths (a Python program with the dynamic resource, and a YAML
program with the plugin's native one): up creates it and its outputs are the DKIM record SparkPost expects, an
unchanged preview asks SparkPost nothing, a refresh is one read, a change of dkim_key_length is refused in one
line naming it, a delete is refused by the protection it has by default, and the documented retirement deletes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.dkim import key_problem
from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject
from tests.engine.yaml_project import YamlProject

pytestmark = pytest.mark.engine

KEY = "sending-cli-key-0123456789"
D = "brand.example"
SOURCE = Path(__file__).parent / "sending_project"


def stored(emu: Emulator) -> dict[str, Any]:
    found = emu.get_sending_domain(D)
    assert found is not None
    return found


def calls(emu: Emulator) -> list[tuple[str, str]]:
    return [(r.method, r.path.removeprefix("/api/v1")) for r in emu.requests()]


# ---- the Python program (dynamic resource) -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def python_stack(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulumiProject]:
    project = PulumiProject(tmp_path_factory.mktemp("sending-python"), cli_dir, source=SOURCE,
                            name="sending-engine-test")
    project.init(emu.base_url, KEY, [{"domain": D}], retryBackoff="0.05")
    yield project


def test_python_up_creates_it_with_the_record_to_publish(python_stack: PulumiProject, emu: Emulator) -> None:
    python_stack.up()
    assert calls(emu) == [("GET", f"/sending-domains/{D}"), ("POST", "/sending-domains")]
    key = stored(emu)["dkim"]
    outputs = json.loads(python_stack.run("stack", "output", "--json").stdout)[D]
    assert outputs["dkim_record_name"] == f"{key['selector']}._domainkey.{D}"
    assert key_problem(outputs["dkim_record_value"], key["public"]) is None


def test_python_unchanged_preview_asks_nothing_and_refresh_is_one_read(python_stack: PulumiProject,
                                                                        emu: Emulator) -> None:
    emu.clear_requests()
    python_stack.preview("--expect-no-changes")
    assert emu.count() == 0
    emu.mutate_sending_domain(D, dkim_status="valid")  # verified out of band: outputs only
    python_stack.run("refresh", "--yes", "--skip-preview")
    assert calls(emu) == [("GET", f"/sending-domains/{D}")]
    emu.clear_requests()
    python_stack.preview("--expect-no-changes")
    assert emu.count() == 0
    [state] = [r for r in python_stack.export()["deployment"]["resources"] if r["type"].endswith(":SendingDomain")]
    assert state["outputs"]["dkim_status"] == "valid" and state["outputs"]["creation_time"]
    assert state.get("protect") is True


def test_python_a_key_length_change_is_refused_in_one_line(python_stack: PulumiProject, emu: Emulator) -> None:
    python_stack.set_domains([{"domain": D, "dkim_key_length": 1024}])
    emu.clear_requests()
    refused = python_stack.preview(check=False)
    assert refused.returncode != 0 and emu.count() == 0
    assert "Sending domain property dkim_key_length cannot change from 2048 to 1024" in refused.text
    assert "Traceback" not in refused.text and KEY not in refused.text
    python_stack.set_domains([{"domain": D}])


def test_python_a_delete_is_refused_by_protection_then_retired(python_stack: PulumiProject, emu: Emulator) -> None:
    python_stack.set_domains([])
    emu.clear_requests()
    refused = python_stack.up(check=False)
    assert refused.returncode != 0 and "protected" in refused.text
    assert emu.count("DELETE") == 0 and emu.get_sending_domain(D) is not None
    python_stack.set_domains([{"domain": D}])
    python_stack.retire()
    assert emu.get_sending_domain(D) is None
    assert KEY not in "".join(result.text for result in python_stack.transcript)


def test_python_refresh_forgets_a_domain_sparkpost_removed_saying_why(python_stack: PulumiProject,
                                                                       emu: Emulator) -> None:
    python_stack.run("config", "set", "sending-engine-test:protect", "false")
    python_stack.up()  # made again after the retirement above
    first = stored(emu)["dkim"]["public"]
    assert emu.expire_unverified(D) == [D]  # SparkPost's two-week removal
    refreshed = python_stack.run("refresh", "--yes", "--skip-preview")
    assert "is gone from SparkPost: it was not verified yet, and SparkPost removes a sending domain that stays " \
           "unverified for two weeks" in " ".join(refreshed.text.split())
    python_stack.up()
    assert stored(emu)["dkim"]["public"] != first  # made again, with a new key to publish
    python_stack.run("destroy", "--yes")
    assert emu.get_sending_domain(D) is None


# ---- the YAML program (the plugin's native resource) -------------------------------------------------------------

NATIVE = {"type": "sparkpost-tracking:index:SendingDomain", "properties": {"domain": "mail.brand.example"}}


@pytest.fixture(scope="module")
def yaml_stack(yaml_cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> YamlProject:
    project = YamlProject(tmp_path_factory.mktemp("sending-yaml"), yaml_cli_dir,
                          {"mail": {**NATIVE, "options": {"protect": True}}},
                          {"record": "${mail.dkimRecordValue}", "recordName": "${mail.dkimRecordName}"})
    project.init(emu.base_url, KEY, retryBackoff="0.05")
    return project


def test_yaml_up_preview_and_refresh(yaml_stack: YamlProject, emu: Emulator) -> None:
    emu.clear_requests()
    yaml_stack.up()
    name = "mail.brand.example"
    assert calls(emu) == [("GET", f"/sending-domains/{name}"), ("POST", "/sending-domains")]
    found = emu.get_sending_domain(name)
    assert found is not None
    outputs = yaml_stack.outputs_now()
    assert outputs["recordName"] == f"{found['dkim']['selector']}._domainkey.{name}"
    assert key_problem(outputs["record"], found["dkim"]["public"]) is None
    emu.clear_requests()
    yaml_stack.preview("--expect-no-changes")
    assert emu.count() == 0
    yaml_stack.run("refresh", "--yes", "--skip-preview")
    assert calls(emu) == [("GET", f"/sending-domains/{name}")]
    emu.clear_requests()
    yaml_stack.preview("--expect-no-changes")
    assert emu.count() == 0


def test_yaml_a_key_length_change_is_refused_and_a_delete_by_protection(yaml_stack: YamlProject,
                                                                         emu: Emulator) -> None:
    name = "mail.brand.example"
    yaml_stack.resources["mail"]["properties"]["dkimKeyLength"] = 4096
    yaml_stack.write()
    emu.clear_requests()
    refused = yaml_stack.preview(check=False)
    assert refused.returncode != 0 and emu.count() == 0
    assert "Sending domain property dkimKeyLength cannot change from 2048 to 4096" in refused.text
    assert "Traceback" not in refused.text
    del yaml_stack.resources["mail"]
    yaml_stack.outputs = {}
    yaml_stack.write()
    gone = yaml_stack.run("up", "--yes", "--skip-preview", check=False)
    assert gone.returncode != 0 and "protected" in gone.text
    assert emu.count("DELETE") == 0 and emu.get_sending_domain(name) is not None
    # Retired the documented way: unprotected in state, then deleted.
    [urn] = [r["urn"] for r in yaml_stack.export()["deployment"]["resources"] if r["type"] == NATIVE["type"]]
    yaml_stack.run("state", "unprotect", urn, "--yes")
    yaml_stack.up()
    assert emu.get_sending_domain(name) is None and emu.count("DELETE") == 1
