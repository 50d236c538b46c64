"""What a long wait says while it runs: the engine-neutral status of one wait, and how often a path passes it on.

A create can wait minutes for SparkPost (verification up to ``verifyTimeout``, a managed certificate up to
``certificateTimeout``). After each poll the lifecycle hands a ``WaitStatus`` to the operation's ``Progress``: what
is awaited, what SparkPost last answered, and the time elapsed against the limit. Each engine path decides where
it goes: the plugin puts every one on the resource's own status line; the dynamic provider can only log to the
stack, where lines stay in the final Diagnostics, so it says few (``Throttled``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

#: How much longer each later report waits than the first (30 s, then every 3 minutes by default).
LATER_FACTOR: Final[float] = 6.0


@dataclass(frozen=True)
class WaitStatus:
    awaited: str
    """What is awaited, e.g. 'verifying track.example.com'."""
    answer: str
    """What SparkPost last answered, e.g. 'cname_status pending'."""
    elapsed: float
    limit: float

    @property
    def line(self) -> str:
        return f"{self.awaited}: {self.answer}, {self.elapsed:.0f} s of {self.limit:g} s"


Progress = Callable[[WaitStatus], None]


def ignore(status: WaitStatus) -> None:
    """No one to tell (a test, a script)."""


class Throttled:
    """Passes on a wait's status once it has lasted ``first`` seconds, then every ``LATER_FACTOR`` times as long,
    for each thing awaited (one operation may wait for verification, then for a certificate)."""

    def __init__(self, say: Callable[[str], None], first: float) -> None:
        self._say = say
        self._first = first
        self._next: dict[str, float] = {}

    def __call__(self, status: WaitStatus) -> None:
        due = self._next.get(status.awaited, self._first)
        if status.elapsed >= due:
            self._say(status.line)
            self._next[status.awaited] = status.elapsed + max(self._first, 1.0) * LATER_FACTOR
