"""The stack program (``__main__.py``) under Pulumi mocks, once per example stack config in ``examples/``.

The config is what the CLI would hand the program: the ``config:`` defaults of ``Pulumi.yaml`` overlaid with
the example's ``config:`` (objects JSON-encoded, as in ``PULUMI_CONFIG``).
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.sync_await import _sync_await

from tests.components.cloud_answers import INVOKE_ANSWERS

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "sparkpost-tracking"
EXAMPLES = sorted((ROOT / "examples").glob("Pulumi.*.yaml"))
COMPONENT_OF_CDN = {
    "cloudflare": "sparkpost-tracking:index:CloudflareTrackingDomain",
    "cloudfront": "sparkpost-tracking:index:CloudFrontTrackingDomain",
    "fastly": "sparkpost-tracking:index:FastlyTrackingDomain",
    "managed": "sparkpost-tracking:index:ManagedTrackingDomain",
}
TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
REQUEST_POLICY = "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


class Mocks(pulumi.runtime.Mocks):
    """Echo the inputs, plus the few outputs the components read."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        out = dict(args.inputs)
        if args.typ == "aws:acm/certificate:Certificate":
            d = args.inputs["domainName"]
            out.update(arn=f"arn:aws:acm:us-east-1:123456789012:certificate/{args.name}", domainValidationOptions=[
                {"domainName": d, "resourceRecordName": f"_v.{d}.", "resourceRecordType": "CNAME",
                 "resourceRecordValue": "_x.acm-validations.aws."}])
        elif args.typ == "aws:acm/certificateValidation:CertificateValidation":
            out["certificateArn"] = args.inputs["certificateArn"]
        elif args.typ == "aws:cloudfront/distribution:Distribution":
            out.update(domainName=f"{args.name}.cloudfront.net", hostedZoneId="Z2FDTNDATAQYW2")
        elif args.typ == "fastly:index/tlsSubscription:TlsSubscription":
            out["managedDnsChallenges"] = [{"recordName": f"_acme-challenge.{d}", "recordType": "CNAME",
                                            "recordValue": "c.fastly-validations.com"} for d in args.inputs["domains"]]
        elif args.typ == TRACKING_DOMAIN:
            out.update(verified=True, port=443)
        return f"{args.name}-id", out

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return INVOKE_ANSWERS[args.token]  # a healthy Cloudflare zone, a Fastly default TLS configuration


class AliasRecordingMonitor(MockMonitor):
    """A MockMonitor that also keeps the aliases each resource was registered with (by resource name)."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.aliases: dict[str, list[str]] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.aliases[request.name] = [a.spec.name for a in request.aliases if a.HasField("spec") and a.spec.name]
        return super().RegisterResource(request)


def stack_config(example: Path) -> dict[str, str]:
    """Pulumi.yaml defaults + the example's config, as string values (objects as JSON)."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    config = {f"{PROJECT}:{k}": v["default"] for k, v in project.get("config", {}).items() if "default" in v}
    config.update(yaml.safe_load(example.read_text())["config"])
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}


def run_stack(config: dict[str, str], preview: bool = False,
              monitor: MockMonitor | None = None) -> tuple[MockMonitor, dict[str, Any]]:
    """Run ``__main__.py`` under mocks; returns the monitor and the resolved stack outputs."""
    settings.ROOT.set(None)  # a fresh Stack resource for this program's exports
    monitor = monitor or MockMonitor(Mocks())
    pulumi.runtime.set_mocks(monitor.mocks, project=PROJECT, stack="test", preview=preview, monitor=monitor)
    set_all_config(config)
    def program() -> None:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

    try:
        pulumi.runtime.test(program)()
        stack = settings.get_root_resource()
        outputs = {k: _sync_await(pulumi.Output.from_input(v).future()) for k, v in stack.outputs.items()}
    finally:
        set_all_config({})
    return monitor, outputs


def types_of(monitor: MockMonitor) -> list[str]:
    return [urn.split("::")[2].split("$")[-1] for urn in monitor.resources]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_stack(example: Path) -> None:
    domains = yaml.safe_load(example.read_text())["config"][f"{PROJECT}:domains"]
    monitor, outputs = run_stack(stack_config(example))
    types = types_of(monitor)
    for entry in domains:
        assert COMPONENT_OF_CDN[entry["cdn"]] in types
    # A live host being adopted keeps its record as it is, so its SparkPost side waits for `hostRecord: update`.
    adopting = {d["domain"] for d in domains if (d.get("options") or {}).get("hostRecord") == "adopt"}
    assert types.count(TRACKING_DOMAIN) == len(domains) - len(adopting)
    exported = outputs["trackingDomains"]
    assert sorted(exported) == sorted(d["domain"] for d in domains)
    for entry in domains:
        item = exported[entry["domain"]]
        assert item["cdn"] == entry["cdn"]
        assert item["verified"] is (entry["domain"] not in adopting)
        assert isinstance(item["cnameTarget"], str) and item["cnameTarget"]
        assert all(set(r) == {"name", "type", "value"} for r in item["dnsRecordsToCreate"])
    assert outputs["dnsRecordsToCreate"] == [r for d in domains for r in exported[d["domain"]]["dnsRecordsToCreate"]]


def test_managed_example_exports_the_cnames_to_create() -> None:
    _, outputs = run_stack(stack_config(ROOT / "examples" / "Pulumi.managed.yaml"))
    assert outputs["dnsRecordsToCreate"] == [
        {"name": "track.example.com", "type": "CNAME", "value": "v2.spgo.io"},
        {"name": "eu-track.example.com", "type": "CNAME", "value": "eu.v2.spgo.io"},
    ]


def test_managed_example_against_an_emulator_api_url() -> None:
    config = stack_config(ROOT / "examples" / "Pulumi.managed.yaml")
    config[f"{PROJECT}:apiUrl"] = "http://127.0.0.1:8025/api/v1"
    monitor, _ = run_stack(config)
    domains = [r.state for urn, r in monitor.resources.items() if TRACKING_DOMAIN in urn]
    assert [d["api_url"] for d in domains] == ["http://127.0.0.1:8025/api/v1"] * 2
    assert all(d["managed_certificate"] is True for d in domains)


def test_cloudfront_example_in_preview() -> None:
    example = ROOT / "examples" / "Pulumi.cloudfront.yaml"
    monitor, _ = run_stack(stack_config(example), preview=True)
    domains = yaml.safe_load(example.read_text())["config"][f"{PROJECT}:domains"]
    assert types_of(monitor).count(DISTRIBUTION) == len(domains) == 3
    assert (types_of(monitor).count(CACHE_POLICY), types_of(monitor).count(REQUEST_POLICY)) == (1, 1)


def test_bad_config_registers_nothing() -> None:
    config = stack_config(ROOT / "examples" / "Pulumi.managed.yaml")
    config[f"{PROJECT}:domains"] = json.dumps([
        {"domain": "track.example.com", "cdn": "managed", "makeDefault": True},
        {"domain": "click.example.com", "cdn": "akamai"},
        {"domain": "t3.example.com", "cdn": "managed", "makeDefault": True},
    ])
    monitor = MockMonitor(Mocks())
    with pytest.raises(ValueError) as info:
        run_stack(config, monitor=monitor)
    assert monitor.resources == {}
    message = str(info.value)
    assert "sparkpost-tracking:domains[1].cdn: is not a known CDN: 'akamai'" in message
    assert "domains[0], sparkpost-tracking:domains[2]: makeDefault is set on more than one domain" in message


def test_outputs_name_each_domains_sparkpost_account() -> None:
    """`sparkpost-tracking check --from-stack --sparkpost-verify` finds the domain's account in these."""
    _, outputs = run_stack(stack_config(ROOT / "examples" / "Pulumi.managed.yaml"))
    accounts = {domain: (item["region"], item["apiUrl"], item["subaccountId"])
                for domain, item in outputs["trackingDomains"].items()}
    assert accounts == {"track.example.com": ("us", "https://api.sparkpost.com/api/v1", None),
                        "eu-track.example.com": ("eu", "https://api.eu.sparkpost.com/api/v1", None)}


def cloudfront_domains(count: int) -> list[dict[str, Any]]:
    return [{"domain": f"t{i}.example.com", "cdn": "cloudfront",
             "options": {"dns": "route53", "dnsZoneId": "Z0123456789ABCDEFGHIJ"}} for i in range(count)]


def test_25_cloudfront_domains_share_one_pair_of_policies() -> None:
    # An AWS account holds 20 custom policies of each kind: a policy pair per domain fails from the 21st domain.
    config = stack_config(ROOT / "examples" / "Pulumi.cloudfront.yaml")
    config[f"{PROJECT}:domains"] = json.dumps(cloudfront_domains(25))
    monitor, outputs = run_stack(config)
    types = types_of(monitor)
    assert (types.count(CACHE_POLICY), types.count(REQUEST_POLICY), types.count(DISTRIBUTION)) == (1, 1, 25)
    behaviours = [r.state["defaultCacheBehavior"] for urn, r in monitor.resources.items() if DISTRIBUTION in urn]
    assert {(b["cachePolicyId"], b["originRequestPolicyId"]) for b in behaviours} == {
        ("cloudfront-policies-cache-policy-id", "cloudfront-policies-origin-request-policy-id")}
    assert len(outputs["trackingDomains"]) == 25


def test_shared_policies_can_be_turned_off() -> None:
    config = stack_config(ROOT / "examples" / "Pulumi.cloudfront.yaml")
    config[f"{PROJECT}:domains"] = json.dumps(cloudfront_domains(2))
    config[f"{PROJECT}:shareCloudfrontPolicies"] = "false"
    monitor, _ = run_stack(config)
    assert (types_of(monitor).count(CACHE_POLICY), types_of(monitor).count(REQUEST_POLICY)) == (2, 2)


def test_a_renamed_domain_keeps_its_resources_through_aliases() -> None:
    config = stack_config(ROOT / "examples" / "Pulumi.cloudfront.yaml")
    [entry] = cloudfront_domains(1)
    config[f"{PROJECT}:domains"] = json.dumps([{**entry, "name": "tracking", "aliases": ["t0-example-com"]}])
    monitor = AliasRecordingMonitor(Mocks())
    run_stack(config, monitor=monitor)
    assert monitor.aliases["tracking"] == ["t0-example-com"]
    # The engine carries the component's alias to each child whose name starts with the component's name.
    children = [n for n in monitor.aliases
                if n not in ("tracking", f"{PROJECT}-test") and not n.startswith("cloudfront-policies")]
    assert len(children) >= 5 and all(n.startswith("tracking-") for n in children), children


class ProtectRecordingMonitor(MockMonitor):
    """A MockMonitor that keeps whether each resource was registered protected (by resource name)."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.protected: dict[str, bool] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.protected[request.name] = bool(request.protect)
        return super().RegisterResource(request)


def test_live_chains_are_protected_and_one_switch_turns_it_off() -> None:
    """Protected by default; ``sparkpost-tracking:protect: false`` for the stack, ``protect: false`` per domain."""
    domains = [{"domain": "track.example.com", "cdn": "managed", "sendingDomains": ["brand.com"]},
               {"domain": "other.example.com", "cdn": "managed", "protect": False}]
    config = stack_config(ROOT / "examples" / "Pulumi.managed.yaml")
    config[f"{PROJECT}:domains"] = json.dumps(domains)
    monitor = ProtectRecordingMonitor(Mocks())
    run_stack(config, monitor=monitor)
    assert {n for n, p in monitor.protected.items() if p} == {
        "track-example-com-sparkpost", "track-example-com-sending-brand-com"}
    config[f"{PROJECT}:protect"] = "false"
    config[f"{PROJECT}:domains"] = json.dumps(domains[:1])
    monitor = ProtectRecordingMonitor(Mocks())
    run_stack(config, monitor=monitor)
    assert "track-example-com-sparkpost" in monitor.protected and not any(monitor.protected.values())
