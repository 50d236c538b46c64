"""``FastlyTrackingDomain``: a Fastly VCL service in front of SparkPost (current requirements).

Service: the tracking domain, one backend = SparkPost host on 443 with TLS and SNI (``ssl_sni_hostname`` and
``ssl_cert_hostname`` = the SparkPost host), **no** ``override_host`` (the viewer's Host must reach SparkPost),
fallback TTL 10 s. TLS: a Fastly TLS subscription (Let's Encrypt by default) validated by the
``_acme-challenge`` CNAME Fastly provides; Fastly activates subscription domains itself, so there is no
``TlsActivation``. Then the host is CNAMEd to the address of the subscription's TLS configuration.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, NotRequired

import pulumi

from sparkpost_tracking.dynamic_providers.validation import validate_domain
from sparkpost_tracking.extras import OnFirstUse

if TYPE_CHECKING:
    import pulumi_fastly as fastly
else:  # loaded when the first resource is made: the class and its schema need no [fastly] extra
    fastly = OnFirstUse("pulumi_fastly")

from .args import ArgReader, CommonArgs, DnsArgs
from .chain import Built, Common, TrackingDomainComponent
from .dns import DnsStrategy, HostRecordArgs
from .reads import shared
from .serving import MAX_CACHE_TTL_SECONDS

CERTIFICATE_AUTHORITIES: Final[tuple[str, ...]] = ("lets-encrypt", "globalsign", "certainly")
FALLBACK_TTL_SECONDS: Final[int] = MAX_CACHE_TTL_SECONDS
DNS_NAME_MAX: Final[int] = 253  # RFC 1035: the ACME challenge record's name must fit too
BACKEND_NAME: Final[str] = "sparkpost"
#: A TLS configuration lists one CNAME per traffic region; ``global`` routes to the nearest point of presence.
PREFERRED_TLS_REGION: Final[str] = "global"


class FastlyTrackingDomainArgs(CommonArgs, DnsArgs, HostRecordArgs):
    """Arguments of ``FastlyTrackingDomain`` (plus the common, DNS and host record ones)."""

    certificate_authority: NotRequired[str]
    """CA of the Fastly TLS subscription: ``lets-encrypt`` (default), ``globalsign`` or ``certainly``. Used when
    the subscription is created; a later change is ignored, because the provider would replace the subscription
    (a second one for the same domain, and the live certificate deleted). To change the CA of a live domain,
    change it in Fastly (its API migrates a subscription in place), then set the same value here."""
    tls_configuration_id: NotRequired[str]
    """The Fastly TLS configuration the subscription uses (default: the account's default configuration); the
    host's CNAME target is read from it."""
    fastly_cname_target: NotRequired[str]
    """Override where the tracking host is CNAMEd (e.g. ``t.sni.global.fastly.net``); by default the CNAME
    record of the TLS configuration, looked up with ``fastly.get_tls_configuration``."""
    service_name: NotRequired[str]
    """Name of the Fastly service (default: the tracking domain)."""
    force_destroy: NotRequired[bool]
    """Let ``pulumi destroy`` remove the active service and the in-use subscription (default true)."""


@dataclass(frozen=True)
class _Fastly:
    certificate_authority: str
    tls_configuration_id: str | None
    cname_target: str | None
    service_name: str
    force_destroy: bool


def acme_challenge_name(domain: str) -> str:
    return f"_acme-challenge.{domain}"


def _challenge_value(challenges: Sequence[Any] | None, domain: str) -> str:
    """The ``_acme-challenge.<domain>`` CNAME value among the subscription's managed DNS challenges."""
    wanted = acme_challenge_name(domain)
    for challenge in challenges or ():
        if (challenge.record_name or "").rstrip(".").lower() == wanted and challenge.record_value:
            return str(challenge.record_value)
    raise ValueError(f"Fastly returned no managed DNS challenge named {wanted!r}")


def tls_cname_target(records: Sequence[Any] | None, configuration: str) -> str:
    """The CNAME a TLS configuration gives for its domains (the ``global`` one first)."""
    cnames = [r for r in records or () if (r.record_type or "").upper() == "CNAME" and r.record_value]
    cnames.sort(key=lambda r: r.region != PREFERRED_TLS_REGION)
    if not cnames:
        raise ValueError(f"Fastly TLS configuration {configuration!r} lists no CNAME record; set "
                         "fastly_cname_target to the address Fastly gives for it (Secure > TLS configurations)")
    return str(cnames[0].record_value).rstrip(".").lower()


class FastlyTrackingDomain(TrackingDomainComponent):
    """Secure SparkPost tracking through Fastly; type ``sparkpost-tracking:index:FastlyTrackingDomain``.

    Resources: ``fastly.ServiceVcl``, ``fastly.TlsSubscription``, the ACME challenge CNAME,
    ``fastly.TlsSubscriptionValidation``, the host CNAME (created after the certificate is issued), then the
    SparkPost ``TrackingDomain``. ``cname_target`` is the TLS configuration's CNAME (or ``fastly_cname_target``).
    """

    _args_type = FastlyTrackingDomainArgs

    def __init__(self, resource_name: str, args: FastlyTrackingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(resource_name, args, opts)

    @classmethod
    def _read_specific(cls, reader: ArgReader, common: Common) -> _Fastly:
        challenge = acme_challenge_name(common.domain)
        if len(challenge) > DNS_NAME_MAX:
            reader.fail("domain", f"is {len(common.domain)} characters: Fastly's certificate is validated through "
                                  f"the record {challenge[:40]}..., which a DNS name of at most {DNS_NAME_MAX} "
                                  f"characters cannot hold; use a host of at most "
                                  f"{DNS_NAME_MAX - len(acme_challenge_name(''))} characters")
        service_name = reader.value("service_name", common.domain)
        if not isinstance(service_name, str) or not service_name.strip():
            reader.fail("service_name", f"must be a non-empty string, got {service_name!r}")
        configuration = reader.identifier("tls_configuration_id", required=False,
                                          what="a Fastly TLS configuration id")
        if configuration is not None and not isinstance(configuration, str):
            reader.fail("tls_configuration_id", "must be a plain id known when the program runs, not an Output")
        return _Fastly(
            certificate_authority=reader.choice("certificate_authority", CERTIFICATE_AUTHORITIES, "lets-encrypt"),
            tls_configuration_id=configuration,
            cname_target=reader.validated("fastly_cname_target", validate_domain),
            service_name=service_name,
            force_destroy=reader.flag("force_destroy", True),
        )

    def _tls_target(self, fa: _Fastly) -> tuple[pulumi.Input[str], pulumi.Input[str] | None]:
        """Where the host must point, and the configuration the subscription uses (None: Fastly's default)."""
        if fa.cname_target:
            return fa.cname_target, fa.tls_configuration_id
        # Invoked as a child of this component, so an explicit Fastly provider given to it is used here too.
        invoke = pulumi.InvokeOutputOptions(parent=self)
        name = fa.tls_configuration_id or "default"
        # One read per configuration (and provider) in the program, however many domains it serves.
        configuration = shared(self, "fastly:index/getTlsConfiguration:getTlsConfiguration", (name,), lambda: (
            fastly.get_tls_configuration_output(id=fa.tls_configuration_id, opts=invoke) if fa.tls_configuration_id
            else fastly.get_tls_configuration_output(default=True, opts=invoke)))  # ``id`` excludes other filters
        # The subscription is pinned to the configuration the target was read from, so the two cannot differ.
        return configuration.dns_records.apply(lambda records: tls_cname_target(records, name)), configuration.id

    def _build(self, name: str, common: Common, specific: _Fastly, dns: DnsStrategy | None) -> Built:
        assert dns is not None
        fa, domain, origin = specific, common.domain, common.origin
        target, configuration_id = self._tls_target(fa)
        service = fastly.ServiceVcl(
            f"{name}-service", name=fa.service_name, force_destroy=fa.force_destroy,
            domains=[{"name": domain, "comment": "SparkPost tracking domain"}],
            backends=[{
                "name": BACKEND_NAME, "address": origin, "port": 443, "use_ssl": True,
                "ssl_sni_hostname": origin, "ssl_cert_hostname": origin, "ssl_check_cert": True,
                # no override_host: the viewer's Host must reach SparkPost
            }],
            default_ttl=FALLBACK_TTL_SECONDS, opts=self._opts(serves=True))
        # Domains derive from the service, so the subscription waits for it (as in the SDK's example).
        subscription = fastly.TlsSubscription(
            f"{name}-tls-subscription", certificate_authority=fa.certificate_authority,
            domains=service.domains.apply(lambda ds: [d.name for d in ds or ()]),
            configuration_id=configuration_id, force_destroy=fa.force_destroy,
            opts=pulumi.ResourceOptions.merge(self._opts(), pulumi.ResourceOptions(
                ignore_changes=["certificate_authority"])))
        challenge = dns.cname(
            "acme-challenge", acme_challenge_name(domain),
            subscription.managed_dns_challenges.apply(lambda cs: _challenge_value(cs, domain)),
            purpose="Fastly certificate (ACME) validation")
        validation = fastly.TlsSubscriptionValidation(
            f"{name}-tls-validation", subscription_id=subscription.id, opts=self._opts(challenge))
        # Point traffic at Fastly only once the certificate is issued, so https works from the first request.
        dns.host(domain, target, purpose="host to Fastly", depends_on=[validation])
        return Built(cname_target=target, depends_on=[validation, service],
                     defer_sparkpost=dns.settings.host.defers_sparkpost)
