"""``sparkpost-tracking shards``: a fleet of tracking domains split across stacks (docs/scaling.md).

Exit codes: 0 done (``review``/``check``: the stack's result is written, a failed run included, which the sum then
reports; ``sum``: below ``--fail-on``, or every domain passed); 1 the operation failed (``sum``: at or above
``--fail-on``, or a domain did not pass); 2 bad input (the fleet file, a domain, a result document, or a stack
whose result is missing or failed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .fleet import FleetError, read_fleet

USAGE_ERROR = 2
FAILED = 1
ACTIONS = ("plan", "list", "up", "refresh", "preview", "review", "check", "sum")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(name: str, help_: str, *, shard: bool = False) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_, description=help_)
        sub.add_argument("fleet", metavar="FLEET", help="the fleet file (YAML or JSON; docs/scaling.md)")
        if shard:
            sub.add_argument("--shard", required=True, metavar="STACK", help="the stack to work on (see 'list')")
        return sub

    for name in ("plan", "list"):
        sub = action(name, {"plan": "validate the whole fleet and show each stack's domains",
                            "list": "print the stack names, one a line (for xargs -P or a CI matrix)"}[name])
        sub.add_argument("--json", action="store_true", help="print JSON")
    for name, what in (("up", "pulumi up of one stack"), ("refresh", "pulumi refresh of one stack"),
                       ("preview", "print one stack's `pulumi preview --json --show-sames`")):
        sub = action(name, what, shard=True)
        sub.add_argument("--parallel", type=int, metavar="N", help="the engine's --parallel")
    review = action("review", "review one stack's preview; write its result for 'sum'", shard=True)
    review.add_argument("--parallel", type=int, metavar="N", help="the engine's --parallel")
    check = action("check", "check --all --from-stack of one stack; write its result for 'sum' (options of "
                            "`sparkpost-tracking check` follow '--', e.g. -- --dns-server 10.0.0.2)", shard=True)
    for sub in (review, check):
        sub.add_argument("--out", metavar="FILE", help="write the result here (default: standard output)")
    total = action("sum", "sum the stacks' review or check results into the fleet's verdict")
    total.add_argument("results", nargs="+", metavar="RESULT", help="the result files of 'review' or 'check'")
    total.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    total.add_argument("--fail-on", choices=("breaks-links", "risky"), metavar="VERDICT",
                       help="review results: exit 1 when the fleet's worst verdict reaches this level")


def passes_through(args: argparse.Namespace) -> bool:
    """Whether the command takes the options after ``--`` for another command (``shards check``)."""
    return getattr(args, "command", None) == "shards" and getattr(args, "action", None) == "check"


def _emit(document: dict[str, Any], out: str | None) -> None:
    text = json.dumps(document, indent=2) + "\n"
    if out:
        Path(out).write_text(text)
    else:
        sys.stdout.write(text)


def run(args: argparse.Namespace) -> int:
    from sparkpost_tracking.config import StackConfigError

    from .plan import ORPHANED, plan, shard_named, with_existing
    from .summary import BadResult

    try:
        fleet = read_fleet(Path(args.fleet))
        planned = plan(fleet)
        if args.action == "sum":  # no backend needed: the results name the stacks beyond the plan
            return _sum(args, [s.stack for s in planned])
        shards = with_existing(planned, _existing(fleet))
        if args.action == "plan":
            rows = [{"stack": s.stack, "domains": [str(d.get("domain")) for d in s.domains]} for s in shards]
            if args.json:
                print(json.dumps({"by": fleet.sharding.by, "stacks": rows}, indent=2))
            else:
                print(f"{len(fleet.domains)} tracking domains in {len(planned)} stacks (by {fleet.sharding.by}):")
                for row in rows:
                    print(f"  {row['stack']}: {len(row['domains']) or 'none (' + ORPHANED + ')'}")
            return 0
        if args.action == "list":
            names = [s.stack for s in shards]
            print(json.dumps(names) if args.json else "\n".join(names))
            return 0
        shard = shard_named(shards, args.shard)
    except (FleetError, StackConfigError, BadResult, LookupError) as exc:
        print(f"sparkpost-tracking shards {args.action}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    return _on_stack(args, fleet, shard)


def _existing(fleet: Any) -> list[str]:
    from pulumi import automation as auto

    from . import stacks

    try:
        return stacks.existing(fleet)
    except FileNotFoundError:
        raise LookupError("the pulumi CLI is not on PATH (the Automation API runs it): install it") from None
    except auto.errors.CommandError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        raise LookupError(f"the fleet's backend {fleet.backend} could not list its stacks: "
                          f"{lines[-1] if lines else exc}") from None


def _on_stack(args: argparse.Namespace, fleet: Any, shard: Any) -> int:
    from pulumi import automation as auto

    from . import stacks
    from .plan import ORPHANED
    from .summary import shard_document

    if shard.orphaned:  # nothing may run on it; what cannot be seen is never summed as safe
        print(f"sparkpost-tracking shards {args.action} {shard.stack}: {ORPHANED}", file=sys.stderr)
        if args.action in ("review", "check"):
            _emit(shard_document(shard.stack, args.action, None, ORPHANED), args.out)
            return 0  # the result says it, and the sum cannot give a verdict
        return FAILED
    try:
        if args.action == "up":
            stacks.up(fleet, shard, parallel=args.parallel, on_output=print)
        elif args.action == "refresh":
            stacks.refresh(fleet, shard, parallel=args.parallel, on_output=print)
        elif args.action == "preview":
            print(stacks.preview_document(fleet, shard, parallel=args.parallel))
        elif args.action == "review":
            return _review(args, fleet, shard)
        else:
            done = stacks.check_all(fleet, shard, [a for a in getattr(args, "check_args", []) if a != "--"])
            try:
                result = json.loads(done.stdout) if done.returncode in (0, 1) else None
            except ValueError:
                result = None
            error = "" if result is not None else (done.stderr.strip().splitlines() or ["check did not run"])[-1]
            _emit(shard_document(shard.stack, "check", result, error), args.out)
    except auto.errors.CommandError as exc:
        # The CLI's own output went to the terminal already; its last line says what failed.
        lines = [line for line in str(exc).splitlines() if line.strip()]
        print(f"sparkpost-tracking shards {args.action} {shard.stack}: failed: {lines[-1] if lines else exc}",
              file=sys.stderr)
        return FAILED
    return 0


def _review(args: argparse.Namespace, fleet: Any, shard: Any) -> int:
    from sparkpost_tracking.review.preview import BadPreview, read_preview
    from sparkpost_tracking.review.report import as_dict
    from sparkpost_tracking.review.review import review

    from . import stacks
    from .summary import shard_document

    document = stacks.preview_document(fleet, shard, parallel=args.parallel)
    try:
        result, error = as_dict(review(read_preview(document))), ""
    except BadPreview as exc:
        result, error = None, f"the preview could not be reviewed: {exc}"
    _emit(shard_document(shard.stack, "review", result, error), args.out)
    return 0


def _sum(args: argparse.Namespace, stacks: list[str]) -> int:
    from sparkpost_tracking.review.verdicts import Verdict

    from .summary import BadResult, summarize

    documents: list[dict[str, Any]] = []
    for path in args.results:
        try:
            documents.append(json.loads(Path(path).read_text()))
        except (OSError, ValueError) as exc:
            raise BadResult(f"{path}: {getattr(exc, 'strerror', None) or exc}") from None
    summary = summarize(documents, stacks)
    print(json.dumps(summary.to_json(), indent=2) if args.json else summary.markdown(), end="\n" if args.json else "")
    if summary.unseen:
        print(f"sparkpost-tracking shards sum: no usable result from {', '.join(s.stack for s in summary.unseen)}: "
              "the fleet's verdict cannot be given", file=sys.stderr)
        return USAGE_ERROR
    if summary.kind == "check":
        return 0 if summary.verdict == "pass" else FAILED
    if args.fail_on and Verdict.named(summary.verdict) >= Verdict.named(args.fail_on):
        return FAILED
    return 0
