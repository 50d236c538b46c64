"""Fault injection: latency, delayed answers, injected errors, a random storm, connections dropped after commit,
and a colleague's create racing ours.

A fault matches a request by method (any case) and path suffix, both optional, and is consumed one
request at a time. When several faults of a kind match, the oldest one is used first; a fault with ``skip``
lets that many matching requests pass first. Per request the emulator applies, in order: one matching
*create* (someone else's domain is stored out of band as the request arrives); ``latency``; one matching
*delay*; one matching *fail* (which answers without touching state, and skips the rest); the storm, if one
blows (a failure like *fail*, or a drop after the request is processed); after authentication and routing,
one matching *reject* (a documented SparkPost error, state untouched); the request itself; one matching *drop*.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .errors import DOCUMENTED_ERRORS
from .recording import request_matches

FaultKind = Literal["fail", "delay", "drop", "reject", "create"]
StormEffect = Literal["fail", "drop"]


@dataclass
class Fault:
    """One pending fault: ``remaining`` more matching requests are affected."""

    kind: FaultKind
    remaining: int
    method: str | None = None
    path_suffix: str | None = None
    status: int | None = None  # fail: the status to answer
    seconds: float | None = None  # delay: how long to hold the request
    until: int | None = None  # delay: release early once this many matching requests are held at once
    retry_after: int | None = None  # fail: the Retry-After header to send (whole seconds), if any
    error: str | None = None  # reject: the name of the documented error (``errors.DOCUMENTED_ERRORS``)
    message: str | None = None  # fail: the error message to answer instead of the status's reason phrase
    skip: int = 0  # matching requests still to let pass before this fault applies
    domain: str | None = None  # create: the domain someone else creates when the request arrives
    subaccount_id: int | None = None  # create: its owner (None: the primary account)
    fields: dict[str, Any] | None = None  # create: its state, as ``Control.mutate`` takes it
    collection: str = "tracking-domains"  # create: the API collection it appears in ("sending-domains")

    def matches(self, method: str, path: str) -> bool:
        return request_matches(method, path, self.method, self.path_suffix)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _count(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an int >= 1; got {n!r}")
    return n


def _skip(skip: int) -> int:
    if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
        raise ValueError(f"skip must be an int >= 0; got {skip!r}")
    return skip


def _seconds(seconds: float) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise ValueError(f"seconds must be a number >= 0; got {seconds!r}")
    return float(seconds)


def _failure_status(status: object) -> int:
    if type(status) is not int or not (status == 429 or 500 <= status < 600):
        raise ValueError(f"status must be 429 or 5xx; got {status!r}")
    return status


def _probability(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number between 0 and 1; got {value!r}")
    return float(value)


@dataclass
class Storm:
    """Random faults on every API request: failures in bursts, and answers lost after commit.

    A request outside a burst starts one with probability ``rate``: it and the next ``burst - 1`` requests
    (``burst`` drawn from ``burst_min..burst_max``) answer a status drawn from ``statuses`` and change nothing.
    A request that is not failed is, with probability ``drop_rate``, processed and then left unanswered.
    """

    rate: float
    statuses: tuple[int, ...]
    burst_min: int
    burst_max: int
    drop_rate: float
    seed: int | None = None

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._burst_left = 0

    def blow(self) -> tuple[StormEffect, int | None] | None:
        """The storm's effect on the next request, if any (not thread-safe: the plan holds the lock)."""
        if self._burst_left > 0 or self._random.random() < self.rate:
            if self._burst_left == 0:
                self._burst_left = self._random.randint(self.burst_min, self.burst_max)
            self._burst_left -= 1
            return "fail", self._random.choice(self.statuses)
        if self._random.random() < self.drop_rate:
            return "drop", None
        return None


class FaultPlan:
    """The pending faults and the global latency; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._latency = 0.0
        self._storm: Storm | None = None
        self._closed = threading.Event()  # set on shutdown, so sleeping requests wake up
        self._gate = threading.Condition()  # delay faults with ``until``: held counts and opened gates
        self._held: dict[int, int] = {}
        self._opened: set[int] = set()

    @property
    def latency(self) -> float:
        """Seconds added to every API request (not to the admin API)."""
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._latency = _seconds(seconds)

    def fail_next(self, n: int = 1, status: int = 429, method: str | None = None,
                  path_suffix: str | None = None, retry_after: int | None = None, message: str | None = None,
                  skip: int = 0) -> None:
        """The next ``n`` matching requests answer ``status`` (429 or 5xx) and change nothing; with
        ``retry_after``, the answer carries that ``Retry-After`` header (whole seconds, as HTTP says); with
        ``message``, the error says that instead of the reason phrase; with ``skip``, that many matching requests
        pass first (e.g. a create's read-back fails, not the read before its POST)."""
        if retry_after is not None and (type(retry_after) is not int or retry_after < 0):
            raise ValueError(f"retry_after must be a whole number of seconds >= 0; got {retry_after!r}")
        if message is not None and (not isinstance(message, str) or not message):
            raise ValueError(f"message must be a non-empty string; got {message!r}")
        self._add(Fault("fail", _count(n), method, path_suffix, status=_failure_status(status),
                        retry_after=retry_after, message=message, skip=_skip(skip)))

    def create_on_next(self, domain: str, subaccount_id: int | None, method: str | None,
                       path_suffix: str | None, fields: dict[str, Any], skip: int = 0,
                       collection: str = "tracking-domains") -> None:
        """When the next matching request (after ``skip`` of them) arrives, ``domain`` is stored first in
        ``collection`` (already validated by the caller)."""
        self._add(Fault("create", 1, method, path_suffix, domain=domain, subaccount_id=subaccount_id,
                        fields=dict(fields), skip=_skip(skip), collection=collection))

    def reject_next(self, error: str, n: int = 1) -> None:
        """The next ``n`` requests to the endpoint of the documented ``error`` answer it and change nothing."""
        documented = DOCUMENTED_ERRORS.get(error)
        if documented is None:
            raise ValueError(f"error must be one of {', '.join(sorted(DOCUMENTED_ERRORS))}; got {error!r}")
        self._add(Fault("reject", _count(n), documented.method, documented.path_suffix, error=error))

    def storm(self, rate: float, statuses: Sequence[int] = (429, 500, 502, 503, 504), burst_min: int = 1,
              burst_max: int = 1, drop_rate: float = 0.0, seed: int | None = None) -> None:
        """Start a :class:`Storm` (replacing any other) until :meth:`clear`."""
        checked = tuple(_failure_status(status) for status in statuses)
        if not checked:
            raise ValueError("statuses must not be empty")
        if _count(burst_min) > _count(burst_max):
            raise ValueError(f"burst_min must not exceed burst_max; got {burst_min} > {burst_max}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"seed must be an int; got {seed!r}")
        storm = Storm(_probability(rate, "rate"), checked, burst_min, burst_max,
                      _probability(drop_rate, "drop_rate"), seed)
        with self._lock:
            self._storm = storm

    def blow(self) -> tuple[StormEffect, int | None] | None:
        """The storm's effect on the next API request (``None`` without a storm)."""
        with self._lock:
            return None if self._storm is None else self._storm.blow()

    def delay_next(self, n: int, seconds: float, method: str | None = None,
                   path_suffix: str | None = None, until: int | None = None) -> None:
        """Hold the next ``n`` matching requests for ``seconds`` *before* processing them; with ``until``, release
        them all as soon as that many are held at once (a gate that shows how many calls a client overlaps).

        The request is then processed normally, even if the client has given up meanwhile: a
        delayed create still creates the domain, after the delay.
        """
        self._add(Fault("delay", _count(n), method, path_suffix, seconds=_seconds(seconds),
                        until=None if until is None else _count(until)))

    def drop_after_commit(self, n: int = 1, method: str | None = "POST",
                          path_suffix: str | None = "/tracking-domains") -> None:
        """Process the next ``n`` matching requests fully, then close the connection without answering."""
        self._add(Fault("drop", _count(n), method, path_suffix))

    def take(self, kind: FaultKind, method: str, path: str) -> Fault | None:
        """Consume one use of the oldest pending ``kind`` fault matching the request, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.kind == kind and fault.matches(method, path):
                    if fault.skip > 0:  # this request passes this fault (another may still apply)
                        fault.skip -= 1
                        continue
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
            return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return [Fault(**asdict(fault)) for fault in self._faults]

    def clear(self) -> None:
        """Forget every pending fault, end the storm and set the latency back to 0."""
        with self._lock:
            self._faults.clear()
            self._storm = None
            self._latency = 0.0

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake up early when the emulator shuts down."""
        if seconds > 0:
            self._closed.wait(seconds)

    def hold(self, fault: Fault) -> None:
        """Hold one request of a delay fault: ``seconds``, or until ``until`` requests of it are held at once."""
        if fault.until is None:
            self.sleep(fault.seconds or 0.0)
            return
        with self._gate:
            self._held[id(fault)] = self._held.get(id(fault), 0) + 1
            if self._held[id(fault)] >= fault.until:
                self._opened.add(id(fault))
                self._gate.notify_all()
            self._gate.wait_for(lambda: id(fault) in self._opened or self._closed.is_set(), fault.seconds)

    def close(self) -> None:
        self._closed.set()
        with self._gate:
            self._gate.notify_all()

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)
