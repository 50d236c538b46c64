"""Tier 3b: our own ``pulumi-language-python`` (scripts/pulumi-cli): it stops when its engine is gone or on SIGTERM,
runs Python-source plugins, leaves an existing virtualenv as it is, and names itself when it refuses something."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest

pytestmark = pytest.mark.engine

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "schema.json"
STOP_WITHIN = 30.0  # seconds; the host checks its engine every 2 s and gives calls 5 s to finish


@pytest.fixture
def engine() -> Iterator[tuple[grpc.Server, str]]:
    """A stand-in engine: a gRPC server that answers (Unimplemented is an answer) until it is stopped."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield server, f"127.0.0.1:{port}"
    server.stop(None)


def start_host(cli_dir: Path, *args: str) -> subprocess.Popen[str]:
    host = subprocess.Popen([str(cli_dir / "pulumi-language-python"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert host.stdout is not None
    assert host.stdout.readline().strip().isdigit()  # serving: it printed its port
    return host


def wait_exit(process: subprocess.Popen[str], within: float = STOP_WITHIN) -> int | None:
    try:
        return process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


def test_sigterm_stops_it(cli_dir: Path, engine: tuple[grpc.Server, str]) -> None:
    host = start_host(cli_dir, engine[1])
    host.send_signal(signal.SIGTERM)
    assert wait_exit(host) is not None, "the language host ignored SIGTERM"


def test_it_stops_when_its_engine_is_gone(cli_dir: Path, engine: tuple[grpc.Server, str]) -> None:
    server, address = engine
    host = start_host(cli_dir, address)
    assert host.poll() is None  # serving while its engine answers
    server.stop(None)
    assert wait_exit(host) is not None, "the language host kept running after its engine was gone"


def test_an_unknown_flag_is_refused_naming_this_host(cli_dir: Path) -> None:
    proc = subprocess.run([str(cli_dir / "pulumi-language-python"), "-frobnicate", "127.0.0.1:9"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert "sparkpost-tracking's build" in proc.stderr and "-frobnicate" in proc.stderr
    assert "-virtualenv" in proc.stderr  # what it does accept


def test_the_flags_older_clis_pass_are_accepted(cli_dir: Path, engine: tuple[grpc.Server, str]) -> None:
    host = start_host(cli_dir, "-virtualenv=venv", "-root=.", "-toolchain=pip", "-typechecker=", engine[1])
    host.send_signal(signal.SIGTERM)
    assert wait_exit(host) is not None


@pytest.fixture
def source_plugin(tmp_path: Path) -> Path:
    """A Python-source plugin directory (PulumiPlugin.yaml, runtime python) that runs this package's plugin, with a
    throwaway virtualenv of its own that sees this environment's packages."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    purelib = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    (purelib / "parent-environment.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "PulumiPlugin.yaml").write_text(f"runtime:\n  name: python\n  options:\n    virtualenv: {venv}\n")
    (plugin / "__main__.py").write_text(
        "import sys\nfrom sparkpost_tracking.plugin.__main__ import main\nsys.exit(main())\n")
    return plugin


def test_it_runs_a_python_source_plugin_and_keeps_its_virtualenv(cli_dir: Path, source_plugin: Path,
                                                                 tmp_path: Path) -> None:
    venv_config = tmp_path / "venv" / "pyvenv.cfg"
    before = venv_config.read_bytes()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "VIRTUAL_ENV"))},
           "PATH": f"{cli_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", "PULUMI_HOME": str(tmp_path / "home"),
           "PULUMI_SKIP_UPDATE_CHECK": "true"}
    # get-schema installs the plugin's dependencies first (our host leaves an existing venv alone), then runs it.
    proc = subprocess.run([str(cli_dir / "pulumi"), "package", "get-schema", str(source_plugin)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == json.loads(PUBLISHED.read_text())
    assert venv_config.read_bytes() == before


def test_a_source_plugin_it_cannot_run_is_refused_clearly(cli_dir: Path, source_plugin: Path,
                                                          tmp_path: Path) -> None:
    (source_plugin / "__main__.py").unlink()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")},
           "PATH": f"{cli_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", "PULUMI_HOME": str(tmp_path / "home"),
           "PULUMI_SKIP_UPDATE_CHECK": "true"}
    proc = subprocess.run([str(cli_dir / "pulumi"), "package", "get-schema", str(source_plugin)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode != 0
    assert "neither a __main__.py nor a buildable pyproject.toml" in proc.stderr, proc.stderr
