"""The policy pack over the engine's analyzer protocol: the pack's process is started as the engine starts it
(``pack/__main__.py``, which prints its port) and asked ``AnalyzeStack`` over gRPC for a CloudFront chain as the
component registers it, then with User-Agent dropped and the origin moved off SparkPost. (The real CLI cannot run
a CloudFront resource here: its plugin is not on this machine; tests/engine/test_policy_cli.py runs the pack under
the CLI for our own resources.)"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from sparkpost_tracking.components import CloudFrontTrackingDomain
from tests.components.conftest import Registration, run_program

PACK = Path(subprocess.run([sys.executable, "-m", "sparkpost_tracking.policy"], check=True, capture_output=True,
                           text=True).stdout.strip())
REQUEST_POLICY = "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    process = subprocess.Popen([sys.executable, "-u", str(PACK / "__main__.py")], cwd=PACK, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip())  # the pack says where it listens, then serves
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=60)
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.kill()
        process.wait()


def stack() -> list[Registration]:
    return run_program(lambda: CloudFrontTrackingDomain("cf", {"domain": "cf.example.com"})).registrations


def analyze(stub: analyzer_pb2_grpc.AnalyzerStub, resources: list[Registration]) -> list[Any]:
    request = analyzer_pb2.AnalyzeStackRequest()
    for registration in resources:
        properties = struct_pb2.Struct()
        properties.update(registration.inputs)
        resource = request.resources.add(type=registration.type, properties=properties, urn=registration.urn,
                                         name=registration.name, parent=registration.parent or "")
        resource.options.protect = registration.protect
        resource.options.parent = registration.parent or ""
    return list(stub.AnalyzeStack(request).diagnostics)


def test_the_component_s_chain_passes_and_breaking_it_is_a_mandatory_violation(analyzer) -> None:
    resources = stack()
    assert analyze(analyzer, resources) == []
    dropped = copy.deepcopy(resources)
    [policy] = [r for r in dropped if r.type == REQUEST_POLICY]
    policy.inputs["headersConfig"]["headers"]["items"] = ["Accept-Language"]
    [distribution] = [r for r in dropped if r.type == DISTRIBUTION]
    distribution.inputs["origins"][0]["domainName"] = "example.net"
    found = {d.policyName: d for d in analyze(analyzer, dropped)}
    assert set(found) == {"sparkpost-cdn-requirements", "sparkpost-chain-serves"}
    assert all(d.policyPackName == "sparkpost-tracking" and d.enforcementLevel == analyzer_pb2.MANDATORY
               for d in found.values())
    assert "User-Agent" in found["sparkpost-cdn-requirements"].message
    assert "the origin is 'example.net'" in found["sparkpost-chain-serves"].message
    assert found["sparkpost-chain-serves"].urn == distribution.urn
