"""The request log: what the emulator received and answered, never the API key."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One API request as the emulator saw it.

    ``path`` is the request path with trailing slashes removed (e.g.
    ``/api/v1/tracking-domains/track.example.com/verify``); ``subaccount`` is the raw
    ``X-MSYS-SUBACCOUNT`` header; ``body`` is the parsed JSON body (``None`` when absent or not
    JSON); ``status`` is the status sent, or for a ``dropped`` connection the status that would
    have been sent; ``injected`` marks a failure produced by ``fail_next`` or a storm; ``received_at`` is
    Unix time when the request arrived. The Authorization header is never recorded.
    """

    method: str
    path: str
    query: dict[str, str] = field(hash=False)
    subaccount: str | None
    body: Any = field(hash=False)
    status: int
    dropped: bool = False
    injected: bool = False
    received_at: float = 0.0

    def matches(self, method: str | None = None, path_suffix: str | None = None) -> bool:
        """True when ``method`` (any case) and ``path_suffix`` are ``None`` or match this request."""
        return request_matches(self.method, self.path, method, path_suffix)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecordedRequest:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


def request_matches(method: str, path: str, want_method: str | None, want_suffix: str | None) -> bool:
    """The one matching rule shared by the log and fault injection."""
    return ((want_method is None or method.upper() == want_method.upper())
            and (want_suffix is None or path.endswith(want_suffix)))


class RequestLog:
    """A thread-safe, append-only list of :class:`RecordedRequest` with an optional listener."""

    def __init__(self, listener: Callable[[RecordedRequest], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._records: list[RecordedRequest] = []
        self._listener = listener
        self._in_flight = 0
        self._peak = 0

    def enter(self) -> None:
        """A request arrived (and is not answered yet)."""
        with self._lock:
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def in_flight(self) -> dict[str, int]:
        """Requests being handled now, and the most at once since the log was last cleared."""
        with self._lock:
            return {"now": self._in_flight, "peak": self._peak}

    def append(self, record: RecordedRequest) -> None:
        with self._lock:
            self._records.append(record)
        if self._listener is not None:
            self._listener(record)

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._peak = self._in_flight

    def count(self, method: str | None = None, path_suffix: str | None = None) -> int:
        return sum(1 for record in self.snapshot() if record.matches(method, path_suffix))
