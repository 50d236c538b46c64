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


def run(config: dict[str, str], emu: Emulator, *, gate_seconds: float, gate: int = DOMAINS) -> list[str]:
    """Create every domain; the verifies are held ``gate_seconds``, or until ``gate`` of them are held at once."""
    engine = DynamicProviderProcess()
    try:
        engine.configure({"sparkpost:apiKey": KEY, "sparkpost:verifyInterval": "0", **config})
        emu.clear_requests()
        # Whole rounds of ``gate``: each opens as soon as it is full, never on a timer.
        emu.delay_next(DOMAINS - DOMAINS % gate, gate_seconds, method="POST", path_suffix="/verify", until=gate)
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
    # Fallback: with providerWorkers 0 the pool stays as Pulumi made it. Rounds of 4 held verifies open the gate;
    # a wider pool would hold more than 4 at once before a round is released.
    ids = run({"sparkpost:providerWorkers": "0"}, emu, gate_seconds=60, gate=PULUMI_WORKERS)
    assert len(ids) == DOMAINS
    assert emu.in_flight()["peak"] == PULUMI_WORKERS


def test_outside_the_server_nothing_is_touched() -> None:
    # In a program or a test process there is no provider server to widen.
    assert provider_server.find_server_state() is None
    assert provider_server.widen_workers(64) in ("not in a dynamic-provider server", "already done")


@pytest.mark.parametrize(("version", "too_old"), [((3, 272), False), ((3, 271), True), ((3, 273), False),
                                                  ((3, 400), False), ((4, 0), False), (None, True)])
def test_newer_sdks_are_judged_by_structure_not_refused_by_version(version: tuple[int, int] | None,
                                                                   too_old: bool) -> None:
    # A release after ours must not quietly lose the wide pool: only older SDKs are left alone by version.
    assert provider_server.sdk_too_old(version) is too_old


def test_the_installed_sdk_is_widened_by_structure(emu: Emulator) -> None:
    # pyproject allows any pulumi < 4 and pip installs the newest, so this runs on the newest SDK PyPI serves:
    # the server is found as expected there, else this fails instead of the stack quietly keeping 4 workers.
    assert not provider_server.sdk_too_old(provider_server._sdk_version())
    ids = run({}, emu, gate_seconds=60)
    assert len(ids) == DOMAINS and emu.in_flight()["peak"] == DOMAINS


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
