"""The schema of the SparkPost resources: every property declared once, and what derives from it.

``TrackingDomainArgs`` and ``TrackingDomainAssociationArgs`` are the one declaration of each resource's
inputs: each key's annotation carries a ``Property`` with its default, what a change does, its doc and its
validator. ``TrackingDomainOutputs`` declares what SparkPost reports besides the inputs. Each ``Schema``
below is derived from them, and the input check, the diff rules (``changes``), the resources' seeded
outputs, the components' mapping and the docs derive from the schemas.
"""

# No ``from __future__ import annotations``: the Annotated metadata is read from live annotations.
import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, NotRequired, TypedDict, get_args, get_origin

import pulumi

from .certificate_errors import ERROR_CODES
from .validation import (
    InvalidInput,
    did_you_mean,
    is_unknown,
    validate_api_url,
    validate_bool,
    validate_dkim_key_length,
    validate_domain,
    validate_hostname,
    validate_region,
    validate_subaccount_id,
)


class Change(enum.Enum):
    """What a change of a property does to the tracking domain."""

    REPLACE = "replaces the domain (SparkPost cannot rename it or move it to another account or subaccount)"
    UPDATE = "is sent to SparkPost in place"
    ENDPOINT = "replaces the domain when the effective API base changes; another spelling of the same base does not"
    ONE_WAY = ("turning it on is an update; turning it off replaces the domain (SparkPost has no way to take "
               "a managed certificate back)")
    STATE = "lives only in Pulumi state"
    REFUSED = ("is refused with an error naming it, and nothing is changed (SparkPost cannot change it in place, and "
               "replacing the object would break what depends on it)")


@dataclass(frozen=True)
class Property:
    """The declaration of one input: its doc, default (None = none), change rule and validator."""

    doc: str
    default: Any = None
    change: Change = Change.UPDATE
    validate: Callable[[Any, str], Any] = validate_bool


class TrackingDomainArgs(TypedDict):
    """Inputs of a SparkPost tracking domain. Only ``domain`` is required."""

    domain: Annotated[pulumi.Input[str], Property(
        "The tracking hostname, e.g. 'track.example.com' (a subdomain; stored lower-case).",
        change=Change.REPLACE, validate=validate_domain)]
    secure: NotRequired[Annotated[pulumi.Input[bool], Property(
        "SparkPost writes tracked links as https.", default=True)]]
    default: NotRequired[Annotated[pulumi.Input[bool], Property(
        "The default tracking domain of its account or subaccount; set only once verified.", default=False)]]
    subaccount_id: NotRequired[Annotated[pulumi.Input[int], Property(
        "The owning SparkPost subaccount (sent as X-MSYS-SUBACCOUNT on every call); absent for the primary "
        "account.", change=Change.REPLACE, validate=validate_subaccount_id)]]
    region: NotRequired[Annotated[pulumi.Input[str], Property(
        "SparkPost region of the account: 'us' or 'eu' (separate accounts with separate keys).",
        default="us", change=Change.ENDPOINT, validate=validate_region)]]
    api_url: NotRequired[Annotated[pulumi.Input[str], Property(
        "Full API base ending in /api/v1 (an Enterprise tenant, the local emulator); wins over region.",
        change=Change.ENDPOINT, validate=validate_api_url)]]
    verify: NotRequired[Annotated[pulumi.Input[bool], Property(
        "After create or update, call verify and wait (bounded) until SparkPost reports the domain verified.",
        default=True)]]
    managed_certificate: NotRequired[Annotated[pulumi.Input[bool], Property(
        "SparkPost-managed HTTPS (Let's Encrypt): verify, certificate check and enable, wait until valid.",
        default=False, change=Change.ONE_WAY)]]
    adopt_existing: NotRequired[Annotated[pulumi.Input[bool], Property(
        "If the domain already exists in the account, take it over (bringing secure/default to the declared "
        "values) instead of failing.", default=False, change=Change.STATE)]]


class TrackingDomainOutputs(TypedDict):
    """What SparkPost reports about a tracking domain, besides the inputs."""

    port: Annotated[int, "80 or 443; follows secure."]
    verified: Annotated[bool, "SparkPost verified the domain through the whole chain."]
    cname_status: Annotated[str | None, "unverified, pending, invalid or valid (may be empty once verified)."]
    compliance_status: Annotated[str | None, "pending, valid or blocked."]
    tls_status: Annotated[str | None, "Managed certificate: unknown, unavailable, pending, failed, expired or valid."]
    uses_managed_certificate: Annotated[bool, "SparkPost manages the domain's certificate."]
    certificate_issued_at: Annotated[str | None, "Managed certificate: when it was issued (ISO 8601), if it was."]
    certificate_expires_at: Annotated[str | None, "Managed certificate: when it expires (ISO 8601); SparkPost renews "
                                                  "it before then."]
    certificate_error: Annotated[str | None, "Managed certificate: SparkPost's error_code of a failed issuance "
                                             f"({', '.join(ERROR_CODES)}), if any; docs/managed-https.md says what "
                                             "each means and how to fix it."]


class TrackingDomainAssociationArgs(TypedDict):
    """Inputs of the association of a sending domain with a tracking domain. Both domains are required."""

    sending_domain: Annotated[pulumi.Input[str], Property(
        "An existing SparkPost sending domain (e.g. 'example.com'); SparkPost wraps its links with the tracking "
        "domain.", change=Change.REPLACE, validate=validate_hostname)]
    tracking_domain: Annotated[pulumi.Input[str], Property(
        "The tracking domain to use for this sending domain; it must exist in the same account or subaccount.",
        validate=validate_domain)]
    subaccount_id: NotRequired[Annotated[pulumi.Input[int], Property(
        "The subaccount both domains belong to (sent as X-MSYS-SUBACCOUNT); absent for the primary account.",
        change=Change.REPLACE, validate=validate_subaccount_id)]]
    region: NotRequired[Annotated[pulumi.Input[str], Property(
        "SparkPost region of the account: 'us' or 'eu'.", default="us", change=Change.ENDPOINT,
        validate=validate_region)]]
    api_url: NotRequired[Annotated[pulumi.Input[str], Property(
        "Full API base ending in /api/v1 (an Enterprise tenant, the local emulator); wins over region.",
        change=Change.ENDPOINT, validate=validate_api_url)]]
    adopt_existing: NotRequired[Annotated[pulumi.Input[bool], Property(
        "Take over an association that is in place already. Every create reads the sending domain first and "
        "writes nothing when it names this tracking domain, so this only records the intent (an import declares "
        "it).", default=False, change=Change.STATE)]]
    replace_existing: NotRequired[Annotated[pulumi.Input[bool], Property(
        "If the sending domain uses another tracking domain (someone else's choice), re-point it to this one. "
        "Without it, such a create or update fails and writes nothing, and a refresh that finds the sending domain "
        "re-pointed stops.", default=False, change=Change.STATE)]]


class SendingDomainArgs(TypedDict):
    """Inputs of a SparkPost sending domain. Only ``domain`` is required."""

    domain: Annotated[pulumi.Input[str], Property(
        "The sending domain, e.g. 'example.com' or 'bounce.example.com' (an apex is allowed; stored lower-case).",
        change=Change.REPLACE, validate=validate_hostname)]
    subaccount_id: NotRequired[Annotated[pulumi.Input[int], Property(
        "The owning SparkPost subaccount (sent as X-MSYS-SUBACCOUNT on every call); absent for the primary "
        "account.", change=Change.REPLACE, validate=validate_subaccount_id)]]
    region: NotRequired[Annotated[pulumi.Input[str], Property(
        "SparkPost region of the account: 'us' or 'eu' (separate accounts with separate keys).",
        default="us", change=Change.ENDPOINT, validate=validate_region)]]
    api_url: NotRequired[Annotated[pulumi.Input[str], Property(
        "Full API base ending in /api/v1 (an Enterprise tenant, the local emulator); wins over region.",
        change=Change.ENDPOINT, validate=validate_api_url)]]
    dkim_key_length: NotRequired[Annotated[pulumi.Input[int], Property(
        "Bits of the DKIM key SparkPost generates at the create: 1024 to 4096 (1024 only for a DNS provider that "
        "cannot hold a TXT record of several strings). Key rotation is not built yet.", default=2048,
        change=Change.REFUSED, validate=validate_dkim_key_length)]]
    shared_with_subaccounts: NotRequired[Annotated[pulumi.Input[bool], Property(
        "Subaccounts may send from this domain (a primary-account domain only).", default=False)]]
    adopt_existing: NotRequired[Annotated[pulumi.Input[bool], Property(
        "If the domain already exists in the account, take it over (bringing shared_with_subaccounts to the declared "
        "value) instead of failing.", default=False, change=Change.STATE)]]


class SendingDomainOutputs(TypedDict):
    """What SparkPost reports about a sending domain, besides the inputs, and the DNS records it needs."""

    ownership_verified: Annotated[bool, "SparkPost verified the domain in some way (DKIM, CNAME, MX or a mailbox)."]
    dkim_status: Annotated[str | None, "unverified, pending, invalid or valid."]
    cname_status: Annotated[str | None, "unverified, pending, invalid or valid (bounce domains are verified by "
                                        "CNAME)."]
    mx_status: Annotated[str | None, "unverified, pending, invalid or valid (Enterprise only)."]
    compliance_status: Annotated[str | None, "valid or blocked."]
    is_default_bounce_domain: Annotated[bool, "The default bounce domain of its account or subaccount."]
    tracking_domain: Annotated[str | None, "The tracking domain SparkPost wraps this domain's links with (set by a "
                                           "TrackingDomainAssociation); empty for none."]
    creation_time: Annotated[str | None, "When SparkPost made the domain, if it reports it (a new value means the "
                                         "domain was deleted and made again)."]
    dkim_selector: Annotated[str | None, "The DKIM key's selector."]
    dkim_public_key: Annotated[str | None, "The DKIM public key (base64), as SparkPost expects it in DNS."]
    dkim_record_name: Annotated[str | None, "The DKIM TXT record to publish: {selector}._domainkey.{domain}."]
    dkim_record_value: Annotated[str | None, "Its value, v=DKIM1; k=rsa; h=sha256; p={public key} (longer than 255 "
                                             "characters for a 2048-bit key: published as several strings)."]
    bounce_record_name: Annotated[str, "For a bounce domain: the CNAME record to publish (the domain itself)."]
    bounce_record_value: Annotated[str, "Its target: the region's bounce host (sparkpostmail.com, "
                                        "eu.sparkpostmail.com)."]


class SendingDomainAttributes:
    """The typed attributes of a sending-domain resource, dynamic or served by the plugin: every input and output
    of ``SendingDomainArgs`` and ``SendingDomainOutputs``."""

    domain: pulumi.Output[str]
    subaccount_id: pulumi.Output[int | None]
    region: pulumi.Output[str]
    api_url: pulumi.Output[str | None]
    dkim_key_length: pulumi.Output[int]
    shared_with_subaccounts: pulumi.Output[bool]
    adopt_existing: pulumi.Output[bool]
    ownership_verified: pulumi.Output[bool]
    dkim_status: pulumi.Output[str | None]
    cname_status: pulumi.Output[str | None]
    mx_status: pulumi.Output[str | None]
    compliance_status: pulumi.Output[str | None]
    is_default_bounce_domain: pulumi.Output[bool]
    tracking_domain: pulumi.Output[str | None]
    creation_time: pulumi.Output[str | None]
    dkim_selector: pulumi.Output[str | None]
    dkim_public_key: pulumi.Output[str | None]
    dkim_record_name: pulumi.Output[str | None]
    dkim_record_value: pulumi.Output[str | None]
    bounce_record_name: pulumi.Output[str]
    bounce_record_value: pulumi.Output[str]


class TrackingDomainAttributes:
    """The typed attributes of a tracking-domain resource, dynamic or served by the plugin: every input and
    output of ``TrackingDomainArgs`` and ``TrackingDomainOutputs`` (tests keep the three in step)."""

    domain: pulumi.Output[str]
    secure: pulumi.Output[bool]
    default: pulumi.Output[bool]
    subaccount_id: pulumi.Output[int | None]
    region: pulumi.Output[str]
    api_url: pulumi.Output[str | None]
    verify: pulumi.Output[bool]
    managed_certificate: pulumi.Output[bool]
    adopt_existing: pulumi.Output[bool]
    port: pulumi.Output[int]
    verified: pulumi.Output[bool]
    cname_status: pulumi.Output[str | None]
    compliance_status: pulumi.Output[str | None]
    tls_status: pulumi.Output[str | None]
    uses_managed_certificate: pulumi.Output[bool]
    certificate_issued_at: pulumi.Output[str | None]
    certificate_expires_at: pulumi.Output[str | None]
    certificate_error: pulumi.Output[str | None]


def own_annotations(attributes: type) -> dict[str, Any]:
    """The annotations a resource class must carry itself: Pulumi types a resource's outputs from the class's
    own annotations only (not inherited ones), so without them an int ``port`` would arrive as a float."""
    return dict(attributes.__annotations__)


class TrackingDomainAssociationAttributes:
    """The typed attributes of an association resource, dynamic or served by the plugin."""

    sending_domain: pulumi.Output[str]
    tracking_domain: pulumi.Output[str]
    subaccount_id: pulumi.Output[int | None]
    region: pulumi.Output[str]
    api_url: pulumi.Output[str | None]
    adopt_existing: pulumi.Output[bool]
    replace_existing: pulumi.Output[bool]


class TrackingDomainAssociationOutputs(TypedDict):
    """What SparkPost reports about an association besides its inputs: nothing (``tracking_domain`` is read back)."""


def properties_of(args_type: type) -> dict[str, Property]:
    """Each input of an args TypedDict declared like ``TrackingDomainArgs`` -> its ``Property``, in order."""
    found: dict[str, Property] = {}
    for name, hint in args_type.__annotations__.items():
        while get_origin(hint) is not Annotated:  # unwrap NotRequired[...]
            hint = get_args(hint)[0]
        found[name] = next(m for m in get_args(hint)[1:] if isinstance(m, Property))
    return found


def _no_cross_checks(inputs: Mapping[str, Any]) -> list[InvalidInput]:
    return []


@dataclass(frozen=True)
class Schema:
    """One resource's inputs, derived from its ``...Args`` declaration, and its input check."""

    title: str
    """How an error names the resource, e.g. 'tracking-domain'."""
    id_key: str
    """The input whose value is the resource id (SparkPost names the object by it)."""
    inputs: dict[str, Property]
    required: frozenset[str]
    outputs: tuple[str, ...] = ()
    cross_checks: Callable[[Mapping[str, Any]], list[InvalidInput]] = field(default=_no_cross_checks)
    #: Keys that are deliberately not inputs, and what to do instead (said before any other reason).
    elsewhere: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, title: str, id_key: str, args_type: Any, outputs: tuple[str, ...] = (),
           cross_checks: Callable[[Mapping[str, Any]], list[InvalidInput]] = _no_cross_checks,
           elsewhere: Mapping[str, str] | None = None) -> "Schema":
        return cls(title, id_key, properties_of(args_type), frozenset(args_type.__required_keys__), outputs,
                   cross_checks, dict(elsewhere or {}))

    @property
    def input_keys(self) -> frozenset[str]:
        return frozenset(self.inputs)

    @property
    def defaults(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.inputs.items()}

    def unknown_input_failures(self, keys: Iterable[str]) -> list[InvalidInput]:
        """A failure for each key that is not an input (the engine's ``__provider`` aside), saying what to do."""
        failures: list[InvalidInput] = []
        for key in sorted(set(keys) - self.input_keys - {"__provider"}):
            if key in self.elsewhere:
                failures.append(InvalidInput(key, self.elsewhere[key]))
            elif key in ("api_key", "apiKey"):
                failures.append(InvalidInput(key, "the API key is never an input (it would land in state); use "
                                                  "'pulumi config set --secret sparkpost:apiKey ...' or "
                                                  "SPARKPOST_API_KEY"))
            elif key in self.outputs:
                failures.append(InvalidInput(key, "is an output reported by SparkPost and cannot be set"))
            else:
                failures.append(InvalidInput(key, f"is not a {self.title} property."
                                                  f"{did_you_mean(key, self.input_keys)} "
                                                  f"Known: {', '.join(sorted(self.input_keys))}"))
        return failures

    def check(self, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[InvalidInput]]:
        """Validate and normalize inputs; unknown (preview) values pass through.

        Returns the normalized inputs with defaults filled in, and every failure found, so a user fixes them
        in one go.
        """
        failures = self.unknown_input_failures(news)
        inputs: dict[str, Any] = {}
        for key, prop in self.inputs.items():
            value = news.get(key)
            if value is None:
                if key in self.required:
                    failures.append(InvalidInput(key, f"is required: {prop.doc}"))
                elif prop.default is not None:
                    inputs[key] = prop.default
                continue
            if is_unknown(value):
                inputs[key] = value
                continue
            try:
                inputs[key] = prop.validate(value, key)
            except InvalidInput as exc:
                failures.append(exc)
        if not failures:
            failures.extend(self.cross_checks(inputs))
        return inputs, failures


def _cross_checks(inputs: Mapping[str, Any]) -> list[InvalidInput]:
    def known_true(key: str) -> bool:
        return inputs.get(key) is True

    found: list[InvalidInput] = []
    if known_true("managed_certificate") and inputs.get("secure") is False:
        found.append(InvalidInput("secure", "cannot be false with managed_certificate: true; SparkPost serves a "
                                            "managed-certificate domain over https only. Drop 'secure' or the "
                                            "managed certificate"))
    if known_true("managed_certificate") and inputs.get("verify") is False:
        found.append(InvalidInput("verify", "cannot be false with managed_certificate: true; SparkPost issues a "
                                            "managed certificate only for a verified domain"))
    if known_true("default") and inputs.get("verify") is False:
        found.append(InvalidInput("default", "needs verify: true; SparkPost accepts only a verified domain as "
                                             "the default"))
    return found


TRACKING_DOMAIN: Final[Schema] = Schema.of("tracking-domain", "domain", TrackingDomainArgs,
                                           tuple(TrackingDomainOutputs.__annotations__), _cross_checks)
ASSOCIATION: Final[Schema] = Schema.of("tracking-domain association", "sending_domain",
                                       TrackingDomainAssociationArgs)

SENDING_DOMAIN: Final[Schema] = Schema.of(
    "sending-domain", "domain", SendingDomainArgs, tuple(SendingDomainOutputs.__annotations__),
    elsewhere={"tracking_domain": (
        "is not set on a sending domain: one resource writes a sending domain's tracking domain, and that is a "
        "TrackingDomainAssociation (sending_domain: this domain, tracking_domain: yours). Keep the association and "
        "drop tracking_domain here; the sending domain's tracking_domain output shows what SparkPost uses")})

#: The tracking domain's inputs by name, in declaration order, and what derives from them.
INPUTS: Final[dict[str, Property]] = TRACKING_DOMAIN.inputs
INPUT_KEYS: Final[frozenset[str]] = TRACKING_DOMAIN.input_keys
INPUT_DEFAULTS: Final[dict[str, Any]] = TRACKING_DOMAIN.defaults
REQUIRED_KEYS: Final[frozenset[str]] = TRACKING_DOMAIN.required
OUTPUT_KEYS: Final[tuple[str, ...]] = TRACKING_DOMAIN.outputs
check_inputs: Final = TRACKING_DOMAIN.check
unknown_input_failures: Final = TRACKING_DOMAIN.unknown_input_failures
