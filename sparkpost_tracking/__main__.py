"""Command line of the package: ``python -m sparkpost_tracking check DOMAIN`` (also ``sparkpost-tracking check``),
or ``check --all --from-stack`` for every tracking domain of a stack.

Exit codes: 0 every required step passed; 1 a step failed; 2 a usage error (a bad option, a missing extra).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sparkpost_tracking import __version__

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    # The options module is light (no dnspython, no cryptography), so --help works without the extra.
    from sparkpost_tracking.check.options import add_arguments

    parser = argparse.ArgumentParser(prog="sparkpost-tracking",
                                     description="Tools for secure SparkPost tracking domains.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check", help="check the live chain of one tracking domain (or --all of a stack's): DNS, TLS, http(s) through "
                      "the CDN, SparkPost",
        description="Check the live chain of one tracking domain, one step a row: DNS points at the expected "
                    "target; the certificate for the host is trusted, names it and is valid; https and http "
                    "requests for a click path get SparkPost's 302 through the CDN; optionally SparkPost's own "
                    "verification. Exit code 0 only when every required step passes.")
    add_arguments(check)
    return parser


def run_check_command(args: argparse.Namespace) -> int:
    from sparkpost_tracking.check import EXTRA, EXTRA_MODULES
    from sparkpost_tracking.check.options import UsageError, options_from

    try:
        options = options_from(args)
        from sparkpost_tracking.check.report import render_all_json, render_all_table, render_json, render_table
        from sparkpost_tracking.check.run import run_all, run_check

        if options.all_domains:
            reports = run_all(options)
            print(render_all_json(reports) if options.json else render_all_table(reports))
            return 0 if all(r.ok for r in reports) else 1
        report = run_check(options)
    except UsageError as exc:
        print(f"sparkpost-tracking check: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in EXTRA_MODULES:
            raise
        print(f"sparkpost-tracking check needs the '{EXTRA}' extra ({exc.name} is missing): "
              f"pip install 'sparkpost-tracking[{EXTRA}]'", file=sys.stderr)
        return USAGE_ERROR
    print(render_json(report) if options.json else render_table(report))
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_check_command(args)


if __name__ == "__main__":
    sys.exit(main())
