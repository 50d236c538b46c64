"""Validators of single values: pure functions, no I/O, shared by ``check`` and the components.

Each validator returns the normalized value or raises ``InvalidInput`` naming the property and saying
what to do. Which property uses which validator is declared in ``schema``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Final
from urllib.parse import urlsplit

from pulumi.errors import RunError
from pulumi.output import Unknown
from pulumi.runtime import rpc

from .errors import UserError
from .hosts import ENTERPRISE_TRACKING_SUFFIX, REGIONS, enterprise_origin, is_loopback, normalize_api_url

MAX_SUBACCOUNT_ID: Final[int] = 2**31 - 1  # SparkPost's JSON numbers are 32-bit signed integers
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
EXAMPLE_HOST = "track.example.com"


class InvalidInput(UserError, ValueError):
    """A bad input value. ``prop`` names the property; the message says what to do."""

    def __init__(self, prop: str, reason: str) -> None:
        self.prop = prop
        self.reason = reason
        super().__init__(f"{prop}: {reason}")


class ResourceArgumentError(InvalidInput, RunError):
    """A bad argument of a resource or component in a Pulumi program: ``<Type> '<name>': <arg>: <reason>``.

    Raised before anything is registered. As a ``pulumi.RunError``, Pulumi reports the message alone, without
    a Python traceback: the user's fix is in their arguments, not in our code.
    """

    def __init__(self, type_name: str, resource_name: str, prop: str, reason: str) -> None:
        super().__init__(prop, reason)
        self.type_name = type_name
        self.resource_name = resource_name
        self.args = (f"{type_name} '{resource_name}': {prop}: {reason}",)

    def __str__(self) -> str:
        return str(self.args[0])


def refuse_unknown_arguments(kind: str, resource_name: str, schema: Any, args: Iterable[str], *,
                             words: Callable[[str], str] = str) -> None:
    """A ``ResourceArgumentError`` for every argument that is no input of ``schema`` (a ``Schema``), before
    anything is registered, so the message reaches the user without a traceback; ``words`` rephrases it for the
    path it is said on."""
    failures = schema.unknown_input_failures(args)
    if failures:
        first, *more = failures
        also = "".join(f"; also {f}" for f in more)
        raise ResourceArgumentError(kind, resource_name, first.prop, words(first.reason + also))


def did_you_mean(word: object, choices: Iterable[str], prefix: str = "") -> str:
    """`` Did you mean 'x'?`` when one of ``choices`` is close to ``word`` (case aside), else ``""``.

    Close means a similarity ratio of at least 0.6, so a typo gets a hint and a different word does not
    (``makeDefualt`` -> ``makeDefault``; ``eu-west`` gets none, since neither ``eu`` nor ``us`` is it).
    ``prefix`` (e.g. a config namespace) is shown with the suggestion but kept out of the comparison.
    """
    import difflib  # only when something is wrong: it costs a millisecond to import

    by_folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(str(word).casefold(), list(by_folded), n=1, cutoff=0.6)
    return f" Did you mean {prefix + by_folded[close[0]]!r}?" if close else ""


def is_unknown(value: Any) -> bool:
    """True for a value Pulumi does not know yet (preview); such values are validated later.

    The dynamic-provider server hands ``check`` and ``diff`` ``pulumi.output.Unknown`` objects; other paths
    (mocks, older SDKs) use the sentinel string.
    """
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def validate_domain(value: Any, prop: str = "domain") -> str:
    """A tracking hostname: an RFC 1123 hostname below an organisational domain, returned lower-case.

    Apex decision: SparkPost documents that a tracking domain must be a subdomain, never the
    organisational domain, and a CDN CNAME cannot live at a zone apex anyway. Without the public
    suffix list we cannot tell ``example.co.uk`` from ``track.example``, so a name with only two
    labels (``example.com``) is rejected here; deeper apexes are left to SparkPost to refuse.
    """
    host = validate_hostname(value, prop)
    if host.count(".") == 1:
        raise InvalidInput(prop, f"{value!r} is an apex (organisational) domain; SparkPost tracking domains "
                                 f"must be a subdomain such as 'track.{host}'")
    return host


def validate_hostname(value: Any, prop: str) -> str:
    """An RFC 1123 hostname with at least one dot (a sending domain may be an apex), returned lower-case."""
    if not isinstance(value, str):
        raise InvalidInput(prop, f"must be a hostname string such as {EXAMPLE_HOST!r}, got {type(value).__name__}")
    host = value.strip()
    if not host:
        raise InvalidInput(prop, f"is empty; give the tracking hostname, e.g. {EXAMPLE_HOST!r}")
    if "://" in host or "/" in host:
        raise InvalidInput(prop, f"must be a bare hostname, not a URL or path: {value!r} (e.g. {EXAMPLE_HOST!r})")
    if host != value or any(c.isspace() for c in host):
        raise InvalidInput(prop, f"must not contain whitespace: {value!r}")
    host = host.lower().removesuffix(".")  # a fully-qualified trailing dot names the same host
    if not host.isascii():
        raise InvalidInput(prop, f"{value!r} has non-ASCII characters; give the IDNA (punycode, 'xn--...') form")
    if len(host) > 253:
        raise InvalidInput(prop, f"is {len(host)} characters long; a hostname has at most 253")
    labels = host.split(".")
    if len(labels) < 2:
        raise InvalidInput(prop, f"{value!r} has no dot; give a fully-qualified hostname such as {EXAMPLE_HOST!r}")
    for label in labels:
        if not label:
            raise InvalidInput(prop, f"{value!r} has an empty label (two dots in a row, or a leading dot)")
        if len(label) > 63:
            raise InvalidInput(prop, f"label {label[:20]!r}... is {len(label)} characters; at most 63 are allowed")
        if not _LABEL.match(label):
            raise InvalidInput(prop, f"label {label!r} in {value!r} is invalid: use letters, digits and inner "
                                     "hyphens only (RFC 1123); no underscores, and no hyphen at either end")
    if labels[-1].isdigit():
        raise InvalidInput(prop, f"{value!r} looks like an IP address; SparkPost needs a DNS hostname")
    return host


def validate_bool(value: Any, prop: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(prop, f"must be true or false (a boolean), got {value!r}")
    return value


def validate_subaccount_id(value: Any, prop: str = "subaccount_id") -> int | None:
    if value is None:
        return None
    # Pulumi carries numbers as floats on the wire, so 7.0 is the subaccount 7.
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not value.is_integer()):
        raise InvalidInput(prop, f"must be a whole number (the SparkPost subaccount id), got {value!r}; "
                                 "leave it out for the primary account")
    number = int(value)
    if number < 1 or number > MAX_SUBACCOUNT_ID:
        raise InvalidInput(prop, f"must be between 1 and {MAX_SUBACCOUNT_ID}, got {number}; "
                                 "leave it out for the primary account")
    return number


#: The DKIM key lengths SparkPost generates (its reference: 1024 to 4096 bits, 2048 by default).
DKIM_KEY_LENGTHS: Final[tuple[int, int]] = (1024, 4096)


def validate_dkim_key_length(value: Any, prop: str = "dkim_key_length") -> int:
    low, high = DKIM_KEY_LENGTHS
    # Pulumi carries numbers as floats on the wire, so 2048.0 is 2048 bits.
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not value.is_integer()) or not low <= value <= high:
        raise InvalidInput(prop, f"must be a whole number of bits from {low} to {high}, got {value!r}; leave it out "
                                 "for SparkPost's 2048 (1024 only for a DNS provider that cannot hold a TXT record of "
                                 "several strings)")
    return int(value)


def validate_region(value: Any, prop: str = "region") -> str:
    if not isinstance(value, str) or value.strip().lower() not in REGIONS:
        hint = did_you_mean(value.strip(), REGIONS) if isinstance(value, str) else ""
        raise InvalidInput(prop, f"must be one of {', '.join(map(repr, REGIONS))}, got {value!r}.{hint} "
                                 "(use api_url for an Enterprise tenant)")
    return value.strip().lower()


def validate_api_url(value: Any, prop: str = "api_url") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(prop, f"must be a URL string such as 'https://api.sparkpost.com/api/v1', got {value!r}")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(prop, f"must be an http(s) URL with a host, e.g. 'https://api.sparkpost.com/api/v1', "
                                 f"got {value!r}")
    if parts.username or parts.password:
        raise InvalidInput(prop, "must not embed credentials; set the key with "
                                 "'pulumi config set --secret sparkpost:apiKey ...'")
    if parts.query or parts.fragment:
        raise InvalidInput(prop, f"must not have a query string or fragment: {value!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InvalidInput(prop, "must use https: the API key travels in every request "
                                 "(plain http is allowed only for a local emulator on loopback)")
    if not parts.path.rstrip("/").endswith("/api/v1"):
        raise InvalidInput(prop, f"must be the full API base ending in '/api/v1', got {value!r}")
    return normalize_api_url(value)


def validate_enterprise_tenant(value: Any, prop: str = "enterprise_tenant") -> str:
    """The tenant label (``acme`` of ``acme.et.e.sparkpost.com``); the full host is accepted too."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(prop, f"must be the Enterprise tenant name, e.g. 'acme' for "
                                 f"'acme{ENTERPRISE_TRACKING_SUFFIX}', got {value!r}")
    tenant = value.strip().lower().removesuffix(".").removesuffix(ENTERPRISE_TRACKING_SUFFIX)
    if "." in tenant:
        raise InvalidInput(prop, f"must be one DNS label (the tenant of '<tenant>{ENTERPRISE_TRACKING_SUFFIX}'), "
                                 f"got {value!r}")
    # The hostname rules live in one place: check the host this tenant makes.
    validate_domain(enterprise_origin(tenant), prop)
    return tenant
