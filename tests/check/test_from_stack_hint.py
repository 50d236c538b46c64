"""``check --from-stack`` when the ``pulumi`` CLI fails: the hint names a step that works where it is printed.

Outside a Pulumi project ``--stack NAME`` cannot help (the CLI needs the project, measured with CLI 3.274: even a
fully qualified stack name fails ``pulumi config``), so the hint says where to run instead; inside one, choosing
another stack can. A stand-in ``pulumi`` on ``PATH`` fails as the CLI does; the end-to-end case, with the real CLI
and the fix applied, is in ``tests/engine/test_error_fixes_cli.py``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from sparkpost_tracking.check import from_stack
from sparkpost_tracking.check.options import UsageError, add_arguments, options_from

NO_PROJECT = ("error: no Pulumi.yaml project file found (searching upwards from here). If you have not created a "
              "project yet, use `pulumi new` to do so: no project file found")


def options(*extra: str) -> from_stack.CheckOptions:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return options_from(parser.parse_args(["track.example.com", "--from-stack", *extra]))


@pytest.fixture
def failing_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    cli = bin_dir / "pulumi"
    cli.write_text(f"#!/bin/sh\necho '{NO_PROJECT}' >&2\nexit 1\n")
    cli.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    return tmp_path


def test_outside_a_project_it_says_to_run_in_the_projects_directory(failing_cli: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = failing_cli / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(UsageError) as caught:
        from_stack.stack_domains(options())
    message = str(caught.value)
    assert message == (f"--from-stack: 'pulumi stack export' failed: {NO_PROJECT} (there is no Pulumi.yaml here or "
                       "in any parent directory: cd to the stack's project directory, the one with its Pulumi.yaml, "
                       "and run the check there)")
    assert "--stack" not in message


@pytest.mark.parametrize(("project_file", "where"), [("Pulumi.yaml", "."), ("Pulumi.yml", "."),
                                                     ("Pulumi.yaml", "sub/dir")])
def test_in_a_project_or_below_it_offers_another_stack(failing_cli: Path, monkeypatch: pytest.MonkeyPatch,
                                                        project_file: str, where: str) -> None:
    project = failing_cli / "project"
    (project / where).mkdir(parents=True, exist_ok=True)
    (project / project_file).write_text("name: p\nruntime: yaml\n")
    monkeypatch.chdir(project / where)
    assert from_stack.project_directory() == project.resolve()
    with pytest.raises(UsageError) as caught:
        from_stack.stack_domains(options("--stack", "dev"))
    assert str(caught.value).endswith("(to check another stack of this project, give --stack NAME; 'pulumi stack ls' "
                                      "lists them)")


def test_a_directory_named_like_the_project_file_is_no_project(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").mkdir()
    assert from_stack.project_directory(tmp_path) is None


# ---- what the CLI answers, beyond a plain failure: each edge said in one line ------------------------------------

def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """A ``pulumi`` on an otherwise empty PATH that runs ``script`` (sh), in a project directory."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pulumi").write_text(f"#!/bin/sh\n{script}\n")
    (bin_dir / "pulumi").chmod(0o755)
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: yaml\n")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.chdir(tmp_path)


def test_without_the_cli_it_says_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError) as caught:
        from_stack.stack_domains(options())
    assert str(caught.value) == "--from-stack: the pulumi CLI is not on PATH; install it, or give --expect-target"


@pytest.mark.parametrize(("script", "message"), [
    # The CLI's last line is its error; what it says before it (a warning, a hint) is left out.
    ("echo 'warning: A new version of Pulumi is available.' >&2\necho 'error: no stack selected' >&2\nexit 255",
     "--from-stack: 'pulumi stack export' failed: error: no stack selected (to check another stack of this project, "
     "give --stack NAME; 'pulumi stack ls' lists them)"),
    ("exit 3", "--from-stack: 'pulumi stack export' failed: exit code 3 (to check another stack"),
    ("echo 'not json'", "--from-stack: 'pulumi stack export' did not print JSON"),
    ("exit 0", "--from-stack: the stack holds no SparkPost tracking domain"),  # nothing printed: an empty state
], ids=["last-line", "silent-failure", "not-json", "nothing"])
def test_what_the_cli_answers_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str,
                                          message: str) -> None:
    stand_in(tmp_path, monkeypatch, script)
    with pytest.raises(UsageError) as caught:
        from_stack.stack_domains(options())
    assert str(caught.value).startswith(message), str(caught.value)


def test_a_failed_config_read_names_the_config_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in(tmp_path, monkeypatch, 'echo "error: incorrect passphrase ($*)" >&2\nexit 255')
    with pytest.raises(UsageError) as caught:
        from_stack.stack_config(options("--stack", "prod"))
    # The stack given is passed on, and the command is named by its first two words (never the secrets flag).
    assert str(caught.value).startswith("--from-stack: 'pulumi config --json' failed: error: incorrect passphrase "
                                        "(config --json --show-secrets --non-interactive --stack prod) (")


def test_a_cli_that_hangs_is_given_up_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in(tmp_path, monkeypatch, f"exec {shutil.which('sleep')} 30")  # PATH holds only the stand-in
    monkeypatch.setattr(from_stack, "CLI_TIMEOUT", 0.5)  # the bound, shortened for the test
    with pytest.raises(UsageError) as caught:
        from_stack.stack_domains(options())
    assert str(caught.value) == "--from-stack: 'pulumi stack export' did not finish in 0.5 s"
