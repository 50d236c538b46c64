"""Tier 3a: the installed plugin process, driven over gRPC as the engine drives it (no CLI).

Concurrency: each create holds a call while SparkPost verifies; the emulator holds every verify until all of them are
held at once (a gate), so the gate opens only if the plugin really overlaps them. Also: plain errors, the schema,
and that a plugin whose engine is gone exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from sparkpost_tracking import __version__
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.plugin.server import schema_json
from tests.engine.grpc_driver import from_struct, to_struct
from tests.engine.yaml_project import PLUGIN, plugin_dir

pytestmark = pytest.mark.engine

KEY = "plugin-process-key-0123456789"
DOMAINS = 16
URN = "urn:pulumi:test::proj::sparkpost-tracking:index:TrackingDomain::{}"


class PluginProcess:
    """``pulumi-resource-sparkpost-tracking ENGINE`` as the engine starts it, and a stub to call it."""

    def __init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKPOST_")}
        # Nothing listens at the engine address: only Construct would call it.
        self.process = subprocess.Popen([str(plugin_dir() / PLUGIN), "127.0.0.1:9"], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env)
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def configure(self, config: dict[str, Any]) -> None:
        # The engine sends stack-config secrets marked secret; the plugin refuses a key that is not.
        args = {k: {rpc._special_sig_key: rpc._special_secret_sig, "value": v} if k == "apiKey" else v
                for k, v in config.items()}
        self.stub.Configure(provider_pb2.ConfigureRequest(args=to_struct(args), acceptSecrets=True))

    def check(self, name: str, news: dict[str, Any]) -> dict[str, Any]:
        response = self.stub.Check(provider_pb2.CheckRequest(urn=URN.format(name), news=to_struct(news)))
        assert not response.failures, response.failures
        return from_struct(response.inputs)

    def create(self, name: str, inputs: dict[str, Any]) -> str:
        response = self.stub.Create(provider_pb2.CreateRequest(urn=URN.format(name), properties=to_struct(inputs)))
        return str(response.id)

    def close(self) -> None:
        self.channel.close()
        self.process.kill()
        self.process.communicate(timeout=10)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@pytest.fixture
def plugin() -> Iterator[PluginProcess]:
    process = PluginProcess()
    yield process
    process.close()


def create_all(plugin: PluginProcess, emu: Emulator) -> list[str]:
    def create(i: int) -> str:
        return plugin.create(f"d{i}", plugin.check(f"d{i}", {"domain": f"t{i}.example.com"}))

    with ThreadPoolExecutor(DOMAINS) as pool:
        return list(pool.map(create, range(DOMAINS)))


def held_creates(plugin: PluginProcess, emu: Emulator, config: dict[str, Any], gate: int = DOMAINS) -> list[str]:
    """Create every domain; verifies are held in whole rounds of ``gate``, each released as soon as it is full
    (never on a timer: a round that cannot fill would sit out the 60 s hold)."""
    plugin.configure({"apiKey": KEY, "apiUrl": emu.base_url, "verifyInterval": "0", **config})
    emu.clear_requests()
    emu.delay_next(DOMAINS - DOMAINS % gate, 60, method="POST", path_suffix="/verify", until=gate)
    return create_all(plugin, emu)


def test_creates_wait_for_sparkpost_all_at_once(plugin: PluginProcess, emu: Emulator) -> None:
    # The gate opens only when all 16 wait together; a capped server would sit out the 60 s hold.
    ids = held_creates(plugin, emu, {})
    assert sorted(ids) == sorted(f"t{i}.example.com" for i in range(DOMAINS))
    assert emu.in_flight()["peak"] == DOMAINS
    assert all(d["status"]["verified"] for d in emu.domains())


def test_provider_workers_zero_falls_back_to_the_sdks_default_executor(plugin: PluginProcess,
                                                                        emu: Emulator) -> None:
    # asyncio's default executor is a ThreadPoolExecutor() with the standard library's default size.
    with ThreadPoolExecutor() as default:
        default_threads = min(DOMAINS, default._max_workers)
    ids = held_creates(plugin, emu, {"providerWorkers": 0}, gate=default_threads)
    assert len(ids) == DOMAINS
    assert emu.in_flight()["peak"] == default_threads


def test_errors_a_user_can_act_on_come_without_a_traceback(plugin: PluginProcess, emu: Emulator) -> None:
    plugin.configure({"apiUrl": emu.base_url})  # no apiKey, and none in the environment
    inputs = plugin.check("nokey", {"domain": "nokey.example.com"})
    with pytest.raises(grpc.RpcError) as raised:
        plugin.create("nokey", inputs)
    message = raised.value.details()
    assert message.startswith("No SparkPost API key: set stack config 'sparkpost-tracking:apiKey'"), message
    assert "SPARKPOST_API_KEY" in message and "Traceback" not in message and 'File "' not in message
    assert emu.count() == 0


def test_it_serves_the_published_schema_and_its_version(plugin: PluginProcess) -> None:
    schema = plugin.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema
    assert schema == schema_json()
    assert plugin.stub.GetPluginInfo(empty_pb2.Empty()).version == __version__


def test_a_plugin_whose_engine_is_gone_exits() -> None:
    # The engine is the plugin's parent; when it dies without stopping the plugin (killed), the plugin goes too.
    # Here the parent starts the plugin, reads its port as the engine does, and exits.
    parent = ("import subprocess, sys\n"
              "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n"
              "p.stdout.readline()\n"
              "print(p.pid)\n")
    started = subprocess.run([sys.executable, "-c", parent, str(plugin_dir() / PLUGIN), "127.0.0.1:9"],
                             capture_output=True, text=True, check=True, timeout=60)
    pid = int(started.stdout.strip())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.2)
    alive = _alive(pid)
    if alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "the orphaned plugin kept running"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose (its parent, init, reaps it).
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def test_without_an_engine_address_it_says_how_it_is_run() -> None:
    proc = subprocess.run([str(plugin_dir() / PLUGIN)], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "started by the Pulumi engine" in proc.stderr
