"""Let one provider process serve many SparkPost waits at once.

Pulumi's Python dynamic-provider server (``python -m pulumi.dynamic``, which the engine starts for every
dynamic resource) answers from a gRPC server whose ``ThreadPoolExecutor`` has 4 workers. So at most 4
creates, updates or reads run at once, whatever ``pulumi up --parallel`` says, and a create that waits for
SparkPost's verification (or, with managed HTTPS, up to 15 minutes for the certificate) holds one of them:
20 such creates take 5 rounds of waiting instead of one.

The server is a local of that module's ``main()`` and exists before our provider is loaded; gRPC reads its
worker pool for every new call, so a wider pool put in its place serves the next calls, and its threads start
only when calls actually overlap. This reaches into Pulumi's internals, so it is
guarded by structure, not by a version ceiling: the server must be found exactly as expected (the main thread waits
in ``pulumi.dynamic.__main__.main``, whose local ``server`` has a gRPC state with a ``ThreadPoolExecutor``), or the
pool is left as it is and a warning says what that costs and what to do. An SDK older than ``MIN_SDK`` (the first
one tested) is left alone too. The tests run this against the installed SDK, which is the newest PyPI serves.
``sparkpost:providerWorkers`` (``SPARKPOST_PROVIDER_WORKERS``) sets the limit; 0 keeps Pulumi's 4.

The same server answers an exception of a provider method with ``traceback.format_exc()``, which the CLI prints
after ``error:``: a ``Traceback (most recent call last):`` header and its frames before our message, though our
errors say what to do and our frames do not. ``plain_user_errors`` gives that module a ``traceback`` whose
``format_exc`` is our error's message alone (``errors.user_message``), and the real traceback for anything else (a
bug keeps its frames). Guarded the same way: only the server module laid out as expected is touched; otherwise
the message still arrives, last, after the frames.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from types import CodeType, FrameType, ModuleType
from typing import Any, Final

from .errors import SparkPostTrackingError, user_message

log = logging.getLogger("sparkpost_tracking.provider_server")

#: The oldest SDK whose ``pulumi.dynamic.__main__`` layout this module was tested against.
MIN_SDK: Final[tuple[int, int]] = (3, 272)
#: What a user reads when the pool stays at Pulumi's 4 workers.
FALLBACK_ADVICE: Final[str] = (
    "so at most 4 SparkPost waits overlap (a stack of many domains that wait for verification takes several "
    "rounds). Upgrade sparkpost-tracking (and pulumi) to versions released together, or set "
    "sparkpost:providerWorkers 0 to accept Pulumi's 4 workers and silence this warning")
_SERVER_MODULE: Final[str] = "pulumi.dynamic.__main__"

_lock = threading.Lock()
_done = False


def _dotted(version: tuple[int, int]) -> str:  # (3, 272) -> "3.272"
    return ".".join(map(str, version))


def _sdk_version() -> tuple[int, int] | None:
    try:
        major, minor, *_ = metadata.version("pulumi").split(".")
        return int(major), int(minor)
    except (metadata.PackageNotFoundError, ValueError):
        return None


def _server_frame() -> FrameType | None:
    """The frame of ``pulumi.dynamic.__main__.main`` on the main thread (it waits there forever)."""
    frame = sys._current_frames().get(threading.main_thread().ident or 0)
    while frame is not None:
        if frame.f_code.co_name == "main" and frame.f_globals.get("__name__") == "__main__" \
                and frame.f_globals.get("__spec__") is not None \
                and frame.f_globals["__spec__"].name == _SERVER_MODULE:
            return frame
        frame = frame.f_back
    return None


def find_server_state() -> Any | None:
    """The dynamic-provider server's gRPC state in this process (it holds the worker pool), or None if it is
    not there exactly as expected."""
    frame = _server_frame()
    server = frame.f_locals.get("server") if frame is not None else None
    state = getattr(server, "_state", None)
    if isinstance(getattr(state, "thread_pool", None), ThreadPoolExecutor) and hasattr(state, "lock"):
        return state
    return None


def widen_workers(workers: int) -> str:
    """Let the provider server run up to ``workers`` calls at once (once per process); returns what was done.

    Outside the dynamic-provider server (a program, a test calling the provider directly) this does nothing.
    """
    global _done
    with _lock:
        if _done:
            return "already done"
        _done = True
        main = sys.modules.get("__main__")
        if getattr(getattr(main, "__spec__", None), "name", None) != _SERVER_MODULE:
            return "not in a dynamic-provider server"
        if workers <= 0:
            return "turned off (sparkpost:providerWorkers is 0): Pulumi's default pool is kept"
        version = _sdk_version()
        if sdk_too_old(version):
            log.warning("pulumi SDK %s is older than %s, the first this provider was tested with: keeping Pulumi's "
                        "4 provider workers, %s", _dotted(version) if version else "?", _dotted(MIN_SDK),
                        FALLBACK_ADVICE)
            return "untested SDK: pool kept"
        state = find_server_state()
        if state is None:
            log.warning("pulumi SDK %s: the dynamic-provider server's worker pool was not found where expected, so "
                        "Pulumi's 4 provider workers are kept, %s", _dotted(version) if version else "?",
                        FALLBACK_ADVICE)
            return "pool not found: kept"
        # A new pool rather than a bigger limit on the old one: the old pool counts idle workers with a
        # semaphore that calls queued behind its 4 workers have over-counted, and an over-count makes a submit
        # skip starting a thread. gRPC reads the pool for every new call. Calls already queued behind the old
        # pool's 4 workers (a refresh sends all its reads at once, before any of them has loaded us) move over.
        wide = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sparkpost-provider")
        with state.lock:
            old, state.thread_pool = state.thread_pool, wide
        moved = _move_queued(old, wide)
        return f"widened from {old._max_workers} to {workers}; {moved} queued call(s) moved"


def sdk_too_old(version: tuple[int, int] | None) -> bool:
    """Older than the first SDK tested (or unknown). There is no ceiling: a newer SDK is checked by structure."""
    return version is None or version < MIN_SDK


def _move_queued(old: ThreadPoolExecutor, new: ThreadPoolExecutor) -> int:
    """Hand the calls waiting in ``old``'s queue to ``new``; each runs once, on whichever pool takes it."""
    moved = 0
    while True:
        try:
            item = old._work_queue.get_nowait()
        except queue.Empty:
            return moved
        if item is None:  # a shutdown signal for the old workers: leave it to them
            old._work_queue.put(None)
            return moved
        new._work_queue.put(item)
        new._adjust_thread_count()
        moved += 1


class _PlainUserErrors:
    """Stands in for the ``traceback`` module in the dynamic-provider server's namespace: ``format_exc()`` of one of
    our errors is its message; everything else is the real module."""

    def __init__(self, real: ModuleType) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        exc = sys.exc_info()[1]
        if isinstance(exc, SparkPostTrackingError):
            return user_message(exc)
        return str(self._real.format_exc(*args, **kwargs))


def _formats_with_traceback(server: ModuleType) -> bool:
    """The server's errors go through ``traceback.format_exc`` of its module global ``traceback``, as expected."""
    wrapper = getattr(server, "_abort_with_traceback", None)
    codes = [c for c in getattr(getattr(wrapper, "__code__", None), "co_consts", ()) if isinstance(c, CodeType)]
    return getattr(server, "traceback", None) is traceback and any(
        {"traceback", "format_exc"} <= set(code.co_names) for code in codes)


def plain_user_errors() -> str:
    """Make the dynamic-provider server in this process report our errors as their message alone; returns what
    was done. Idempotent; outside that server (a program, a test calling the provider) it does nothing."""
    server = sys.modules.get("__main__")
    if getattr(getattr(server, "__spec__", None), "name", None) != _SERVER_MODULE or server is None:
        return "not in a dynamic-provider server"
    if isinstance(getattr(server, "traceback", None), _PlainUserErrors):
        return "already done"
    if not _formats_with_traceback(server):
        log.debug("the dynamic-provider server does not format errors as expected: they keep Pulumi's traceback")
        return "server not as expected: left as it is"
    setattr(server, "traceback", _PlainUserErrors(traceback))  # noqa: B010 (the server's module global)
    return "our errors are reported as their message"
