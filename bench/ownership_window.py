"""The windows ownership cannot close, measured with default settings against the emulator on loopback.

SparkPost has no conditional write and no idempotency key, so each proof is a read followed by a write, and
something can happen in between (docs/tracking-domain.md, "Ownership"; docs/sending-domains.md):

- a create whose POST's answer is unclear settles by reading back; a colleague's create of the same name, in
  exactly our shape, between our read that proved the name free and that read-back would pass for ours. The
  window runs from the proving read to the read-back: a round trip when SparkPost answers 5xx or resets the
  connection, the read timeout (``sparkpost:requestTimeout``, 30 s) when the POST gets no answer at all;
- before this round, a retried POST that heard 409 read back too, so each retry reopened the window for its
  whole backoff (1-1.5 s at the default ``sparkpost:retryBackoff``): ``backoff closed`` shows that stretch, which
  the read right before each retry now covers;
- an update, a delete and an association's write read first; a change between that read and the write goes unseen.

``python -m bench.ownership_window [--repeats N]`` prints the table; the times are the emulator's arrival times of
the requests (``RecordedRequest.received_at``), median and worst of N runs. The no-answer case runs once (it waits
for the read timeout).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sparkpost_tracking.dynamic_providers import TrackingDomainAssociationProvider, TrackingDomainProvider
from sparkpost_tracking.dynamic_providers.schema import ASSOCIATION, check_inputs
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.recording import RecordedRequest

from .table import Row, render

KEY = "window-key-0123456789"
DOMAIN = "track.example.com"
SENDING = "example.com"
CREATE = ("POST", "/tracking-domains")


@contextmanager
def _default_settings() -> Iterator[None]:
    """Only the key: every tunable at its default (the tests' fast settings would shrink the windows)."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("SPARKPOST_")}
    for name in saved:
        del os.environ[name]
    os.environ["SPARKPOST_API_KEY"] = KEY
    try:
        yield
    finally:
        for name in [k for k in os.environ if k.startswith("SPARKPOST_")]:
            del os.environ[name]
        os.environ.update(saved)


def _inputs(emu: Emulator, **declared: Any) -> dict[str, Any]:
    checked, failures = check_inputs({"domain": DOMAIN, "api_url": emu.base_url, "verify": False, **declared})
    assert not failures, failures
    return {**checked, "__provider": "bench"}


def _gap(log: list[RecordedRequest], first: Callable[[RecordedRequest], bool],
         then: Callable[[RecordedRequest], bool]) -> float:
    """Seconds from the first request matching ``first`` to the next one after it matching ``then``."""
    start = next(i for i, r in enumerate(log) if first(r))
    end = next(r for r in log[start + 1:] if then(r))
    return end.received_at - log[start].received_at


def _read(r: RecordedRequest) -> bool:
    return r.method == "GET"


def _post(r: RecordedRequest) -> bool:
    return r.matches(*CREATE)


def _read_after_failed_post(log: list[RecordedRequest]) -> float:
    """The create's window: from the read before the POST that failed to the read-back after it."""
    failed = next(i for i, r in enumerate(log) if _post(r) and (r.status >= 500 or r.dropped))
    before = max(i for i in range(failed) if log[i].method == "GET")
    after = next(r for r in log[failed + 1:] if _read(r))
    return after.received_at - log[before].received_at


def _create(emu: Emulator, arm: Callable[[Emulator], None]) -> list[RecordedRequest]:
    emu.reset()
    arm(emu)
    TrackingDomainProvider().create(_inputs(emu))
    return emu.requests()


def _created(emu: Emulator) -> dict[str, Any]:
    emu.reset()
    outs = TrackingDomainProvider().create(_inputs(emu))
    assert outs.outs is not None
    emu.clear_requests()
    return dict(outs.outs)


def _association(emu: Emulator, associated: bool) -> dict[str, Any]:
    emu.reset()
    emu.add_domain(DOMAIN, secure=True, verified=True)
    emu.add_sending_domain(SENDING, tracking_domain=DOMAIN if associated else "")
    declared, failures = ASSOCIATION.check({"sending_domain": SENDING, "tracking_domain": DOMAIN,
                                            "api_url": emu.base_url})
    assert not failures, failures
    emu.clear_requests()
    return {**declared, "__provider": "bench"}


def _samples(repeats: int, one: Callable[[], float]) -> list[float]:
    return [one() for _ in range(repeats)]


def _row(what: str, seconds: list[float], note: str) -> Row:
    median, worst = statistics.median(seconds), max(seconds)
    value: float | str = round(median * 1000, 1) if median < 1 else round(median, 2)
    unit = "ms" if median < 1 else "s"
    worst_said = f"{worst * 1000:.1f} ms" if worst < 1 else f"{worst:.2f} s"
    return Row("P10", what, value, "-", unit, f"median of {len(seconds)}, worst {worst_said}; {note}")


def measure(repeats: int = 20, *, no_answer: bool = True) -> list[Row]:
    rows: list[Row] = []
    with _default_settings(), Emulator(api_keys=[KEY]) as emu:
        def answered_503() -> list[RecordedRequest]:
            return _create(emu, lambda e: e.fail_next(1, status=503, method=CREATE[0], path_suffix=CREATE[1]))

        logs = [answered_503() for _ in range(repeats)]
        rows.append(_row("create window, POST answered 503", [_read_after_failed_post(log) for log in logs],
                         "proving read -> read-back"))
        # What the read before each retry now covers: the read-back, then the backoff, then the next POST.
        rows.append(_row("backoff closed (was each retry's window)",
                         [_gap(log, lambda r: _post(r) and r.status == 503, _post) for log in logs],
                         "failed POST -> retried POST, now read again just before"))
        resets = [_create(emu, lambda e: e.drop_after_commit(1, *CREATE)) for _ in range(repeats)]
        rows.append(_row("create window, connection reset after commit",
                         [_read_after_failed_post(log) for log in resets], "proving read -> read-back"))

        def delete() -> float:
            outs = _created(emu)
            TrackingDomainProvider().delete(DOMAIN, outs)
            return _gap(emu.requests(), _read, lambda r: r.method == "DELETE")

        def update() -> float:
            outs = _created(emu)
            TrackingDomainProvider().update(DOMAIN, outs, _inputs(emu, secure=False))
            return _gap(emu.requests(), _read, lambda r: r.method == "PUT")

        def associate() -> float:
            TrackingDomainAssociationProvider().create(_association(emu, associated=False))
            return _gap(emu.requests(), _read, lambda r: r.method == "PUT")

        def dissociate() -> float:
            declared = _association(emu, associated=True)
            TrackingDomainAssociationProvider().delete(SENDING, declared)
            return _gap(emu.requests(), _read, lambda r: r.method == "PUT")

        for what, one in (("delete: read -> DELETE", delete), ("update: read -> PUT", update),
                          ("association create: read -> PUT", associate),
                          ("association delete: read -> PUT", dissociate)):
            rows.append(_row(what, _samples(repeats, one), "no conditional write in the API"))
    if no_answer:  # last, on an emulator of its own: the held POST lands after the run
        with _default_settings(), Emulator(api_keys=[KEY]) as emu:
            held = _create(emu, lambda e: e.delay_next(1, 45, *CREATE))
        rows.append(_row("create window, POST never answered", [_held_window(held)],
                         "proving read -> read-back: the read timeout (sparkpost:requestTimeout)"))
    return rows


def _held_window(log: list[RecordedRequest]) -> float:
    """The held POST is logged when it is answered (after the run); the reads are: proof, read-back, ..."""
    reads = [r for r in log if r.method == "GET"]
    return reads[1].received_at - reads[0].received_at


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ownership_window", description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-no-answer", action="store_true", help="leave out the case that waits 30 s")
    options = parser.parse_args()
    logging.getLogger("sparkpost_tracking").setLevel(logging.ERROR)  # each lost answer is expected here
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    print(render(measure(options.repeats, no_answer=not options.skip_no_answer)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
