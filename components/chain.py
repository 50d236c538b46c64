"""What every tracking-domain component shares: common argument validation, the SparkPost side
(the ``TrackingDomain`` dynamic resource, created last), the common outputs and ``register_outputs``.

A CDN component subclasses ``TrackingDomainComponent`` and implements ``_build`` (its own resources);
it returns where the host must point and what the SparkPost domain must wait for.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import pulumi

from sparkpost_tracking.dynamic_providers.types import package_token
from sparkpost_tracking.dynamic_providers.validation import validate_enterprise_tenant

from .args import ArgReader, CommonArgs, DnsRecord, arg_keys
from .dns import DnsSettings, DnsStrategy, dns_strategy, known, read_dns

# The provider's schema, its certificate outputs and its hosts load when the first component is built: importing a
# component (a program's first line, the plugin describing its schema) does not need them.
if TYPE_CHECKING:
    from sparkpost_tracking.dynamic_providers.schema import TrackingDomainArgs, TrackingDomainAssociationArgs


#: Each common argument that is a ``TrackingDomain`` property has the property's name, except ``make_default``
#: (``default`` would read as "the default value").
_RENAMED: dict[str, str] = {"make_default": "default"}


@cache
def _td_prop_of_arg() -> dict[str, str]:
    """The common arguments that are ``TrackingDomain`` properties, validated by the provider's own
    ``check_inputs``: argument name -> property name."""
    from sparkpost_tracking.dynamic_providers.schema import INPUT_KEYS

    return {arg: _RENAMED.get(arg, arg) for arg in sorted(arg_keys(CommonArgs)) if _RENAMED.get(arg, arg) in INPUT_KEYS}


def _arg_of_td_prop(prop: str) -> str:
    return next((arg for arg, p in _td_prop_of_arg().items() if p == prop), prop)


@dataclass(frozen=True)
class Common:
    """The validated common arguments of one component."""

    sparkpost: "TrackingDomainArgs"
    """The checked inputs of the SparkPost ``TrackingDomain`` this component ends in (defaults filled in)."""
    enterprise_tenant: str | None
    dns: DnsSettings | None
    sending_domains: tuple[str, ...] = ()
    #: Whether the resources that serve sent links are protected (``protect``, default true).
    protect: bool = True

    @property
    def domain(self) -> str:
        return str(self.sparkpost["domain"])

    @property
    def region(self) -> str:
        return str(self.sparkpost["region"])

    @property
    def api_url(self) -> str | None:
        return self.sparkpost.get("api_url")  # type: ignore[return-value]

    @property
    def subaccount_id(self) -> int | None:
        return self.sparkpost.get("subaccount_id")  # type: ignore[return-value]

    @property
    def make_default(self) -> bool:
        return bool(self.sparkpost["default"])

    @property
    def origin(self) -> str:
        """The SparkPost tracking host a CDN forwards to."""
        from sparkpost_tracking.dynamic_providers.hosts import cdn_origin

        return cdn_origin(self.region, self.enterprise_tenant)


def read_common(reader: ArgReader, *, uses_dns: bool, managed_certificate: bool) -> Common:
    from sparkpost_tracking.dynamic_providers.schema import check_inputs

    raw: dict[str, Any] = {prop: reader.value(arg) for arg, prop in _td_prop_of_arg().items()}
    raw.update(secure=True, managed_certificate=managed_certificate)
    inputs, failures = check_inputs(raw)
    if failures:
        first, *more = failures
        also = "".join(f"; also {_arg_of_td_prop(f.prop)}: {f.reason}" for f in more)
        reader.fail(_arg_of_td_prop(first.prop), first.reason + also)
    tenant = reader.validated("enterprise_tenant", validate_enterprise_tenant)
    if tenant and not inputs.get("api_url"):
        reader.fail("api_url", f"is required with enterprise_tenant {tenant!r}: the tenant's API base, e.g. "
                               f"'https://{tenant}.api.e.sparkpost.com/api/v1' (ask SparkPost for yours)")
    return Common(sparkpost=inputs, enterprise_tenant=tenant,  # type: ignore[arg-type]
                  dns=read_dns(reader) if uses_dns else None, sending_domains=reader.hostnames("sending_domains"),
                  protect=reader.flag("protect", True))


class SparkPostDomain(Protocol):
    """The SparkPost resource a chain ends in: built as ``(name, args, opts)``, with the outputs a component
    passes on."""

    verified: pulumi.Output[bool]
    certificate_issued_at: pulumi.Output[str | None]
    certificate_expires_at: pulumi.Output[str | None]
    certificate_error: pulumi.Output[str | None]

    def __init__(self, resource_name: str, args: "TrackingDomainArgs", opts: pulumi.ResourceOptions) -> None: ...


@dataclass
class Built:
    """What a CDN's ``_build`` made: where the host must point, and what SparkPost must wait for."""

    cname_target: pulumi.Input[str]
    #: Certificate validation and CDN resources; the DNS strategy's records are added by the base class.
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    #: Leave the SparkPost side out for now: a live host's record is adopted but still points at SparkPost.
    defer_sparkpost: bool = False


class TrackingDomainComponent(pulumi.ComponentResource):
    """Base of the four components. Not exported: subclasses give the type token and the args type."""

    domain: pulumi.Output[str]
    """The tracking hostname (lower-case)."""
    cname_target: pulumi.Output[str]
    """Where the tracking host's DNS must point (CDN hostname, SparkPost host)."""
    dns_records: pulumi.Output[list[DnsRecord]]
    """DNS records a person must create by hand (empty when the stack manages that DNS)."""
    verified: pulumi.Output[bool]
    """Whether SparkPost verified the domain through the whole chain."""
    certificate_issued_at: pulumi.Output[str | None]
    """SparkPost-managed certificate: when it was issued (ISO 8601); empty behind a CDN."""
    certificate_expires_at: pulumi.Output[str | None]
    """SparkPost-managed certificate: when it expires (ISO 8601); SparkPost renews it before then."""
    certificate_error: pulumi.Output[str | None]
    """SparkPost-managed certificate: the error_code of a failed issuance, if any (docs/managed-https.md)."""
    # ``tracking_domain`` (the SparkPost ``TrackingDomain`` resource) is set in ``__init__`` but not annotated
    # here: a Python dynamic resource cannot be a schema output of a cross-language component.

    #: The TypedDict of the subclass's arguments (its keys are the accepted argument names).
    _args_type: ClassVar[Any]
    #: Whether the component takes the ``dns``/``dns_zone_id``/``dns_ttl`` arguments.
    _uses_dns: ClassVar[bool] = True
    #: SparkPost-managed HTTPS instead of a CDN certificate.
    _managed_certificate: ClassVar[bool] = False
    #: The SparkPost resource the chain ends in; None is the ``TrackingDomain`` dynamic resource. The provider
    #: plugin, which hosts these components for programs in other languages, puts its native resource here for
    #: its own process (``end_chains_in``): a dynamic resource cannot run there.
    _sparkpost_resource: ClassVar[type[SparkPostDomain] | None] = None
    #: What associations the chain makes with ``sending_domains`` (None: the dynamic ``TrackingDomainAssociation``).
    _sparkpost_association: ClassVar[type[Any] | None] = None
    #: Whether each component logs its records to create by hand; the stack program says them once for all
    #: (``announce_dns_per_component``).
    _announces_dns: ClassVar[bool] = True

    @classmethod
    def validate(cls, resource_name: str, args: Any) -> tuple[Common, Any]:
        """Check every argument without registering anything; raises ``ComponentArgumentError``."""
        reader = ArgReader(cls.__name__, resource_name, args, arg_keys(cls._args_type))
        common = read_common(reader, uses_dns=cls._uses_dns, managed_certificate=cls._managed_certificate)
        return common, cls._read_specific(reader, common)

    @classmethod
    def _read_specific(cls, reader: ArgReader, common: Common) -> Any:
        """Validate the CDN's own arguments; returns whatever ``_build`` needs."""
        return None

    @classmethod
    def exclusive_claims(cls, common: Common, specific: Any) -> list[str]:
        """Things only one component may create (e.g. a zone's one ruleset of a phase), for stack checks."""
        return []

    def _build(self, name: str, common: Common, specific: Any, dns: DnsStrategy | None) -> Built:
        raise NotImplementedError

    #: Whether this component protects the resources that serve sent links (its ``protect`` argument).
    _protects_chain: bool = True

    def _opts(self, depends_on: Sequence[pulumi.Resource] = (), *, serves: bool = False) -> pulumi.ResourceOptions:
        """Options of a child: parented to this component. A child that ``serves`` sent links (the SparkPost
        domain, an association, the CDN distribution or service) is protected unless ``protect`` is off; the
        others (certificates, validation records, policies) are not, so that they can be renewed or rebuilt."""
        return pulumi.ResourceOptions(parent=self, depends_on=list(depends_on) or None,
                                      protect=self._protects_chain if serves else None)

    def _associate(self, name: str, common: Common, tracking_domain: Any) -> list[Any]:
        """One association per sending domain; each waits for the tracking domain (and its verification)."""
        from sparkpost_tracking.dynamic_providers.association import TrackingDomainAssociation

        association = self._sparkpost_association or TrackingDomainAssociation

        made = []
        for sending in common.sending_domains:
            args: TrackingDomainAssociationArgs = {"sending_domain": sending, "tracking_domain": tracking_domain.domain}
            for key in ("subaccount_id", "region", "api_url"):
                if common.sparkpost.get(key) is not None:
                    args[key] = common.sparkpost[key]  # type: ignore[literal-required]
            if common.sparkpost.get("adopt_existing"):
                args["adopt_existing"] = True  # an adopted domain's associations are adopted as they are
            made.append(association(f"{name}-sending-{sending.replace('.', '-')}", args,
                                    self._opts([tracking_domain], serves=True)))
        return made

    def __init__(self, resource_name: str, args: Any, opts: pulumi.ResourceOptions | None = None) -> None:
        sparkpost_resource = self._sparkpost_resource
        if sparkpost_resource is None:
            # The dynamic-resource machinery loads when the first component is built, not on import.
            from sparkpost_tracking.config import check_program_config
            from sparkpost_tracking.dynamic_providers.resource import TrackingDomain

            sparkpost_resource = TrackingDomain
            # A misspelt or plain-text key of ours fails before anything is registered. (Inside the provider
            # plugin the config is the plugin's own, checked by its CheckConfig.)
            check_program_config()

        common, specific = self.validate(resource_name, args)
        super().__init__(package_token(type(self).__name__), resource_name, None, opts)

        self._protects_chain = common.protect
        dns = dns_strategy(common.dns, self, resource_name, protect=common.protect) if common.dns else None
        built = self._build(resource_name, common, specific, dns)

        # SparkPost verifies with an HTTPS request through the chain: certificate, CDN and DNS come first.
        waits_for = [*built.depends_on, *(dns.resources if dns else [])]
        self.tracking_domain: SparkPostDomain | None = None
        self.associations: list[Any] = []
        if not built.defer_sparkpost:
            self.tracking_domain = sparkpost_resource(f"{resource_name}-sparkpost", common.sparkpost,
                                                      self._opts(waits_for, serves=True))
            self.associations = self._associate(resource_name, common, self.tracking_domain)

        from sparkpost_tracking.dynamic_providers.certificate_outputs import CERTIFICATE_OUTPUTS

        records = dns.records if dns else []
        certificate = {key: getattr(self.tracking_domain, key) if self.tracking_domain else None
                       for key in CERTIFICATE_OUTPUTS}
        self.domain = pulumi.Output.from_input(common.domain)
        self.cname_target = pulumi.Output.from_input(built.cname_target)
        self.dns_records = records if isinstance(records, pulumi.Output) else known(records)
        self.verified = (self.tracking_domain.verified.apply(bool) if self.tracking_domain
                         else pulumi.Output.from_input(False))
        for key, value in certificate.items():
            setattr(self, key, pulumi.Output.from_input(value) if value is None else value)
        #: The lines about records to create by hand that this run should say (empty when there are none).
        self.dns_announcement: pulumi.Output[list[str]] = (
            dns.announcement(self.tracking_domain.verified if self.tracking_domain else None) if dns
            else pulumi.Output.from_input([]))
        if self._announces_dns:
            self.dns_announcement.apply(self._say)
        # Values known in the program are registered as they are: the same state, without an Output to await
        # for each (a program may build thousands of these).
        self.register_outputs({
            "domain": common.domain, "cname_target": built.cname_target, "dns_records": records,
            "verified": self.verified, "tracking_domain": self.tracking_domain, **certificate,
        })

    def _say(self, lines: list[str]) -> None:
        for line in lines:
            pulumi.log.info(line, resource=self)


def announce_dns_per_component(enabled: bool) -> None:
    """Whether each component logs its own records to create by hand (the stack program says them once)."""
    TrackingDomainComponent._announces_dns = enabled


def end_chains_in(resource: type[SparkPostDomain] | None, association: type[Any] | None = None) -> None:
    """Make every component built in this process end in ``resource`` and associate sending domains with
    ``association`` (None: the dynamic ``TrackingDomain`` and ``TrackingDomainAssociation``)."""
    TrackingDomainComponent._sparkpost_resource = resource
    TrackingDomainComponent._sparkpost_association = association
