"""Tier 3b: every error of ours that prints a fix, as the CLI shows it on both paths, and the fix applied as printed.

Each test makes the error happen under the real CLI, asserts what the user reads (the message with its fix, no
traceback, never the key), applies the fix the message names (the command it prints is run as printed, in a shell in
the project's directory; an edit it asks for is made to the program), and checks that the next ``preview`` or
``up`` is accepted. Both paths run the same cases:

- ``python``: a user's own Python program (project ``my-tracking``, not this repository's) with the components,
  its SparkPost API base in ``sparkpost:apiUrl``;
- ``yaml``: a Pulumi YAML program with the provider plugin, its API base in ``sparkpost-tracking:apiUrl``.

What the user reads and what is left of the engine's own words (``error: update failed`` on both paths; on the
Python path, ``Resource monitor has terminated, shutting down``, which the Pulumi Python SDK prints on the stack
whenever a resource fails while the program still has registrations in flight) are asserted below. Run with ``-s``
to see each transcript.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject, Result
from tests.engine.yaml_project import PACKAGE, YamlProject

pytestmark = pytest.mark.engine

KEY = "error-fixes-key-0123456789abcdef"
#: A key as a copy and paste may leave it: Cyrillic letters, which http.client cannot encode as Latin-1.
NON_LATIN1_KEY = "error-fixes-key-\u0434\u0435\u0439-0123456789"
DOMAIN = "track.example.com"
PLAIN = "links.example.com"
PATHS = ("python", "yaml")


def python_program(verify_plain: bool) -> str:
    return textwrap.dedent(f"""\
        import pulumi
        from sparkpost_tracking.components import ManagedTrackingDomain
        from sparkpost_tracking.dynamic_providers import TrackingDomain

        track = ManagedTrackingDomain("track", {{"domain": "{DOMAIN}", "make_default": True}})
        links = TrackingDomain("links", {{"domain": "{PLAIN}", "secure": False, "verify": {verify_plain}}},
                               pulumi.ResourceOptions(protect=False))
        pulumi.export("verified", track.verified)
        """)


def yaml_resources(verify_plain: bool) -> dict[str, Any]:
    return {
        "track": {"type": f"{PACKAGE}:ManagedTrackingDomain", "properties": {"domain": DOMAIN, "makeDefault": True}},
        "links": {"type": f"{PACKAGE}:TrackingDomain",
                  "properties": {"domain": PLAIN, "secure": False, "verify": verify_plain}},
    }


@dataclass
class Program:
    """One user's program on one path, with what differs between the paths."""

    path: str
    project: PulumiProject | YamlProject
    #: The provider's config namespace: ``sparkpost`` (Python program) or ``sparkpost-tracking`` (plugin).
    namespace: str

    @property
    def workdir(self) -> Path:
        return self.project.workdir

    def key(self, name: str) -> str:
        return f"{self.namespace}:{name}"

    def run(self, *args: str, check: bool = True, stdin: str | None = None) -> Result:
        return self.project.run(*args, check=check, stdin=stdin)

    def up(self, check: bool = True) -> Result:
        return self.run("up", "--yes", "--skip-preview", check=check)

    def declare(self, verify_plain: bool) -> None:
        """Write the program, with the plain domain's ``verify`` as given."""
        if isinstance(self.project, YamlProject):
            self.project.resources = yaml_resources(verify_plain)
            self.project.write()
        else:
            (self.workdir / "__main__.py").write_text(python_program(verify_plain))

    def shell(self, command: str, **env: str) -> subprocess.CompletedProcess[str]:
        """A command printed by an error, run as printed in the project's directory."""
        done = subprocess.run(["bash", "-c", command], cwd=self.workdir, env={**self.project.env, **env},
                              capture_output=True, text=True, timeout=300)
        print(f"$ {command}  # exit {done.returncode}\n{done.stdout}{done.stderr}")
        assert done.returncode == 0, done.stdout + done.stderr
        return done


def make_program(path: str, workdir: Path, cli_dir: Path, emu: Emulator) -> Program:
    if path == "yaml":
        project: PulumiProject | YamlProject = YamlProject(workdir, cli_dir, yaml_resources(True), stack="dev")
        program = Program(path, project, PACKAGE)
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "__main__.py").write_text(python_program(True))
        project = PulumiProject(workdir, cli_dir, stack="dev", source=workdir, name="my-tracking")
        program = Program(path, project, "sparkpost")
    program.run("stack", "init", "dev")
    program.run("config", "set", program.key("apiUrl"), emu.base_url)
    program.run("config", "set", "--secret", program.key("apiKey"), stdin=KEY)
    program.run("config", "set", program.key("verifyInterval"), "0")
    program.run("config", "set", program.key("certificateTimeout"), "30")
    return program


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@pytest.fixture(params=PATHS)
def program(request: pytest.FixtureRequest, cli_dir: Path, emu: Emulator, tmp_path: Path) -> Program:
    if request.param == "yaml":
        request.getfixturevalue("yaml_cli_dir")
    return make_program(request.param, tmp_path / request.param, cli_dir, emu)


def failed(result: Result, program: Program, what: str) -> str:
    """The failing run's text, after the checks every error of ours must pass; printed for ``-s``."""
    text = result.text
    print(f"\n[{program.path}] $ pulumi {' '.join(result.args)}  # {what}, exit {result.returncode}\n"
          f"{text[text.find('Diagnostics:'):] if 'Diagnostics:' in text else text}")
    assert result.returncode != 0
    assert "Traceback" not in text and "File \"" not in text, text
    assert KEY not in text and NON_LATIN1_KEY not in text
    return text


def one_line(text: str) -> str:
    return " ".join(text.split())


def error_of(text: str, resource: str) -> str:
    """The first ``error:`` line under ``resource`` in the Diagnostics (the message the user reads first)."""
    diagnostics = text[text.index("Diagnostics:"):]
    block = diagnostics[diagnostics.index(f"({resource})"):]
    return next(line.strip() for line in block.splitlines() if line.strip().startswith("error:"))


def leftovers(text: str, program: Program, ours: str) -> None:
    """Every error line is our message or the engine's own words beside it (measured; see the module's doc)."""
    engine = {"error: update failed"}
    if program.path == "python":  # the Python SDK, on the stack, when the engine stops while registrations wait
        engine.add("error: Resource monitor has terminated, shutting down")
    errors = {line.strip() for line in text[text.index("Diagnostics:"):].splitlines()
              if line.strip().startswith("error:")}
    assert "error: update failed" in errors
    assert errors - engine == {ours}, errors


# ---- SparkPost-managed certificate: acme:dns ------------------------------------------------------------------


def test_failed_certificate_says_its_cause_and_fix_first_and_the_fix_is_accepted(program: Program,
                                                                              emu: Emulator) -> None:
    emu.fail_issuance("acme:dns", domain=DOMAIN)
    text = failed(program.up(check=False), program, "Let's Encrypt's DNS lookup failed")
    first = error_of(text, "track-sparkpost")
    assert first.startswith(f"error: SparkPost could not issue the managed certificate for '{DOMAIN}' "
                            "(error_code acme:dns). Let's Encrypt's DNS lookup of the host failed")
    assert "Fix: CNAME the host to v2.spgo.io (US) / eu.v2.spgo.io (EU)" in first
    assert f"Then run 'sparkpost-tracking check {DOMAIN}' and 'pulumi up' again" in first
    leftovers(text, program, first)
    # The fix: the CNAME now points at SparkPost (the emulator's next issuance succeeds), then 'pulumi up' again.
    program.up()
    assert {d["domain"]: d["status"]["tls_status"] for d in emu.domains()}[DOMAIN] == "valid"


# ---- verification timeouts ---------------------------------------------------------------------------------


def test_verification_timeout_of_a_managed_domain_offers_no_verify_false(program: Program, emu: Emulator) -> None:
    emu.set_verification(DOMAIN, "pending")
    program.run("config", "set", program.key("verifyTimeout"), "1")
    text = failed(program.up(check=False), program, "verification held")
    raw = error_of(text, "track-sparkpost")
    leftovers(text, program, raw)
    first = one_line(raw)
    assert first.startswith(f"error: SparkPost did not verify tracking domain '{DOMAIN}' within 1s")
    assert "verify: false" not in first and "verify=False" not in first
    managed = "managedCertificate" if program.path == "yaml" else "managed_certificate"
    assert first.endswith(f"The wait cannot be skipped here: SparkPost issues a managed certificate ({managed}, as "
                          "ManagedTrackingDomain sets it) only to a verified domain.")
    # The fix as printed: the command that raises the timeout, run as it stands; DNS fixed; 'pulumi up' again.
    command = re.search(rf"pulumi config set {re.escape(program.key('verifyTimeout'))} \d+", first)
    assert command, first
    program.shell(command.group(0))
    emu.set_verification(DOMAIN, "valid")
    program.up()
    assert program.run("config", "get", program.key("verifyTimeout")).stdout.strip() == "900"
    assert all(d["status"]["verified"] for d in emu.domains())


def test_verification_timeout_of_a_plain_domain_offers_verify_false_which_works(program: Program,
                                                                                 emu: Emulator) -> None:
    emu.set_verification(PLAIN, "pending")
    program.run("config", "set", program.key("verifyTimeout"), "1")
    text = failed(program.up(check=False), program, "verification of a plain domain held")
    raw = error_of(text, "links")
    leftovers(text, program, raw)
    first = one_line(raw)
    assert first.startswith(f"error: SparkPost did not verify tracking domain '{PLAIN}' within 1s")
    assert first.endswith(f"raise {program.key('verifyTimeout')} (e.g. pulumi config set "
                          f"{program.key('verifyTimeout')} 900) to wait longer, or declare the domain with verify: "
                          "false to create it without waiting for SparkPost.")
    # The fix: the program declares the domain with verify: false; the next up creates it without waiting.
    program.declare(verify_plain=False)
    program.up()
    assert {d["domain"]: d["status"]["verified"] for d in emu.domains()}[PLAIN] is False


# ---- the API key -------------------------------------------------------------------------------------------


def test_non_latin1_key_in_config_is_one_clear_error_and_its_command_fixes_it(program: Program,
                                                                             emu: Emulator) -> None:
    program.run("config", "set", "--secret", program.key("apiKey"), stdin=NON_LATIN1_KEY)
    emu.clear_requests()
    text = failed(program.run("preview", check=False), program, "a key with Cyrillic letters")
    said = one_line(text)
    assert (f"The SparkPost API key from stack config '{program.key('apiKey')}' contains a character outside "
            "ASCII (at position 17 of 30)") in said
    fix = f"printf '%s' \"$KEY\" | pulumi config set --secret {program.key('apiKey')}"
    assert f"set it again: pulumi config set --secret {program.key('apiKey')} <key> (from a variable: {fix})" in said
    assert "UnicodeEncodeError" not in text and emu.count() == 0
    program.shell(fix, KEY=KEY)
    program.up()
    assert DOMAIN in {d["domain"] for d in emu.domains()}


def test_non_latin1_key_in_the_environment_is_one_clear_error_and_its_fix_works(program: Program,
                                                                               emu: Emulator) -> None:
    program.run("config", "rm", program.key("apiKey"))
    program.project.env["SPARKPOST_API_KEY"] = NON_LATIN1_KEY
    emu.clear_requests()
    text = failed(program.up(check=False), program, "SPARKPOST_API_KEY with Cyrillic letters")
    first = one_line(error_of(text, "links"))
    assert first.startswith("error: The SparkPost API key from environment variable SPARKPOST_API_KEY contains a "
                            "character outside ASCII (at position 17 of 30)")
    assert first.endswith("and set it again: export SPARKPOST_API_KEY=<key>.")
    assert "UnicodeEncodeError" not in text and emu.count() == 0
    # The fix as printed, in the shell that runs pulumi.
    export = program.shell(f"export SPARKPOST_API_KEY={shlex.quote(KEY)}; printf %s \"$SPARKPOST_API_KEY\"")
    program.project.env["SPARKPOST_API_KEY"] = export.stdout
    program.up()
    assert DOMAIN in {d["domain"] for d in emu.domains()}


def test_plain_text_key_is_refused_and_the_printed_command_fixes_it(program: Program, emu: Emulator) -> None:
    program.run("config", "set", program.key("apiKey"), KEY)
    emu.clear_requests()
    text = failed(program.run("preview", check=False), program, "a key in plain text")
    said = one_line(text)
    assert f"{program.key('apiKey')}: holds an API key in plain text" in said
    command = f"pulumi config set --secret {program.key('apiKey')} <key>"
    assert command in said and emu.count() == 0
    program.shell(command.replace("<key>", shlex.quote(KEY)))
    assert "Traceback" not in program.run("preview").text


def test_misspelt_setting_gets_did_you_mean_and_the_suggestion_is_accepted(program: Program, emu: Emulator) -> None:
    wrong = program.key("verifyTimout")
    program.run("config", "set", wrong, "600")
    emu.clear_requests()
    text = failed(program.run("preview", check=False), program, "a misspelt setting")
    # The plugin's CheckConfig failure names the property in the engine's words ("property verifyTimout").
    named = wrong if program.path == "python" else "property verifyTimout value {600} has a problem"
    found = re.search(rf"{re.escape(named)}: is not a setting of the \S+ provider\. Did you mean '([\w:-]+)'\?",
                      one_line(text))
    assert found and found.group(1) == program.key("verifyTimeout"), text
    assert emu.count() == 0
    program.shell(f"pulumi config rm {wrong} && pulumi config set {found.group(1)} 600")
    program.run("preview")


# ---- Python path only: the stack program's keys in another project -------------------------------------------


def test_the_stack_programs_api_url_in_a_users_project_says_what_to_write(cli_dir: Path, emu: Emulator,
                                                                          tmp_path: Path) -> None:
    program = make_program("python", tmp_path / "python", cli_dir, emu)
    program.run("config", "rm", "sparkpost:apiUrl")
    program.run("config", "set", "sparkpost-tracking:apiUrl", emu.base_url)  # as the repository's stack does
    emu.clear_requests()
    text = failed(program.run("preview", check=False), program, "sparkpost-tracking:apiUrl in project my-tracking")
    command = (f"pulumi config rm sparkpost-tracking:apiUrl && pulumi config set sparkpost:apiUrl {emu.base_url}")
    assert ("sparkpost-tracking:apiUrl: only the sparkpost-tracking stack program reads this namespace, and this "
            f"is project 'my-tracking'. The SparkPost provider's own key works in every project: {command}"
            ) in one_line(text)
    assert emu.count() == 0
    program.shell(command)
    program.up()
    assert {d["domain"] for d in emu.domains()} == {DOMAIN, PLAIN}  # the emulator was the API used


# ---- check --from-stack outside a project ------------------------------------------------------------------


def test_check_from_stack_outside_a_project_says_where_to_run_it(cli_dir: Path, emu: Emulator,
                                                                 tmp_path: Path) -> None:
    program = make_program("python", tmp_path / "python", cli_dir, emu)
    program.up()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check = ["sparkpost-tracking", "check", DOMAIN, "--from-stack", "--timeout", "2"]
    outside = subprocess.run(check, cwd=elsewhere, env=program.project.env, capture_output=True, text=True,
                             timeout=120)
    print(f"$ cd elsewhere && {' '.join(check)}  # exit {outside.returncode}\n{outside.stderr}")
    assert outside.returncode == 2
    assert ("there is no Pulumi.yaml here or in any parent directory: cd to the stack's project directory, the one "
            "with its Pulumi.yaml, and run the check there") in outside.stderr
    assert "--stack NAME" not in outside.stderr
    # The fix: the same command in the project's directory reads the stack (the chain itself fails here: the
    # host has no DNS, which is what check is for).
    inside = subprocess.run(check, cwd=program.workdir, env=program.project.env, capture_output=True, text=True,
                            timeout=120)
    print(f"$ cd project && {' '.join(check)}  # exit {inside.returncode}\n{inside.stdout}{inside.stderr}")
    assert inside.returncode == 1 and "--from-stack" not in inside.stderr
    assert DOMAIN in inside.stdout


def test_a_change_of_the_providers_api_url_previews_a_replace(program: Program, emu: Emulator) -> None:
    """The provider's apiUrl lands in each resource's inputs (state says which account holds the domain): changing
    it replaces every resource that takes it, which a protected domain refuses already in the preview."""
    program.up()
    state = program.run("stack", "export").stdout
    assert f'"{"apiUrl" if program.path == "yaml" else "api_url"}": "{emu.base_url}"' in state
    with Emulator(api_keys=[KEY]) as other:
        program.run("config", "set", program.key("apiUrl"), other.base_url)
        result = program.run("preview", check=False)
    text = one_line(result.text)
    print(f"\n[{program.path}] $ pulumi preview  # after a change of {program.key('apiUrl')}\n{result.text}")
    wire = "apiUrl" if program.path == "yaml" else "api_url"
    assert f"links replace [diff: ~{wire}]" in text  # unprotected: replaced
    assert result.returncode != 0 and 'error: unable to replace resource' in text and "track-sparkpost" in text
    assert "marked for protection" in text
