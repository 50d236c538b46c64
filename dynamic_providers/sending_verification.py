"""``SendingDomainVerification``: SparkPost verifies a sending domain's DNS records, and (on request) makes it the
default bounce domain of its account or subaccount.

It is a resource of its own because the records depend on the sending domain (its DKIM key is generated at the
create): the sending domain comes first, then its records, then this. Its create and update:

1. ``POST /sending-domains/{domain}/verify`` with ``dkim_verify`` and/or ``cname_verify``, again and again until
   each status asked for is ``valid``, within ``verifyTimeout`` (the tracking domains' setting), with progress;
   on the deadline, an error that says what SparkPost's DNS check last said and which record to publish;
2. with ``default_bounce_domain``, one ``PUT`` of ``is_default_bounce_domain: true`` (SparkPost allows it only once
   ``cname_status`` is valid, so it comes after the wait), unless it is the default already.

Read is one GET (the statuses; a domain gone reads as gone). Delete writes nothing: a verification cannot be undone,
and the bounce domain stays the default until another is made the default (SparkPost keeps one per scope).
"""


from collections.abc import Callable, Mapping
from typing import Annotated, Any, Final, NotRequired, TypedDict

import pulumi

from . import errors
from .lifecycle import MAX_POLL_INTERVAL
from .progress import Progress, WaitStatus, ignore
from .provider_base import SparkPostProvider
from .schema import Change, Property, Schema, own_annotations
from .serialized_provider import SparkPostResource
from .service import Created, Service
from .types import DYNAMIC_MODULE, ResourceType
from .validation import validate_api_url, validate_hostname, validate_region, validate_subaccount_id

VERIFICATION: Final[ResourceType] = ResourceType("SendingDomainVerification")
#: The statuses a verification asks for: the input that asks, the verify call's field, the status it sets.
CHECKS: Final[tuple[tuple[str, str, str], ...]] = (("dkim", "dkim_verify", "dkim_status"),
                                                   ("cname", "cname_verify", "cname_status"))
_TRANSIENT = (errors.RateLimited, errors.ServerError, errors.TransportError)


def _recorded(value: Any, prop: str) -> str:
    """Any text: it only tells the engine that the records changed."""
    return str(value)


class SendingDomainVerificationArgs(TypedDict):
    """Inputs of a sending domain's verification."""

    sending_domain: Annotated[pulumi.Input[str], Property(
        "The SparkPost sending domain to verify (it must exist in the account or subaccount).",
        change=Change.REPLACE, validate=validate_hostname)]
    dkim: NotRequired[Annotated[pulumi.Input[bool], Property(
        "Wait until SparkPost finds the DKIM TXT record (dkim_status valid).", default=False)]]
    cname: NotRequired[Annotated[pulumi.Input[bool], Property(
        "Wait until SparkPost finds the bounce CNAME (cname_status valid).", default=False)]]
    default_bounce_domain: NotRequired[Annotated[pulumi.Input[bool], Property(
        "Then make the domain the default bounce domain of its account or subaccount (needs cname).",
        default=False)]]
    records: NotRequired[Annotated[pulumi.Input[str], Property(
        "What the published records say (e.g. the DKIM TXT value): a change verifies again.",
        validate=_recorded)]]
    subaccount_id: NotRequired[Annotated[pulumi.Input[int], Property(
        "The subaccount of the sending domain (sent as X-MSYS-SUBACCOUNT); absent for the primary account.",
        change=Change.REPLACE, validate=validate_subaccount_id)]]
    region: NotRequired[Annotated[pulumi.Input[str], Property(
        "SparkPost region of the account: 'us' or 'eu'.", default="us", change=Change.ENDPOINT,
        validate=validate_region)]]
    api_url: NotRequired[Annotated[pulumi.Input[str], Property(
        "Full API base ending in /api/v1 (an Enterprise tenant, the local emulator); wins over region.",
        change=Change.ENDPOINT, validate=validate_api_url)]]


class SendingDomainVerificationOutputs(TypedDict):
    dkim_status: Annotated[str | None, "unverified, pending, invalid or valid."]
    cname_status: Annotated[str | None, "unverified, pending, invalid or valid."]
    is_default_bounce_domain: Annotated[bool, "The default bounce domain of its account or subaccount."]


def _cross_checks(inputs: Mapping[str, Any]) -> list[Any]:
    from .validation import InvalidInput

    if inputs.get("default_bounce_domain") is True and inputs.get("cname") is False:
        return [InvalidInput("default_bounce_domain", "needs cname: true (SparkPost makes a domain the default "
                                                      "bounce domain only once its CNAME is verified)")]
    return []


SCHEMA: Final[Schema] = Schema.of("sending-domain verification", "sending_domain", SendingDomainVerificationArgs,
                                  tuple(SendingDomainVerificationOutputs.__annotations__), _cross_checks)


def statuses(found: Mapping[str, Any]) -> dict[str, Any]:
    status = found.get("status") or found
    return {"dkim_status": status.get("dkim_status"), "cname_status": status.get("cname_status"),
            "is_default_bounce_domain": bool(found.get("is_default_bounce_domain", False))}


class SendingDomainVerificationService(Service):
    schema = SCHEMA
    noun = "Sending-domain verification"

    def __init__(self, *args: Any, sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] | None = None, **kwargs: Any) -> None:
        import time

        super().__init__(*args, **kwargs)
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic

    def create(self, inputs: dict[str, Any], progress: Progress = ignore) -> Created:
        inputs = self.declared_inputs(inputs)
        name = str(inputs["sending_domain"])
        return Created(name, {**inputs, **self._verify(name, inputs, progress)})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any], progress: Progress = ignore
               ) -> dict[str, Any]:
        inputs = self.declared_inputs(news)
        return {**inputs, **self._verify(self.name_of(id_), inputs, progress)}

    def observe(self, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        with self.client(inputs) as client:
            return {**inputs, **statuses(client.get_sending_domain(id_))}

    def delete(self, id_: str, state: dict[str, Any]) -> str | None:
        return None  # nothing to undo in SparkPost (see the module's doc)

    def _verify(self, name: str, inputs: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        asked = [(field, status) for flag, field, status in CHECKS if inputs.get(flag)]
        timeout = self.settings.verify_timeout
        started = self.clock()
        interval = max(self.settings.verify_interval, 0.0)
        with self.client(dict(inputs)) as client:
            found: dict[str, Any] = {}
            last = "no answer yet"
            while asked:
                try:
                    answer = client.verify_sending_domain(name, **{field.removesuffix("_verify"): True
                                                                   for field, _ in asked})
                    found = answer
                    if all(answer.get(status) == "valid" for _, status in asked):
                        break
                    dns = answer.get("dns") or {}
                    last = "; ".join(str(dns.get(f"{s.removesuffix('_status')}_error") or f"{s} {answer.get(s)}")
                                     for _, s in asked if answer.get(s) != "valid")
                except errors.NotFound:
                    raise errors.UserError(
                        f"Sending domain {name!r} does not exist in SparkPost, so it cannot be verified. If this "
                        "stack made it, SparkPost removed it (it removes a sending domain left unverified for two "
                        "weeks): 'pulumi up --refresh' makes it again, with a new DKIM key to publish. Else create "
                        "it first (a SendingDomain, or the SendingIdentity component, which orders them).") from None
                except _TRANSIENT as exc:
                    last = f"SparkPost answered {type(exc).__name__}"
                elapsed = self.clock() - started
                progress(WaitStatus(f"verifying sending domain {name}", last, elapsed, timeout))
                if elapsed >= timeout:
                    records = " and ".join(s.removesuffix("_status").upper() for _, s in asked)
                    raise errors.VerificationFailed(
                        f"SparkPost did not verify sending domain {name!r} within {timeout:g}s. Its DNS check last "
                        f"said: {last}. Publish the {records} record{'s' if len(asked) > 1 else ''} the sending "
                        "domain lists (dkim_record_name/dkim_record_value, bounce_record_name/bounce_record_value), "
                        "check them with 'sparkpost-tracking check ... --dkim DOMAIN', and run 'pulumi up' again "
                        "(DNS can take a while to reach SparkPost; sparkpost:verifyTimeout waits longer).")
                self.sleep(min(interval, timeout - elapsed))
                interval = min(max(interval * 2, 1.0), MAX_POLL_INTERVAL)
            if inputs.get("default_bounce_domain"):
                current = client.get_sending_domain(name)
                if not current.get("is_default_bounce_domain"):
                    client.update_sending_domain(name, {"is_default_bounce_domain": True})
                found = {**current, "is_default_bounce_domain": True}
            elif not found:
                found = client.get_sending_domain(name)
        return statuses(found)


class SendingDomainVerificationProvider(SparkPostProvider):
    """CRUD for ``pulumi-python:dynamic/sparkpost:SendingDomainVerification``."""

    service_type = SendingDomainVerificationService


class SendingDomainVerificationAttributes:
    """The typed attributes of a sending-domain verification, dynamic or served by the plugin."""

    sending_domain: pulumi.Output[str]
    dkim: pulumi.Output[bool]
    cname: pulumi.Output[bool]
    default_bounce_domain: pulumi.Output[bool]
    records: pulumi.Output[str | None]
    subaccount_id: pulumi.Output[int | None]
    region: pulumi.Output[str]
    api_url: pulumi.Output[str | None]
    dkim_status: pulumi.Output[str | None]
    cname_status: pulumi.Output[str | None]
    is_default_bounce_domain: pulumi.Output[bool]


class SendingDomainVerification(SendingDomainVerificationAttributes, SparkPostResource, module=DYNAMIC_MODULE,
                                name=VERIFICATION.name):
    """SparkPost's verification of a sending domain's records (and its default bounce domain on request), type
    ``pulumi-python:dynamic/sparkpost:SendingDomainVerification``."""

    __annotations__ = own_annotations(SendingDomainVerificationAttributes)

    def __init__(self, resource_name: str, args: SendingDomainVerificationArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        from .resource import before_registering

        before_registering("SendingDomainVerification", resource_name, SCHEMA, args)
        props: dict[str, Any] = {**dict.fromkeys(SCHEMA.outputs), **args}
        super().__init__(SendingDomainVerificationProvider(), resource_name, props, opts)


# Pickle by the public path so refactors inside the package never break existing stacks' state.
SendingDomainVerificationProvider.__module__ = "sparkpost_tracking.dynamic_providers"
