"""``pulumi-resource-fleettrivial``: a provider plugin on Pulumi's Python provider SDK (the one ours is built on)
serving one resource that does nothing, ``fleettrivial:index:Thing``: the plugin path's reference in
``bench.fleet``. Nothing of ours runs in it: it is Pulumi's own cost per native resource from a Python plugin.

``launcher(directory)`` writes the executable the engine starts (``plugins.providers`` in Pulumi.yaml points there).
"""

from __future__ import annotations

import asyncio
import json
import stat
import sys
from pathlib import Path

import grpc.aio
from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental import server
from pulumi.runtime.proto import provider_pb2_grpc

PACKAGE = "fleettrivial"
TOKEN = f"{PACKAGE}:index:Thing"
REPO = Path(__file__).resolve().parents[1]
SCHEMA = {
    "name": PACKAGE,
    "version": "0.0.1",
    "resources": {TOKEN: {
        "inputProperties": {"domain": {"type": "string"}}, "requiredInputs": ["domain"],
        "properties": {"domain": {"type": "string"}}, "required": ["domain"]}},
}


class TrivialProvider(api.Provider):
    async def get_schema(self, request: api.GetSchemaRequest) -> api.GetSchemaResponse:
        return api.GetSchemaResponse(schema=json.dumps(SCHEMA))

    async def diff(self, request: api.DiffRequest) -> api.DiffResponse:
        changed = [k for k in request.new_inputs if request.old_state.get(k) != request.new_inputs[k]]
        return api.DiffResponse(changes=bool(changed), diffs=changed)

    async def create(self, request: api.CreateRequest) -> api.CreateResponse:
        domain = request.properties["domain"].value
        return api.CreateResponse(resource_id="" if request.preview else str(domain), properties=request.properties)

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
