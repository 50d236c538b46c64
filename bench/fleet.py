"""A fleet of tracking domains in one stack, on both paths, against Pulumi's own cost per resource.

``python -m bench.fleet`` (``--sizes 250,500,1000,2000 --paths python,plugin``): for each N and path, one stack of
N tracking domains and, beside it in the same run, one stack of N resources that do nothing (the reference:
``bench.fleet_program.Trivial`` on the Python path, ``bench.trivial_plugin``'s native resource on the plugin path).
Each stack goes through ``up``, a no-change ``preview``, ``refresh`` and ``destroy`` (protection off) under the real
CLI with a local file backend, against the emulator; the two stacks alternate command by command so they share the
machine's luck. It prints, per N and path, the seconds of each command, ms per domain and ours ÷ reference.

It is also the engine test of thousands of domains (run as a bench command, not in CI): every command must
succeed, the preview must show no change, the emulator must hold exactly the N domains after ``up`` and
``refresh`` and none after ``destroy``, and state must hold N resources and then none; otherwise it exits 1.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sparkpost_tracking.dynamic_providers.types import TRACKING_DOMAIN
from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import REPO, PulumiProject, Result, find_cli
from tests.engine.yaml_project import PACKAGE, YamlProject, plugin_dir

from . import trivial_plugin
from .fleet_program import Trivial

KEY = "bench-fleet-key-0123456789"
SIZES = (250, 500, 1000, 2000)
PATHS = ("python", "plugin")
COMMANDS = ("up", "preview", "refresh", "destroy")
#: The type each stack's resources must have in state.
TYPES = {("python", "ours"): TRACKING_DOMAIN.dynamic, ("plugin", "ours"): TRACKING_DOMAIN.native,
         ("python", "trivial"): f"pulumi-python:{Trivial._resource_type_name}",
         ("plugin", "trivial"): trivial_plugin.TOKEN}


class FleetFailure(AssertionError):
    """The fleet did not behave: a command failed, a preview showed changes, or the counts are wrong."""


def domains(n: int, tag: str) -> list[str]:
    return [f"{tag}{i}.fleet.example.com" for i in range(n)]


@dataclass
class Stack:
    """One stack of the fleet: ``ours`` or ``trivial`` on the ``python`` or ``plugin`` path."""

    path: str
    kind: str
    n: int
    project: PulumiProject | YamlProject
    parallel: int
    seconds: dict[str, float] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    #: CPU seconds of the command: the CLI and every process it started, plus the emulator (threads of this
    #: process, which otherwise only waits). Other engineers' load inflates wall time far more than this.
    cpu: dict[str, float] = field(default_factory=dict)
    state_bytes: int = 0

    def command(self, name: str) -> Result:
        flags = ("--parallel", str(self.parallel), "--suppress-outputs")
        args = {"up": ("up", "--yes", "--skip-preview"), "preview": ("preview", "--expect-no-changes"),
                "refresh": ("refresh", "--yes", "--skip-preview"),
                "destroy": ("destroy", "--yes", "--skip-preview")}[name]
        before = _cpu()
        result = self.project.run(*args, *flags, check=False)
        self.cpu[name] = _cpu() - before
        if result.returncode != 0:
            raise FleetFailure(f"{self.path}/{self.kind} N={self.n}: pulumi {name} exited {result.returncode}:\n"
                               f"{result.text[-3000:]}")
        self.seconds[name] = result.seconds
        return result

    def resources_in_state(self) -> int:
        exported = json.loads(self.project.run("stack", "export").stdout)
        if not self.state_bytes:
            self.state_bytes = len(json.dumps(exported, separators=(",", ":")))
        wanted = TYPES[(self.path, self.kind)]
        return sum(1 for r in exported["deployment"].get("resources") or () if r["type"] == wanted)


def _cpu() -> float:
    children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    return children.ru_utime + children.ru_stime + own.ru_utime + own.ru_stime


def python_stack(root: Path, cli: Path, emu: Emulator, kind: str, n: int, parallel: int) -> Stack:
    workdir = root / f"python-{kind}-{n}"
    workdir.mkdir(parents=True)
    program = {"ours": "tracking_domains"}.get(kind, kind)
    (workdir / "__main__.py").write_text(f"from bench.fleet_program import {program}\n\n{program}()\n")
    project = PulumiProject(workdir, cli, source=workdir)
    project.env["PYTHONPATH"] = str(REPO)  # bench.fleet_program, in the program and the provider process
    project.init(emu.base_url, KEY, [{"domain": d} for d in domains(n, f"p{kind[0]}")], verifyInterval="0",
                 retryBackoff="0.05")
    project.run("config", "set", f"{project.name}:protect", "false")
    return Stack("python", kind, n, project, parallel)


class TrivialYamlProject(YamlProject):
    """A YAML program whose plugin is the trivial one (``plugins.providers`` points at its launcher)."""

    plugin_path: Path

    def write(self) -> None:
        project = {"name": self.name, "runtime": "yaml",
                   "plugins": {"providers": [{"name": trivial_plugin.PACKAGE, "path": str(self.plugin_path)}]},
                   "resources": self.resources}
        (self.workdir / "Pulumi.yaml").write_text(yaml.safe_dump(project, sort_keys=False))


def plugin_stack(root: Path, cli: Path, emu: Emulator, kind: str, n: int, parallel: int) -> Stack:
    workdir = root / f"plugin-{kind}-{n}"
    names = domains(n, f"y{kind[0]}")
    if kind == "ours":
        resources = {f"d{i}": {"type": f"{PACKAGE}:TrackingDomain", "properties": {"domain": d}}
                     for i, d in enumerate(names)}
        project: YamlProject = YamlProject(workdir, cli, resources)
        project.init(emu.base_url, KEY, verifyInterval="0", retryBackoff="0.05")
    else:
        launcher = trivial_plugin.launcher(root / "trivial-plugin")
        TrivialYamlProject.plugin_path = launcher.parent
        resources = {f"d{i}": {"type": f"{trivial_plugin.PACKAGE}:Thing", "properties": {"domain": d}}
                     for i, d in enumerate(names)}
        project = TrivialYamlProject(workdir, cli, resources)
        project.run("stack", "init", project.stack)
    return Stack("plugin", kind, n, project, parallel)


def run_pair(root: Path, cli: Path, emu: Emulator, path: str, n: int, parallel: int) -> dict[str, Stack]:
    make = python_stack if path == "python" else plugin_stack
    stacks = {kind: make(root, cli, emu, kind, n, parallel) for kind in ("trivial", "ours")}
    emu.reset()
    for name in COMMANDS:
        for stack in stacks.values():  # the reference first, then ours, command by command
            emu.clear_requests()
            stack.command(name)
            expected = 0 if name == "destroy" else n
            found = stack.resources_in_state()
            if found != expected:
                raise FleetFailure(f"{path}/{stack.kind} N={n}: after {name}, state holds {found} resources, "
                                   f"not {expected}")
            stack.requests[name] = emu.count()
            live = len(emu.domains())
            if stack.kind == "ours" and live != expected:
                raise FleetFailure(f"{path}/ours N={n}: after {name}, SparkPost holds {live} domains, not {expected}")
    return stacks


HEADER = ("path", "N", "command", "ours: s (CPU s)", "reference: s (CPU s)", "ours ms/domain", "reference ms/domain",
          "ours ÷ ref (wall)", "ours ÷ ref (CPU)", "SparkPost requests per domain")


def rows(stacks: dict[str, Stack]) -> list[str]:
    ours, ref = stacks["ours"], stacks["trivial"]
    lines = []
    for name in COMMANDS:
        a, b, ca, cb = ours.seconds[name], ref.seconds[name], ours.cpu[name], ref.cpu[name]
        lines.append(f"| {ours.path} | {ours.n} | {name} | {a:.1f} ({ca:.1f}) | {b:.1f} ({cb:.1f}) | "
                     f"{a / ours.n * 1000:.0f} | {b / ours.n * 1000:.0f} | {a / b:.2f} | {ca / cb:.2f} | "
                     f"{ours.requests[name] / ours.n:.1f} |")
    return lines


def render(results: list[dict[str, Stack]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for stacks in results:
        lines += rows(stacks)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="numbers of domains (comma-separated)")
    parser.add_argument("--paths", default=",".join(PATHS), help="python, plugin or both")
    parser.add_argument("--parallel", type=int, default=0, help="the engine's --parallel (default 2 x N)")
    options = parser.parse_args(argv)
    cli = find_cli()
    if cli is None or not (cli / "pulumi-language-yaml").exists():
        print("bench.fleet: no Pulumi CLI with pulumi-language-yaml (run scripts/get-pulumi)", file=sys.stderr)
        return 2
    if not (plugin_dir() / f"pulumi-resource-{PACKAGE}").exists():
        print(f"bench.fleet: no pulumi-resource-{PACKAGE} in {plugin_dir()} (scripts/setup)", file=sys.stderr)
        return 2
    results: list[dict[str, Stack]] = []
    with tempfile.TemporaryDirectory(prefix="fleet-") as tmp, Emulator(api_keys=[KEY]) as emu:
        for n in (int(s) for s in options.sizes.split(",")):
            for path in options.paths.split(","):
                print(f"bench.fleet: {path}, N={n} ...", file=sys.stderr, flush=True)
                try:
                    results.append(run_pair(Path(tmp), cli, emu, path, n, options.parallel or 2 * n))
                    print("\n".join(rows(results[-1])), file=sys.stderr, flush=True)
                except FleetFailure as exc:
                    print(f"bench.fleet: FAILED: {exc}", file=sys.stderr)
                    return 1
    load = os.getloadavg()[0]
    print(f"Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {load:.1f} at the end.\n")
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

