"""Tier 3b: ownership at the seams through the real CLI, on both paths (a Python program with the dynamic provider, a
YAML program with the plugin): what only the engine does (kill -9, a rename, destroy, an explicit provider
resource). Each ends with the foreign domain or sending domain as it was, and no write to it.

1. kill -9 while our create's read of a name that exists is in flight: the documented recovery does not adopt it;
3. a domain re-created by someone else: refresh, up and destroy write nothing to it;
4. a rename, then our hint: the old resource's delete drops only state;
5. destroy leaves a sending domain that someone re-pointed;
6. a literal key on an explicit provider resource is refused before any request.
The provider-tier twins (every case, both paths, without the engine) are in tests/provider/test_ownership_seams.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.types import ASSOCIATION, TRACKING_DOMAIN
from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject, Result
from tests.engine.test_crash_recovery import engine_started, processes_in, recovery_commands, wait_for
from tests.engine.yaml_project import PACKAGE, PLUGIN, YamlProject, plugin_dir

pytestmark = pytest.mark.engine

KEY = "seams-cli-key-0123456789"
OURS = "track0.example.com"
SHARED = "shared.example.com"
#: A colleague's live domain: verified, http, the default (case 1 of the issue).
COLLEAGUES = {"secure": False, "default": True, "verified": True}
FAST = {"verifyInterval": "0.2", "retryBackoff": "0.05"}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@dataclass
class Program:
    """One stack on one path, declared as a list of tracking domains (``name``, ``domain``, inputs,
    ``sendingDomains``), in the Python program's words; the YAML program gets the same in the schema's."""

    path: str
    project: PulumiProject | YamlProject

    @property
    def python(self) -> bool:
        return self.path == "python"

    def declare(self, domains: list[dict[str, Any]]) -> None:
        if isinstance(self.project, PulumiProject):
            self.project.set_domains(domains)
            return
        resources: dict[str, Any] = {}
        for entry in domains:
            entry = dict(entry)
            name = entry.pop("name", entry["domain"].split(".")[0])
            sending = entry.pop("sendingDomains", [])
            aliases = entry.pop("aliases", None)
            properties = {_camel(k): v for k, v in entry.items()}
            resources[name] = {"type": f"{PACKAGE}:TrackingDomain", "properties": properties,
                               **({"options": {"aliases": aliases}} if aliases else {})}
            for domain in sending:
                resources[f"{domain.split('.')[0]}-uses-{name}"] = {
                    "type": f"{PACKAGE}:TrackingDomainAssociation",
                    "properties": {"sendingDomain": domain, "trackingDomain": f"${{{name}.domain}}"}}
        self.project.resources = resources
        self.project.write()

    def run(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> Result:
        saved = dict(self.project.env)
        self.project.env.update(env or {})
        try:
            return self.project.run(*args, check=check)
        finally:
            self.project.env = saved

    def up(self, *extra: str, check: bool = True, env: dict[str, str] | None = None) -> Result:
        return self.run("up", "--yes", "--skip-preview", *extra, check=check, env=env)

    def state(self) -> dict[str, dict[str, Any]]:
        """Our resources in state: URN -> resource."""
        exported = self.project.export()["deployment"]
        return {r["urn"]: r for r in exported.get("resources", [])
                if r["type"] in TRACKING_DOMAIN.tokens + ASSOCIATION.tokens}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def program(path: str, workdir: Path, cli_dir: Path, emu: Emulator, domains: list[dict[str, Any]]) -> Program:
    if path == "python":
        python = PulumiProject(workdir, cli_dir)
        python.init(emu.base_url, KEY, domains, **FAST)
        python.run("config", "set", f"{python.name}:protect", "false")  # a raw resource, as in YAML
        return Program(path, python)
    made = Program(path, YamlProject(workdir, cli_dir, {}))
    made.declare(domains)
    made.project.init(emu.base_url, KEY, **FAST)
    made.project.env["PATH"] = os.pathsep.join([str(plugin_dir()), made.project.env["PATH"]])  # recovery's python
    return made


PATHS = ["python", "yaml"]
MARKERS = {"python": b"pulumi.dynamic", "yaml": PLUGIN.encode()}


def requests_about(emu: Emulator, name: str) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in emu.requests()
            if r.path.endswith(f"/{name}") or f"/{name}/" in r.path]


def writes_to(emu: Emulator, name: str) -> list[tuple[str, str]]:
    return [(method, path) for method, path in requests_about(emu, name) if method != "GET"]


def one_line(result: Result) -> str:
    return " ".join(result.text.split())


# ---- 1. kill -9 while the read before our POST is in flight ---------------------------------------------------

@pytest.mark.parametrize("path", PATHS)
def test_kill_9_before_the_post_then_recovery_never_adopts_the_colleagues_domain(
        path: str, yaml_cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    colleagues = emu.add_domain(SHARED, **COLLEAGUES)
    stack = program(path, tmp_path, yaml_cli_dir, emu, [{"domain": OURS}, {"domain": SHARED}])
    emu.update_settings(default_verification="pending")  # our own create stays busy polling verify
    emu.delay_next(1, 120, "GET", f"/tracking-domains/{SHARED}")  # our read of the colleague's name hangs
    up = subprocess.Popen([str(yaml_cli_dir / "pulumi"), "up", "--yes", "--skip-preview", "--non-interactive"],
                          cwd=tmp_path, env=stack.project.env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: emu.count(path_suffix="/verify") >= 1 and not emu.pending_faults()
                 and emu.in_flight()["now"] >= 1, "our create polling and the read of the shared name held")
        providers = wait_for(lambda: [pid for pid in processes_in(tmp_path, MARKERS[path])
                                      if engine_started(pid, up.pid)], "the provider process")
        up.send_signal(signal.SIGKILL)
        up.wait()
        wait_for(lambda: not any(pid in processes_in(tmp_path) for pid in providers), "the provider to exit", 60)
    finally:
        if up.poll() is None:
            up.kill()
        for pid in processes_in(tmp_path):
            os.kill(pid, signal.SIGKILL)
    assert emu.count("POST", "/tracking-domains") == 1  # ours; the shared name was never posted
    pending = stack.project.export()["deployment"].get("pending_operations") or []
    assert sorted(p["resource"]["inputs"]["domain"] for p in pending) == [SHARED, OURS]
    emu.update_settings(default_verification="valid")
    emu.clear_requests()

    # What recovery proposes, and what it says about the colleague's domain.
    exported = stack.run("stack", "export").stdout
    recovery = subprocess.run(["python", "-m", "sparkpost_tracking.recovery"], input=exported, cwd=tmp_path,
                              env=stack.project.env, capture_output=True, text=True, timeout=300)
    assert (recovery.returncode, recovery.stdout) == (0, f"{OURS}\n"), recovery.stderr
    said = " ".join(recovery.stderr.split())
    assert f"{SHARED} (resource '{'shared' if path == 'yaml' else SHARED}'): NOT OURS, not proposed" in said
    assert f"SPARKPOST_ADOPT={SHARED} pulumi up" in said and "remove resource" in said

    # The documented block, as written: it adopts ours and stops at the colleague's, writing nothing to it.
    block = subprocess.run(["bash", "-euo", "pipefail", "-c", recovery_commands()], cwd=tmp_path,
                           env=stack.project.env, capture_output=True, text=True, timeout=900)
    assert block.returncode != 0
    assert "already exists" in block.stdout + block.stderr and "not this stack's" in block.stdout + block.stderr
    assert writes_to(emu, SHARED) == [] and emu.get(SHARED) == colleagues
    in_state = {r["id"] for r in stack.state().values()}
    assert in_state == {OURS} and emu.get(OURS)["status"]["verified"] is True  # type: ignore[index]


# ---- 3. a domain deleted and made again by someone else ---------------------------------------------------------

@pytest.mark.parametrize("path", PATHS)
def test_refresh_up_and_destroy_write_nothing_to_a_recreated_domain(path: str, yaml_cli_dir: Path, emu: Emulator,
                                                                    tmp_path: Path) -> None:
    stack = program(path, tmp_path, yaml_cli_dir, emu, [{"domain": OURS}])
    stack.up()
    emu.remove(OURS)
    theirs = emu.add_domain(OURS, secure=False)  # a colleague's, made in the UI: http, not verified yet
    emu.clear_requests()
    for attempt in (("refresh", "--yes", "--skip-preview"), ("up", "--yes", "--skip-preview", "--refresh"),
                    ("destroy", "--yes", "--skip-preview")):
        failed = stack.run(*attempt, check=False)
        assert failed.returncode != 0, failed.text
        said = one_line(failed)
        assert "is not the one this stack last saw: it was verified and is not any more" in said, said
        assert f"SPARKPOST_ADOPT={OURS} pulumi refresh --yes" in said
        # (The dynamic-provider server frames every provider error in its own traceback: issue 26's to remove.)
        assert stack.python or "Traceback" not in said
    assert stack.up().returncode == 0  # nothing to change in state: no call, no write
    assert writes_to(emu, OURS) == [] and emu.get(OURS) == theirs
    assert len(stack.state()) == 1
    # The deliberate step: accept it once, then up repairs it as ours.
    stack.run("refresh", "--yes", "--skip-preview", env={"SPARKPOST_ADOPT": OURS})
    stack.up()
    repaired = emu.get(OURS)
    assert repaired is not None and repaired["secure"] is True and repaired["status"]["verified"] is True


# ---- 4. a rename, then the hint -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", PATHS)
def test_a_rename_then_the_hint_never_deletes_the_domain(path: str, yaml_cli_dir: Path, emu: Emulator,
                                                         tmp_path: Path) -> None:
    stack = program(path, tmp_path, yaml_cli_dir, emu, [{"name": "old", "domain": OURS}])
    stack.up()
    stack.declare([{"name": "new", "domain": OURS}])
    emu.clear_requests()
    failed = stack.up(check=False)
    said = one_line(failed)
    assert failed.returncode != 0 and "already exists" in said
    hints = [said.index(word) for word in ("aliases", "SPARKPOST_ADOPT=", "adopt_existing" if stack.python
                                            else "adoptExisting")]
    assert hints == sorted(hints), said  # the rename first, then adoption
    assert writes_to(emu, OURS) == []
    # Following the adoption hint: the new resource takes it, the old one's delete only drops state.
    adopted = stack.up(env={"SPARKPOST_ADOPT": OURS})
    assert "created or adopted by another resource of this deployment" in one_line(adopted), adopted.text
    assert emu.count("DELETE") == 0 and emu.get(OURS) is not None
    assert [r["urn"].rsplit("::", 1)[-1] for r in stack.state().values()] == ["new"]
    stack.run("preview", "--expect-no-changes")


def test_following_the_rename_hint_moves_the_domain_without_a_call(yaml_cli_dir: Path, emu: Emulator,
                                                                   tmp_path: Path) -> None:
    stack = program("yaml", tmp_path, yaml_cli_dir, emu, [{"name": "old", "domain": OURS}])
    stack.up()
    [old_urn] = stack.state()
    stack.declare([{"name": "new", "domain": OURS, "aliases": [old_urn]}])
    emu.clear_requests()
    stack.up()
    assert emu.requests() == [] and [urn.rsplit("::", 1)[-1] for urn in stack.state()] == ["new"]


# ---- 5. destroy and a sending domain someone re-pointed ---------------------------------------------------------

@pytest.mark.parametrize("path", PATHS)
def test_destroy_leaves_a_sending_domain_someone_re_pointed(path: str, yaml_cli_dir: Path, emu: Emulator,
                                                             tmp_path: Path) -> None:
    emu.add_sending_domain("example.com")
    emu.add_sending_domain("brand.example.com")
    emu.add_domain("colleague.example.com", secure=True, verified=True)
    stack = program(path, tmp_path, yaml_cli_dir, emu,
                    [{"domain": OURS, "sendingDomains": ["example.com", "brand.example.com"]}])
    stack.up()
    emu.associate("example.com", "colleague.example.com")
    emu.clear_requests()
    destroyed = stack.run("destroy", "--yes", "--skip-preview")
    said = one_line(destroyed)
    assert "uses tracking domain 'colleague.example.com' now" in said and "left as it is" in said, said
    assert writes_to(emu, "example.com") == []
    assert emu.get_sending_domain("example.com")["tracking_domain"] == "colleague.example.com"  # type: ignore[index]
    assert [m for m, _ in requests_about(emu, "brand.example.com")] == ["GET", "PUT"]  # ours: cleared
    assert stack.state() == {}


# ---- 6. a literal key on an explicit provider resource ------------------------------------------------------------

def explicit(key: Any, emu: Emulator) -> dict[str, Any]:
    return {"prov": {"type": f"pulumi:providers:{PACKAGE}", "properties": {"apiKey": key, "apiUrl": emu.base_url}},
            "td": {"type": f"{PACKAGE}:TrackingDomain", "properties": {"domain": OURS, "verify": False},
                   "options": {"provider": "${prov}"}}}


def test_a_literal_key_on_an_explicit_provider_is_refused_before_any_request(yaml_cli_dir: Path, emu: Emulator,
                                                                             tmp_path: Path) -> None:
    project = YamlProject(tmp_path, yaml_cli_dir, explicit(KEY, emu))
    project.run("stack", "init", project.stack)
    for command in (("preview",), ("up", "--yes", "--skip-preview")):
        failed = project.run(*command, check=False)
        said = one_line(failed)
        assert failed.returncode != 0 and "sparkpost-tracking:apiKey: holds an API key in plain text" in said, said
        assert "On an explicit provider resource, pass the key as a secret" in said
        assert KEY not in failed.text and "Traceback" not in said
    assert emu.count() == 0 and KEY not in project.run("stack", "export").stdout
    # As a secret it is taken, and kept encrypted.
    project.resources = explicit({"fn::secret": KEY}, emu)
    project.write()
    project.up()
    assert emu.get(OURS) is not None and KEY not in project.run("stack", "export").stdout


# ---- recovery reads the key where the provider does ------------------------------------------------------------

def test_recovery_reads_the_selected_stacks_config(cli_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from sparkpost_tracking.recovery import stack_config

    api_url = "http://127.0.0.1:1/api/v1"
    project = PulumiProject(tmp_path / "project", cli_dir)
    project.init(api_url, KEY, [{"domain": OURS}], verifyInterval="0")
    for name, value in project.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(project.workdir)
    config = stack_config()
    assert config["sparkpost:apiKey"] == KEY  # the secret, in the clear, in memory only
    assert (config["engine-test:apiUrl"], config["sparkpost:verifyInterval"]) == (api_url, "0")
    monkeypatch.chdir(tmp_path)  # no project here: the environment alone
    assert stack_config() == {}
