"""How hard the client tries: a plain dataclass, kept apart from ``requests`` so importing it is free."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Defaults follow SparkPost's advice: wait 1-5 s on 429, then back off."""

    attempts: int = 5  # retries after the first try
    backoff_factor: float = 1.0  # 1 s, 2 s, 4 s, ... capped at backoff_max
    backoff_max: float = 8.0
    jitter: float = 0.5  # up to this many seconds added to each wait
    total_seconds: float = 60.0  # no call retries for longer than this
    connect_timeout: float = 5.0
    read_timeout: float = 30.0

    def backoff(self, attempt: int) -> float:
        """The wait before retry number ``attempt`` (0-based): the first retry waits too (SparkPost: 1-5 s)."""
        base = min(self.backoff_max, self.backoff_factor * (2**attempt))
        return base + random.uniform(0, self.jitter)
