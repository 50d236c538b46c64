"""Pulumi mocks for the component tests.

``pulumi_run(program, preview=False)`` runs ``program`` (which builds components) under mocks and returns a
``Run`` holding every registration: type token, name, parent URN, inputs (camelCase wire names), and the
dependencies the SDK sent to the engine. ``explicit_dependencies`` are the ones that came from
``ResourceOptions.depends_on`` (all dependencies minus those of input properties), so a test of ordering
fails if a ``depends_on`` is removed.

The mock answers with plausible provider outputs (arn, domainName, hostedZoneId, domainValidationOptions,
managedDnsChallenges...). In preview mode it returns only the inputs, so computed outputs are unknown,
as in a real first preview. Invokes (``get_*`` functions) get the answers of ``INVOKE_ANSWERS``, which a test
changes through ``pulumi_run(..., invokes={token: answer})``; every invoke made is kept in ``Run.invokes``.
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.sync_await import _sync_await

from sparkpost_tracking.dynamic_providers.dkim import DkimRecord
from sparkpost_tracking.dynamic_providers.hosts import bounce_cname_target
from tests.components.cloud_answers import INVOKE_ANSWERS

# A mutation run (scripts/mutation) tests each mutant in a forked child of the process that ran every test first.
# The SDK runs its calls on the event loop's default executor, whose threads do not survive a fork, so a program
# run under mocks in the child would wait on them forever (and count as a timeout, not a test): a forked child
# starts on a new loop.
os.register_at_fork(after_in_child=lambda: asyncio.set_event_loop(asyncio.new_event_loop()))

TRACKING_DOMAIN = "pulumi-python:dynamic/sparkpost:TrackingDomain"
NATIVE_TRACKING_DOMAIN = "sparkpost-tracking:index:TrackingDomain"
CERTIFICATE_ISSUED_AT, CERTIFICATE_EXPIRES_AT = "2026-11-01T10:00:00.000Z", "2027-01-30T09:59:59.000Z"
ACM_VALIDATION_NAME = "_3f2a.{domain}."
ACM_VALIDATION_VALUE = "_9c1b.abcdefghij.acm-validations.aws."
CLOUDFRONT_DOMAIN = "d111111abcdef8.cloudfront.net"
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"
FASTLY_CHALLENGE_VALUE = "k9x2m4.fastly-validations.com"
SENDING_DOMAIN = "pulumi-python:dynamic/sparkpost:SendingDomain"
DKIM_SELECTOR = "scph1208"
#: A public key as long as a 2048-bit one (392 base64 characters): its TXT value needs two strings.
DKIM_PUBLIC_KEY = base64.b64encode(bytes(range(256)) + bytes(range(38))).decode()


def sending_domain_outputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """What a SendingDomain's create reports: its generated key, the records it needs (as the provider derives
    them), unverified."""
    record = DkimRecord.for_key(DKIM_SELECTOR, inputs["domain"], DKIM_PUBLIC_KEY)
    return {"dkim_selector": DKIM_SELECTOR, "dkim_public_key": DKIM_PUBLIC_KEY, "dkim_record_name": record.name,
            "dkim_record_value": record.value, "dkim_status": "unverified", "cname_status": "unverified",
            "bounce_record_name": inputs["domain"],
            "bounce_record_value": bounce_cname_target(inputs.get("region") or "us")}


def computed_outputs(typ: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """What the real provider would add to the inputs after a create."""
    if typ == "aws:acm/certificate:Certificate":
        domain = inputs["domainName"]
        return {"arn": f"arn:aws:acm:us-east-1:123456789012:certificate/{name}",
                "domainValidationOptions": [
                    # another name first, so the component must pick its own
                    {"domainName": f"other.{domain}", "resourceRecordName": f"_0000.other.{domain}.",
                     "resourceRecordType": "CNAME", "resourceRecordValue": "_wrong.acm-validations.aws."},
                    {"domainName": domain, "resourceRecordName": ACM_VALIDATION_NAME.format(domain=domain),
                     "resourceRecordType": "CNAME", "resourceRecordValue": ACM_VALIDATION_VALUE}]}
    if typ == "aws:acm/certificateValidation:CertificateValidation":
        return {"certificateArn": inputs["certificateArn"]}
    if typ == "aws:cloudfront/distribution:Distribution":
        return {"arn": f"arn:aws:cloudfront::123456789012:distribution/{name}", "domainName": CLOUDFRONT_DOMAIN,
                "hostedZoneId": CLOUDFRONT_ZONE, "status": "Deployed"}
    if typ == "aws:route53/record:Record":
        return {"fqdn": str(inputs["name"]).rstrip(".")}
    if typ == "fastly:index/tlsSubscription:TlsSubscription":
        return {"state": "pending", "managedDnsChallenges": [
            {"recordName": "_acme-challenge.unrelated.example.net", "recordType": "CNAME",
             "recordValue": "wrong.fastly-validations.com"},
            *({"recordName": f"_acme-challenge.{d}", "recordType": "CNAME", "recordValue": FASTLY_CHALLENGE_VALUE}
              for d in inputs.get("domains", []))]}
    if typ == "fastly:index/tlsSubscriptionValidation:TlsSubscriptionValidation":
        return {"certificateId": "cert-1"}
    if typ == TRACKING_DOMAIN:
        return {"port": 443, "verified": bool(inputs.get("verify", True)), "cname_status": "valid",
                "compliance_status": "valid", "tls_status": "valid" if inputs.get("managed_certificate") else None,
                "uses_managed_certificate": bool(inputs.get("managed_certificate")),
                **({"certificate_issued_at": CERTIFICATE_ISSUED_AT, "certificate_expires_at": CERTIFICATE_EXPIRES_AT}
                   if inputs.get("managed_certificate") else {})}
    if typ == SENDING_DOMAIN:
        return sending_domain_outputs(inputs)
    if typ == NATIVE_TRACKING_DOMAIN:  # the plugin's resource: the same outputs under their wire names
        return {"port": 443, "verified": bool(inputs.get("verify", True)), "cnameStatus": "valid",
                "usesManagedCertificate": bool(inputs.get("managedCertificate")),
                **({"certificateIssuedAt": CERTIFICATE_ISSUED_AT, "certificateExpiresAt": CERTIFICATE_EXPIRES_AT}
                   if inputs.get("managedCertificate") else {})}
    return {}


class TrackingMocks(pulumi.runtime.Mocks):
    def __init__(self, preview: bool, invokes: dict[str, dict[str, Any]] | None = None) -> None:
        self.preview = preview
        self.answers = {**INVOKE_ANSWERS, **(invokes or {})}
        self.invokes: list[tuple[str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        outputs = dict(args.inputs)
        if not self.preview:
            outputs.update(computed_outputs(args.typ, args.name, args.inputs))
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        self.invokes.append((args.token, dict(args.args)))
        if args.token not in self.answers:
            raise AssertionError(f"unexpected invoke {args.token} {args.args}")
        return self.answers[args.token], []


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    dependencies: set[str]
    property_dependencies: set[str]
    import_id: str = ""
    ignore_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    alias_names: list[str] = field(default_factory=list)
    protect: bool = False

    @property
    def explicit_dependencies(self) -> set[str]:
        """Dependencies from ``ResourceOptions.depends_on``: what no input property accounts for."""
        return self.dependencies - self.property_dependencies


class RecordingMonitor(MockMonitor):
    """A MockMonitor that also keeps what the SDK sent: parent and dependencies of each registration."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self.registrations.append(Registration(
                urn=response.urn, type=request.type, name=request.name, parent=request.parent,
                custom=bool(request.custom), inputs=rpc.deserialize_properties(request.object),
                dependencies=set(request.dependencies),
                property_dependencies={u for deps in request.propertyDependencies.values() for u in deps.urns},
                import_id=request.importId, ignore_changes=list(request.ignoreChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
                alias_names=[a.spec.name for a in request.aliases if a.HasField("spec") and a.spec.name],
                protect=bool(request.protect)))
        return response


@dataclass
class Run:
    monitor: RecordingMonitor
    mocks: TrackingMocks
    result: Any = None
    registrations: list[Registration] = field(default_factory=list)

    @property
    def invokes(self) -> list[tuple[str, dict[str, Any]]]:
        """Every invoke the program made: (token, arguments)."""
        return self.mocks.invokes

    def of_type(self, typ: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == typ]

    def one(self, typ: str) -> Registration:
        found = self.of_type(typ)
        assert len(found) == 1, f"expected one {typ}, got {[r.name for r in found]}"
        return found[0]

    def named(self, name: str) -> Registration:
        found = [r for r in self.registrations if r.name == name]
        assert len(found) == 1, f"expected one resource named {name}, got {len(found)}"
        return found[0]

    @property
    def types(self) -> list[str]:
        return [r.type for r in self.registrations]

    @property
    def children(self) -> list[Registration]:
        return [r for r in self.registrations if r.custom]

    def value(self, output: pulumi.Output[Any]) -> Any:
        """The resolved value of an output (``rpc.UNKNOWN`` where unknown, e.g. in preview)."""
        return _sync_await(output.future(with_unknowns=True))

    def known(self, output: pulumi.Output[Any]) -> bool:
        return bool(_sync_await(output.is_known()))

    @staticmethod
    def unknown(value: Any) -> bool:
        """Whether a recorded input was unknown when registered (preview)."""
        return isinstance(value, Unknown) or value == rpc.UNKNOWN


def run_program(program: Callable[[], Any], *, preview: bool = False,
                invokes: dict[str, dict[str, Any]] | None = None) -> Run:
    mocks = TrackingMocks(preview, invokes)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, preview=preview, monitor=monitor)
    run = Run(monitor=monitor, mocks=mocks, registrations=monitor.registrations)

    @pulumi.runtime.test
    def go() -> Any:
        run.result = program()
        return None

    go()
    return run


def run_failing(program: Callable[[], Any], *, preview: bool = False,
                invokes: dict[str, dict[str, Any]] | None = None) -> tuple[BaseException, list[Registration]]:
    """Run a program that must fail; returns the error and whatever was registered before it."""
    mocks = TrackingMocks(preview, invokes)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, preview=preview, monitor=monitor)

    @pulumi.runtime.test
    def go() -> None:
        program()

    with pytest.raises(Exception) as info:
        go()
    return info.value, monitor.registrations


def pytest_configure(config: pytest.Config) -> None:
    # pulumi_cloudflare warns about its own deprecated aliases when imported; not ours to fix.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:pulumi_cloudflare")


@pytest.fixture
def pulumi_run() -> Callable[..., Run]:
    return run_program


@pytest.fixture
def pulumi_run_failing() -> Callable[..., tuple[BaseException, list[Registration]]]:
    return run_failing

