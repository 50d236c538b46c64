"""``pulumi-resource-fleettrivial``: a provider plugin on Pulumi's Python provider SDK (the one ours is built on)
serving resources that do nothing: the plugin path's references in ``bench.fleet``. Nothing of ours runs in it.

- ``fleettrivial:index:Thing``: one property; Pulumi's own cost per native resource from a Python plugin;
- ``fleettrivial:index:SameShape``: the state of our native ``TrackingDomain`` (its check fills in the same defaults,
  its create returns the same outputs, camelCase on the wire), still without any work: Pulumi's cost for a resource
  of our shape.

``launcher(directory)`` writes the executable the engine starts (``plugins.providers`` in Pulumi.yaml points there).
"""

from __future__ import annotations

import asyncio
import json
import stat
import sys
from pathlib import Path
from typing import Any

import grpc.aio
from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental import server
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.util import camel_case
from pulumi.runtime.proto import provider_pb2_grpc

from sparkpost_tracking.dynamic_providers.schema import INPUT_DEFAULTS, INPUTS

from .fleet_program import REPORTED

PACKAGE = "fleettrivial"
TOKEN = f"{PACKAGE}:index:Thing"
SAME_SHAPE = f"{PACKAGE}:index:SameShape"
REPO = Path(__file__).resolve().parents[1]
_TYPES = {bool: "boolean", int: "integer", str: "string"}
#: Our TrackingDomain's inputs and their defaults, and what it reports, as wire values.
DEFAULTS: dict[str, PropertyValue] = {camel_case(k): PropertyValue(v) for k, v in INPUT_DEFAULTS.items()
                                      if v is not None}
OUTPUTS: dict[str, PropertyValue] = {camel_case(k): PropertyValue(float(v) if isinstance(v, int) and
                                                                  not isinstance(v, bool) else v)
                                     for k, v in REPORTED.items()}


def _properties() -> dict[str, Any]:
    inputs = {camel_case(k): {"type": "string" if k in ("domain", "region", "api_url") else
                              "integer" if k == "subaccount_id" else "boolean"} for k in INPUTS}
    outputs = {camel_case(k): {"type": _TYPES[type(v)]} for k, v in REPORTED.items()}
    return {"inputProperties": inputs, "requiredInputs": ["domain"], "properties": {**inputs, **outputs},
            "required": ["domain"]}


SCHEMA = {
    "name": PACKAGE,
    "version": "0.0.1",
    "resources": {
        TOKEN: {"inputProperties": {"domain": {"type": "string"}}, "requiredInputs": ["domain"],
                "properties": {"domain": {"type": "string"}}, "required": ["domain"]},
        SAME_SHAPE: _properties(),
    },
}


def _token(urn: str) -> str:
    return urn.split("::")[-2].rsplit("$", 1)[-1]


class TrivialProvider(api.Provider):
    async def get_schema(self, request: api.GetSchemaRequest) -> api.GetSchemaResponse:
        return api.GetSchemaResponse(schema=json.dumps(SCHEMA))

    async def check(self, request: api.CheckRequest) -> api.CheckResponse:
        if _token(request.urn) == SAME_SHAPE:
            return api.CheckResponse(inputs={**DEFAULTS, **request.new_inputs})
        return api.CheckResponse(inputs=request.new_inputs)

    async def diff(self, request: api.DiffRequest) -> api.DiffResponse:
        changed = [k for k in request.new_inputs if request.old_state.get(k) != request.new_inputs[k]]
        return api.DiffResponse(changes=bool(changed), diffs=changed)

    async def create(self, request: api.CreateRequest) -> api.CreateResponse:
        domain = request.properties["domain"].value
        outputs = OUTPUTS if _token(request.urn) == SAME_SHAPE else {}
        return api.CreateResponse(resource_id="" if request.preview else str(domain),
                                  properties={**request.properties, **outputs})

    async def delete(self, request: api.DeleteRequest) -> None:
        return None


async def serve(engine_address: str, args: list[str]) -> None:
    grpc_server = grpc.aio.server()
    servicer = server.ProviderServicer(args, "0.0.1", TrivialProvider(), engine_address=engine_address)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, grpc_server)
    port = grpc_server.add_insecure_port("127.0.0.1:0")
    await grpc_server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await grpc_server.wait_for_termination()


def launcher(directory: Path) -> Path:
    """Write ``pulumi-resource-fleettrivial`` into ``directory``: this interpreter running this module."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"pulumi-resource-{PACKAGE}"
    path.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m bench.trivial_plugin "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


if __name__ == "__main__":
    # The engine passes its address last, after flags such as --logtostderr.
    asyncio.run(serve([a for a in sys.argv[1:] if not a.startswith("-")][-1], sys.argv[1:]))
