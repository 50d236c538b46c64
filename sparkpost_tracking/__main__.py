"""Command line of the package (also the console script ``sparkpost-tracking``):

- ``python -m sparkpost_tracking check DOMAIN``: exit 0 every required step passed; 1 a step failed; 2 a usage
  error (a bad option, a missing extra);
- ``python -m sparkpost_tracking import --out FILE | --stack-config FILE``: exit 0 all written; 1 written, but
  something was left out (reported); 2 nothing written (see ``adopt.run``);
- ``python -m sparkpost_tracking review``: exit 0 below ``--fail-on``; 1 at or above it; 2 bad input;
- ``python -m sparkpost_tracking shards ACTION FLEET``: see ``shards.command``.
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
    from sparkpost_tracking.adopt.options import add_arguments as add_import_arguments

    adopt = commands.add_parser(
        "import", help="write code that adopts the account's tracking domains and associations (reads only)",
        description="Read every tracking domain of the SparkPost account and its subaccounts, and the sending "
                    "domains' associations (two GETs; nothing is written to SparkPost), and write them as a Pulumi "
                    "bulk-import file (--out, for pulumi import -f) and/or as entries of this repository's stack "
                    "program (--stack-config). A domain that cannot be declared as it is is reported, not guessed. "
                    "See docs/adopting.md.")
    add_import_arguments(adopt)
    from sparkpost_tracking.review.command import add_arguments as add_review_arguments

    review = commands.add_parser(
        "review", help="review `pulumi preview --json --show-sames --show-replacement-steps`: which change breaks "
                       "links already sent",
        description="Read `pulumi preview --json --show-sames --show-replacement-steps` (standard input or --file) "
                    "and give each tracking domain one verdict: breaks-links (a live chain's SparkPost domain, DNS "
                    "record or CDN deleted or replaced, or no longer serving the domain; region or subaccount "
                    "changed), risky (the default or an association moves, verification or secure off, a setting "
                    "SparkPost asks for changed, or what the preview does not show) or safe. A preview the engine "
                    "refused because protected resources would go is read as such. Sends no SparkPost request. "
                    "Markdown for a pull-request comment, or --json. See docs/pull-requests.md.")
    add_review_arguments(review)
    from sparkpost_tracking.shards.command import add_arguments as add_shards_arguments

    shards = commands.add_parser(
        "shards", help="a fleet of tracking domains across stacks: plan, up, review and check each stack, sum them",
        description="Split the tracking domains of one fleet file into stacks (by subaccount or by a hash of the "
                    "domain), work on one stack through Pulumi's Automation API, and sum the stacks' review and "
                    "check results. Run the stacks as parallel processes or CI matrix jobs. See docs/scaling.md.")
    add_shards_arguments(shards)
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


def run_import_command(args: argparse.Namespace) -> int:
    from sparkpost_tracking.adopt.options import UsageError, options_from

    try:
        options = options_from(args)
    except UsageError as exc:
        print(f"sparkpost-tracking import: {exc}", file=sys.stderr)
        return USAGE_ERROR
    import json

    from sparkpost_tracking.adopt.run import run_import

    report = run_import(options)
    if options.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.text(), file=sys.stderr if report.error else sys.stdout)
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    from sparkpost_tracking.shards.command import passes_through

    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if rest and not (passes_through(args) and rest[0] == "--"):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.check_args = rest[1:]
    if args.command == "import":
        return run_import_command(args)
    if args.command == "review":
        from sparkpost_tracking.review.command import run

        return run(args)
    if args.command == "shards":
        from sparkpost_tracking.shards.command import run as run_shards

        return run_shards(args)
    return run_check_command(args)


if __name__ == "__main__":
    sys.exit(main())
