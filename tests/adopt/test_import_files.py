"""``sparkpost-tracking import`` never clobbers a file: ``--stack-config`` merges into an existing stack file and
keeps every key, value and comment it does not own (or refuses and leaves the file as it was), ``--out`` replaces
only a bulk-import file, and two options naming one file in any spelling are refused before any request."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import seed_account
from tests.adopt.test_import_cli import KEY, run_import

#: A stack file as Pulumi and a team leave it: the salt and a secret only this file can decrypt, other projects'
#: and providers' keys, comments, entries declared by hand (one of them a domain the account holds), and the
#: sequence style Pulumi itself writes (dashes under the key).
STACK_FILE = """\
encryptionsalt: v1:Zm9vYmFyYmF6cXV4:v1:c2FsdHNhbHRzYWx0:MTIzNDU2Nzg5MA==
config:
  # the key, encrypted with the salt above: nothing can make it again
  sparkpost:apiKey:
    secure: v1:qQx0tC2dJc8/9ZkN:kU3O1p2t0l9PZl8oX0Yc8lm1a1cR0kF4yQ==
  sparkpost-tracking:region: us   # the stack's default
  aws:region: us-east-1
  other-project:hosts:
  - 'a.example.org'
  - "b.example.org"
  sparkpost-tracking:domains:
  - domain: hand.example.com    # declared by hand
    cdn: cloudflare
    options:
      zoneId: 0123456789abcdef0123456789abcdef
  - domain: click.example.com
    cdn: managed
    aliases: [click]
"""
SELECTION = ("--no-dns", "--domains", "click.example.com,m.*")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        seed_account(emulator)
        emulator.clear_requests()
        yield emulator


def lines_kept(before: str, after: str) -> bool:
    """Every line of ``before`` is in ``after``, in order (comments and quoting included)."""
    rest = iter(after.splitlines())
    return all(any(line == other for other in rest) for line in before.splitlines())


def test_stack_config_merges_into_a_stack_file_and_keeps_everything_it_does_not_own(
        emu: Emulator, tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.prod.yaml"
    stack.write_text(STACK_FILE)
    stack.chmod(0o600)
    done = run_import(emu, tmp_path, "--stack-config", "Pulumi.prod.yaml", *SELECTION, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    after = stack.read_text()
    assert lines_kept(STACK_FILE, after), after
    old, new = yaml.safe_load(STACK_FILE), yaml.safe_load(after)
    assert {k: v for k, v in new.items() if k != "config"} == {k: v for k, v in old.items() if k != "config"}
    key = "sparkpost-tracking:domains"
    assert {k: v for k, v in new["config"].items() if k != key} == {
        k: v for k, v in old["config"].items() if k != key}
    added = new["config"][key][2:]
    assert new["config"][key][:2] == old["config"][key]  # the file's own entries, as written
    assert [e["domain"] for e in added] == ["m.example.com", "m.brand-a.com", "m.brand-b.com"]
    assert stat.S_IMODE(stack.stat().st_mode) == 0o600
    report = json.loads(done.stdout)
    assert report["stack_entries"] == 3
    kept = [f for f in report["findings"] if f["domain"] == "click.example.com"]
    assert [(f["left_out"], "already declared in Pulumi.prod.yaml: kept as written" in f["message"])
            for f in kept] == [(False, True)]
    assert "without adoptExisting: true, the first up refuses" in kept[0]["message"]
    # A second run finds everything declared: the file stays byte for byte as it is.
    again = run_import(emu, tmp_path, "--stack-config", "Pulumi.prod.yaml", *SELECTION, "--json")
    assert again.returncode == 0 and stack.read_text() == after
    assert json.loads(again.stdout)["stack_entries"] == 0


def test_a_new_stack_file_says_where_it_came_from(emu: Emulator, tmp_path: Path) -> None:
    done = run_import(emu, tmp_path, "--stack-config", "conf/new.yaml", *SELECTION)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "conf" / "new.yaml").read_text()
    assert text.startswith("# Written by `sparkpost-tracking import --stack-config`")
    entries = yaml.safe_load(text)["config"]["sparkpost-tracking:domains"]
    assert [e["domain"] for e in entries] == ["click.example.com", "m.example.com", "m.brand-a.com", "m.brand-b.com"]


def test_a_symlinked_stack_file_is_merged_where_it_points(emu: Emulator, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "prod.yaml").write_text(STACK_FILE)
    (tmp_path / "Pulumi.prod.yaml").symlink_to(shared / "prod.yaml")
    done = run_import(emu, tmp_path, "--stack-config", "Pulumi.prod.yaml", *SELECTION)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "Pulumi.prod.yaml").is_symlink()
    assert len(yaml.safe_load((shared / "prod.yaml").read_text())["config"]["sparkpost-tracking:domains"]) == 5
    assert [p.name for p in shared.iterdir()] == ["prod.yaml"]  # no temporary file left behind


@pytest.mark.parametrize(("content", "words"), [
    ("config:\n  sparkpost:apiKey: [unclosed\n", "is not YAML that can be merged"),
    ("- just\n- a list\n", "is not a Pulumi stack file"),
    ("config: 5\n", "'config' is not a mapping"),
    ("config:\n  sparkpost-tracking:domains:\n    domain: a.example.com\n", "is not a list of domain entries"),
    ("config:\n  aws:region: us-east-1\n  aws:region: eu-west-1\n", "is not YAML that can be merged"),
])
def test_a_file_that_cannot_be_merged_safely_is_refused_and_nothing_is_written(
        emu: Emulator, tmp_path: Path, content: str, words: str) -> None:
    stack = tmp_path / "Pulumi.prod.yaml"
    stack.write_text(content)
    done = run_import(emu, tmp_path, "--stack-config", "Pulumi.prod.yaml", "--out", "import.json", *SELECTION)
    assert done.returncode == 2 and words in done.stderr and "Nothing was written" in done.stderr, done.stderr
    assert stack.read_text() == content
    assert not (tmp_path / "import.json").exists()  # a run writes all of its files or none
    assert "Traceback" not in done.stderr


def test_out_replaces_a_bulk_import_file_and_nothing_else(emu: Emulator, tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.prod.yaml"
    stack.write_text(STACK_FILE)
    done = run_import(emu, tmp_path, "--out", "Pulumi.prod.yaml")
    assert done.returncode == 2 and "is not a Pulumi bulk-import file; it is left as it was" in done.stderr
    assert stack.read_text() == STACK_FILE
    (tmp_path / "import.json").write_text('{"resources": []}')
    assert run_import(emu, tmp_path, "--out", "import.json").returncode == 0
    assert json.loads((tmp_path / "import.json").read_text())["resources"]


def _spellings(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.yaml").symlink_to(tmp_path / "s.yaml")
    os.link(tmp_path / "s.yaml", tmp_path / "hard.yaml")
    return {"same": "s.yaml", "dot": "./s.yaml", "absolute": str(tmp_path / "s.yaml"), "up": "sub/../s.yaml",
            "symlink": "link.yaml", "hard link": "hard.yaml", "case": "S.yaml"}


@pytest.mark.parametrize("spelling", ["same", "dot", "absolute", "up", "symlink", "hard link", "case"])
def test_out_and_stack_config_naming_one_file_are_refused_before_any_request(
        emu: Emulator, tmp_path: Path, spelling: str) -> None:
    (tmp_path / "s.yaml").write_text(STACK_FILE)
    other = _spellings(tmp_path)[spelling]
    for out, stack in (("s.yaml", other), (other, "s.yaml")):
        done = run_import(emu, tmp_path, "--out", out, "--stack-config", stack)
        assert done.returncode == 2 and "--out and --stack-config name the same file" in done.stderr, done.stderr
    assert (tmp_path / "s.yaml").read_text() == STACK_FILE
    assert emu.count() == 0


def test_two_new_files_that_differ_only_in_case_are_refused_too(emu: Emulator, tmp_path: Path) -> None:
    done = run_import(emu, tmp_path, "--out", "Adopt.yaml", "--stack-config", "adopt.yaml")
    assert done.returncode == 2 and "name the same file" in done.stderr
    assert list(tmp_path.iterdir()) == [] and emu.count() == 0
