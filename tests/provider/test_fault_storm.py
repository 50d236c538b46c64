"""A fault storm on 20 creates, then the next run without it: no orphan, no foreign domain adopted or written, no
duplicate. Seven declared names are someone else's, in every state a lost create could be mistaken for.

The provider is called one create at a time, so a seeded storm repeats exactly; ``bench.fault_storm`` runs the
same storms through the real CLI, with its parallelism.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bench.fault_storm import DECLARED, FOREIGN, duplicates, foreign_writes
from sparkpost_tracking.dynamic_providers import SparkPostTrackingError, TrackingDomainProvider, errors
from sparkpost_tracking.dynamic_providers.schema import check_inputs
from sparkpost_tracking.emulator import Emulator

from .conftest import KEY


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def up(emu: Emulator, state: dict[str, dict[str, Any]]) -> dict[str, SparkPostTrackingError]:
    """Create every declared domain not in ``state`` yet, as ``pulumi up --continue-on-error`` would; the errors."""
    failed = {}
    for name in DECLARED:
        if name in state:
            continue
        checked, _ = check_inputs({"domain": name, "api_url": emu.base_url})
        try:
            outs = TrackingDomainProvider().create({**checked, "__provider": "x"}).outs
        except SparkPostTrackingError as exc:
            failed[name] = exc
        else:
            assert outs is not None
            state[name] = outs
    return failed


@pytest.mark.parametrize(("rate", "burst_max"), [(0.3, 1), (0.3, 10)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_storm_then_the_next_run_leaves_nothing_behind(emu: Emulator, fast_env: str, rate: float, burst_max: int,
                                                        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_RETRY_BACKOFF", "0.001")  # hundreds of retries: keep their waits short
    for name, fields in FOREIGN.items():
        emu.add_domain(name, **fields)
    foreign = {name: emu.get(name) for name in FOREIGN}
    emu.clear_requests()
    state: dict[str, dict[str, Any]] = {}
    emu.storm(rate, burst_min=min(3, burst_max), burst_max=burst_max, drop_rate=0.05, seed=seed)
    first = up(emu, state)
    emu.clear_faults()
    # A create whose answer was lost and whose read-back failed too says so, and names the way to take it: the next
    # run does what it says (docs/recovery.md), and only for those.
    unknown = sorted(name for name, exc in first.items() if isinstance(exc, errors.OutcomeUnknown))
    assert all(f"SPARKPOST_ADOPT={name}" in " ".join(getattr(first[name], "__notes__", [])) for name in unknown)
    assert not set(unknown) & set(FOREIGN)
    monkeypatch.setenv("SPARKPOST_ADOPT", ",".join(unknown))
    assert sorted(up(emu, state)) == sorted(FOREIGN)  # the next run refuses only someone else's domains
    held = {d["domain"] for d in emu.domains()}
    assert held - set(state) - set(FOREIGN) == set()  # no orphan
    assert not set(FOREIGN) & set(state) and {n: emu.get(n) for n in FOREIGN} == foreign  # nothing adopted
    assert duplicates(emu.requests()) == 0
    assert foreign_writes(emu.requests()) == 0  # not even a verify of someone else's domain
    assert sorted(state) == sorted(set(DECLARED) - set(FOREIGN))
