"""End a provider process soon after the Pulumi engine that started it is gone: one watchdog for both paths.

The engine runs ``python -m pulumi.dynamic`` (through a shell script) or the plugin
``pulumi-resource-sparkpost-tracking``, and keeps reading its stdout. When the engine dies (``kill -9``, out of
memory, a closed laptop), nothing stops that process: it would go on polling and changing SparkPost for minutes,
with nobody left to record the outcome in state. A daemon thread looks ten times a second for the signs that the
engine is gone and then ends the process at once:

- stdout is a pipe whose reading end has closed (the engine held it);
- the parent process changed (the process that started this one has exited).

It runs only in a provider process (the dynamic-provider server, which ``configure`` starts it in, or the plugin,
which starts it when it serves); a Pulumi program or a test that imports the provider never starts it.
"""

from __future__ import annotations

import os
import select
import stat
import sys
import threading
import time
from typing import Final

INTERVAL: Final[float] = 0.1  # seconds between checks: the process is gone well within half a second
PROVIDER_MAIN: Final[str] = "pulumi.dynamic.__main__"

_started = threading.Lock()
_running = False


def in_provider_process() -> bool:
    """True when this process is ``python -m pulumi.dynamic``, the engine's dynamic-provider plugin."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == PROVIDER_MAIN


def engine_gone(stdout_fd: int, parent: int) -> str | None:
    """Why the engine is taken to be gone, or ``None`` while it is there."""
    if os.getppid() != parent:
        return f"the parent process {parent} exited"
    try:
        if hasattr(select, "poll") and stat.S_ISFIFO(os.fstat(stdout_fd).st_mode):  # no poll() on Windows
            poller = select.poll()
            poller.register(stdout_fd, 0)  # no events asked for: only errors and hang-ups are reported
            if any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0)):
                return "the engine stopped reading this process's output"
    except OSError:
        return "this process's output is closed"
    return None


def start(parent: int | None = None, *, provider_process: bool | None = None) -> bool:
    """Start the watchdog once per process, only in a provider process; True if it runs.

    ``parent`` is the engine's process (default: this process's parent). ``provider_process`` says whether this
    is one (default: whether it is the dynamic-provider server; the plugin says so itself).
    """
    global _running
    with _started:
        if _running or not (in_provider_process() if provider_process is None else provider_process):
            return _running
        _running = True
    try:
        stdout_fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        stdout_fd = 1
    threading.Thread(target=_watch, args=(stdout_fd, os.getppid() if parent is None else parent),
                     name="sparkpost-engine-watchdog", daemon=True).start()
    return True


def _watch(stdout_fd: int, parent: int) -> None:
    while True:
        reason = engine_gone(stdout_fd, parent)
        if reason is not None:
            try:
                print(f"sparkpost-tracking: {reason}; the Pulumi engine is gone, stopping the provider so it "
                      "makes no further SparkPost calls", file=sys.stderr, flush=True)
            except (OSError, ValueError):
                pass
            os._exit(1)  # now: no in-flight call may finish and change SparkPost unrecorded
        time.sleep(INTERVAL)
