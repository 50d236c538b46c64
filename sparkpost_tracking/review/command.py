"""The command line of ``sparkpost-tracking review``.

Exit codes: 0 the worst verdict is below ``--fail-on`` (or no ``--fail-on``); 1 it reaches it; 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .verdicts import Verdict

USAGE_ERROR = 2
FAILED = 1
LEVELS = [v.label for v in sorted(Verdict, reverse=True) if v is not Verdict.SAFE]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", metavar="PATH",
                        help="the preview document (default: standard input, as in "
                             "`pulumi preview --json --show-sames | sparkpost-tracking review`)")
    parser.add_argument("--json", action="store_true", help="print JSON (schema sparkpost-tracking/review/1) "
                                                            "instead of Markdown")
    parser.add_argument("--fail-on", choices=LEVELS, metavar="VERDICT",
                        help=f"exit 1 when the worst verdict reaches this level: {' or '.join(LEVELS)}")


def read_input(path: str | None) -> str:
    if path and path != "-":
        try:
            return Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"--file {path}: {exc.strerror}") from None
    if sys.stdin.isatty():
        raise ValueError("no input: pipe `pulumi preview --json --show-sames` into it, or give --file PATH")
    return sys.stdin.read()


def run(args: argparse.Namespace) -> int:
    from .preview import BadPreview, read_preview
    from .report import render_json, render_markdown
    from .review import review

    try:
        result = review(read_preview(read_input(args.file)))
    except (BadPreview, ValueError) as exc:
        print(f"sparkpost-tracking review: {exc}", file=sys.stderr)
        return USAGE_ERROR
    print(render_json(result) if args.json else render_markdown(result), end="" if not args.json else "\n")
    if args.fail_on and result.verdict >= Verdict.named(args.fail_on):
        return FAILED
    return 0
