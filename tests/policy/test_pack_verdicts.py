"""The policy pack's verdicts as the engine receives them (the pack's own process, asked ``Analyze`` over gRPC), on
both sides of SparkPost's cache limit and with values a preview cannot know yet.

Only outcomes are asserted (whether a mandatory violation comes back, and what it says of the TTL), not which rule
or function produced it, so the tests hold whatever shape the rules take.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from sparkpost_tracking.components import CloudFrontTrackingDomain, FastlyTrackingDomain
from tests.components.conftest import Registration, run_program

PACK = Path(subprocess.run([sys.executable, "-m", "sparkpost_tracking.policy"], check=True, capture_output=True,
                           text=True).stdout.strip())
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
FASTLY_SERVICE = "fastly:index/serviceVcl:ServiceVcl"
#: How the engine sends a value it cannot know at preview (pulumi's unknown sentinels, by type).
UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
ZONE = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def analyze() -> Iterator[Callable[[str, dict[str, Any]], list[Any]]]:
    """Ask the pack as the engine does at the end of a preview (``AnalyzeStack``): the whole program as the
    components register it, with one resource's inputs replaced."""
    process = subprocess.Popen([sys.executable, "-u", str(PACK / "__main__.py")], cwd=PACK, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip())  # the pack says where it listens, then serves
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=60)
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            program = registered_program()

            def call(kind: str, props: dict[str, Any]) -> list[Any]:
                request = analyzer_pb2.AnalyzeStackRequest()
                for registration in program:
                    properties = struct_pb2.Struct()
                    properties.update(props if registration.type == kind else registration.inputs)
                    resource = request.resources.add(type=registration.type, properties=properties,
                                                     urn=registration.urn, name=registration.name,
                                                     parent=registration.parent or "")
                    resource.options.protect = registration.protect
                    resource.options.parent = registration.parent or ""
                return list(stub.AnalyzeStack(request).diagnostics)

            yield call
    finally:
        process.kill()
        process.wait()


def registered_program() -> list[Registration]:
    def program() -> None:
        CloudFrontTrackingDomain("cf", {"domain": "cf.example.com"})
        FastlyTrackingDomain("fa", {"domain": "fa.example.com", "dns": "cloudflare", "dns_zone_id": ZONE})

    return run_program(program).registrations


@pytest.fixture(scope="module")
def registered() -> dict[str, dict[str, Any]]:
    """The CloudFront cache policy's and the Fastly service's inputs as the components register them."""
    found = {}
    for kind in (CACHE_POLICY, FASTLY_SERVICE):
        [resource] = [r for r in registered_program() if r.type == kind]
        found[kind] = copy.deepcopy(resource.inputs)
    return found


def mandatory(diagnostics: list[Any]) -> list[str]:
    return [d.message for d in diagnostics if d.enforcementLevel == analyzer_pb2.MANDATORY]


@pytest.mark.parametrize(("kind", "field", "seconds", "violates"), [
    (CACHE_POLICY, "maxTtl", 10, False),
    (CACHE_POLICY, "maxTtl", 11, True),
    (CACHE_POLICY, "defaultTtl", 10, False),
    (CACHE_POLICY, "defaultTtl", 11, True),
    (FASTLY_SERVICE, "defaultTtl", 10, False),
    (FASTLY_SERVICE, "defaultTtl", 11, True),
], ids=["cloudfront-max-10", "cloudfront-max-11", "cloudfront-default-10", "cloudfront-default-11",
        "fastly-default-10", "fastly-default-11"])
def test_a_cache_ttl_of_10_s_passes_and_11_s_is_a_mandatory_violation(analyze, registered, kind: str, field: str,
                                                                      seconds: int, violates: bool) -> None:
    props = registered[kind]
    assert mandatory(analyze(kind, props)) == []  # as the component builds it
    messages = mandatory(analyze(kind, {**copy.deepcopy(props), field: seconds}))
    if violates:
        assert len(messages) == 1 and "TTL" in messages[0] and "10 s" in messages[0] and "11 s" in messages[0]
    else:
        assert messages == []


def test_a_known_violation_is_reported_beside_a_value_the_preview_cannot_know(analyze, registered) -> None:
    props = registered[CACHE_POLICY]
    with_unknown = {**copy.deepcopy(props), "name": UNKNOWN_STRING, "comment": UNKNOWN_STRING}
    assert mandatory(analyze(CACHE_POLICY, with_unknown)) == []
    messages = mandatory(analyze(CACHE_POLICY, {**with_unknown, "maxTtl": 3600}))
    assert len(messages) == 1 and "3600 s" in messages[0]


@pytest.mark.parametrize("field", ["maxTtl", "defaultTtl"])
def test_an_unknown_ttl_is_never_reported_as_a_value(analyze, registered, field: str) -> None:
    """The preview cannot know the TTL yet: the pack answers (no error), and no message names the sentinel or
    claims a number it did not see."""
    props = registered[CACHE_POLICY]
    diagnostics = analyze(CACHE_POLICY, {**copy.deepcopy(props), field: UNKNOWN_NUMBER})
    assert all(UNKNOWN_NUMBER not in d.message and "3eeb2bf0" not in d.message for d in diagnostics)
    # A known violation on the other TTL is still reported beside the unknown one.
    other = "defaultTtl" if field == "maxTtl" else "maxTtl"
    messages = mandatory(analyze(CACHE_POLICY, {**copy.deepcopy(props), field: UNKNOWN_NUMBER, other: 11}))
    assert len(messages) == 1 and "11 s" in messages[0]
