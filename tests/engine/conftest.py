"""Engine-tier fixtures.

A missing Pulumi CLI skips the CLI tests only outside CI; in CI (``CI`` set) it fails the run, because
scripts/test provides the CLI there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import find_cli


@pytest.fixture(scope="module")
def cli_dir() -> Path:
    found = find_cli()
    if found is None:
        message = "Pulumi CLI not found: run scripts/get-pulumi (scripts/test does) or put pulumi on PATH"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """One running emulator per test module, accepting the module's ``KEY``."""
    with Emulator(api_keys=[request.module.KEY]) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def yaml_cli_dir(cli_dir: Path) -> Path:
    """The CLI directory, which must also hold the YAML language host (scripts/get-pulumi builds it)."""
    if not (cli_dir / "pulumi-language-yaml").exists():
        message = f"pulumi-language-yaml is not next to the CLI in {cli_dir}: run scripts/get-pulumi"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return cli_dir
