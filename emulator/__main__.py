"""Command line: ``python -m sparkpost_tracking.emulator [--host 127.0.0.1] [--port 8787] [--api-key KEY]...``.

The first stdout line is ``SparkPost emulator listening on <base_url>`` (flushed), so a script can
read the base URL (use ``--port 0`` for a free port). Then one line per API request:
``METHOD path [sub=N] -> status`` (never the key). Notices go to stderr. Keys come from
``--api-key`` (repeatable), else ``SPARKPOST_EMULATOR_API_KEYS`` (comma-separated), else the
emulator accepts ``emulator-key``. Only loopback hosts are accepted. Ctrl-C or SIGTERM stop it.

A parent process that reads only the first line must keep draining stdout (or pass ``--quiet``):
a full pipe would block the emulator.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from types import FrameType
from urllib.parse import urlencode

from .recording import RecordedRequest
from .server import DEFAULT_API_KEY, Emulator, loopback_host

KEYS_ENV = "SPARKPOST_EMULATOR_API_KEYS"
READY_PREFIX = "SparkPost emulator listening on "


def format_request(record: RecordedRequest) -> str:
    """``METHOD path[?query] [sub=N] -> status [(dropped)] [(injected)]``."""
    line = record.method + " " + record.path
    if record.query:
        line += "?" + urlencode(record.query)
    if record.subaccount is not None:
        line += f" sub={record.subaccount}"
    line += f" -> {record.status}"
    if record.dropped:
        line += " (connection dropped)"
    if record.injected:
        line += " (injected)"
    return line


class _LinePrinter:
    """Writes whole lines to stdout from any thread; a closed stdout is ignored."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __call__(self, record: RecordedRequest) -> None:
        self.print(format_request(record))

    def print(self, line: str) -> None:
        with self._lock:
            try:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            except (OSError, ValueError):
                pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sparkpost-emulator",
        description="Serve an emulated SparkPost tracking-domains and sending-domains API on loopback.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8787, help="port (default 8787; 0 picks a free one)")
    parser.add_argument("--api-key", dest="api_keys", action="append", metavar="KEY",
                        help=f"accepted API key, repeatable (default: ${KEYS_ENV}, else {DEFAULT_API_KEY!r})")
    parser.add_argument("--verification", choices=("valid", "pending", "fail"), default="valid",
                        help="outcome of verify for every domain (default valid)")
    parser.add_argument("--tls-pending-reads", type=int, default=1, metavar="N",
                        help="GETs that show tls_status pending after certificate/enable (default 1)")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS",
                        help="delay added to every API request (default 0)")
    parser.add_argument("--blank-cname-after-verify", action="store_true",
                        help='report cname_status "" for verified domains (a documented quirk)')
    parser.add_argument("--sending-domain", dest="sending_domains", action="append", default=[],
                        metavar="DOMAIN[@SUBACCOUNT]",
                        help="seed a verified sending domain (repeatable), e.g. example.com or brand.com@5")
    parser.add_argument("--omit-tls-status", action="store_true",
                        help="leave tls_status out of status objects (as SparkPost's published samples do)")
    parser.add_argument("--dns-server", metavar="ADDRESS[:PORT]",
                        help="the name server that sending-domain verification asks (default: this machine's resolver)")
    parser.add_argument("--bounce-host", metavar="HOST",
                        help="where a bounce domain must CNAME to (default sparkpostmail.com; eu.sparkpostmail.com for "
                             "the EU, <tenant>.mail.e.sparkpost.com for Enterprise)")
    parser.add_argument("--omit-creation-time", action="store_true",
                        help="leave creation_time out of sending domains (as SparkPost's published samples do)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stdout")
    return parser


def _api_keys(given: list[str] | None) -> tuple[list[str], bool]:
    """The keys to accept, and whether the built-in default key is used."""
    keys = given or [key.strip() for key in os.environ.get(KEYS_ENV, "").split(",") if key.strip()]
    return (keys, False) if keys else ([DEFAULT_API_KEY], True)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _stop_signals_for_main_thread(in_main_thread: bool) -> Iterator[None]:
    """Threads started inside inherit a mask that blocks the stop signals, so the kernel delivers them to the
    main thread, the one that handles them (a signal taken by a server thread would not end its sleep)."""
    if not in_main_thread or not hasattr(signal, "pthread_sigmask"):  # no signal masks on Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        loopback_host(args.host)
    except ValueError as exc:
        parser.error(str(exc))
    keys, default_key = _api_keys(args.api_keys)
    printer = _LinePrinter()
    emulator = Emulator(keys, host=args.host, port=args.port, on_request=None if args.quiet else printer)
    try:
        emulator.update_settings(default_verification=args.verification, tls_pending_reads=args.tls_pending_reads,
                                 latency=args.latency, blank_cname_after_verify=args.blank_cname_after_verify,
                                 omit_tls_status=args.omit_tls_status, dns_server=args.dns_server,
                                 omit_creation_time=args.omit_creation_time)
        if args.bounce_host:
            emulator.update_settings(bounce_host=args.bounce_host)
        for seed in args.sending_domains:
            domain, _, sub = seed.partition("@")
            emulator.add_sending_domain(domain, subaccount_id=int(sub) if sub else None)
    except ValueError as exc:
        parser.error(str(exc))
    in_main_thread = threading.current_thread() is threading.main_thread()
    try:
        with _stop_signals_for_main_thread(in_main_thread):
            emulator.start()
    except OSError as exc:
        print(f"sparkpost-emulator: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    if in_main_thread:
        # Set both explicitly: a script's background job starts with SIGINT ignored, and Python keeps an
        # inherited SIG_IGN, so Ctrl-C (or a test's SIGINT) would never stop the emulator.
        for signum in STOP_SIGNALS:
            signal.signal(signum, _raise_interrupt)
    try:
        # Notices first: whoever reads the ready line knows start-up (and its notices) is complete.
        if default_key:
            print(f"sparkpost-emulator: no --api-key or ${KEYS_ENV} given; accepting the API key "
                  f"{DEFAULT_API_KEY!r}", file=sys.stderr, flush=True)
        print(f"sparkpost-emulator: admin API at {emulator.admin_url}", file=sys.stderr, flush=True)
        printer.print(READY_PREFIX + emulator.base_url)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    print("sparkpost-emulator: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
