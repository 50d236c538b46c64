"""The ``check`` command line: its arguments, and their parsing into one frozen ``CheckOptions``.

Every bad value is refused here, naming the option and saying what to give, before any network step runs.
"""

from __future__ import annotations

import argparse
import ipaddress
from dataclasses import dataclass

from sparkpost_tracking.dynamic_providers.hosts import REGIONS
from sparkpost_tracking.dynamic_providers.validation import (
    InvalidInput,
    validate_api_url,
    validate_domain,
    validate_hostname,
    validate_region,
    validate_subaccount_id,
)

from .cdns import CDNS

#: The steps ``--skip`` can leave out (``tls`` covers its three rows; the SparkPost verify is opt-in).
SKIPPABLE = ("dns", "tls", "https", "http")
DEFAULT_TIMEOUT = 10.0
DNS_PORT = 53


class UsageError(ValueError):
    """A bad option value: the message names the option and says what to give."""


@dataclass(frozen=True)
class Resolve:
    """One ``--resolve HOST:PORT:ADDRESS``: connections to ``PORT`` (None = any) go to ``ADDRESS``."""

    port: int | None
    address: str


@dataclass(frozen=True)
class CheckOptions:
    domain: str
    expect_target: str | None = None
    from_stack: bool = False
    stack: str | None = None
    cdn: str | None = None
    resolve: tuple[Resolve, ...] = ()
    dns_server: tuple[str, int] | None = None
    ca_file: str | None = None
    http_port: int = 80
    https_port: int = 443
    timeout: float = DEFAULT_TIMEOUT
    warn_days: int | None = None
    """None: a third of the certificate's lifetime, when its issuer should have renewed it."""
    skip: frozenset[str] = frozenset()
    sparkpost_verify: bool = False
    region: str | None = None
    api_url: str | None = None
    subaccount_id: int | None = None
    json: bool = False
    all_domains: bool = False
    dkim: tuple[str, ...] = ()
    """Sending domains whose DKIM record the ``dkim`` step compares with SparkPost's key."""

    def address(self, port: int) -> str:
        """Where a connection for the domain on ``port`` goes: a ``--resolve`` entry, else the domain itself."""
        for entry in self.resolve:
            if entry.port in (None, port):
                return entry.address
        return self.domain


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("domain", metavar="DOMAIN", nargs="?",
                        help="the tracking domain, e.g. track.example.com (or --all with --from-stack)")
    parser.add_argument("--all", action="store_true", dest="all_domains",
                        help="with --from-stack: check every tracking domain of the stack, one table (or --json); "
                             "exit code 0 only when every domain passes")
    where = parser.add_argument_group("what the DNS must say")
    where.add_argument("--expect-target", metavar="HOST",
                       help="where DOMAIN must point (CNAME, or an alias with the same addresses)")
    where.add_argument("--from-stack", action="store_true",
                       help="take the target, the CDN and the SparkPost account from the current Pulumi stack's "
                            "output trackingDomains (run in the stack's project directory)")
    where.add_argument("--stack", metavar="NAME", help="with --from-stack: this stack instead of the selected one")
    where.add_argument("--cdn", choices=sorted(CDNS),
                       help="the CDN in front (cloudflare: a proxied record hides its CNAME and rewrites 'server')")
    net = parser.add_argument_group("where to connect (a test or a check before DNS is switched)")
    net.add_argument("--resolve", action="append", default=[], metavar="HOST:PORT:ADDRESS",
                     help="like curl: connect to ADDRESS (an IP or a host name) for DOMAIN on PORT ('*' = any "
                          "port); repeatable. The DNS step still asks DNS")
    net.add_argument("--dns-server", metavar="ADDRESS[:PORT]",
                     help="ask this DNS server (IP address; [v6]:port for IPv6) instead of the system's resolver")
    net.add_argument("--ca-file", metavar="PEM", help="trust only these CA certificates (default: the system's)")
    net.add_argument("--http-port", type=int, default=80, metavar="N", help="port of the http request (80)")
    net.add_argument("--https-port", type=int, default=443, metavar="N",
                     help="port of the TLS check and the https request (443)")
    net.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                     help=f"bound of each network operation ({DEFAULT_TIMEOUT:g} s)")
    net.add_argument("--warn-days", type=int, default=None, metavar="N",
                     help="warn when the certificate expires within N days (default: a third of its lifetime, "
                          "when it should have been renewed: 30 for a 90-day certificate, 15 for a 45-day one)")
    net.add_argument("--skip", action="append", default=[], choices=SKIPPABLE,
                     help="leave a step out (repeatable), e.g. --skip dns before DNS is switched")
    sparkpost = parser.add_argument_group("SparkPost's own verification (needs an API key)")
    sparkpost.add_argument("--sparkpost-verify", action="store_true",
                           help="also ask SparkPost to verify DOMAIN; the key comes from SPARKPOST_API_KEY "
                                "(SPARKPOST_EU_API_KEY for eu), or the stack's sparkpost:apiKey with --from-stack")
    sparkpost.add_argument("--region", choices=REGIONS, help="SparkPost region of the domain (us)")
    sparkpost.add_argument("--api-url", metavar="URL", help="SparkPost API base (Enterprise, the emulator)")
    sparkpost.add_argument("--subaccount", type=int, metavar="ID", help="the domain's SparkPost subaccount")
    sparkpost.add_argument("--dkim", action="append", default=[], metavar="SENDING_DOMAIN",
                           help="also check that DNS publishes the DKIM key SparkPost holds for SENDING_DOMAIN "
                                "(repeatable; needs a key, as --sparkpost-verify)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON (schema: docs/check.md)")


def options_from(args: argparse.Namespace) -> CheckOptions:
    """Validate the parsed arguments; raises ``UsageError`` naming the first bad option."""
    if getattr(args, "all_domains", False):
        if not args.from_stack:
            raise UsageError("--all: checks every tracking domain of a stack, so it needs --from-stack")
        if args.domain:
            raise UsageError(f"--all: checks every domain of the stack; leave out DOMAIN ({args.domain})")
        if args.expect_target:
            raise UsageError("--expect-target: each domain's target comes from the stack with --all")
    elif not args.domain:
        raise UsageError("DOMAIN: give the tracking domain to check (or --all --from-stack)")
    try:
        # With --all the domain is left empty here; each of the stack's domains fills it in.
        domain = validate_domain(args.domain, "DOMAIN") if args.domain else ""
        region = validate_region(args.region, "--region") if args.region else None
        api_url = validate_api_url(args.api_url, "--api-url") if args.api_url else None
        subaccount = validate_subaccount_id(args.subaccount, "--subaccount") if args.subaccount is not None else None
        dkim = tuple(dict.fromkeys(validate_hostname(name, "--dkim") for name in getattr(args, "dkim", None) or ()))
    except InvalidInput as exc:
        raise UsageError(str(exc)) from None
    for name in ("http_port", "https_port"):
        if not 0 < getattr(args, name) < 65536:
            raise UsageError(f"--{name.replace('_', '-')}: must be a port number 1-65535, got {getattr(args, name)}")
    if not args.timeout > 0:
        raise UsageError(f"--timeout: must be a positive number of seconds, got {args.timeout:g}")
    if args.warn_days is not None and args.warn_days < 0:
        raise UsageError(f"--warn-days: must be a number of days >= 0, got {args.warn_days}")
    if args.stack and not args.from_stack:
        raise UsageError("--stack: only means something with --from-stack")
    return CheckOptions(
        domain=domain,
        expect_target=normalize_host(args.expect_target, "--expect-target") if args.expect_target else None,
        from_stack=args.from_stack,
        stack=args.stack,
        cdn=args.cdn,
        resolve=tuple(parse_resolve(value, domain) for value in args.resolve),
        dns_server=parse_dns_server(args.dns_server) if args.dns_server else None,
        ca_file=args.ca_file,
        http_port=args.http_port,
        https_port=args.https_port,
        timeout=args.timeout,
        warn_days=args.warn_days,
        skip=frozenset(args.skip),
        sparkpost_verify=args.sparkpost_verify,
        region=region,
        api_url=api_url,
        subaccount_id=subaccount,
        json=args.json,
        all_domains=bool(getattr(args, "all_domains", False)),
        dkim=dkim,
    )


def normalize_host(value: str, option: str) -> str:
    """A DNS name as compared: lower case, no trailing dot. Targets may be two labels (``spgo.io``)."""
    host = value.strip().lower().removesuffix(".")
    if not host or "/" in host or ":" in host or any(c.isspace() for c in host):
        raise UsageError(f"{option}: must be a host name such as d111111abcdef8.cloudfront.net, got {value!r}")
    return host


def parse_resolve(value: str, domain: str) -> Resolve:
    """``HOST:PORT:ADDRESS`` as curl takes it; ``[v6]`` brackets are optional around an IPv6 address."""
    parts = value.split(":", 2)
    if len(parts) != 3 or not parts[2]:
        raise UsageError(f"--resolve {value!r}: give HOST:PORT:ADDRESS, e.g. {domain}:443:192.0.2.10")
    host, port, address = parts
    if host.lower().removesuffix(".") != domain:
        raise UsageError(f"--resolve {value!r}: HOST must be the checked domain {domain!r}, "
                         "the only host this check connects to")
    if port == "*":
        number = None
    elif port.isdigit() and 0 < int(port) < 65536:
        number = int(port)
    else:
        raise UsageError(f"--resolve {value!r}: PORT must be a port number or '*', got {port!r}")
    return Resolve(number, address.removeprefix("[").removesuffix("]"))


def parse_dns_server(value: str) -> tuple[str, int]:
    """``ADDRESS[:PORT]``: ``192.0.2.53``, ``192.0.2.53:5353``, ``::1`` or ``[::1]:5353``."""
    address, port = value, str(DNS_PORT)
    if value.startswith("["):
        address, _, rest = value[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise UsageError(f"--dns-server {value!r}: write an IPv6 address with a port as [ADDRESS]:PORT")
            port = rest[1:]
    elif value.count(":") == 1:
        address, port = value.split(":")
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise UsageError(f"--dns-server {value!r}: ADDRESS must be an IP address, e.g. 192.0.2.53:53") from None
    if not (port.isdigit() and 0 < int(port) < 65536):
        raise UsageError(f"--dns-server {value!r}: PORT must be a port number, got {port!r}")
    return address, int(port)
