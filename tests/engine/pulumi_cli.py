"""Run the real Pulumi CLI on a throwaway project with a local file backend (no cloud, no network).

Shared by the engine tests and ``bench``. The CLI comes from PATH or scripts/get-pulumi's cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
PROJECT_SOURCE = Path(__file__).resolve().parent / "project"
PROJECT_NAME = "engine-test"
#: The repository's own stack program (Pulumi.yaml + __main__.py at the top level).
STACK_PROGRAM = REPO
STACK_PROGRAM_NAME = "sparkpost-tracking"
PASSPHRASE = "engine-test-passphrase"


def find_cli() -> Path | None:
    """The directory of a usable Pulumi CLI (with the Python dynamic-provider launcher), or None."""
    candidates: list[Path] = []
    on_path = shutil.which("pulumi")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    cache = Path(os.environ.get("SPARKPOST_TRACKING_CACHE")
                 or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sparkpost-tracking")
    candidates += sorted((p / "bin" for p in cache.glob("pulumi-*") if (p / ".complete").exists()), reverse=True)
    candidates += sorted(p.parent for p in cache.glob("pulumi-*/bin/.complete"))
    for directory in candidates:
        if all((directory / tool).exists() for tool in ("pulumi", "pulumi-language-python",
                                                        "pulumi-resource-pulumi-python")):
            return directory
    return None


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


def run_cli(cli_dir: Path, workdir: Path, env: dict[str, str], transcript: list[Result], args: tuple[str, ...], *,
            check: bool = True, stdin: str | None = None) -> Result:
    """One ``pulumi`` command in ``workdir``, non-interactive; recorded in ``transcript``."""
    command = [str(cli_dir / "pulumi"), *args, "--non-interactive"]
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, input=stdin, timeout=900)
    result = Result(list(args), proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - started)
    transcript.append(result)
    if check and proc.returncode != 0:
        raise AssertionError(f"pulumi {' '.join(args)} exited {proc.returncode}:\n{result.text[-4000:]}")
    return result


@dataclass
class PulumiProject:
    """A copy of tests/engine/project in ``workdir`` with its own backend, home and stack."""

    workdir: Path
    cli_dir: Path
    stack: str = "test"
    source: Path = PROJECT_SOURCE
    name: str = PROJECT_NAME
    transcript: list[Result] = field(default_factory=list)
    #: The virtualenv that runs the program and the provider: the test's own unless told otherwise.
    venv: Path = field(default_factory=lambda: Path(sys.prefix))

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.source.resolve() != self.workdir.resolve():  # a program written in place needs no copy
            shutil.copy(self.source / "__main__.py", self.workdir / "__main__.py")
        venv = self.venv
        # The same program and project file, with the runtime pointed at this venv (the copy lives outside
        # the repository, where a relative `.venv` would not exist).
        project_file = self.source / "Pulumi.yaml"
        project = yaml.safe_load(project_file.read_text()) if project_file.exists() else {"name": self.name}
        project["runtime"] = {"name": "python", "options": {"virtualenv": str(venv)}}
        (self.workdir / "Pulumi.yaml").write_text(yaml.safe_dump(project, sort_keys=False))
        (self.workdir / "state").mkdir(exist_ok=True)
        (self.workdir / "home").mkdir(exist_ok=True)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SPARKPOST_", "PULUMI_"))},
            "PATH": f"{self.cli_dir}{os.pathsep}{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "PULUMI_BACKEND_URL": f"file://{self.workdir / 'state'}",
            "PULUMI_HOME": str(self.workdir / "home"),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            # The provider process imports sparkpost_tracking from this venv, as a user's would.
            "PULUMI_PYTHON_CMD": str(venv / "bin" / "python"),
            "NO_COLOR": "1",
        }

    def run(self, *args: str, check: bool = True, stdin: str | None = None) -> Result:
        return run_cli(self.cli_dir, self.workdir, self.env, self.transcript, args, check=check, stdin=stdin)

    def init(self, api_url: str, api_key: str, domains: list[dict[str, Any]], **settings: str) -> None:
        self.run("stack", "init", self.stack)
        self.set_domains(domains)
        self.run("config", "set", f"{self.name}:apiUrl", api_url)
        # The key goes in as a secret from stdin, never on a command line.
        self.run("config", "set", "--secret", "sparkpost:apiKey", stdin=api_key)
        for key, value in settings.items():
            self.run("config", "set", f"sparkpost:{key}", value)

    def set_domains(self, domains: list[dict[str, Any]]) -> None:
        # Structured config is edited in the stack file itself (the CLI sets only scalars or paths).
        stack_file = self.workdir / f"Pulumi.{self.stack}.yaml"
        settings = yaml.safe_load(stack_file.read_text()) if stack_file.exists() else None
        settings = settings or {}
        settings.setdefault("config", {})[f"{self.name}:domains"] = domains
        stack_file.write_text(yaml.safe_dump(settings, sort_keys=True))

    def up(self, *extra: str, check: bool = True) -> Result:
        return self.run("up", "--yes", "--skip-preview", *extra, check=check)

    def preview(self, *extra: str, check: bool = True) -> Result:
        return self.run("preview", *extra, check=check)

    def retire(self, *extra: str) -> Result:
        """Destroy the stack the documented way (docs/retiring.md): protection off, ``up``, then ``destroy``."""
        self.run("config", "set", f"{self.name}:protect", "false")
        self.up()
        return self.run("destroy", "--yes", *extra)

    def export(self) -> dict[str, Any]:
        return dict(json.loads(self.run("stack", "export", "--show-secrets=false").stdout))
