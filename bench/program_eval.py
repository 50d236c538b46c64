"""P2: program evaluation under Pulumi mocks, components against hand-written raw programs.

For each CDN and N tracking domains, a fresh process imports what it needs, then times the program
(registering every resource and waiting for all outputs) and the peak RSS it added. The figure is CPU time, the
least of a few alternating samples: the program is CPU-bound, and on a machine shared with other work its wall time
swings with their load (it is shown beside it). The baseline
registers the same raw provider resources a user would write without our components (same SDK
classes, same inputs, same ordering), each domain's under a plain ComponentResource parent as ours are, so
both register the same number of resources and the ratio is the components' own overhead.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from .table import Row

SIZES = (1, 10, 50, 200)
#: Components ÷ raw at the largest size.
BUDGET = 1.2
#: Samples of each program; the least is kept.
REPEATS = 3
CDNS = ("managed", "cloudflare", "cloudfront", "fastly")
ZONE = "0123456789abcdef0123456789abcdef"
API_URL = "http://127.0.0.1:9/api/v1"
CLASSES = {"managed": "ManagedTrackingDomain", "cloudflare": "CloudflareTrackingDomain",
           "cloudfront": "CloudFrontTrackingDomain", "fastly": "FastlyTrackingDomain"}


# ---- code run inside the measuring process ----------------------------------------------------

def _mocks() -> Any:
    import pulumi

    class BenchMocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            inputs, typ = dict(args.inputs), args.typ
            if typ == "aws:acm/certificate:Certificate":
                d = inputs["domainName"]
                inputs |= {"arn": f"arn:aws:acm:us-east-1:123456789012:certificate/{args.name}",
                           "domainValidationOptions": [{"domainName": d, "resourceRecordName": f"_x.{d}.",
                                                        "resourceRecordType": "CNAME",
                                                        "resourceRecordValue": "_y.acm-validations.aws."}]}
            elif typ == "aws:cloudfront/distribution:Distribution":
                inputs |= {"domainName": "d111.cloudfront.net", "hostedZoneId": "Z2FDTNDATAQYW2"}
            elif typ == "fastly:index/tlsSubscription:TlsSubscription":
                inputs |= {"managedDnsChallenges": [{"recordName": f"_acme-challenge.{d}", "recordType": "CNAME",
                                                     "recordValue": "k.fastly-validations.com"}
                                                    for d in inputs.get("domains", [])]}
            return f"{args.name}-id", inputs

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
            # The data sources the components read at preview: a Fastly TLS configuration, a Cloudflare zone.
            answers: dict[str, dict[str, Any]] = {
                "fastly:index/getTlsConfiguration:getTlsConfiguration": {"id": "c", "dnsRecords": [
                    {"recordType": "CNAME", "recordValue": "t.sni.global.fastly.net", "region": "global"}]},
                "cloudflare:index/getZone:getZone": {"name": "example.com", "type": "full"},
                "cloudflare:index/getZoneSetting:getZoneSetting": {"value": "full"},
            }
            return answers.get(args.token, {}), []

    return BenchMocks()


def _components(cdn: str, n: int) -> None:
    from sparkpost_tracking import components

    for i in range(n):
        domain = f"t{i}.example.com"
        args: dict[str, Any] = {"domain": domain, "api_url": API_URL}
        if cdn == "cloudflare":
            args["zone_id"] = ZONE
        # Only this CDN's class: naming the others would import their SDKs.
        getattr(components, CLASSES[cdn])(f"d{i}", args)


def _baseline(cdn: str, n: int) -> None:
    """What a user would write by hand for the same chain (manual DNS, as the components' default)."""
    import pulumi

    from sparkpost_tracking.dynamic_providers import TrackingDomain

    for i in range(n):
        domain, name = f"t{i}.example.com", f"d{i}"
        waits: list[pulumi.Resource] = []
        parent = pulumi.ComponentResource("user:index:TrackingChain", name, None)
        child = pulumi.ResourceOptions(parent=parent)
        if cdn == "cloudflare":
            import pulumi_cloudflare as cloudflare

            waits.append(cloudflare.DnsRecord(f"{name}-record", zone_id=ZONE, name=domain, type="CNAME",
                                              content="spgo.io", proxied=True, ttl=1, opts=child))
        elif cdn == "cloudfront":
            import pulumi_aws as aws

            cert = aws.acm.Certificate(f"{name}-cert", domain_name=domain, validation_method="DNS",
                                       region="us-east-1", opts=child)
            fqdn = cert.domain_validation_options.apply(lambda o: str(o[0].resource_record_name))
            validation = aws.acm.CertificateValidation(f"{name}-cert-validation", certificate_arn=cert.arn,
                                                       region="us-east-1", validation_record_fqdns=[fqdn],
                                                       opts=child)
            cache = aws.cloudfront.CachePolicy(
                f"{name}-cache", name=f"{name}-cache", min_ttl=1, default_ttl=10, max_ttl=10,
                parameters_in_cache_key_and_forwarded_to_origin={
                    "cookies_config": {"cookie_behavior": "none"}, "headers_config": {"header_behavior": "none"},
                    "query_strings_config": {"query_string_behavior": "none"}}, opts=child)
            request = aws.cloudfront.OriginRequestPolicy(
                f"{name}-orp", name=f"{name}-orp", cookies_config={"cookie_behavior": "none"},
                headers_config={"header_behavior": "whitelist", "headers": {"items": ["User-Agent"]}},
                query_strings_config={"query_string_behavior": "whitelist", "query_strings": {"items": ["target"]}},
                opts=child)
            distribution = aws.cloudfront.Distribution(
                f"{name}-distribution", enabled=True, aliases=[domain],
                origins=[{"origin_id": "sparkpost", "domain_name": "spgo.io", "custom_origin_config": {
                    "origin_protocol_policy": "match-viewer", "http_port": 80, "https_port": 443,
                    "origin_ssl_protocols": ["TLSv1.2"]},
                    "custom_headers": [{"name": "X-Forwarded-Host", "value": domain}]}],
                default_cache_behavior={"target_origin_id": "sparkpost", "viewer_protocol_policy": "allow-all",
                                        "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"],
                                        "cache_policy_id": cache.id, "origin_request_policy_id": request.id},
                viewer_certificate={"acm_certificate_arn": validation.certificate_arn,
                                    "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"},
                restrictions={"geo_restriction": {"restriction_type": "none"}}, opts=child)
            waits += [validation, distribution]
        elif cdn == "fastly":
            import pulumi_fastly as fastly

            service = fastly.ServiceVcl(
                f"{name}-service", name=domain, force_destroy=True, domains=[{"name": domain}], default_ttl=10,
                backends=[{"name": "sparkpost", "address": "spgo.io", "port": 443, "use_ssl": True,
                           "ssl_sni_hostname": "spgo.io", "ssl_cert_hostname": "spgo.io"}], opts=child)
            subscription = fastly.TlsSubscription(
                f"{name}-tls", certificate_authority="lets-encrypt",
                domains=service.domains.apply(lambda ds: [d.name for d in ds or ()]), opts=child)
            waits += [service, fastly.TlsSubscriptionValidation(f"{name}-tls-validation",
                                                                 subscription_id=subscription.id, opts=child)]
        TrackingDomain(f"{name}-sparkpost", {"domain": domain, "api_url": API_URL,
                                             "managed_certificate": cdn == "managed"},
                       pulumi.ResourceOptions(parent=parent, depends_on=waits))
        parent.register_outputs({})


def run_one(kind: str, cdn: str, n: int) -> dict[str, float]:
    """Measure one program in this process (called in a fresh subprocess)."""
    import resource
    import time

    import pulumi
    from pulumi.runtime.mocks import MockMonitor

    import sparkpost_tracking.components
    import sparkpost_tracking.dynamic_providers  # noqa: F401

    sdk = {"cloudflare": "pulumi_cloudflare", "cloudfront": "pulumi_aws", "fastly": "pulumi_fastly"}.get(cdn)
    if sdk:
        __import__(sdk)
        if kind == "components":
            __import__(f"sparkpost_tracking.components.{cdn}")
    mocks = _mocks()
    pulumi.runtime.set_mocks(mocks, preview=False, monitor=MockMonitor(mocks))
    build = _components if kind == "components" else _baseline
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    @pulumi.runtime.test
    def program() -> None:
        build(cdn, n)

    started, cpu_started = time.perf_counter(), time.process_time()
    program()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_added = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_added_mib": peak_added / 1024}


def _measure(kind: str, cdn: str, n: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.program_eval", kind, cdn, str(n)], check=True,
                         capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _best(samples: list[dict[str, float]]) -> dict[str, float]:
    """The least of each figure over the samples: other processes only ever add to them."""
    return {key: min(s[key] for s in samples) for key in samples[0]}


def measure(sizes: tuple[int, ...] = SIZES, repeats: int = REPEATS) -> list[Row]:
    rows: list[Row] = []
    for cdn in CDNS:
        times: dict[int, float] = {}
        for n in sizes:
            samples: dict[str, list[dict[str, float]]] = {"components": [], "baseline": []}
            for _ in range(repeats):  # alternating, so both kinds share the machine's luck
                for kind, found in samples.items():
                    found.append(_measure(kind, cdn, n))
            ours, base = _best(samples["components"]), _best(samples["baseline"])
            times[n] = ours["cpu_seconds"]
            ratio = ours["cpu_seconds"] / base["cpu_seconds"]
            missed = " MISSED" if n == max(sizes) and ratio > BUDGET else ""
            rows.append(Row("P2", f"{cdn}, N={n}: program CPU time, components vs raw", round(ratio, 2),
                            BUDGET if n == max(sizes) else 1.0, "ratio",
                            f"{ours['cpu_seconds']:.3f} s vs {base['cpu_seconds']:.3f} s CPU (wall "
                            f"{ours['seconds']:.3f} s vs {base['seconds']:.3f} s, "
                            f"{ours['seconds'] / base['seconds']:.2f}); peak +{ours['peak_added_mib']:.0f} MiB vs "
                            f"+{base['peak_added_mib']:.0f} MiB; best of {repeats}{missed}"))
        for small in sizes:
            if small * 4 in times:
                growth = times[small * 4] / times[small]
                rows.append(Row("P2", f"{cdn}: CPU time growth N={small} -> {small * 4}", round(growth, 2), 4, "x",
                                "linear = 4"))
    return rows


if __name__ == "__main__":
    print(json.dumps(run_one(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
