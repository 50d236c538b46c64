"""``FastlyTrackingDomain``: a Fastly VCL service in front of SparkPost (current requirements).

Service: the tracking domain, one backend = SparkPost host on 443 with TLS and SNI (``ssl_sni_hostname`` and
``ssl_cert_hostname`` = the SparkPost host), **no** ``override_host`` (the viewer's Host must reach SparkPost),
fallback TTL 10 s. TLS: a Fastly TLS subscription (Let's Encrypt by default) validated by the
``_acme-challenge`` CNAME Fastly provides; Fastly activates subscription domains itself, so there is no
``TlsActivation``. Then the host is CNAMEd to Fastly's TLS address.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, NotRequired

import pulumi

from sparkpost_tracking.dynamic_providers.validation import validate_domain
from sparkpost_tracking.extras import extra_hint

with extra_hint():
    import pulumi_fastly as fastly

from .args import ArgReader, CommonArgs, DnsArgs
from .chain import Built, Common, TrackingDomainComponent
from .dns import DnsStrategy

CERTIFICATE_AUTHORITIES: Final[tuple[str, ...]] = ("lets-encrypt", "globalsign", "certainly")
#: Fastly: "If using Fastly TLS, use <letter>.sni.global.fastly.net"; the letter depends on the account's TLS
#: configuration (Secure > TLS configurations, or ``fastly.get_tls_configuration(default=True).dns_records``).
#: ``t`` is the current default configuration's address; override it with ``fastly_cname_target``.
DEFAULT_FASTLY_CNAME_TARGET: Final[str] = "t.sni.global.fastly.net"
FALLBACK_TTL_SECONDS: Final[int] = 10
BACKEND_NAME: Final[str] = "sparkpost"


class FastlyTrackingDomainArgs(CommonArgs, DnsArgs):
    """Arguments of ``FastlyTrackingDomain`` (plus the common and DNS ones)."""

    certificate_authority: NotRequired[str]
    """CA of the Fastly TLS subscription: ``lets-encrypt`` (default), ``globalsign`` or ``certainly``."""
    fastly_cname_target: NotRequired[str]
    """Where the tracking host is CNAMEd: the address of your Fastly TLS configuration
    (default ``t.sni.global.fastly.net``)."""
    service_name: NotRequired[str]
    """Name of the Fastly service (default: the tracking domain)."""
    force_destroy: NotRequired[bool]
    """Let ``pulumi destroy`` remove the active service and the in-use subscription (default true)."""


@dataclass(frozen=True)
class _Fastly:
    certificate_authority: str
    cname_target: str
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


class FastlyTrackingDomain(TrackingDomainComponent):
    """Secure SparkPost tracking through Fastly; type ``sparkpost-tracking:index:FastlyTrackingDomain``.

    Resources: ``fastly.ServiceVcl``, ``fastly.TlsSubscription``, the ACME challenge CNAME,
    ``fastly.TlsSubscriptionValidation``, the host CNAME (created after the certificate is issued), then the
    SparkPost ``TrackingDomain``. ``cname_target`` is ``fastly_cname_target``.
    """

    _args_type = FastlyTrackingDomainArgs

    def __init__(self, resource_name: str, args: FastlyTrackingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(resource_name, args, opts)

    @classmethod
    def _read_specific(cls, reader: ArgReader, common: Common) -> _Fastly:
        service_name = reader.value("service_name", common.domain)
        if not isinstance(service_name, str) or not service_name.strip():
            reader.fail("service_name", f"must be a non-empty string, got {service_name!r}")
        return _Fastly(
            certificate_authority=reader.choice("certificate_authority", CERTIFICATE_AUTHORITIES, "lets-encrypt"),
            cname_target=reader.validated("fastly_cname_target", validate_domain, DEFAULT_FASTLY_CNAME_TARGET),
            service_name=service_name,
            force_destroy=reader.flag("force_destroy", True),
        )

    def _build(self, name: str, common: Common, specific: _Fastly, dns: DnsStrategy | None) -> Built:
        assert dns is not None
        fa, domain, origin = specific, common.domain, common.origin
        service = fastly.ServiceVcl(
            f"{name}-service", name=fa.service_name, force_destroy=fa.force_destroy,
            domains=[{"name": domain, "comment": "SparkPost tracking domain"}],
            backends=[{
                "name": BACKEND_NAME, "address": origin, "port": 443, "use_ssl": True,
                "ssl_sni_hostname": origin, "ssl_cert_hostname": origin, "ssl_check_cert": True,
                # no override_host: the viewer's Host must reach SparkPost
            }],
            default_ttl=FALLBACK_TTL_SECONDS, opts=self._opts())
        # Domains derive from the service, so the subscription waits for it (as in the SDK's example).
        subscription = fastly.TlsSubscription(
            f"{name}-tls-subscription", certificate_authority=fa.certificate_authority,
            domains=service.domains.apply(lambda ds: [d.name for d in ds or ()]),
            force_destroy=fa.force_destroy, opts=self._opts())
        challenge = dns.cname(
            "acme-challenge", acme_challenge_name(domain),
            subscription.managed_dns_challenges.apply(lambda cs: _challenge_value(cs, domain)),
            purpose=f"Fastly TLS (ACME) validation of {domain}", validation=True)
        validation = fastly.TlsSubscriptionValidation(
            f"{name}-tls-validation", subscription_id=subscription.id, opts=self._opts(challenge))
        # Point traffic at Fastly only once the certificate is issued, so https works from the first request.
        dns.cname("host", domain, fa.cname_target, purpose=f"{domain} to Fastly", depends_on=[validation])
        return Built(cname_target=fa.cname_target, depends_on=[validation, service])
