"""The command line of ``sparkpost-tracking review``.

Exit codes: 0 the worst verdict is below ``--fail-on`` (or no ``--fail-on``); 1 it reaches it; 2 bad input. No
input makes it print a traceback: what it cannot read is a one-line error (exit 2), and a reader that closes the
pipe early (``| head``) ends it quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .preview import MAX_BYTES, PIPELINE
from .verdicts import Verdict

USAGE_ERROR = 2
FAILED = 1
LEVELS = [v.label for v in sorted(Verdict, reverse=True) if v is not Verdict.SAFE]
PROGRAM = "sparkpost-tracking review"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", metavar="PATH",
                        help=f"the preview document (default: standard input, as in `{PIPELINE} | {PROGRAM}`)")
    parser.add_argument("--json", action="store_true", help="print JSON (schema sparkpost-tracking/review/1) "
                                                            "instead of Markdown")
    parser.add_argument("--fail-on", choices=LEVELS, metavar="VERDICT",
                        help=f"exit 1 when the worst verdict reaches this level: {' or '.join(LEVELS)}")


def read_input(path: str | None, limit: int | None = None) -> str:
    """The document, from ``--file`` or standard input; more than ``limit`` bytes (``MAX_BYTES``) is not a
    preview."""
    limit = MAX_BYTES if limit is None else limit
    try:
        if path and path != "-":
            with Path(path).open("rb") as handle:
                data = handle.read(limit + 1)
        elif sys.stdin.isatty():
            raise ValueError(f"no input: pipe `{PIPELINE}` into it, or give --file PATH")
        else:
            data = sys.stdin.buffer.read(limit + 1)
    except OSError as exc:
        raise ValueError(f"--file {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise ValueError(f"the input is larger than {limit // (1024 * 1024)} MB, more than a preview of any stack "
                         f"it reviews: give it the output of `{PIPELINE}`")
    return data.decode("utf-8", errors="replace")


def _emit(text: str) -> None:
    """Print, and end quietly when the reader has closed the pipe (``review --json | head``)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again at exit while flushing the closed stdout: point it at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run(args: argparse.Namespace) -> int:
    from .preview import BadPreview, read_preview
    from .report import render_json, render_markdown
    from .review import review

    try:
        result = review(read_preview(read_input(args.file)))
        text = render_json(result) + "\n" if args.json else render_markdown(result)
    except (BadPreview, ValueError) as exc:
        print(f"{PROGRAM}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except RecursionError:
        print(f"{PROGRAM}: the input nests deeper than any preview: give it the output of `{PIPELINE}`",
              file=sys.stderr)
        return USAGE_ERROR
    except Exception as exc:  # whatever the input, one line and exit 2 (and a report for us)
        print(f"{PROGRAM}: could not read this preview ({type(exc).__name__}: {exc}); give it the output of "
              f"`{PIPELINE}`, and please report this input", file=sys.stderr)
        return USAGE_ERROR
    _emit(text)
    if args.fail_on and result.verdict >= Verdict.named(args.fail_on):
        return FAILED
    return 0
