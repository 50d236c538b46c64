"""Argument types shared by every component, and the reader that validates them before anything is registered.

No provider SDK is imported here: the stack program and ``import sparkpost_tracking.components`` stay cheap.
"""

from collections.abc import Callable, Collection, Mapping
from typing import Any, NoReturn, NotRequired, TypedDict

import pulumi

from sparkpost_tracking.dynamic_providers.validation import InvalidInput, did_you_mean, validate_bool, validate_hostname

from .errors import ComponentArgumentError


class CommonArgs(TypedDict):
    """Arguments every tracking-domain component takes."""

    domain: str
    """The tracking hostname, e.g. ``track.example.com`` (a subdomain; stored lower-case)."""
    region: NotRequired[str]
    """SparkPost region of the account: ``us`` (default) or ``eu``."""
    subaccount_id: NotRequired[int]
    """The owning SparkPost subaccount; leave out for the primary account."""
    make_default: NotRequired[bool]
    """Make this the default tracking domain of its account/subaccount once verified (default false)."""
    verify: NotRequired[bool]
    """Verify the domain with SparkPost after the chain is built and wait until verified (default true)."""
    adopt_existing: NotRequired[bool]
    """Take over a tracking domain that already exists in SparkPost (e.g. an insecure one) instead of failing."""
    api_url: NotRequired[str]
    """Full SparkPost API base ending in ``/api/v1`` (Enterprise tenants, a local emulator)."""
    enterprise_tenant: NotRequired[str]
    """SparkPost Enterprise tenant: the CDN origin becomes ``<tenant>.et.e.sparkpost.com`` (needs ``api_url``)."""
    sending_domains: NotRequired[list[str]]
    """Sending domains (existing in SparkPost, in the same account or subaccount) whose links this tracking
    domain wraps: one ``TrackingDomainAssociation`` each. Without any, SparkPost uses the domain only as a default."""
    protect: NotRequired[bool]
    """Protect the resources that serve links already sent (the SparkPost domain, its associations, the host's DNS
    record, the CDN distribution or service) from delete and replace (default true). Turn it off, and ``pulumi up``,
    only to retire the domain (docs/retiring.md)."""


class DnsArgs(TypedDict):
    """Where the stack manages the DNS records the chain needs (validation records and the host's record)."""

    dns: NotRequired[str]
    """``manual`` (default: records are exported in ``dns_records``), ``route53`` or ``cloudflare``."""
    dns_zone_id: NotRequired[pulumi.Input[str]]
    """The Route 53 hosted zone id or Cloudflare zone id; required unless ``dns`` is ``manual``."""
    dns_ttl: NotRequired[int]
    """TTL of the records the stack creates, seconds (default 3600, SparkPost's advice)."""


class DnsRecord(TypedDict):
    """A DNS record a person must create by hand."""

    name: str
    type: str
    value: str


def arg_keys(args_type: Any) -> frozenset[str]:
    """Every key a TypedDict accepts (inherited ones included)."""
    return frozenset(args_type.__required_keys__ | args_type.__optional_keys__)


class ArgReader:
    """Reads and validates one component's arguments; every failure names the argument.

    Raises ``ComponentArgumentError`` ("<Component> '<name>': <arg>: <reason>").
    """

    def __init__(self, component: str, resource_name: str, args: Any, allowed: Collection[str]) -> None:
        self.component = component
        self.resource_name = resource_name
        if not isinstance(resource_name, str) or not resource_name:
            self.fail("resource_name", f"must be a non-empty string, got {resource_name!r}")
        if not isinstance(args, Mapping):
            self.fail("args", f"must be a dict of arguments, got {type(args).__name__}")
        self.args: Mapping[str, Any] = args
        for key in sorted(set(args) - set(allowed), key=str):
            self.fail(str(key), f"is not an argument of {component}.{did_you_mean(key, allowed)} "
                                f"Known: {', '.join(sorted(allowed))}")

    def fail(self, prop: str, reason: str) -> NoReturn:
        raise ComponentArgumentError(self.component, self.resource_name, prop, reason)

    def value(self, key: str, default: Any = None, *, output_ok: bool = False) -> Any:
        """The raw value (``default`` when absent); an ``Output`` only where ``output_ok``."""
        value = self.args.get(key)
        if value is None:
            return default
        if not output_ok and isinstance(value, pulumi.Output):
            self.fail(key, "must be a plain value known when the program runs, not an Output "
                           "(it decides which resources are created)")
        return value

    def validated(self, key: str, validator: Callable[[Any, str], Any], default: Any = None) -> Any:
        """The value passed through one of the shared validators (``dynamic_providers.validation``)."""
        value = self.value(key)
        return default if value is None else self.validated_value(key, value, validator)

    def flag(self, key: str, default: bool) -> bool:
        return bool(self.validated(key, validate_bool, default))

    def choice(self, key: str, choices: Collection[str], default: str) -> str:
        value = self.value(key, default)
        if not isinstance(value, str) or value not in choices:
            self.fail(key, f"must be one of {', '.join(map(repr, choices))}, got {value!r}."
                           f"{did_you_mean(value, choices)}")
        return value

    def identifier(self, key: str, *, required: bool, what: str) -> pulumi.Input[str] | None:
        """A provider id (zone id, ARN...): a non-empty string, or an Output of one."""
        value = self.value(key, output_ok=True)
        if value is None:
            if required:
                self.fail(key, f"is required: {what}")
            return None
        if isinstance(value, pulumi.Output):
            return value
        if not isinstance(value, str) or not value.strip() or value != value.strip():
            self.fail(key, f"must be {what} (a non-empty string without spaces), got {value!r}")
        return value

    def hostnames(self, key: str) -> tuple[str, ...]:
        """A list of distinct host names (each checked like a sending domain), lower-case; empty when absent."""
        value = self.value(key, [])
        if isinstance(value, str) or not isinstance(value, list | tuple):
            self.fail(key, f"must be a list of domain names, e.g. ['example.com'], got {value!r}")
        names = tuple(self.validated_value(key, item, validate_hostname) for item in value)
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            self.fail(key, f"lists {', '.join(map(repr, repeated))} more than once")
        return names

    def validated_value(self, key: str, value: Any, validator: Callable[[Any, str], Any]) -> Any:
        """``value`` (one item of argument ``key``) passed through a shared validator."""
        try:
            return validator(value, key)
        except InvalidInput as exc:
            self.fail(exc.prop, exc.reason)

    def integer(self, key: str, default: int, *, low: int, high: int) -> int:
        value = self.value(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value \
                or not low <= value <= high:
            self.fail(key, f"must be a whole number from {low} to {high}, got {value!r}")
        return int(value)
