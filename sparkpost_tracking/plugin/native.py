"""The resources the plugin serves natively: one table entry each, over the code of its dynamic twin.

An entry names the resource and points at what already exists for the Python dynamic resource: the args
TypedDict that declares every input once (``Annotated[..., Property(...)]``), the outputs TypedDict, and the
engine-neutral service whose ``check``/``diff``/``create``/``read``/``update``/``delete`` do the work on both paths.
The schema, the wire names and the dispatch all derive from the entry, so serving another resource natively is one
more entry here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from pulumi.provider.experimental.property_value import PropertyValue

from sparkpost_tracking.dynamic_providers.associations import AssociationService
from sparkpost_tracking.dynamic_providers.schema import (
    Property,
    SendingDomainArgs,
    SendingDomainOutputs,
    TrackingDomainArgs,
    TrackingDomainAssociationArgs,
    TrackingDomainAssociationOutputs,
    TrackingDomainOutputs,
    properties_of,
)
from sparkpost_tracking.dynamic_providers.sending_domains import SendingDomainService
from sparkpost_tracking.dynamic_providers.sending_verification import (
    VERIFICATION,
    SendingDomainVerificationArgs,
    SendingDomainVerificationOutputs,
    SendingDomainVerificationService,
)
from sparkpost_tracking.dynamic_providers.service import Service
from sparkpost_tracking.dynamic_providers.settings import CONFIG_NAMESPACE
from sparkpost_tracking.dynamic_providers.tracking_domains import TrackingDomainService
from sparkpost_tracking.dynamic_providers.types import ASSOCIATION as ASSOCIATION_TYPE
from sparkpost_tracking.dynamic_providers.types import PACKAGE, package_token
from sparkpost_tracking.dynamic_providers.types import SENDING_DOMAIN as SENDING_DOMAIN_TYPE
from sparkpost_tracking.dynamic_providers.types import TRACKING_DOMAIN as TRACKING_DOMAIN_TYPE

from .wire import UNKNOWN, Names


@dataclass(frozen=True)
class NativeResource:
    """One natively served resource, type ``sparkpost-tracking:index:<name>``."""

    name: str
    description: str
    #: The TypedDict declaring each input once, with its ``Property`` (doc, default, change rule, validator).
    args: type
    #: The TypedDict of what the API reports besides the inputs (``Annotated[type, doc]``).
    outputs: type
    #: The engine-neutral service: the one implementation of check, diff and CRUD, shared with the dynamic twin.
    service: type[Service]

    @property
    def token(self) -> str:
        return package_token(self.name)

    @cached_property
    def inputs(self) -> dict[str, Property]:
        return properties_of(self.args)

    @property
    def required(self) -> frozenset[str]:
        """The inputs without which the resource cannot exist (snake_case)."""
        return frozenset(getattr(self.args, "__required_keys__", ()))

    @cached_property
    def names(self) -> Names:
        """Wire names of every property: the inputs, then the outputs."""
        return Names([*self.inputs, *self.outputs.__annotations__])

    def previewed(self, inputs: Mapping[str, Any], secret: set[str]) -> dict[str, PropertyValue]:
        """A preview's outputs: the inputs as given, and every reported output unknown until SparkPost answers."""
        props = self.names.to_wire({k: v for k, v in inputs.items() if k in self.inputs}, secret)
        props.update({self.names.wire[k]: UNKNOWN for k in self.outputs.__annotations__})
        return props


TRACKING_DOMAIN: Final[NativeResource] = NativeResource(
    name=TRACKING_DOMAIN_TYPE.name,
    description=(
        "A SparkPost tracking domain (the hostname SparkPost writes into tracked links). Created, verified and "
        "kept at the declared `secure`/`default` settings through the SparkPost API; its id is the lower-cased "
        "domain, so `pulumi import sparkpost-tracking:index:TrackingDomain <name> <domain>[,<subaccount id>]` "
        "adopts one that exists. The API key comes from the provider's `apiKey` (secret) or SPARKPOST_API_KEY; "
        "it is never an input or an output."),
    args=TrackingDomainArgs,
    outputs=TrackingDomainOutputs,
    service=TrackingDomainService,
)

ASSOCIATION: Final[NativeResource] = NativeResource(
    name=ASSOCIATION_TYPE.name,
    description=(
        "A SparkPost sending domain's tracking domain: SparkPost wraps the links of the sending domain's mail with "
        "it. The sending domain must exist (and be verified) in SparkPost, in the same account or subaccount; its "
        "id is the lower-cased sending domain (import id `<sending domain>[,<subaccount id>]`). Create, update "
        "and delete read the sending domain, then write only an association that is this stack's: one that names "
        "another tracking domain is re-pointed only with `replaceExisting`, and cleared on delete never."),
    args=TrackingDomainAssociationArgs,
    outputs=TrackingDomainAssociationOutputs,
    service=AssociationService,
)

SENDING_DOMAIN: Final[NativeResource] = NativeResource(
    name=SENDING_DOMAIN_TYPE.name,
    description=(
        "A SparkPost sending domain, with the DKIM key SparkPost generates for it. Its outputs are the status fields "
        "and the DNS records to publish (`dkimRecordName`/`dkimRecordValue`, and `bounceRecordName`/"
        "`bounceRecordValue` for a bounce domain). Its id is the lower-cased domain (import id "
        "`<domain>[,<subaccount id>]`). Created only after a read shows the name free; a name that exists is taken "
        "over only with `adoptExisting`. Its tracking domain is written by a TrackingDomainAssociation, never by "
        "this resource. A change of `dkimKeyLength` is refused until key rotation is built."),
    args=SendingDomainArgs,
    outputs=SendingDomainOutputs,
    service=SendingDomainService,
)

SENDING_DOMAIN_VERIFICATION: Final[NativeResource] = NativeResource(
    name=VERIFICATION.name,
    description=(
        "SparkPost's verification of a sending domain's DNS records: `verify` is called until DKIM (`dkim`) and/or "
        "the bounce CNAME (`cname`) are valid, within the provider's `verifyTimeout`, with progress; then, with "
        "`defaultBounceDomain`, the domain is made the default bounce domain of its account or subaccount. Declare "
        "it after the records (dependsOn); a change of `records` verifies again. Its delete writes nothing."),
    args=SendingDomainVerificationArgs,
    outputs=SendingDomainVerificationOutputs,
    service=SendingDomainVerificationService,
)

#: Every natively served resource.
NATIVE_RESOURCES: Final[tuple[NativeResource, ...]] = (TRACKING_DOMAIN, ASSOCIATION, SENDING_DOMAIN,
                                                       SENDING_DOMAIN_VERIFICATION)


_NAMES: Final[dict[str, str]] = {snake: wire for resource in NATIVE_RESOURCES
                                  for snake, wire in resource.names.wire.items() if snake != wire}
_NAME = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(_NAMES, key=len, reverse=True))) + r")(?![\w-])")
_NAMESPACE = re.compile(rf"(?<![\w/-]){re.escape(CONFIG_NAMESPACE)}:(?=\w)")


def in_plugin_namespace(text: str) -> str:
    """Config keys of the shared code's messages in the plugin's namespace (``sparkpost-tracking:verifyTimeout``)."""
    return _NAMESPACE.sub(f"{PACKAGE}:", text)


def in_wire_words(text: str) -> str:
    """A message of the shared code as a user of the plugin reads it: property names as in the schema
    (``adoptExisting``), config keys in the plugin's namespace (``sparkpost-tracking:verifyTimeout``)."""
    return in_plugin_namespace(_NAME.sub(lambda match: _NAMES[match.group(1)], text))
