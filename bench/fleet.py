"""A fleet of tracking domains in one stack, on both paths, against Pulumi's own cost per resource.

``python -m bench.fleet`` (``--sizes 250,500,1000,2000 --paths python,plugin``): for each N and path, one stack of
N tracking domains and, beside it in the same run, stacks of N resources that do nothing:

- ``trivial``: one property (``bench.fleet_program.Trivial`` on the Python path, ``bench.trivial_plugin``'s
  ``Thing`` on the plugin path): Pulumi's own cost per resource;
- ``same shape``: the state of a tracking domain, no work (``SameShape`` on both paths): Pulumi's cost for a resource
  with our properties, so ours ÷ same shape is what our code adds.

Each stack goes through ``up``, a no-change ``preview``, ``refresh`` and ``destroy`` (protection off; the same-shape
stack is not destroyed) under the real CLI with a local file backend, against the emulator; the stacks alternate
command by command so they share the machine's luck. It prints, per N, path and command, wall and CPU seconds (the
CLI and all it started, plus the emulator: CPU time is what other engineers' load disturbs least), ms per domain and
the ratios. ``--skip-checkpoints`` runs every stack with ``PULUMI_SKIP_CHECKPOINTS=true`` (docs/scaling.md).

It is also the engine test of thousands of domains (a bench command, not in CI): every command must succeed, the
preview must show no change, the emulator must hold exactly the N domains after ``up`` and ``refresh`` and none
after ``destroy``, and state must hold N resources and then none; otherwise it exits 1.
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
from .fleet_program import SameShape, Trivial

KEY = "bench-fleet-key-0123456789"
SIZES = (250, 500, 1000, 2000)
PATHS = ("python", "plugin")
COMMANDS = ("up", "preview", "refresh", "destroy")
KINDS = ("trivial", "shape", "ours")
#: The type each stack's resources must have in state.
TYPES = {("python", "ours"): TRACKING_DOMAIN.dynamic, ("plugin", "ours"): TRACKING_DOMAIN.native,
         ("python", "trivial"): f"pulumi-python:{Trivial._resource_type_name}",
         ("plugin", "trivial"): trivial_plugin.TOKEN,
         ("python", "shape"): f"pulumi-python:{SameShape._resource_type_name}",
         ("plugin", "shape"): trivial_plugin.SAME_SHAPE}
#: The Python program of each kind (``bench.fleet_program``).
PROGRAMS = {"ours": "tracking_domains", "trivial": "trivial", "shape": "same_shape"}


class FleetFailure(AssertionError):
    """The fleet did not behave: a command failed, a preview showed changes, or the counts are wrong."""


def domains(n: int, tag: str) -> list[str]:
    return [f"{tag}{i}.fleet.example.com" for i in range(n)]


@dataclass
class Stack:
    """One stack of the fleet: ``ours``, ``trivial`` or ``shape`` on the ``python`` or ``plugin`` path."""

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
    #: Of which this process's: the emulator's threads answering SparkPost's calls (this thread only waits).
    emulator_cpu: dict[str, float] = field(default_factory=dict)
    state_bytes: int = 0

    def command(self, name: str) -> Result:
        flags = ("--parallel", str(self.parallel), "--suppress-outputs")
        args = {"up": ("up", "--yes", "--skip-preview"), "preview": ("preview", "--expect-no-changes"),
                "refresh": ("refresh", "--yes", "--skip-preview"),
                "destroy": ("destroy", "--yes", "--skip-preview")}[name]
        before, emulator_before = _cpu(), _own_cpu()
        result = self.project.run(*args, *flags, check=False)
        self.cpu[name] = _cpu() - before
        self.emulator_cpu[name] = _own_cpu() - emulator_before
        if result.returncode != 0:
            raise FleetFailure(f"{self.path}/{self.kind} N={self.n}: pulumi {name} exited {result.returncode}:\n"
                               f"{first_errors(result.text)}\n...\n{result.text[-1500:]}")
        self.seconds[name] = result.seconds
        return result

    def resources_in_state(self) -> int:
        exported = json.loads(self.project.run("stack", "export").stdout)
        if not self.state_bytes:
            self.state_bytes = len(json.dumps(exported, separators=(",", ":")))
        wanted = TYPES[(self.path, self.kind)]
        return sum(1 for r in exported["deployment"].get("resources") or () if r["type"] == wanted)


def _own_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime + _own_cpu()


def first_errors(text: str, most: int = 12) -> str:
    """The first distinct error lines of a failed command: once one step fails, the engine cancels the others and
    prints a ``CANCELLED`` for each, which would bury the cause at the top of thousands of lines."""
    errors: list[str] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "error" in line.lower() and "CANCELLED" not in line:
            context = "\n".join(lines[max(0, i - 1):i + 3])
            if context not in errors:
                errors.append(context)
        if len(errors) >= most:
            break
    return "\n".join(errors) or "(no error line)"


def python_stack(root: Path, cli: Path, emu: Emulator, kind: str, n: int, parallel: int) -> Stack:
    workdir = root / f"python-{kind}-{n}"
    workdir.mkdir(parents=True)
    program = PROGRAMS[kind]
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
        token = (trivial_plugin.TOKEN if kind == "trivial" else trivial_plugin.SAME_SHAPE).replace(":index:", ":")
        properties = {"apiUrl": emu.base_url} if kind == "shape" else {}
        resources = {f"d{i}": {"type": token, "properties": {"domain": d, **properties}}
                     for i, d in enumerate(names)}
        project = TrivialYamlProject(workdir, cli, resources)
        project.run("stack", "init", project.stack)
    return Stack("plugin", kind, n, project, parallel)


def run_set(root: Path, cli: Path, emu: Emulator, path: str, n: int, parallel: int, kinds: tuple[str, ...],
            env: dict[str, str]) -> dict[str, Stack]:
    make = python_stack if path == "python" else plugin_stack
    stacks = {kind: make(root, cli, emu, kind, n, parallel) for kind in kinds}
    for stack in stacks.values():
        stack.project.env.update(env)
    emu.reset()
    for name in COMMANDS:
        for stack in stacks.values():  # the references first, then ours, command by command
            if name == "destroy" and stack.kind == "shape":
                continue  # nothing to learn that the trivial stack does not say; the temporary directory goes
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


HEADER = ("path", "N", "command", "ours s (CPU; SparkPost's)", "trivial s (CPU)", "same shape s (CPU)",
          "ours ms/domain", "trivial ms/domain", "ours ÷ trivial (wall)", "ours ÷ trivial (CPU)",
          "ours ÷ trivial (CPU, without SparkPost's)", "ours ÷ same shape (CPU, without SparkPost's)",
          "requests/domain")


def _cell(stack: Stack | None, name: str) -> str:
    return f"{stack.seconds[name]:.1f} ({stack.cpu[name]:.1f})" if stack and name in stack.seconds else "-"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b else "-"


def rows(stacks: dict[str, Stack]) -> list[str]:
    """One line per command. SparkPost's CPU is the emulator's (in this process): the work SparkPost does on its
    own servers in a real run, shown apart so that the last ratios compare what runs on the user's machine."""
    ours, trivial, shape = stacks["ours"], stacks.get("trivial"), stacks.get("shape")
    lines = []
    for name in COMMANDS:
        def cpu(stack: Stack | None, name: str = name) -> float | None:
            return stack.cpu.get(name) if stack else None

        def wall(stack: Stack | None, name: str = name) -> float | None:
            return stack.seconds.get(name) if stack else None

        sparkpost = ours.emulator_cpu[name]
        ms = f"{wall(trivial) / ours.n * 1000:.0f}" if wall(trivial) else "-"  # type: ignore[operator]
        lines.append(f"| {ours.path} | {ours.n} | {name} | {ours.seconds[name]:.1f} ({ours.cpu[name]:.1f}; "
                     f"{sparkpost:.1f}) | {_cell(trivial, name)} | {_cell(shape, name)} | "
                     f"{ours.seconds[name] / ours.n * 1000:.0f} | {ms} | "
                     f"{_ratio(wall(ours), wall(trivial))} | {_ratio(cpu(ours), cpu(trivial))} | "
                     f"{_ratio(ours.cpu[name] - sparkpost, cpu(trivial))} | "
                     f"{_ratio(ours.cpu[name] - sparkpost, cpu(shape))} | {ours.requests[name] / ours.n:.1f} |")
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
    parser.add_argument("--no-shape", action="store_true", help="leave out the same-shape reference")
    parser.add_argument("--skip-checkpoints", action="store_true",
                        help="run every stack with PULUMI_SKIP_CHECKPOINTS=true (state written only at the end)")
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
                    kinds = tuple(k for k in KINDS if not (options.no_shape and k == "shape"))
                    env = {"PULUMI_SKIP_CHECKPOINTS": "true"} if options.skip_checkpoints else {}
                    results.append(run_set(Path(tmp), cli, emu, path, n, options.parallel or 2 * n, kinds, env))
                    print("\n".join(rows(results[-1])), file=sys.stderr, flush=True)
                except FleetFailure as exc:
                    print(f"bench.fleet: FAILED: {exc}", file=sys.stderr)
                    return 1
    load = os.getloadavg()[0]
    print(f"Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {load:.1f} at the end"
          + (", PULUMI_SKIP_CHECKPOINTS=true" if options.skip_checkpoints else "") + ".\n")
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

