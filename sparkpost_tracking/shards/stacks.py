"""One shard's stack, through Pulumi's Automation API (``pulumi.automation``): a local program (the fleet's stack
project) and the fleet's backend.

Each call works on one stack and returns: running shards side by side is for the caller's processes (``xargs -P``,
a CI matrix), not for a scheduler of ours. The shard's domains are written into the stack's settings file
(``Pulumi.<stack>.yaml``) as ``sparkpost-tracking:domains`` with the fleet's ``config``; a value the user set as a
secret (``{secure: ...}``) is kept. The SparkPost keys come from the environment (``SPARKPOST_API_KEY``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pulumi import automation as auto

from sparkpost_tracking.config import DOMAINS_KEY, STACK_PROJECT

from .fleet import Fleet
from .plan import Shard

#: The stack settings file extensions the CLI reads, in its order.
SETTINGS_SUFFIXES = (".yaml", ".yml", ".json")


def environment(fleet: Fleet) -> dict[str, str]:
    """What every command of a shard runs with, besides the caller's environment: the fleet's backend."""
    return {"PULUMI_BACKEND_URL": str(fleet.backend)}


def existing(fleet: Fleet) -> list[str]:
    """The fleet's stacks that the backend holds (names with the fleet's prefix), planned or not."""
    workspace = auto.LocalWorkspace(work_dir=str(fleet.project), env_vars=environment(fleet))
    prefix = f"{fleet.sharding.prefix}-"
    return sorted(s.name.rsplit("/", 1)[-1] for s in workspace.list_stacks() if s.name.rsplit("/", 1)[-1]
                  .startswith(prefix))


def select(fleet: Fleet, shard: Shard) -> auto.Stack:
    """The shard's stack (created on first use) with its config written."""
    stack = auto.create_or_select_stack(stack_name=shard.stack, work_dir=str(fleet.project),
                                        opts=auto.LocalWorkspaceOptions(env_vars=environment(fleet)))
    write_config(fleet, shard)
    return stack


def settings_file(fleet: Fleet, stack: str) -> Path:
    for suffix in SETTINGS_SUFFIXES:
        path = fleet.project / f"Pulumi.{stack}{suffix}"
        if path.exists():
            return path
    return fleet.project / f"Pulumi.{stack}.yaml"


def write_config(fleet: Fleet, shard: Shard) -> Path:
    """Put the fleet's config and the shard's domains in the stack's settings file; secrets set by hand stay."""
    path = settings_file(fleet, shard.stack)
    settings: dict[str, Any] = (yaml.safe_load(path.read_text()) if path.exists() else None) or {}
    kept = {key: value for key, value in (settings.get("config") or {}).items()
            if isinstance(value, dict) and "secure" in value}
    settings["config"] = {**kept, **fleet.config, f"{STACK_PROJECT}:{DOMAINS_KEY}": list(shard.domains)}
    text = json.dumps(settings, indent=2) if path.suffix == ".json" else yaml.safe_dump(settings, sort_keys=True)
    path.write_text(text)
    return path


def up(fleet: Fleet, shard: Shard, *, parallel: int | None = None,
       on_output: Callable[[str], None] | None = None) -> auto.UpResult:
    return select(fleet, shard).up(parallel=parallel, on_output=on_output)


def refresh(fleet: Fleet, shard: Shard, *, parallel: int | None = None,
            on_output: Callable[[str], None] | None = None) -> auto.RefreshResult:
    return select(fleet, shard).refresh(parallel=parallel, on_output=on_output)


def preview_document(fleet: Fleet, shard: Shard, *, parallel: int | None = None) -> str:
    """``pulumi preview --json --show-sames`` of the shard's stack: what ``review`` reads.

    The preview of a stack whose only problem is a protected delete or replace fails, yet its document is what a
    reviewer needs most, so the document is returned whatever the exit code; an empty one means the preview
    could not run (``review`` says so).
    """
    stack = select(fleet, shard)
    args = ["preview", "--json", "--show-sames", "--stack", shard.stack]
    if parallel:
        args += ["--parallel", str(parallel)]
    lines: list[str] = []
    workspace = stack.workspace
    try:
        workspace.pulumi_command.run(args, str(fleet.project), {**environment(fleet), **workspace.env_vars},
                                     on_output=lines.append)
    except auto.errors.CommandError:
        pass
    return "\n".join(lines)


def check_all(fleet: Fleet, shard: Shard, check_args: list[str]) -> subprocess.CompletedProcess[str]:
    """``sparkpost-tracking check --all --from-stack --stack <shard> --json`` in the fleet's project."""
    command = [sys.executable, "-m", "sparkpost_tracking", "check", "--all", "--from-stack", "--stack", shard.stack,
               "--json", *check_args]
    return subprocess.run(command, cwd=fleet.project, env={**os.environ, **environment(fleet)},
                          capture_output=True, text=True, check=False)
