"""Provider reads that many components of one program ask for, made once: a zone's settings, a TLS configuration.

A fleet puts hundreds of tracking domains in one Cloudflare zone or behind one Fastly TLS configuration. Each
component used to read the same data through its own invoke: a provider call, and an API request, per domain.
``shared`` keys a read by what it reads and by the provider that serves the component (an explicit provider given
to one component is another reader), for the running program only: a new program (a new resource monitor, as
each mocked test run has) starts afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pulumi
from pulumi.runtime.settings import get_monitor

T = TypeVar("T")

#: The program the reads below belong to (its resource monitor), and the reads.
_program: list[object] = []
_reads: dict[tuple[Hashable, ...], pulumi.Output[Any]] = {}


def shared(parent: pulumi.Resource, token: str, key: tuple[Hashable, ...],
           read: Callable[[], pulumi.Output[T]]) -> pulumi.Output[T]:
    """``read()`` (an invoke of ``token`` on behalf of ``parent``), or the same read made earlier in this program."""
    monitor = get_monitor()
    if not _program or _program[0] is not monitor:
        _program[:] = [monitor]
        _reads.clear()
    full_key = (token, parent.get_provider(token), *key)  # resources compare by identity
    if full_key not in _reads:
        _reads[full_key] = read()
    return _reads[full_key]
