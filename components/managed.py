"""``ManagedTrackingDomain``: SparkPost-managed HTTPS (Let's Encrypt), no CDN.

CNAME the host to ``v2.spgo.io`` (US) / ``eu.v2.spgo.io`` (EU); then the SparkPost tracking domain with
``managed_certificate: true`` (verify, certificate check + enable, wait for ``tls_status: valid``). Enterprise
tenants have no managed HTTPS. There is no way back short of deleting the domain.
"""

from typing import Any

import pulumi

from sparkpost_tracking.dynamic_providers.hosts import managed_cname_target

from .args import ArgReader, CommonArgs, DnsArgs
from .chain import Built, Common, TrackingDomainComponent
from .dns import DnsStrategy, HostRecordArgs


class ManagedTrackingDomainArgs(CommonArgs, DnsArgs, HostRecordArgs):
    """Arguments of ``ManagedTrackingDomain``: the common, DNS and host record ones (``enterprise_tenant`` is
    refused)."""


class ManagedTrackingDomain(TrackingDomainComponent):
    """SparkPost-managed HTTPS; type ``sparkpost-tracking:index:ManagedTrackingDomain``.

    Resources: the host CNAME (DNS strategy, or exported in ``dns_records``), then the SparkPost
    ``TrackingDomain`` with ``managed_certificate: true``. ``cname_target`` is the V2 host of the region.
    """

    _args_type = ManagedTrackingDomainArgs
    _managed_certificate = True

    def __init__(self, resource_name: str, args: ManagedTrackingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(resource_name, args, opts)

    @classmethod
    def _read_specific(cls, reader: ArgReader, common: Common) -> Any:
        if common.enterprise_tenant:
            reader.fail("enterprise_tenant", "SparkPost Enterprise has no managed HTTPS (V2 endpoints); use a CDN "
                                             "component (CloudFront, Fastly or Cloudflare) for an Enterprise tenant")
        return None

    def _build(self, name: str, common: Common, specific: Any, dns: DnsStrategy | None) -> Built:
        assert dns is not None
        target = managed_cname_target(common.region)
        dns.host(common.domain, target, purpose="host to SparkPost (managed HTTPS)")
        return Built(cname_target=target, defer_sparkpost=dns.settings.host.defers_sparkpost)
