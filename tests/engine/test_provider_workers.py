"""Tier 3a: one provider process serves more than Pulumi's 4 calls at once, and the fallback keeps 4.

Each create holds a provider worker while SparkPost verifies. The emulator holds every verify until
``DOMAINS`` of them are held at once (a gate), so the gate opens only if the provider really overlaps them;
its in-flight peak says how many calls were handled at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from sparkpost_tracking.dynamic_providers import provider_server
from sparkpost_tracking.emulator import Emulator
from tests.engine.grpc_driver import DynamicProviderProcess

pytestmark = pytest.mark.engine

KEY = "workers-test-key-0123456789"
DOMAINS = 10
PULUMI_WORKERS = 4  # ThreadPoolExecutor(max_workers=4) in pulumi.dynamic.__main__


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def create_all(engine: DynamicProviderProcess, emu: Emulator) -> list[str]:
    def create(i: int) -> str:
        inputs, failures = engine.check(f"d{i}", {"domain": f"t{i}.example.com", "api_url": emu.base_url})
        assert failures == []
        return engine.create(f"d{i}", inputs)[0]

    with ThreadPoolExecutor(DOMAINS) as pool:
        return list(pool.map(create, range(DOMAINS)))


def run(config: dict[str, str], emu: Emulator, *, gate_seconds: float) -> list[str]:
    engine = DynamicProviderProcess()
    try:
        engine.configure({"sparkpost:apiKey": KEY, "sparkpost:verifyInterval": "0", **config})
        emu.clear_requests()
        emu.delay_next(DOMAINS, gate_seconds, method="POST", path_suffix="/verify", until=DOMAINS)
        return create_all(engine, emu)
    finally:
        engine.close()


def test_more_than_four_creates_wait_at_once_in_one_process(emu: Emulator) -> None:
    # The gate opens only when all of them wait together; a 4-worker server would sit out the 60 s hold.
    ids = run({}, emu, gate_seconds=60)
    assert sorted(ids) == sorted(f"t{i}.example.com" for i in range(DOMAINS))
    assert emu.in_flight()["peak"] == DOMAINS > PULUMI_WORKERS
    assert all(d["status"]["verified"] for d in emu.domains())


def test_turned_off_it_keeps_pulumis_four_workers(emu: Emulator) -> None:
    # Fallback: with providerWorkers 0 the pool stays as Pulumi made it; the gate never fills and each round
    # of 4 is released by its timeout.
    ids = run({"sparkpost:providerWorkers": "0"}, emu, gate_seconds=1.0)
    assert len(ids) == DOMAINS
    assert emu.in_flight()["peak"] == PULUMI_WORKERS


def test_outside_the_server_nothing_is_touched() -> None:
    # In a program or a test process there is no provider server to widen.
    assert provider_server.find_server_state() is None
    assert provider_server.widen_workers(64) in ("not in a dynamic-provider server", "already done")


@pytest.mark.parametrize(("version", "tested"), [((3, 272), True), ((3, 271), False),
                                                 ((3, 273), False), ((4, 0), False), (None, False)])
def test_only_tested_sdks_are_widened(version: tuple[int, int] | None, tested: bool) -> None:
    assert provider_server.in_tested_range(version) is tested


def test_reads_sent_before_the_provider_is_loaded_overlap_too(emu: Emulator) -> None:
    # A refresh sends every read at once; they queue behind Pulumi's 4 workers before the first of them has
    # loaded our provider (and widened the pool). The queued ones must move to the wide pool.
    for i in range(DOMAINS):
        emu.add_domain(f"t{i}.example.com", secure=True, verified=True)
    engine = DynamicProviderProcess()
    try:
        engine.configure({"sparkpost:apiKey": KEY})
        emu.delay_next(DOMAINS, 60, method="GET", until=DOMAINS)

        def read(i: int) -> str:
            state = {"domain": f"t{i}.example.com", "api_url": emu.base_url, "__provider": engine.provider}
            return engine.read(f"d{i}", f"t{i}.example.com", state)[0]

        with ThreadPoolExecutor(DOMAINS) as pool:
            ids = list(pool.map(read, range(DOMAINS)))
    finally:
        engine.close()
    assert ids == [f"t{i}.example.com" for i in range(DOMAINS)]
    assert emu.in_flight()["peak"] == DOMAINS
