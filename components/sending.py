"""``SendingIdentity``: a brand's SparkPost sending domain with its DNS, through the tracking domains' DNS strategies.

Resources, children of the component:
1. the ``SendingDomain`` (SparkPost generates its DKIM key at the create), protected like the tracking chain;
2. its DKIM TXT record at ``{selector}._domainkey.{domain}`` (``dkim_record_name``/``dkim_record_value`` of the
   domain), split into strings of at most 255 characters as each provider takes them (``dns.route53_txt``,
   ``dns.cloudflare_txt``; the manual strategy lists it in zone-file form);
3. with ``bounce_subdomain``: the bounce domain (``{bounce_subdomain}.{domain}``) as a sending domain of its own, and
   its CNAME to the region's bounce host (``bounce_record_value``);
4. with ``verify`` (the default): a ``SendingDomainVerification`` of each, after its records: SparkPost's DNS check
   of DKIM (and of the bounce CNAME) with the tracking domains' bounded, explained wait and progress; then, with
   ``default_bounce_domain``, the bounce domain made the default bounce domain of its scope;
5. with ``tracking_domain``: a ``TrackingDomainAssociation``, the one writer of the sending domain's tracking
   domain, once the records exist.

The DNS strategy is the tracking-domain components' (``dns``, ``dns_zone_id``, ``dns_ttl``). Records published by
the stack are protected too: mail signed with the key fails its check without its TXT record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NotRequired

import pulumi

from sparkpost_tracking.dynamic_providers.types import package_token
from sparkpost_tracking.dynamic_providers.validation import (
    validate_api_url,
    validate_dkim_key_length,
    validate_hostname,
    validate_region,
    validate_subaccount_id,
)

from .args import ArgReader, DnsArgs, arg_keys
from .dns import DnsSettings, DnsStrategy, dns_strategy, known, read_dns


class SendingIdentityArgs(DnsArgs):
    """Arguments of ``SendingIdentity``."""

    domain: str
    """The sending domain, e.g. ``brand.example.com`` (an apex is allowed; stored lower-case)."""
    region: NotRequired[str]
    """SparkPost region of the account: ``us`` (default) or ``eu``."""
    subaccount_id: NotRequired[int]
    """The owning SparkPost subaccount; leave out for the primary account."""
    api_url: NotRequired[str]
    """Full SparkPost API base ending in ``/api/v1`` (Enterprise tenants, a local emulator)."""
    dkim_key_length: NotRequired[int]
    """Bits of the DKIM key SparkPost generates (default 2048; 1024 only for DNS that cannot hold several strings)."""
    shared_with_subaccounts: NotRequired[bool]
    """Subaccounts may send from this domain (a primary-account domain only; default false)."""
    adopt_existing: NotRequired[bool]
    """Take over sending domains that already exist in SparkPost instead of failing (default false)."""
    bounce_subdomain: NotRequired[str]
    """A label, e.g. ``bounce``: ``bounce.<domain>`` becomes a sending domain verified by a CNAME to the region's
    bounce host, and that CNAME is published (default: no bounce domain)."""
    verify: NotRequired[bool]
    """Wait until SparkPost verifies the DKIM record (and the bounce domain's CNAME), within ``verifyTimeout``
    (default true): a ``SendingDomainVerification`` after the records."""
    default_bounce_domain: NotRequired[bool]
    """Make the bounce domain the default bounce domain of its account or subaccount once its CNAME is verified
    (needs ``bounce_subdomain`` and ``verify``; default false)."""
    tracking_domain: NotRequired[pulumi.Input[str]]
    """The tracking domain SparkPost wraps this domain's links with (same account or subaccount): a
    ``TrackingDomainAssociation`` is its one writer. Pass a tracking-domain component's ``domain`` output so that
    the association waits for it."""
    protect: NotRequired[bool]
    """Protect the sending domains, their records and the association from delete and replace (default true)."""


@dataclass(frozen=True)
class IdentityPlan:
    """``SendingIdentity``'s arguments, validated."""

    settings: dict[str, Any]
    dns: DnsSettings
    protect: bool
    verify: bool
    default_bounce: bool
    tracking_domain: Any
    domain: str
    bounce: str | None


class SendingIdentity(pulumi.ComponentResource):
    """A sending domain (and optional bounce domain) with its DNS; type ``sparkpost-tracking:index:SendingIdentity``.

    Outputs: ``domain``, ``sending_domain`` (the ``SendingDomain``), ``bounce_domain`` (the bounce ``SendingDomain``
    or None), ``dkim_record_name``, ``dkim_record_value``, and ``dns_records`` (the records a person must create by
    hand with the manual strategy: ``{name, type, value}``, the TXT value in zone-file form).
    """

    #: It builds the Python ``SendingDomain`` (a dynamic resource), so the provider plugin does not host it yet.
    hosted_by_plugin = False

    def __init__(self, resource_name: str, args: SendingIdentityArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        from sparkpost_tracking.dynamic_providers.association import TrackingDomainAssociation
        from sparkpost_tracking.dynamic_providers.sending_domain import SendingDomain
        from sparkpost_tracking.dynamic_providers.sending_verification import SendingDomainVerification

        plan = self.validate(resource_name, args)
        settings, dns_settings, protect, verify = plan.settings, plan.dns, plan.protect, plan.verify
        default_bounce, tracking_domain, domain, bounce = (plan.default_bounce, plan.tracking_domain, plan.domain,
                                                           plan.bounce)
        super().__init__(package_token(type(self).__name__), resource_name, None, opts)

        dns: DnsStrategy = dns_strategy(dns_settings, self, resource_name, protect=protect)
        serving = pulumi.ResourceOptions(parent=self, protect=protect)
        self.sending_domain = SendingDomain(f"{resource_name}-sending", settings,  # type: ignore[arg-type]
                                            serving)
        dkim_value = self.sending_domain.dkim_record_value.apply(_text)
        dkim_records = dns.txt("dkim", self.sending_domain.dkim_record_name.apply(_text), dkim_value,
                               purpose=f"DKIM key of {domain}")
        scope: dict[str, Any] = {key: settings[key] for key in ("subaccount_id", "region", "api_url")
                                 if key in settings}
        self.verification: Any = None
        if verify:
            self.verification = SendingDomainVerification(
                f"{resource_name}-verify", {"sending_domain": domain, "dkim": True, "records": dkim_value,
                                            **scope},  # type: ignore[typeddict-item]
                pulumi.ResourceOptions(parent=self, depends_on=[self.sending_domain, *dkim_records]))
        self.bounce_domain: Any = None
        self.bounce_verification: Any = None
        if bounce is not None:
            bounce_settings: Any = {**settings, "domain": bounce}
            self.bounce_domain = SendingDomain(f"{resource_name}-bounce", bounce_settings, serving)
            bounce_target = self.bounce_domain.bounce_record_value.apply(_text)
            bounce_records = dns.bounce("bounce", bounce, bounce_target, purpose=f"bounce domain of {domain}")
            if verify:
                self.bounce_verification = SendingDomainVerification(
                    f"{resource_name}-bounce-verify",
                    {"sending_domain": bounce, "cname": True, "default_bounce_domain": default_bounce,
                     "records": bounce_target, **scope},  # type: ignore[typeddict-item]
                    pulumi.ResourceOptions(parent=self, depends_on=[self.bounce_domain, *bounce_records]))
        self.association: Any = None
        if tracking_domain is not None:
            association_args: dict[str, Any] = {"sending_domain": domain, "tracking_domain": tracking_domain,
                                                **scope}
            if settings.get("adopt_existing"):
                association_args["adopt_existing"] = True
            self.association = TrackingDomainAssociation(
                f"{resource_name}-tracking", association_args,  # type: ignore[arg-type]
                pulumi.ResourceOptions(parent=self, protect=protect, depends_on=[self.sending_domain, *dns.resources]))

        records = dns.records
        verified = (self.verification.dkim_status.apply(lambda status: status == "valid") if self.verification
                    else None)
        dns.announcement(verified).apply(self._say)
        self.domain = pulumi.Output.from_input(domain)
        self.dkim_record_name = self.sending_domain.dkim_record_name
        self.dkim_record_value = self.sending_domain.dkim_record_value
        self.dns_records = records if isinstance(records, pulumi.Output) else known(records)
        self.register_outputs({"domain": domain, "sending_domain": self.sending_domain,
                               "bounce_domain": self.bounce_domain, "dkim_record_name": self.dkim_record_name,
                               "dkim_record_value": self.dkim_record_value, "dns_records": records})


    @classmethod
    def validate(cls, resource_name: str, args: Any) -> IdentityPlan:
        """Every argument checked, before anything is registered (``ComponentArgumentError`` names the first bad
        one); the stack program checks its whole config with it."""
        reader = ArgReader("SendingIdentity", resource_name, args, arg_keys(SendingIdentityArgs))
        settings = sending_settings(reader)
        dns_settings = read_dns(reader)
        protect = reader.flag("protect", True)
        verify = reader.flag("verify", True)
        default_bounce = reader.flag("default_bounce_domain", False)
        tracking_domain = reader.value("tracking_domain", output_ok=True)
        if tracking_domain is not None and not isinstance(tracking_domain, pulumi.Output):
            tracking_domain = reader.validated_value("tracking_domain", tracking_domain, validate_hostname)
        domain: str = settings["domain"]
        bounce = bounce_domain_of(reader, domain)
        if default_bounce and (bounce is None or not verify):
            reader.fail("default_bounce_domain", "needs bounce_subdomain and verify: SparkPost makes a domain the "
                                                 "default bounce domain only once its CNAME is verified")
        return IdentityPlan(settings, dns_settings, protect, verify, default_bounce, tracking_domain, domain, bounce)

    def _say(self, lines: list[str]) -> None:
        for line in lines:
            pulumi.log.info(line, resource=self)


def _text(value: Any) -> str:
    """An output the sending domain always reports after its create, as a string."""
    return "" if value is None else str(value)


def sending_settings(reader: ArgReader) -> dict[str, Any]:
    """The ``SendingDomain`` inputs the arguments declare, validated (each failure names its argument)."""
    domain = reader.value("domain")
    if domain is None:
        reader.fail("domain", "is required: the sending domain, e.g. 'brand.example.com'")
    settings: dict[str, Any] = {"domain": reader.validated_value("domain", domain, validate_hostname)}
    for key, validator in (("region", validate_region), ("subaccount_id", validate_subaccount_id),
                           ("api_url", validate_api_url), ("dkim_key_length", validate_dkim_key_length)):
        value = reader.validated(key, validator)
        if value is not None:
            settings[key] = value
    for key in ("shared_with_subaccounts", "adopt_existing"):
        if reader.value(key) is not None:
            settings[key] = reader.flag(key, False)
    return settings


def bounce_domain_of(reader: ArgReader, domain: str) -> str | None:
    """``{bounce_subdomain}.{domain}``, or None without ``bounce_subdomain``; the label must be one DNS label."""
    label = reader.value("bounce_subdomain")
    if label is None:
        return None
    if not isinstance(label, str) or not label or "." in label:
        reader.fail("bounce_subdomain", f"must be one DNS label such as 'bounce' (the bounce domain is "
                                        f"<label>.{domain}), got {label!r}")
    return str(reader.validated_value("bounce_subdomain", f"{label}.{domain}", validate_hostname))
