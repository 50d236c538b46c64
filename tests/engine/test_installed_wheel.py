"""Tier 3, the user's story: build the wheel, install it into a clean venv, use it from an existing program.

- ``python -m build`` makes the sdist and, from it, the wheel; the wheel holds ``sparkpost_tracking/`` and its
  dist-info only. ``pip install git+file://<repo>`` installs the same single package.
- A clean venv with the wheel and no extra: every component class imports; building one whose CDN SDK is missing,
  or importing the emulator without Werkzeug, names the pip command that adds it.
- An existing Pulumi program with its own ``components/`` and ``dynamic_providers/`` packages imports them
  together with ``ManagedTrackingDomain`` and runs ``pulumi preview``, ``pulumi up`` and a no-change preview
  under the real CLI, in that venv, against the emulator (which runs here, in the test's own venv); a misspelt
  key of ours fails its preview too.
- ``[cloudflare]`` installed into the venv: ``CloudflareTrackingDomain`` builds there under Pulumi mocks (no
  Cloudflare plugin can be had offline).

The tests run in file order on one module-scoped venv: the no-extra checks come before ``[cloudflare]`` is
added, and assert that it is absent. Needs the network to PyPI (build backend, dependencies), as CI has.
Run with ``-s`` to see the wheel's file list and the CLI transcripts.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest

from sparkpost_tracking import __version__
from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import REPO, PulumiProject, Result

pytestmark = pytest.mark.engine

KEY = "installed-wheel-key-9f8e7d6c5b4a"
PROJECT = "existing-infra"
DOMAINS = [{"domain": "track.example.com", "makeDefault": True}, {"domain": "click.example.com"}]
DIST_INFO = f"sparkpost_tracking-{__version__}.dist-info"
_SETUPTOOLS = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]


def _package_dirs() -> dict[str, str]:
    """Each shipped package's folder in the repository: mapped by package-dir, or nested in its parent's."""
    mapped: dict[str, str] = _SETUPTOOLS["package-dir"]
    folders: dict[str, str] = {}
    for package in sorted(_SETUPTOOLS["packages"], key=len):
        parent, _, leaf = package.rpartition(".")
        folders[package] = mapped.get(package) or f"{folders[parent]}/{leaf}"
    return folders


PACKAGE_DIRS: dict[str, str] = _package_dirs()

# The existing program: its own `components` and `dynamic_providers` packages (both common names in Pulumi
# programs), imported side by side with the library.
PROGRAM: dict[str, str] = {
    "components/__init__.py": '''
        """This team's own components package."""

        def resource_name(domain: str) -> str:
            return "team-" + domain.replace(".", "-")
        ''',
    "dynamic_providers/__init__.py": '"""This team\'s own dynamic providers."""\n',
    "dynamic_providers/validation.py": '''
        def owned(domain: str) -> str:
            assert domain.endswith(".example.com"), domain
            return domain
        ''',
    "__main__.py": '''
        import pulumi

        from components import resource_name
        from dynamic_providers.validation import owned
        from sparkpost_tracking.components import ManagedTrackingDomain

        config = pulumi.Config()
        for entry in config.require_object("domains"):
            track = ManagedTrackingDomain(resource_name(entry["domain"]), {
                "domain": owned(entry["domain"]),
                "make_default": entry.get("makeDefault", False),
                "api_url": config.require("apiUrl"),
            })
            pulumi.export(entry["domain"], {"cnameTarget": track.cname_target, "verified": track.verified})
        ''',
    "Pulumi.yaml": f"name: {PROJECT}\nruntime: python\n",
}


def run(*args: str | Path, env: dict[str, str] | None = None) -> str:
    # From an empty directory: in the repository, `python -c` would import its sparkpost_tracking/ folder.
    with tempfile.TemporaryDirectory() as empty:
        proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, cwd=empty,
                              env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def pip(venv: Path, *args: str | Path) -> str:
    return run(venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check", *args)


def show(result: Result, requests: int) -> None:
    print(f"\n$ pulumi {' '.join(result.args)}  # exit {result.returncode}, {requests} SparkPost requests\n"
          f"{result.stdout}{result.stderr}")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build``: the sdist, then the wheel built from that sdist."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, REPO)
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    [found] = dist.glob("sparkpost_tracking-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean venv holding the wheel and its required dependencies only."""
    path = tmp_path_factory.mktemp("venv") / "venv"
    run(sys.executable, "-m", "venv", path)
    pip(path, "install", "--quiet", wheel)
    return path



def installed(venv: Path) -> set[str]:
    return {re.sub(r"[-_.]+", "-", dist["name"]).lower() for dist in json.loads(pip(venv, "list", "--format=json"))}


def test_the_wheel_holds_one_package_and_its_dist_info(wheel: Path) -> None:
    names = sorted(zipfile.ZipFile(wheel).namelist())
    print(f"\n{wheel.name}:\n" + "\n".join(f"  {n}" for n in names))
    assert {n.split("/")[0] for n in names} == {"sparkpost_tracking", DIST_INFO}
    # Every module of every mapped folder is there, under its package path, and nothing else is.
    expected = {f"{package.replace('.', '/')}/{source.relative_to(REPO / folder).as_posix()}"
                for package, folder in PACKAGE_DIRS.items()
                for source in (REPO / folder).glob("*.py")}
    assert {n for n in names if n.endswith(".py")} == expected
    # ... and every subpackage of those folders is shipped (a new one must be listed in pyproject's packages).
    subpackages = {f"{package}.{sub.name}" for package, folder in PACKAGE_DIRS.items()
                   for sub in (REPO / folder).iterdir() if (sub / "__init__.py").exists()}
    assert subpackages <= set(PACKAGE_DIRS)
    assert {"sparkpost_tracking/review/__init__.py", "sparkpost_tracking/review/command.py"} <= set(names)
    assert "sparkpost_tracking/py.typed" in names and f"{DIST_INFO}/licenses/LICENSE" in names
    # The commands' packages: `check` and `import` (adopt).
    assert {"sparkpost_tracking/check/run.py", "sparkpost_tracking/adopt/run.py"} <= set(names)
    assert zipfile.ZipFile(wheel).read(f"{DIST_INFO}/top_level.txt").decode().split() == ["sparkpost_tracking"]


def test_a_git_url_installs_the_same_single_package(tmp_path: Path) -> None:
    target = tmp_path / "site"
    run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", target,
        f"sparkpost-tracking @ git+file://{REPO}")
    assert {p.name for p in target.iterdir()} - {"bin"} == {"sparkpost_tracking", DIST_INFO}
    assert {p.name for p in (target / "sparkpost_tracking").iterdir() if p.is_dir()} >= {
        "components", "dynamic_providers", "emulator"}
    # Imported from there (no site-packages: nothing else can answer).
    out = run(sys.executable, "-S", "-c", "import sparkpost_tracking as s; print(s.__file__, s.__version__)",
              env={"PYTHONPATH": str(target)})
    assert out.split() == [str(target / "sparkpost_tracking" / "__init__.py"), __version__]


MISSING = textwrap.dedent('''
    import importlib, json
    import pulumi

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return args.name + "-id", args.inputs
        def call(self, args):
            return {}

    def attempt(action):
        try:
            action()
            return None
        except ImportError as exc:
            return [type(exc).__name__, str(exc)]

    found = {"sparkpost_tracking.emulator": attempt(lambda: importlib.import_module("sparkpost_tracking.emulator"))}
    # The components' classes import without their SDK (the plugin's schema needs them all); building one needs it.
    from sparkpost_tracking import components
    imported = [getattr(components, name).__name__ for name in (
        "CloudflareTrackingDomain", "CloudFrontTrackingDomain", "FastlyTrackingDomain", "ManagedTrackingDomain")]
    pulumi.runtime.set_mocks(Mocks(), preview=False)
    for name, args in (("CloudflareTrackingDomain", {"zone_id": "0123456789abcdef0123456789abcdef"}),
                       ("CloudFrontTrackingDomain", {}), ("FastlyTrackingDomain", {})):
        found[name] = attempt(lambda: pulumi.runtime.test(lambda: getattr(components, name)(
            "t-" + name, {"domain": "track.example.com", **args}))())
    for dns, zone in (("route53", "Z0123456789ABCDEFGHIJ"), ("cloudflare", "0123456789abcdef0123456789abcdef")):
        found["dns " + dns] = attempt(lambda: components.ManagedTrackingDomain(
            "t-" + dns, {"domain": "track.example.com", "dns": dns, "dns_zone_id": zone}))
    found["imported"] = imported
    print(json.dumps(found))
    ''')


def test_a_missing_extra_names_the_pip_command(venv: Path) -> None:
    assert not installed(venv) & {"pulumi-cloudflare", "pulumi-aws", "pulumi-fastly", "werkzeug"}
    found = json.loads(run(venv / "bin" / "python", "-c", MISSING).strip().splitlines()[-1])
    extra_of = {"CloudflareTrackingDomain": "cloudflare", "dns cloudflare": "cloudflare",
                "CloudFrontTrackingDomain": "aws", "dns route53": "aws",
                "FastlyTrackingDomain": "fastly", "sparkpost_tracking.emulator": "emulator"}
    assert found.pop("imported") == ["CloudflareTrackingDomain", "CloudFrontTrackingDomain", "FastlyTrackingDomain",
                                     "ManagedTrackingDomain"]
    assert set(found) == set(extra_of)
    for what, extra in extra_of.items():
        kind, message = found[what]
        print(f"\n{what}: {kind}: {message}")
        assert kind == "MissingExtra"
        assert message.endswith(f"Install it with: pip install 'sparkpost-tracking[{extra}]'"), message


@pytest.fixture(scope="module")
def program(venv: Path, cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> PulumiProject:
    workdir = tmp_path_factory.mktemp("existing-program")
    for name, text in PROGRAM.items():
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name).write_text(textwrap.dedent(text).lstrip())
    project = PulumiProject(workdir, cli_dir, stack="dev", source=workdir, name=PROJECT, venv=venv)
    project.init(emu.base_url, KEY, DOMAINS, verifyInterval="0", certificateTimeout="30")
    return project


def test_existing_program_previews_creates_and_previews_no_change(program: PulumiProject, emu: Emulator) -> None:
    emu.clear_requests()
    preview = program.preview()
    show(preview, emu.count())
    assert emu.count() == 0
    lines = preview.stdout.splitlines()
    for domain in DOMAINS:
        name = "team-" + domain["domain"].replace(".", "-")
        assert any("sparkpost-tracking:index:ManagedTrackingDomain" in line and name in line for line in lines)
        assert any("pulumi-python:dynamic/sparkpost:TrackingDomain" in line and f"{name}-sparkpost" in line
                   for line in lines)

    up = program.up()
    show(up, emu.count())
    stored = {d["domain"]: d for d in emu.domains()}
    assert sorted(stored) == sorted(d["domain"] for d in DOMAINS)
    assert all(d["uses_managed_certificate"] and d["status"]["tls_status"] == "valid" for d in stored.values())
    assert [name for name, d in stored.items() if d["default"]] == ["track.example.com"]
    outputs = json.loads(program.run("stack", "output", "--json").stdout)
    assert outputs["track.example.com"] == {"cnameTarget": "v2.spgo.io", "verified": True}
    # The provider in state is the installed package's, not the program's own dynamic_providers.
    state = program.export()
    providers = {r["inputs"]["__provider"] for r in state["deployment"]["resources"]
                 if r["type"] == "pulumi-python:dynamic/sparkpost:TrackingDomain"}
    [provider] = providers
    assert b"sparkpost_tracking.dynamic_providers" in base64.b64decode(provider)
    assert KEY not in json.dumps(state)

    emu.clear_requests()
    again = program.preview("--expect-no-changes")
    show(again, emu.count())
    assert emu.count() == 0


def test_existing_program_is_protected_by_the_config_check(program: PulumiProject, emu: Emulator) -> None:
    program.run("config", "set", "sparkpost:verifyTimout", "60")
    emu.clear_requests()
    try:
        result = program.preview(check=False)
    finally:
        program.run("config", "rm", "sparkpost:verifyTimout")
    show(result, emu.count())
    assert result.returncode != 0 and emu.count() == 0
    assert "Did you mean 'sparkpost:verifyTimeout'?" in result.text and "Traceback" not in result.text


CLOUDFLARE = textwrap.dedent('''
    import json
    import pulumi

    registered = []

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            registered.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
            return args.name + "-id", dict(args.inputs)
        def call(self, args):
            return {}

    pulumi.runtime.set_mocks(Mocks(), preview=False)
    from sparkpost_tracking.components import CloudflareTrackingDomain

    @pulumi.runtime.test
    def program():
        track = CloudflareTrackingDomain("track", {"domain": "track.example.com",
                                                   "zone_id": "0123456789abcdef0123456789abcdef"})
        return track.cname_target.apply(lambda target: registered.append({"cname_target": target}))

    program()
    print(json.dumps(registered))
    ''')


def test_cloudflare_extra_builds_its_component_under_mocks(venv: Path, dist: Path) -> None:
    # An extra added to an installed wheel: the README's form (pip skips "<wheel>[extra]" once it is installed).
    pip(venv, "install", "--quiet", "--find-links", dist, f"sparkpost-tracking[cloudflare]=={__version__}")
    assert "pulumi-cloudflare" in installed(venv) and "pulumi-aws" not in installed(venv)
    found = json.loads(run(venv / "bin" / "python", "-W", "ignore", "-c", CLOUDFLARE).strip().splitlines()[-1])
    resources = {r["type"]: r for r in found if "type" in r}
    assert set(resources) == {"sparkpost-tracking:index:CloudflareTrackingDomain",
                              "cloudflare:index/dnsRecord:DnsRecord", "pulumi-python:dynamic/sparkpost:TrackingDomain"}
    record = resources["cloudflare:index/dnsRecord:DnsRecord"]["inputs"]
    assert (record["name"], record["type"], record["content"], record["proxied"]) == (
        "track.example.com", "CNAME", "spgo.io", True)
    assert {"cname_target": "spgo.io"} in found
