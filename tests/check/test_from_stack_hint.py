"""``check --from-stack`` when the ``pulumi`` CLI fails: the hint names a step that works where it is printed.

Outside a Pulumi project ``--stack NAME`` cannot help (the CLI needs the project, measured with CLI 3.274: even a
fully qualified stack name fails ``pulumi config``), so the hint says where to run instead; inside one, choosing
another stack can. A stand-in ``pulumi`` on ``PATH`` fails as the CLI does; the end-to-end case, with the real CLI
and the fix applied, is in ``tests/engine/test_error_fixes_cli.py``.
"""

from __future__ import annotations

import argparse
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
