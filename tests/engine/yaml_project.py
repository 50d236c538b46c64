"""A Pulumi YAML program under the real CLI, with this package's provider plugin and nothing else of Python.

The program finds ``pulumi-resource-sparkpost-tracking`` through ``plugins.providers`` in Pulumi.yaml (the
directory the package installed it into); the venv is not on PATH and ``PULUMI_PYTHON_CMD`` is not set, so
nothing could run a Python dynamic provider. Shared by the engine tests and ``bench``.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.engine.pulumi_cli import PASSPHRASE, Result, run_cli

PACKAGE = "sparkpost-tracking"
PLUGIN = f"pulumi-resource-{PACKAGE}"


def plugin_dir() -> Path:
    """Where pip put the plugin: the bin directory of this interpreter's environment."""
    return Path(sys.prefix) / "bin"


@dataclass
class YamlProject:
    """``Pulumi.yaml`` (runtime yaml) in ``workdir`` with its own backend, home and stack."""

    workdir: Path
    cli_dir: Path
    resources: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    stack: str = "test"
    name: str = "yaml-test"
    transcript: list[Result] = field(default_factory=list)

    def __post_init__(self) -> None:
        for sub in ("state", "home"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        self.write()
        venv_bin = str(plugin_dir())
        path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin]
        self.env = {
            **{k: v for k, v in os.environ.items()
               if not k.startswith(("SPARKPOST_", "PULUMI_", "VIRTUAL_ENV", "PYTHON"))},
            "PATH": os.pathsep.join([str(self.cli_dir), *path]),
            "PULUMI_BACKEND_URL": f"file://{self.workdir / 'state'}",
            "PULUMI_HOME": str(self.workdir / "home"),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "NO_COLOR": "1",
        }

    def write(self) -> None:
        project = {
            "name": self.name,
            "runtime": "yaml",
            "plugins": {"providers": [{"name": PACKAGE, "path": str(plugin_dir())}]},
            "resources": self.resources,
            "outputs": self.outputs,
        }
        (self.workdir / "Pulumi.yaml").write_text(yaml.safe_dump(project, sort_keys=False))

    def run(self, *args: str, check: bool = True, stdin: str | None = None) -> Result:
        return run_cli(self.cli_dir, self.workdir, self.env, self.transcript, args, check=check, stdin=stdin)

    def init(self, api_url: str, api_key: str, **settings: str) -> None:
        """A stack whose provider config points at ``api_url``; the key goes in as a secret, from stdin."""
        self.run("stack", "init", self.stack)
        self.run("config", "set", f"{PACKAGE}:apiUrl", api_url)
        self.run("config", "set", "--secret", f"{PACKAGE}:apiKey", stdin=api_key)
        for key, value in settings.items():
            self.run("config", "set", f"{PACKAGE}:{key}", value)

    def up(self, *extra: str) -> Result:
        return self.run("up", "--yes", "--skip-preview", *extra)

    def preview(self, *extra: str, check: bool = True) -> Result:
        return self.run("preview", *extra, check=check)

    def export(self) -> dict[str, Any]:
        return dict(json.loads(self.run("stack", "export").stdout))

    def outputs_now(self) -> dict[str, Any]:
        return dict(json.loads(self.run("stack", "output", "--json").stdout))
