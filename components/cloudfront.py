"""``CloudFrontTrackingDomain``: an AWS CloudFront distribution in front of SparkPost (current requirements).

Certificate: ACM in us-east-1 (pulumi-aws 7's per-resource ``region``), DNS-validated, or ``certificate_arn``.
Distribution: origin = SparkPost host, protocol match-viewer, ports 80/443, origin TLS 1.2, custom header
``X-Forwarded-Host: <domain>``, empty origin path, no Origin Shield; viewer HTTP and HTTPS, GET/HEAD; a cache
policy of 1/10/10 s with an empty cache key; an origin request policy forwarding ``User-Agent`` and the
``target`` query string. CloudFront still loses some User-Agent data (SparkPost's own warning).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, NotRequired

import pulumi

from sparkpost_tracking.extras import extra_hint

with extra_hint():
    import pulumi_aws as aws

from .args import ArgReader, CommonArgs, DnsArgs
from .chain import Built, Common, TrackingDomainComponent
from .dns import DnsStrategy

CERTIFICATE_REGION: Final[str] = "us-east-1"  # CloudFront reads viewer certificates only from us-east-1
ORIGIN_ID: Final[str] = "sparkpost"
PRICE_CLASSES: Final[tuple[str, ...]] = ("PriceClass_All", "PriceClass_200", "PriceClass_100")
MIN_TTL, DEFAULT_TTL, MAX_TTL = 1, 10, 10
_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):\d{12}:certificate/[0-9a-f-]+$")


class CloudFrontTrackingDomainArgs(CommonArgs, DnsArgs):
    """Arguments of ``CloudFrontTrackingDomain`` (plus the common and DNS ones)."""

    certificate_arn: NotRequired[pulumi.Input[str]]
    """An existing ACM certificate for the domain in us-east-1; default: the component requests one (DNS-validated)."""
    price_class: NotRequired[str]
    """``PriceClass_All`` (default), ``PriceClass_200`` or ``PriceClass_100``."""
    ipv6: NotRequired[bool]
    """Serve IPv6 too (default true): enables it on the distribution and adds the Route 53 AAAA alias."""
    cache_policy_id: NotRequired[pulumi.Input[str]]
    """Reuse an existing cache policy (e.g. another domain's ``cache_policy_id`` output) instead of creating one.
    AWS allows 20 custom cache policies per account, so stacks with many domains should share one."""
    origin_request_policy_id: NotRequired[pulumi.Input[str]]
    """Reuse an existing origin request policy instead of creating one (same account quota of 20)."""


@dataclass(frozen=True)
class _CloudFront:
    certificate_arn: pulumi.Input[str] | None
    price_class: str
    ipv6: bool
    cache_policy_id: pulumi.Input[str] | None
    origin_request_policy_id: pulumi.Input[str] | None


def _policy_name(domain: str, what: str) -> str:
    """CloudFront policy names: letters, digits, ``-``/``_``, at most 128, unique per account."""
    return f"sparkpost-{domain.replace('.', '-')}-{what}"[:128]


def _validation_option(options: Sequence[Any] | None, domain: str) -> Any:
    """The certificate's DNS validation option for ``domain`` (filtered inside apply: values only)."""
    for option in options or ():
        if option.domain_name == domain:
            return option
    raise ValueError(f"ACM returned no DNS validation option for {domain!r}")


class CloudFrontTrackingDomain(TrackingDomainComponent):
    """Secure SparkPost tracking through CloudFront; type ``sparkpost-tracking:index:CloudFrontTrackingDomain``.

    Resources: ``aws.acm.Certificate`` + ``aws.acm.CertificateValidation`` (us-east-1; unless ``certificate_arn``),
    ``aws.cloudfront.CachePolicy``, ``aws.cloudfront.OriginRequestPolicy``, ``aws.cloudfront.Distribution``,
    the DNS records (validation CNAME, host alias A/AAAA in Route 53 or a CNAME elsewhere, or exported in
    ``dns_records``), then the SparkPost ``TrackingDomain``. ``cname_target`` is the distribution's domain name.
    """

    _args_type = CloudFrontTrackingDomainArgs

    cache_policy_id: pulumi.Output[str]
    """The cache policy the distribution uses (created here unless given): pass it to other domains to share it."""
    origin_request_policy_id: pulumi.Output[str]
    """The origin request policy the distribution uses (created here unless given)."""

    def __init__(self, resource_name: str, args: CloudFrontTrackingDomainArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(resource_name, args, opts)

    @classmethod
    def _read_specific(cls, reader: ArgReader, common: Common) -> _CloudFront:
        arn = reader.identifier("certificate_arn", required=False, what="an ACM certificate ARN")
        if isinstance(arn, str):
            matched = _ACM_ARN.match(arn)
            if not matched:
                reader.fail("certificate_arn", f"must be an ACM certificate ARN "
                                               f"('arn:aws:acm:us-east-1:<account>:certificate/<id>'), got {arn!r}")
            if matched["region"] != CERTIFICATE_REGION:
                reader.fail("certificate_arn", f"is in {matched['region']!r}; CloudFront accepts ACM certificates "
                                               f"from {CERTIFICATE_REGION!r} only")
        return _CloudFront(certificate_arn=arn,
                           price_class=reader.choice("price_class", PRICE_CLASSES, "PriceClass_All"),
                           ipv6=reader.flag("ipv6", True),
                           cache_policy_id=reader.identifier("cache_policy_id", required=False,
                                                             what="a CloudFront cache policy id"),
                           origin_request_policy_id=reader.identifier(
                               "origin_request_policy_id", required=False,
                               what="a CloudFront origin request policy id"))

    def _certificate(self, name: str, domain: str, dns: DnsStrategy) -> tuple[pulumi.Output[str], pulumi.Resource]:
        """An ACM certificate in us-east-1, its validation record and the validation (which waits for issuance)."""
        cert = aws.acm.Certificate(f"{name}-cert", domain_name=domain, validation_method="DNS",
                                   region=CERTIFICATE_REGION, opts=self._opts())
        # One record keyed by the known domain; only its name and value come from the certificate's outputs.
        option = cert.domain_validation_options.apply(lambda opts: _validation_option(opts, domain))
        records = dns.cname(
            "acm-validation", option.apply(lambda o: o.resource_record_name),
            option.apply(lambda o: o.resource_record_value),
            purpose=f"ACM validation of {domain}", validation=True)
        validation = aws.acm.CertificateValidation(
            f"{name}-cert-validation", certificate_arn=cert.arn, region=CERTIFICATE_REGION,
            validation_record_fqdns=dns.validation_fqdns(records), opts=self._opts(records))
        return validation.certificate_arn, validation

    def _build(self, name: str, common: Common, specific: _CloudFront, dns: DnsStrategy | None) -> Built:
        assert dns is not None
        cf, domain, origin = specific, common.domain, common.origin
        waits_for: list[pulumi.Resource] = []
        certificate_arn: pulumi.Input[str]
        if cf.certificate_arn is not None:
            certificate_arn = cf.certificate_arn
        else:
            certificate_arn, validation = self._certificate(name, domain, dns)
            waits_for.append(validation)

        cache_policy_id = cf.cache_policy_id
        if cache_policy_id is None:
            cache_policy_id = aws.cloudfront.CachePolicy(
                f"{name}-cache-policy", name=_policy_name(domain, "cache"),
                comment=f"SparkPost tracking {domain}: 10 s, empty cache key",
                min_ttl=MIN_TTL, default_ttl=DEFAULT_TTL, max_ttl=MAX_TTL,
                parameters_in_cache_key_and_forwarded_to_origin={
                    "cookies_config": {"cookie_behavior": "none"},
                    "headers_config": {"header_behavior": "none"},
                    "query_strings_config": {"query_string_behavior": "none"},
                    "enable_accept_encoding_gzip": False,
                    "enable_accept_encoding_brotli": False,
                }, opts=self._opts()).id
        request_policy_id = cf.origin_request_policy_id
        if request_policy_id is None:
            request_policy_id = aws.cloudfront.OriginRequestPolicy(
                f"{name}-origin-request-policy", name=_policy_name(domain, "origin-request"),
                comment=f"SparkPost tracking {domain}: User-Agent and ?target to the origin",
                cookies_config={"cookie_behavior": "none"},
                headers_config={"header_behavior": "whitelist", "headers": {"items": ["User-Agent"]}},
                query_strings_config={"query_string_behavior": "whitelist", "query_strings": {"items": ["target"]}},
                opts=self._opts()).id
        self.cache_policy_id = pulumi.Output.from_input(cache_policy_id)
        self.origin_request_policy_id = pulumi.Output.from_input(request_policy_id)

        distribution = aws.cloudfront.Distribution(
            f"{name}-distribution", enabled=True, aliases=[domain], comment=f"SparkPost tracking {domain}",
            is_ipv6_enabled=cf.ipv6, price_class=cf.price_class,
            origins=[{
                "origin_id": ORIGIN_ID, "domain_name": origin, "origin_path": "",
                "custom_origin_config": {
                    "origin_protocol_policy": "match-viewer", "http_port": 80, "https_port": 443,
                    "origin_ssl_protocols": ["TLSv1.2"],
                },
                "custom_headers": [{"name": "X-Forwarded-Host", "value": domain}],
            }],
            default_cache_behavior={
                "target_origin_id": ORIGIN_ID, "viewer_protocol_policy": "allow-all",
                "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"],
                "cache_policy_id": cache_policy_id, "origin_request_policy_id": request_policy_id,
                "compress": False,
            },
            viewer_certificate={
                "acm_certificate_arn": certificate_arn, "ssl_support_method": "sni-only",
                "minimum_protocol_version": "TLSv1.2_2021",
            },
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            opts=self._opts())
        waits_for.append(distribution)

        dns.alias("host", domain, distribution.domain_name, distribution.hosted_zone_id, ipv6=cf.ipv6,
                  purpose=f"{domain} to CloudFront")
        return Built(cname_target=distribution.domain_name, depends_on=waits_for)
