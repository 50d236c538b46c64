"""scripts/mutation's work folder: the repository's pyproject.toml plus one package's mutmut settings, links to
every top-level entry, and tests for each package that exist (a renamed test folder must fail here, not leave a
mutation run with nothing to kill its mutants)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "mutation_setup.py"
spec = importlib.util.spec_from_file_location("mutation_setup", SCRIPT)
assert spec is not None and spec.loader is not None
mutation_setup = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mutation_setup)


def test_every_package_of_the_script_has_tests_that_exist() -> None:
    assert set(mutation_setup.TESTS) == {"review", "check", "policy", "adopt"}
    for package, tests in mutation_setup.TESTS.items():
        assert (ROOT / "sparkpost_tracking" / package / "__init__.py").is_file()
        assert tests and all((ROOT / path).exists() for path in tests), (package, tests)


@pytest.mark.parametrize("package", ["check", "adopt"])
def test_the_work_folder_holds_the_repository_and_one_package_s_settings(tmp_path: Path, package: str) -> None:
    work = tmp_path / package
    subprocess.run([sys.executable, str(SCRIPT), package, str(work)], check=True)
    subprocess.run([sys.executable, str(SCRIPT), package, str(work)], check=True)  # a second run keeps it
    settings = tomllib.loads((work / "pyproject.toml").read_text())
    assert settings["project"] == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    mutmut = settings["tool"]["mutmut"]
    assert mutmut["source_paths"] == ["sparkpost_tracking"]
    assert mutmut["only_mutate"] == [f"sparkpost_tracking/{package}/*"]
    assert mutmut["pytest_add_cli_args_test_selection"] == mutation_setup.TESTS[package]
    assert {"docs", "examples", "components", "dynamic_providers", "emulator"} <= set(mutmut["also_copy"])
    assert (work / "sparkpost_tracking").resolve() == ROOT / "sparkpost_tracking"
    assert (work / "tests").resolve() == ROOT / "tests"
    assert not (work / ".git").exists() and not (work / ".venv").exists() and not (work / "build").exists()
