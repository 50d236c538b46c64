"""``check --from-stack`` and ``--all``, run in process, against a stack of the real ``pulumi`` CLI on a file backend.

The stack's state is imported (``pulumi stack import``) as the engine writes it for the three kinds of resource
``check`` reads: a component with the Python dynamic resource under it, a component with the plugin's native
resource, and a bare native resource with a managed certificate; its ``sparkpost:apiKey`` is a secret of its
config. DNS answers from the loopback server, SparkPost is the emulator, and the connecting steps are left out (the
other tests hold them). What ``pulumi up`` writes into the state is tests/engine/test_check_from_stack.py's part;
here the reading of it, the settling of the options, and both reports of ``--all``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sparkpost_tracking.__main__ import main
from sparkpost_tracking.check.options import add_arguments, options_from
from sparkpost_tracking.check.report import ALL_JSON_SCHEMA
from sparkpost_tracking.check.run import run_all as check_all
from sparkpost_tracking.emulator import Emulator
from tests.check.conftest import Outcome
from tests.check.fake_dns import FakeDns, Records
from tests.engine.pulumi_cli import find_cli

Run = Callable[[list[str]], Outcome]
KEY = "from-stack-state-key-7e6d5c4b3a29"
PLUGIN_KEY = "from-stack-plugin-key-1f2e3d4c5b6a"
PROJECT = "check-state"
CLOUDFRONT, FASTLY, MANAGED = "track.example.com", "click.example.com", "m.example.com"
TARGETS = {CLOUDFRONT: "d111.cloudfront.net", FASTLY: "t.sni.global.fastly.net", MANAGED: "v2.spgo.io"}
CDNS = {CLOUDFRONT: "cloudfront", FASTLY: "fastly", MANAGED: None}
SUBACCOUNT = 7  # CLOUDFRONT's, in the state
OFFLINE = ["--skip", "tls", "--skip", "https", "--skip", "http"]


def urn(stack: str, token: str, name: str, parent_token: str | None = None) -> str:
    qualified = f"{parent_token}${token}" if parent_token else token
    return f"urn:pulumi:{stack}::{PROJECT}::{qualified}::{name}"


def state(stack: str, api_url: str) -> dict[str, Any]:
    """The state of a stack holding the three domains, as ``pulumi up`` of each kind of program leaves it."""
    root = urn(stack, "pulumi:pulumi:Stack", f"{PROJECT}-{stack}")
    python_provider = urn(stack, "pulumi:providers:pulumi-python", "default")
    plugin_provider = urn(stack, "pulumi:providers:sparkpost-tracking", "default")
    cloudfront_token = "sparkpost-tracking:index:CloudFrontTrackingDomain"
    fastly_token = "sparkpost-tracking:index:FastlyTrackingDomain"
    native, dynamic = "sparkpost-tracking:index:TrackingDomain", "pulumi-python:dynamic/sparkpost:TrackingDomain"
    resources = [
        {"urn": root, "custom": False, "type": "pulumi:pulumi:Stack"},
        {"urn": python_provider, "custom": True, "id": "python-provider-id", "type": "pulumi:providers:pulumi-python"},
        {"urn": plugin_provider, "custom": True, "id": "plugin-provider-id",
         "type": "pulumi:providers:sparkpost-tracking"},
        {"urn": urn(stack, cloudfront_token, "brand-a"), "custom": False, "type": cloudfront_token, "parent": root,
         "outputs": {"cname_target": TARGETS[CLOUDFRONT]}},
        {"urn": urn(stack, dynamic, "brand-a", cloudfront_token), "custom": True, "id": CLOUDFRONT, "type": dynamic,
         "parent": urn(stack, cloudfront_token, "brand-a"), "provider": f"{python_provider}::python-provider-id",
         "inputs": {"domain": CLOUDFRONT}, "outputs": {"domain": CLOUDFRONT, "region": "us", "api_url": api_url,
                                                       "subaccount_id": SUBACCOUNT}},
        {"urn": urn(stack, fastly_token, "brand-b"), "custom": False, "type": fastly_token, "parent": root,
         "outputs": {"cnameTarget": TARGETS[FASTLY]}},
        {"urn": urn(stack, native, "brand-b", fastly_token), "custom": True, "id": FASTLY, "type": native,
         "parent": urn(stack, fastly_token, "brand-b"), "provider": f"{plugin_provider}::plugin-provider-id",
         "outputs": {"domain": FASTLY, "region": "us", "apiUrl": api_url}},
        {"urn": urn(stack, native, "managed"), "custom": True, "id": MANAGED, "type": native, "parent": root,
         "provider": f"{plugin_provider}::plugin-provider-id",
         "outputs": {"domain": MANAGED, "apiUrl": api_url, "managedCertificate": True}},  # no region: the default
    ]
    return {"version": 3, "deployment": {"manifest": {"time": "2026-01-01T00:00:00Z", "magic": "", "version": ""},
                                         "resources": resources}}


@dataclass
class Project:
    """A Pulumi project directory, its environment, and the stacks the CLI holds for it."""

    workdir: Path
    env: dict[str, str]

    def pulumi(self, *args: str, stdin: str | None = None) -> None:
        done = subprocess.run(["pulumi", *args, "--non-interactive"], cwd=self.workdir, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY, PLUGIN_KEY]) as emulator:
        emulator.add_domain(CLOUDFRONT, subaccount_id=SUBACCOUNT, secure=True, verified=True)
        emulator.add_domain(FASTLY, secure=True, verified=True)
        emulator.add_domain(MANAGED, secure=True, verified=True, uses_managed_certificate=True, tls_status="valid")
        yield emulator


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, emu: Emulator) -> Project:
    """Stacks ``dev`` (the three domains, the key as ``sparkpost:apiKey``), ``plugin`` (the same domains, the key
    as the plugin's ``sparkpost-tracking:apiKey``) and ``empty`` (no resource); ``dev`` is selected."""
    cli = find_cli()
    if cli is None:
        message = "Pulumi CLI not found: run scripts/get-pulumi (scripts/test does) or put pulumi on PATH"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    workdir = tmp_path_factory.mktemp("check-state")
    # Every call of the CLI is logged on its way to the real one: how often `check` reads the stack is a promise.
    shim = workdir / "bin" / "pulumi"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{workdir / "calls.log"}"\nexec "{cli / "pulumi"}" "$@"\n')
    shim.chmod(0o755)
    (workdir / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: yaml\n")
    (workdir / "backend").mkdir()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SPARKPOST_", "PULUMI_"))},
           "PATH": f"{shim.parent}{os.pathsep}{cli}{os.pathsep}{os.environ.get('PATH', '')}",
           "PULUMI_BACKEND_URL": f"file://{workdir / 'backend'}", "PULUMI_HOME": str(workdir / "home"),
           "PULUMI_CONFIG_PASSPHRASE": "check-state-passphrase", "PULUMI_SKIP_UPDATE_CHECK": "true",
           "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true"}
    made = Project(workdir, env)
    for stack, key in (("plugin", "sparkpost-tracking:apiKey"), ("empty", None), ("dev", "sparkpost:apiKey")):
        made.pulumi("stack", "init", stack)
        if key:  # before the import: the first secret gives the stack its secrets manager
            made.pulumi("config", "set", "--secret", key, KEY if stack == "dev" else PLUGIN_KEY)
            (workdir / f"{stack}.json").write_text(json.dumps(state(stack, emu.base_url)))
            made.pulumi("stack", "import", "--file", f"{stack}.json")
    return made


@pytest.fixture
def in_project(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The test runs in the project's directory with its environment, and no SparkPost key in it."""
    monkeypatch.chdir(project.workdir)
    for name in [n for n in os.environ if n.startswith(("SPARKPOST_", "PULUMI_"))]:
        monkeypatch.delenv(name)
    for name, value in project.env.items():
        monkeypatch.setenv(name, value)
    return project


def cli_calls(project: Project) -> list[str]:
    log = project.workdir / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def dns_records(wrong: str | None = None) -> Records:
    """Each domain a CNAME to its target, except ``wrong``, which points elsewhere."""
    table: Records = {"elsewhere.example.net": [("A", "192.0.2.99")]}
    for domain, target in TARGETS.items():
        table[domain] = [("CNAME", "elsewhere.example.net" if domain == wrong else target)]
        table[target] = [("A", "192.0.2.20")]
    return table


def run_all(capsys: pytest.CaptureFixture[str], *args: str, wrong: str | None = None) -> tuple[int, str, str]:
    with FakeDns(dns_records(wrong)) as dns:
        code = main(["check", "--all", "--from-stack", "--dns-server", dns.address, *OFFLINE, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_all_checks_every_domain_of_the_state_with_the_stack_s_key(in_project: Project, emu: Emulator,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    emu.clear_requests()
    code, out, err = run_all(capsys, "--sparkpost-verify", "--json")
    assert code == 0, out + err
    document = json.loads(out)
    jsonschema.validate(document, ALL_JSON_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert document["schema"] == "sparkpost-tracking/check-all/1" and document["ok"] is True
    found = {d["domain"]: (d["expected_target"], d["target_source"], d["cdn"], d["ok"]) for d in document["domains"]}
    assert found == {domain: (TARGETS[domain], "stack", CDNS[domain], True) for domain in TARGETS}
    assert [d["domain"] for d in document["domains"]] == [CLOUDFRONT, FASTLY, MANAGED]  # state order
    for report in document["domains"]:
        required = {s["step"]: s["status"] for s in report["steps"] if s["required"]}
        # The managed domain's target is SparkPost's V2 host: its CAA row is judged too.
        assert required == {"dns": "pass", "sparkpost": "pass", **({"caa": "pass"} if report["cdn"] is None else {})}
    # The stack's key, each domain in its own scope; the key is printed nowhere.
    assert emu.count("POST", "/verify") == 3
    assert {r.path: r.subaccount for r in emu.requests()} == {
        f"/api/v1/tracking-domains/{CLOUDFRONT}/verify": str(SUBACCOUNT),
        f"/api/v1/tracking-domains/{FASTLY}/verify": None,
        f"/api/v1/tracking-domains/{MANAGED}/verify": None}
    assert KEY not in out + err


def test_all_as_a_table_names_the_domain_that_fails(in_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_all(capsys, wrong=FASTLY)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["DOMAIN", "TARGET", "CDN"]
    rows = {line.split()[0]: line.split() for line in lines[1:4]}
    assert rows[FASTLY][1:3] == [TARGETS[FASTLY], "fastly"] and rows[FASTLY][-1] == "FAIL"
    assert rows[MANAGED][1:3] == [TARGETS[MANAGED], "-"] and rows[CLOUDFRONT][-1] == rows[MANAGED][-1] == "PASS"
    assert lines[-1] == f"FAIL: 1 of 3 tracking domains did not pass: {FASTLY}"


def test_all_without_sparkpost_verify_reads_no_config_and_sends_no_request(in_project: Project, emu: Emulator,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    emu.clear_requests()
    code, out, _ = run_all(capsys, "--json")
    assert code == 0 and emu.count() == 0
    for report in json.loads(out)["domains"]:
        assert {s["step"]: (s["status"], s["required"]) for s in report["steps"]}["sparkpost"] == ("skip", False)


def test_one_domain_settles_its_target_cdn_and_account_from_the_stack(in_project: Project, emu: Emulator,
                                                                      run_check: Run) -> None:
    emu.clear_requests()
    with FakeDns(dns_records()) as dns:
        outcome = run_check(["check", CLOUDFRONT, "--from-stack", "--dns-server", dns.address, "--sparkpost-verify",
                             *OFFLINE])
    assert outcome.code == 0, outcome.stdout
    report = outcome.report
    assert (report["expected_target"], report["target_source"], report["cdn"]) == (TARGETS[CLOUDFRONT], "stack",
                                                                                   "cloudfront")
    assert [(r.path, r.subaccount) for r in emu.requests()] == [(f"/api/v1/tracking-domains/{CLOUDFRONT}/verify",
                                                                 str(SUBACCOUNT))]


def test_the_options_given_win_over_the_stack(in_project: Project, emu: Emulator, run_check: Run) -> None:
    emu.clear_requests()
    with FakeDns(dns_records()) as dns:
        outcome = run_check(["check", CLOUDFRONT, "--from-stack", "--dns-server", dns.address, "--sparkpost-verify",
                             "--expect-target", TARGETS[FASTLY], "--cdn", "fastly", "--subaccount", "9",
                             "--api-url", emu.base_url + "/", *OFFLINE])
    report = outcome.report
    assert (report["expected_target"], report["target_source"], report["cdn"]) == (TARGETS[FASTLY],
                                                                                   "--expect-target", "fastly")
    assert outcome.failed() == {"dns": "wrong_target", "sparkpost": "not_found"}
    assert outcome.steps["sparkpost"]["detail"] == f"{CLOUDFRONT} is not a tracking domain of {emu.base_url}, " \
                                                   "subaccount 9"
    assert [r.subaccount for r in emu.requests()] == ["9"]


def test_the_plugin_s_key_stands_in_for_sparkpost_s(in_project: Project, emu: Emulator, run_check: Run) -> None:
    with FakeDns(dns_records()) as dns:
        outcome = run_check(["check", FASTLY, "--from-stack", "--stack", "plugin", "--dns-server", dns.address,
                             "--sparkpost-verify", *OFFLINE])
    assert outcome.code == 0 and outcome.steps["sparkpost"]["status"] == "pass"
    assert PLUGIN_KEY not in outcome.stdout + outcome.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["check", "other.example.com", "--from-stack"],
     f"--from-stack: other.example.com is not a tracking domain of the stack ({FASTLY}, {MANAGED}, {CLOUDFRONT})"),
    (["check", CLOUDFRONT, "--from-stack", "--stack", "empty"],
     "--from-stack: the stack holds no SparkPost tracking domain (of type pulumi-python:dynamic/sparkpost:"
     "TrackingDomain or sparkpost-tracking:index:TrackingDomain); run 'pulumi up' first, or give --expect-target"),
    (["check", "--all", "--from-stack", "--stack", "empty"], "--from-stack: the stack holds no SparkPost"),
    (["check", CLOUDFRONT, "--from-stack", "--stack", "missing"],
     "--from-stack: 'pulumi stack export' failed: "),
], ids=["not-in-the-stack", "empty-stack", "all-of-an-empty-stack", "no-such-stack"])
def test_what_the_stack_cannot_give_is_a_usage_error(in_project: Project, emu: Emulator, args: list[str],
                                                     message: str, capsys: pytest.CaptureFixture[str]) -> None:
    emu.clear_requests()
    assert main([*args, *OFFLINE, "--skip", "dns", "--sparkpost-verify"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"sparkpost-tracking check: {message}"), err
    assert err.count("\n") == 1 and emu.count() == 0
    if "missing" in args:
        assert err.rstrip().endswith("(to check another stack of this project, give --stack NAME; 'pulumi stack ls' "
                                     "lists them)")


EXPORT, CONFIG = "stack export --non-interactive", "config --json --show-secrets --non-interactive"


@pytest.mark.parametrize(("args", "calls"), [
    (["--all"], [EXPORT]),
    (["--all", "--sparkpost-verify"], [EXPORT, CONFIG]),
    ([CLOUDFRONT], [EXPORT]),
    ([CLOUDFRONT, "--sparkpost-verify"], [EXPORT, CONFIG]),
], ids=["all", "all-verify", "one", "one-verify"])
def test_the_state_is_read_once_and_the_config_only_for_the_key(in_project: Project, args: list[str],
                                                                 calls: list[str],
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    before = len(cli_calls(in_project))
    with FakeDns(dns_records()) as dns:
        assert main(["check", *args, "--from-stack", "--dns-server", dns.address, *OFFLINE]) == 0
    capsys.readouterr()
    assert cli_calls(in_project)[before:] == calls


def test_all_prints_its_json_as_the_one_domain_report_does(in_project: Project,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_all(capsys, "--json")
    assert code == 0 and out == json.dumps(json.loads(out), indent=2) + "\n"


def test_all_takes_the_environment_it_is_given(in_project: Project) -> None:
    """The SparkPost settings come from the environment handed in (the key from the stack's config)."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = options_from(parser.parse_args(["--all", "--from-stack", "--sparkpost-verify", "--skip", "dns",
                                              *OFFLINE]))
    reports = check_all(options, {"SPARKPOST_REQUEST_TIMEOUT": "soon"})
    assert [r.domain for r in reports] == [CLOUDFRONT, FASTLY, MANAGED]
    for report in reports:
        step = report.step("sparkpost")
        assert step.code == "bad_setting" and "SPARKPOST_REQUEST_TIMEOUT" in step.detail
