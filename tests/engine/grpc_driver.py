"""Drive ``python -m pulumi.dynamic`` over gRPC exactly as the Pulumi engine does, without the CLI."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider

REPO = Path(__file__).resolve().parents[2]
TYPE = "pulumi-python:dynamic/sparkpost:TrackingDomain"


def to_struct(props: dict[str, Any]) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


def serialized_provider() -> str:
    return str(_serialize(True, serialize_provider, TrackingDomainProvider())[0])


class DynamicProviderProcess:
    """A fresh provider process (as the engine starts it) and a stub to call it."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        # A clean environment: the key must arrive through Configure, not be inherited.
        base = {k: v for k, v in os.environ.items() if not k.startswith("SPARKPOST_")}
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=REPO, env={**base, "PULUMI_PROJECT": "sparkpost-tracking", **(env or {})},
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.provider = serialized_provider()

    def urn(self, name: str) -> str:
        return f"urn:pulumi:test::sparkpost-tracking::{TYPE}::{name}"

    def configure(self, config: dict[str, Any]) -> None:
        self.stub.Configure(provider_pb2.ConfigureRequest(args=to_struct(config)))

    def check(self, name: str, news: dict[str, Any], olds: dict[str, Any] | None = None
              ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        response = self.stub.Check(provider_pb2.CheckRequest(
            urn=self.urn(name), olds=to_struct(olds or {}), news=to_struct({**news, "__provider": self.provider})))
        return from_struct(response.inputs), [(f.property, f.reason) for f in response.failures]

    def diff(self, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        return self.stub.Diff(provider_pb2.DiffRequest(id=id_, urn=self.urn(name), olds=to_struct(olds),
                                                       news=to_struct(news)))

    def create(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self.stub.Create(provider_pb2.CreateRequest(urn=self.urn(name), properties=to_struct(inputs)))
        return response.id, from_struct(response.properties)

    def read(self, name: str, id_: str, state: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
        response = self.stub.Read(provider_pb2.ReadRequest(id=id_, urn=self.urn(name), properties=to_struct(state)))
        return response.id, from_struct(response.properties), from_struct(response.inputs)

    def update(self, name: str, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        response = self.stub.Update(provider_pb2.UpdateRequest(id=id_, urn=self.urn(name), olds=to_struct(olds),
                                                               news=to_struct(news)))
        return from_struct(response.properties)

    def delete(self, name: str, id_: str, state: dict[str, Any]) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id_, urn=self.urn(name), properties=to_struct(state)))

    def close(self) -> str:
        self.channel.close()
        self.process.kill()
        _, stderr = self.process.communicate(timeout=10)
        return stderr.decode(errors="replace")
