"""Tier 3b: a Pulumi YAML program uses the provider plugin under the real CLI, against the emulator.

Nothing of Python is set up for the program: no ``PULUMI_PYTHON_CMD``, no venv on PATH; the engine finds the plugin
through ``plugins.providers``. The program has a ``ManagedTrackingDomain`` (built inside the plugin, ending in the
native ``TrackingDomain``) and a native ``TrackingDomain`` of its own: preview, up, an unchanged preview that asks
SparkPost nothing, refresh after an out-of-band change, import of a domain created out of band, destroy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.engine.yaml_project import PACKAGE, YamlProject

pytestmark = pytest.mark.engine

KEY = "yaml-test-key-8d2f6c1b0a9e4f37"
NATIVE = f"{PACKAGE}:index:TrackingDomain"
MANAGED = f"{PACKAGE}:index:ManagedTrackingDomain"
RESOURCES: dict[str, Any] = {
    "managed": {"type": f"{PACKAGE}:ManagedTrackingDomain", "properties": {"domain": "m.example.com"}},
    "plain": {"type": f"{PACKAGE}:TrackingDomain", "properties": {"domain": "track.example.com"}},
}
OUTPUTS = {"managedVerified": "${managed.verified}", "cnameTarget": "${managed.cnameTarget}",
           "plainVerified": "${plain.verified}", "plainPort": "${plain.port}"}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def program(yaml_cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> YamlProject:
    project = YamlProject(tmp_path_factory.mktemp("yaml-stack"), yaml_cli_dir, dict(RESOURCES), OUTPUTS)
    # The provider's apiUrl is the default of every resource: no resource names the emulator itself.
    project.init(emu.base_url, KEY, verifyInterval="0", retryBackoff="0.05")
    return project


def states(program: YamlProject) -> dict[str, dict[str, Any]]:
    return {r["urn"].rsplit("::", 1)[1]: r for r in program.export()["deployment"]["resources"]}


def test_nothing_python_is_set_up_for_the_program(program: YamlProject) -> None:
    assert "PULUMI_PYTHON_CMD" not in program.env
    assert all("python" not in Path(p).name for p in program.env["PATH"].split(":"))


def test_preview_plans_the_component_its_native_child_and_the_resource(program: YamlProject,
                                                                       emu: Emulator) -> None:
    emu.clear_requests()
    text = program.preview().text
    for resource in (f"{MANAGED} managed", f"{NATIVE} managed-sparkpost", f"{NATIVE} plain"):
        assert f"+  {resource} create" in text, text
    assert "managedVerified: [unknown]" in " ".join(text.split())  # not known before SparkPost answers
    assert emu.count() == 0


def test_up_creates_and_verifies_both_domains(program: YamlProject, emu: Emulator) -> None:
    program.up()
    stored = {d["domain"]: d for d in emu.domains()}
    assert sorted(stored) == ["m.example.com", "track.example.com"]
    assert stored["track.example.com"]["secure"] and stored["track.example.com"]["status"]["verified"]
    assert stored["m.example.com"]["uses_managed_certificate"]
    assert stored["m.example.com"]["status"]["tls_status"] == "valid"
    assert program.outputs_now() == {"managedVerified": True, "cnameTarget": "v2.spgo.io",
                                     "plainVerified": True, "plainPort": 443}
    found = states(program)
    assert found["managed-sparkpost"]["type"] == NATIVE
    assert found["managed-sparkpost"]["parent"] == found["managed"]["urn"]
    assert found["plain"]["id"] == "track.example.com"


def test_an_unchanged_preview_asks_sparkpost_nothing(program: YamlProject, emu: Emulator) -> None:
    emu.clear_requests()
    assert program.preview("--expect-no-changes").returncode == 0
    assert emu.count() == 0


def test_refresh_finds_an_out_of_band_change_and_up_repairs_it(program: YamlProject, emu: Emulator) -> None:
    emu.mutate("track.example.com", secure=False)
    emu.clear_requests()
    program.run("refresh", "--yes", "--skip-preview")
    assert emu.count(method="GET") == 2 and emu.count() == 2  # one read per domain, nothing written
    assert states(program)["plain"]["outputs"]["secure"] is False
    drifted = program.preview("--diff", "--expect-no-changes", check=False)
    assert drifted.returncode != 0
    assert "~ secure: false => true" in drifted.text, drifted.text
    program.up()
    assert emu.get("track.example.com")["secure"] is True  # type: ignore[index]
    assert program.preview("--expect-no-changes").returncode == 0


def test_import_of_a_domain_created_out_of_band_then_an_unchanged_preview(program: YamlProject,
                                                                          emu: Emulator) -> None:
    emu.add_domain("imported.example.com", secure=True)
    emu.clear_requests()
    generated = program.workdir / "imported.yaml"
    program.run("import", NATIVE, "imported", "imported.example.com", "--yes", "--out", str(generated))
    assert emu.count(method="GET") >= 1 and emu.count() == emu.count(method="GET")  # reads only
    code = yaml.safe_load(generated.read_text())["resources"]["imported"]
    assert code["type"] == f"{PACKAGE}:TrackingDomain"
    assert code["properties"]["domain"] == "imported.example.com" and code["properties"]["secure"] is True
    assert "apiKey" not in code["properties"]
    # The program now declares what was imported, as `pulumi import` printed it.
    program.resources["imported"] = code
    program.write()
    emu.clear_requests()
    assert program.preview("--expect-no-changes").returncode == 0
    assert emu.count() == 0
    program.run("state", "unprotect", "--all", "--yes")


def test_the_key_is_only_an_encrypted_provider_secret(program: YamlProject) -> None:
    exported = program.export()
    assert KEY not in str(exported)
    resources = exported["deployment"]["resources"]
    providers = [r for r in resources if r["type"] == f"pulumi:providers:{PACKAGE}"]
    assert providers and all(set(p["inputs"]["apiKey"]) >= {"ciphertext"} for p in providers)
    assert not any("apiKey" in str(r.get("inputs", {})) + str(r.get("outputs", {}))
                   for r in resources if r["type"] == NATIVE)
    assert all(KEY not in result.text for result in program.transcript)
    state_files = [p for p in (program.workdir / "state").rglob("*") if p.is_file()]
    assert state_files and all(KEY.encode() not in p.read_bytes() for p in state_files)


def test_destroy_deletes_every_domain(program: YamlProject, emu: Emulator) -> None:
    program.run("destroy", "--yes", "--skip-preview")
    assert emu.domains() == []


def test_bad_inputs_are_named_in_the_schemas_words_before_any_request(yaml_cli_dir: Path, emu: Emulator,
                                                                      tmp_path: Path) -> None:
    bad = {"bad": {"type": f"{PACKAGE}:TrackingDomain",
                   "properties": {"domain": "example.com", "subaccountId": 0, "managedCertificate": True,
                                  "secure": False}}}
    project = YamlProject(tmp_path, yaml_cli_dir, bad)
    project.init(emu.base_url, KEY)
    emu.clear_requests()
    failed = project.preview(check=False)
    assert failed.returncode != 0
    text = " ".join(failed.text.split())
    assert "apex (organisational) domain" in text and "subaccountId" in text, failed.text
    assert "Traceback" not in text
    assert emu.count() == 0


def test_a_plain_text_key_is_refused_before_any_request_and_never_stored(yaml_cli_dir: Path, emu: Emulator,
                                                                         tmp_path: Path) -> None:
    # The same rule, and the same words, as the Python path's: a key set without --secret would be stored in
    # plain text as the provider's inputs in state.
    plain = "plain-key-4b1e9d7c2a"
    project = YamlProject(tmp_path, yaml_cli_dir, {"plain": RESOURCES["plain"]})
    project.run("stack", "init", project.stack)
    project.run("config", "set", f"{PACKAGE}:apiUrl", emu.base_url)
    project.run("config", "set", f"{PACKAGE}:apiKey", plain)
    emu.clear_requests()
    for command in (("preview",), ("up", "--yes", "--skip-preview")):
        failed = project.run(*command, check=False)
        assert failed.returncode != 0
        assert (f"{PACKAGE}:apiKey: holds an API key in plain text" in failed.text
                and f"pulumi config set --secret {PACKAGE}:apiKey" in failed.text), failed.text
        assert plain not in failed.text and "Traceback" not in failed.text
    assert emu.count() == 0
    assert plain not in project.run("stack", "export").stdout


def test_an_unreachable_api_fails_fast_saying_nothing_was_sent(yaml_cli_dir: Path, tmp_path: Path) -> None:
    # The plugin path says what the dynamic path says (tests/engine/test_config_errors_cli.py).
    from tests.engine.test_config_errors_cli import UNREACHABLE_WITHIN, assert_unreachable_is_reported, closed_port_url

    url = closed_port_url()
    project = YamlProject(tmp_path, yaml_cli_dir, {"plain": RESOURCES["plain"]})
    project.init(url, KEY, retryBackoff="0.05")
    result = project.run("up", "--yes", "--skip-preview", check=False)
    print(f"\n$ pulumi up  # exit {result.returncode} after {result.seconds:.1f}s\n{result.text[-1500:]}")
    assert_unreachable_is_reported(result, url, setting="apiUrl")  # in the schema's words
    assert "Traceback" not in result.text  # the plugin reports our errors as their message alone
    assert result.seconds < UNREACHABLE_WITHIN + 20


def test_the_api_key_as_an_argument_is_refused_with_the_dynamic_resources_words() -> None:
    # The same mistake, the same error on both paths: a RunError naming the setting, no bare TypeError.
    import pulumi

    from sparkpost_tracking.dynamic_providers.validation import ResourceArgumentError
    from sparkpost_tracking.plugin.resources import TrackingDomain

    with pytest.raises(ResourceArgumentError) as caught:
        TrackingDomain("t", {"domain": "track.example.com", "api_key": "k"})  # type: ignore[typeddict-unknown-key]
    assert isinstance(caught.value, pulumi.RunError)
    assert str(caught.value) == ("TrackingDomain 't': api_key: the API key is never an input (it would land in state); "
                                 f"use 'pulumi config set --secret {PACKAGE}:apiKey ...' or SPARKPOST_API_KEY")


def test_a_misspelt_provider_key_is_refused_before_any_request(yaml_cli_dir: Path, emu: Emulator,
                                                               tmp_path: Path) -> None:
    project = YamlProject(tmp_path, yaml_cli_dir, {"plain": RESOURCES["plain"]})
    project.init(emu.base_url, KEY, verifyTimout="5")
    emu.clear_requests()
    failed = project.preview(check=False)
    assert failed.returncode != 0
    assert "Did you mean 'sparkpost-tracking:verifyTimeout'?" in failed.text and "Traceback" not in failed.text
    assert emu.count() == 0
