"""The ``import`` command line: its arguments, and their parsing into one frozen ``ImportOptions``.

Every bad value is refused here, naming the option and saying what to give, before any request.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from sparkpost_tracking.check.options import UsageError, parse_dns_server
from sparkpost_tracking.dynamic_providers.hosts import REGIONS
from sparkpost_tracking.dynamic_providers.validation import MAX_SUBACCOUNT_ID, InvalidInput, validate_api_url

from .files import same_file

__all__ = ["ImportOptions", "UsageError", "add_arguments", "options_from"]

DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class ImportOptions:
    out: str | None = None
    stack_config: str | None = None
    #: Shell-style patterns (``*.brand.com``); a domain is selected when one matches. Empty: every domain.
    domains: tuple[str, ...] = ()
    #: Scopes to select (0 = the primary account). Empty: every scope.
    subaccounts: frozenset[int] = frozenset()
    region: str | None = None
    api_url: str | None = None
    dns: bool = True
    dns_server: tuple[str, int] | None = None
    timeout: float = DEFAULT_TIMEOUT
    json: bool = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    out = parser.add_argument_group("what to write (at least one)")
    out.add_argument("--out", metavar="FILE",
                     help="a Pulumi bulk-import file (pulumi import -f FILE) of native TrackingDomain and "
                          "TrackingDomainAssociation resources, for programs that use the plugin (YAML, TypeScript, "
                          "Go, C#)")
    out.add_argument("--stack-config", metavar="FILE",
                     help="sparkpost-tracking:domains entries for this repository's stack program (Python), each "
                          "with adoptExisting; what the user must fill in is marked TODO")
    select = parser.add_argument_group("which part of the account (one domain, one stack)")
    select.add_argument("--domains", action="append", default=[], metavar="PATTERN",
                        help="only tracking domains matching PATTERN (shell style, e.g. '*.brand-a.com'); "
                             "repeatable or comma-separated. Associations follow their tracking domain")
    select.add_argument("--subaccount", action="append", default=[], metavar="ID",
                        help="only this subaccount's domains (0 = the primary account); repeatable or comma-separated")
    account = parser.add_argument_group("the SparkPost account (the key: SPARKPOST_API_KEY, SPARKPOST_EU_API_KEY "
                                        "for eu; never on the command line)")
    account.add_argument("--region", choices=REGIONS, help="SparkPost region of the account (us)")
    account.add_argument("--api-url", metavar="URL", help="SparkPost API base (Enterprise, the emulator)")
    dns = parser.add_argument_group("the CDN of each domain, from its CNAME (--stack-config)")
    dns.add_argument("--dns-server", metavar="ADDRESS[:PORT]",
                     help="ask this DNS server instead of the system's resolver")
    dns.add_argument("--no-dns", action="store_true", help="ask DNS nothing: every cdn is left for you to fill in")
    dns.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                     help=f"bound of each DNS lookup ({DEFAULT_TIMEOUT:g} s)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _listed(option: str, values: list[str]) -> list[str]:
    """Every comma-separated part of a repeatable option. A blank part is refused: an unset shell variable
    (``--subaccount "$BRAND"``) would otherwise select the whole account, which is the one thing a selection
    exists to prevent."""
    parts = [part.strip() for value in values for part in value.split(",")]
    if any(not part for part in parts):
        given = ", ".join(repr(value) for value in values)
        raise UsageError(f"{option}: an empty value selects nothing and is refused (given {given}; is a shell "
                         f"variable unset?). Leave {option} out to select every "
                         f"{'scope' if option == '--subaccount' else 'domain'}")
    return parts


def _subaccount(value: str) -> int:
    if not value.isdigit() or int(value) > MAX_SUBACCOUNT_ID:
        raise UsageError(f"--subaccount: must be a subaccount id 1-{MAX_SUBACCOUNT_ID}, or 0 for the primary "
                         f"account; got {value!r}")
    return int(value)


def options_from(args: argparse.Namespace) -> ImportOptions:
    """Validate the parsed arguments; raises ``UsageError`` naming the first bad option."""
    if not args.out and not args.stack_config:
        raise UsageError("give --out FILE (a bulk-import file for pulumi import -f) and/or --stack-config FILE "
                         "(entries for this repository's stack program)")
    try:
        # An empty --api-url (an unset shell variable) is refused, never read as "SparkPost's own API".
        api_url = validate_api_url(args.api_url, "--api-url")
    except InvalidInput as exc:
        raise UsageError(str(exc)) from None
    if not args.timeout > 0:
        raise UsageError(f"--timeout: must be a positive number of seconds, got {args.timeout:g}")
    if args.no_dns and args.dns_server:
        raise UsageError("--dns-server: means nothing with --no-dns")
    patterns = tuple(pattern.lower() for pattern in _listed("--domains", args.domains))
    subaccounts = frozenset(_subaccount(value) for value in _listed("--subaccount", args.subaccount))
    if args.out and args.stack_config and same_file(args.out, args.stack_config):
        raise UsageError(f"--out and --stack-config name the same file ({args.out!r}, "
                         f"{args.stack_config!r}): one would overwrite the other; give two files")
    return ImportOptions(
        out=args.out,
        stack_config=args.stack_config,
        domains=patterns,
        subaccounts=subaccounts,
        region=args.region,  # one of REGIONS: the parser's choices
        api_url=api_url,
        dns=not args.no_dns,
        dns_server=parse_dns_server(args.dns_server) if args.dns_server else None,
        timeout=args.timeout,
        json=args.json,
    )
