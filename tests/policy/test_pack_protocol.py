"""The policy pack over the engine's analyzer protocol: the pack's process is started as the engine starts it
(``pack/__main__.py``, which prints its port) and asked ``Analyze`` over gRPC for a CloudFront origin request policy
as the component registers it, then with User-Agent dropped. (The real CLI cannot run a CloudFront resource here:
its plugin is not on this machine; tests/engine/test_policy_cli.py runs the pack under the CLI for our own
resources.)"""

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
from tests.components.conftest import run_program

PACK = Path(subprocess.run([sys.executable, "-m", "sparkpost_tracking.policy"], check=True, capture_output=True,
                           text=True).stdout.strip())
REQUEST_POLICY = "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"


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


def origin_request_policy() -> tuple[str, dict[str, Any]]:
    run = run_program(lambda: CloudFrontTrackingDomain("cf", {"domain": "cf.example.com"}))
    [registered] = run.of_type(REQUEST_POLICY)
    return registered.urn, registered.inputs


def analyze(stub: analyzer_pb2_grpc.AnalyzerStub, urn: str, props: dict[str, Any]) -> list[Any]:
    properties = struct_pb2.Struct()
    properties.update(props)
    answer = stub.Analyze(analyzer_pb2.AnalyzeRequest(type=REQUEST_POLICY, properties=properties, urn=urn,
                                                      name=urn.rsplit("::", 1)[-1]))
    return list(answer.diagnostics)


def test_the_component_s_policy_passes_and_dropping_user_agent_is_a_mandatory_violation(analyzer) -> None:
    urn, props = origin_request_policy()
    assert analyze(analyzer, urn, props) == []
    dropped = copy.deepcopy(props)
    dropped["headersConfig"]["headers"]["items"] = ["Accept-Language"]
    [diagnostic] = analyze(analyzer, urn, dropped)
    assert diagnostic.policyName == "sparkpost-cdn-requirements" and diagnostic.policyPackName == "sparkpost-tracking"
    assert diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
    assert "User-Agent" in diagnostic.message
