"""``CloudFrontTrackingDomain``: an AWS CloudFront distribution in front of SparkPost (current requirements).

Certificate: ACM in us-east-1 (pulumi-aws 7's per-resource ``region``), DNS-validated, or ``certificate_arn``.
Distribution: origin = SparkPost host, protocol match-viewer, ports 80/443, origin TLS 1.2, custom header
``X-Forwarded-Host: <domain>``, empty origin path, no Origin Shield; viewer HTTP and HTTPS, GET/HEAD; a cache
policy of 1/10/10 s with an empty cache key; an origin request policy forwarding ``User-Agent`` and the
``target`` query string. CloudFront still loses some User-Agent data (SparkPost's own warning).

AWS limits every input stays inside, whatever valid domain it is given (sources in docs/cdn-limits.md):
comments of at most 128 characters; policy names of at most 128 letters, digits, ``-`` and ``_``, unique in the
account; 20 custom policies of each kind per account, so ``CloudFrontTrackingPolicies`` makes one pair that
many distributions share; at most 64 characters in an ACM certificate's first name.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, NotRequired, TypedDict

import pulumi

from sparkpost_tracking.extras import OnFirstUse

if TYPE_CHECKING:
    import pulumi_aws as aws
else:  # loaded when the first resource is made: the class and its schema need no [aws] extra
    aws = OnFirstUse("pulumi_aws")

from .args import ArgReader, CommonArgs, DnsArgs
from .chain import Built, Common, TrackingDomainComponent, package_token
from .cloudfront_serving import FORWARDED_HOST
from .dns import DnsStrategy, HostRecordArgs
from .errors import ComponentArgumentError
from .serving import MAX_CACHE_TTL_SECONDS

CERTIFICATE_REGION: Final[str] = "us-east-1"  # CloudFront reads viewer certificates only from us-east-1
ORIGIN_ID: Final[str] = "sparkpost"
PRICE_CLASSES: Final[tuple[str, ...]] = ("PriceClass_All", "PriceClass_200", "PriceClass_100")
MIN_TTL, DEFAULT_TTL, MAX_TTL = 1, MAX_CACHE_TTL_SECONDS, MAX_CACHE_TTL_SECONDS
COMMENT_MAX: Final[int] = 128  # distribution, cache policy and origin request policy comments
POLICY_NAME_MAX: Final[int] = 128
ACM_FIRST_NAME_MAX: Final[int] = 64  # an ACM certificate's first name becomes its Common Name (RFC 5280)
_POLICY_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):\d{12}:certificate/[0-9a-f-]+$")


class CloudFrontTrackingDomainArgs(CommonArgs, DnsArgs, HostRecordArgs):
    """Arguments of ``CloudFrontTrackingDomain`` (plus the common, DNS and host record ones)."""

    certificate_arn: NotRequired[pulumi.Input[str]]
    """An existing ACM certificate for the domain in us-east-1; default: the component requests one (DNS-validated).
    Required for a host longer than 64 characters (ACM's limit for a certificate's first name)."""
    price_class: NotRequired[str]
    """``PriceClass_All`` (default), ``PriceClass_200`` or ``PriceClass_100``."""
    ipv6: NotRequired[bool]
    """Serve IPv6 too (default true): enables it on the distribution and adds the Route 53 AAAA alias."""
    cache_policy_id: NotRequired[pulumi.Input[str]]
    """Use this cache policy (e.g. a ``CloudFrontTrackingPolicies``' one) instead of creating one. AWS allows 20
    custom cache policies per account, so many domains must share one; the stack program does that by default."""
    origin_request_policy_id: NotRequired[pulumi.Input[str]]
    """Use this origin request policy instead of creating one (same account quota of 20)."""


class CloudFrontTrackingPoliciesArgs(TypedDict):
    """Arguments of ``CloudFrontTrackingPolicies``."""

    label: NotRequired[str]
    """A readable word in the policies' names (default ``shared``); the names stay unique without it."""


@dataclass(frozen=True)
class _CloudFront:
    certificate_arn: pulumi.Input[str] | None
    price_class: str
    ipv6: bool
    cache_policy_id: pulumi.Input[str] | None
    origin_request_policy_id: pulumi.Input[str] | None


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, marked with ``...`` when cut."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def policy_name(label: str, kind: str, owner_urn: str) -> str:
    """A CloudFront policy name: letters, digits, ``-``/``_``, at most 128, unique per account.

    The hash of the owning component's URN makes it unique across stacks, projects and component names, so a
    replacement that comes from a new URN (a rename without ``aliases``, a new parent) creates its policy
    beside the old one instead of failing with "already exists".
    """
    suffix = f"-{hashlib.sha256(owner_urn.encode()).hexdigest()[:10]}-{kind}"
    head = _POLICY_NAME_UNSAFE.sub("-", f"sparkpost-{label}").strip("-_")
    return head[:POLICY_NAME_MAX - len(suffix)].rstrip("-_") + suffix


def _owner_urn(owner: pulumi.Resource) -> pulumi.Output[str]:
    """The owner's URN as a plain value: a child taking ``owner.urn`` itself would depend on its own parent."""
    async def urn() -> str:
        return str(await owner.urn.future())

    return pulumi.Output.from_input(urn())


def cache_policy(owner: pulumi.Resource, name: str, label: str) -> pulumi.Output[str]:
    """The cache policy SparkPost tracking needs (1/10/10 s, empty cache key), as a child of ``owner``."""
    return aws.cloudfront.CachePolicy(
        f"{name}-cache-policy", name=_owner_urn(owner).apply(lambda urn: policy_name(label, "cache", urn)),
        comment=f"SparkPost tracking: TTL {MIN_TTL}/{DEFAULT_TTL}/{MAX_TTL} s, empty cache key",
        min_ttl=MIN_TTL, default_ttl=DEFAULT_TTL, max_ttl=MAX_TTL,
        parameters_in_cache_key_and_forwarded_to_origin={
            "cookies_config": {"cookie_behavior": "none"},
            "headers_config": {"header_behavior": "none"},
            "query_strings_config": {"query_string_behavior": "none"},
            "enable_accept_encoding_gzip": False,
            "enable_accept_encoding_brotli": False,
        }, opts=pulumi.ResourceOptions(parent=owner)).id


def origin_request_policy(owner: pulumi.Resource, name: str, label: str) -> pulumi.Output[str]:
    """The origin request policy SparkPost tracking needs (``User-Agent`` and ``?target``), a child of ``owner``."""
    return aws.cloudfront.OriginRequestPolicy(
        f"{name}-origin-request-policy",
        name=_owner_urn(owner).apply(lambda urn: policy_name(label, "origin-request", urn)),
        comment="SparkPost tracking: User-Agent and ?target to the origin",
        cookies_config={"cookie_behavior": "none"},
        headers_config={"header_behavior": "whitelist", "headers": {"items": ["User-Agent"]}},
        query_strings_config={"query_string_behavior": "whitelist", "query_strings": {"items": ["target"]}},
        opts=pulumi.ResourceOptions(parent=owner)).id


def _validation_option(options: Sequence[Any] | None, domain: str) -> Any:
    """The certificate's DNS validation option for ``domain`` (filtered inside apply: values only)."""
    for option in options or ():
        if option.domain_name == domain:
            return option
    raise ValueError(f"ACM returned no DNS validation option for {domain!r}")


class CloudFrontTrackingPolicies(pulumi.ComponentResource):
    """One cache policy and one origin request policy for many ``CloudFrontTrackingDomain``s (pass its ids as
    their ``cache_policy_id``/``origin_request_policy_id``).

    Type ``sparkpost-tracking:index:CloudFrontTrackingPolicies``.

    An account holds 20 custom policies of each kind, and one policy serves up to 100 distributions.
    """

    cache_policy_id: pulumi.Output[str]
    """The shared cache policy (1/10/10 s, empty cache key)."""
    origin_request_policy_id: pulumi.Output[str]
    """The shared origin request policy (``User-Agent`` and ``?target`` to SparkPost)."""

    def __init__(self, resource_name: str, args: CloudFrontTrackingPoliciesArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        label = ArgReader(type(self).__name__, resource_name, args, ["label"]).value("label", "shared")
        if not isinstance(label, str) or not label.strip():
            raise ComponentArgumentError(type(self).__name__, resource_name, "label",
                                         f"must be a non-empty string, got {label!r}")
        super().__init__(package_token(type(self).__name__), resource_name, None, opts)
        self.cache_policy_id = cache_policy(self, resource_name, label)
        self.origin_request_policy_id = origin_request_policy(self, resource_name, label)
        self.register_outputs({"cache_policy_id": self.cache_policy_id,
                               "origin_request_policy_id": self.origin_request_policy_id})


class CloudFrontTrackingDomain(TrackingDomainComponent):
    """Secure SparkPost tracking through CloudFront; type ``sparkpost-tracking:index:CloudFrontTrackingDomain``.

    Resources: ``aws.acm.Certificate`` + ``aws.acm.CertificateValidation`` (us-east-1; unless ``certificate_arn``),
    ``aws.cloudfront.CachePolicy`` and ``aws.cloudfront.OriginRequestPolicy`` (unless given),
    ``aws.cloudfront.Distribution``, the DNS records (validation CNAME, host alias A/AAAA in Route 53 or a CNAME
    elsewhere and for a live host, or exported in ``dns_records``), then the SparkPost ``TrackingDomain``.
    ``cname_target`` is the distribution's domain name.

    A distribution cannot be replaced in place: its alternate domain name cannot sit on two distributions, so
    the new one would fail to be created. Rename the component with ``aliases`` (its children follow); a real
    replacement is described in docs/migration.md.
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
        if arn is None and len(common.domain) > ACM_FIRST_NAME_MAX:
            reader.fail("certificate_arn", f"is required: {common.domain!r} has {len(common.domain)} characters and "
                                           f"ACM takes at most {ACM_FIRST_NAME_MAX} in a certificate's first name (its "
                                           "Common Name); request one in us-east-1 whose first name is shorter and "
                                           "whose further names include this host, and pass its ARN")
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
            option.apply(lambda o: o.resource_record_value), purpose="ACM certificate validation")
        validation = aws.acm.CertificateValidation(
            f"{name}-cert-validation", certificate_arn=cert.arn, region=CERTIFICATE_REGION,
            validation_record_fqdns=dns.validation_fqdns(records), opts=self._opts(records))
        return validation.certificate_arn, validation

    def _policies(self, name: str, domain: str, cf: _CloudFront) -> tuple[pulumi.Input[str], pulumi.Input[str]]:
        """The cache and origin request policy ids: given (shared), or made for this domain."""
        cache_policy_id = cf.cache_policy_id if cf.cache_policy_id is not None else cache_policy(self, name, domain)
        request_policy_id = (cf.origin_request_policy_id if cf.origin_request_policy_id is not None
                             else origin_request_policy(self, name, domain))
        self.cache_policy_id = pulumi.Output.from_input(cache_policy_id)
        self.origin_request_policy_id = pulumi.Output.from_input(request_policy_id)
        return cache_policy_id, request_policy_id

    def _distribution(self, name: str, common: Common, cf: _CloudFront, certificate_arn: pulumi.Input[str],
                      policies: tuple[pulumi.Input[str], pulumi.Input[str]]) -> "aws.cloudfront.Distribution":
        """The distribution: SparkPost's host as origin, the viewer's protocol, Host via X-Forwarded-Host."""
        domain, (cache_policy_id, request_policy_id) = common.domain, policies
        return aws.cloudfront.Distribution(
            f"{name}-distribution", enabled=True, aliases=[domain],
            comment=clip(f"SparkPost tracking {domain}", COMMENT_MAX),
            is_ipv6_enabled=cf.ipv6, price_class=cf.price_class,
            origins=[{
                "origin_id": ORIGIN_ID, "domain_name": common.origin, "origin_path": "",
                "custom_origin_config": {
                    "origin_protocol_policy": "match-viewer", "http_port": 80, "https_port": 443,
                    "origin_ssl_protocols": ["TLSv1.2"],
                },
                "custom_headers": [{"name": FORWARDED_HOST, "value": domain}],
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
            opts=self._opts(serves=True))

    def _build(self, name: str, common: Common, specific: _CloudFront, dns: DnsStrategy | None) -> Built:
        assert dns is not None
        cf, domain = specific, common.domain
        waits_for: list[pulumi.Resource] = []
        certificate_arn: pulumi.Input[str]
        if cf.certificate_arn is not None:
            certificate_arn = cf.certificate_arn
        else:
            certificate_arn, validation = self._certificate(name, domain, dns)
            waits_for.append(validation)
        distribution = self._distribution(name, common, cf, certificate_arn, self._policies(name, domain, cf))
        waits_for.append(distribution)
        dns.alias(domain, distribution.domain_name, distribution.hosted_zone_id, ipv6=cf.ipv6,
                  purpose="host to CloudFront")
        return Built(cname_target=distribution.domain_name, depends_on=waits_for,
                     defer_sparkpost=dns.settings.host.defers_sparkpost)
