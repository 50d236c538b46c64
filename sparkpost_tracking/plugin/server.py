"""The plugin's gRPC server: one process answers both component construction and the native resources' CRUD.

- CRUD, check, diff, config and the schema go to ``NativeProvider`` through the experimental SDK's servicer.
- ``Construct`` goes to Pulumi's own component-provider path (``pulumi.provider.server``, the one
  ``component_provider_host`` runs), over a ``ComponentProvider`` for just the requested component: a YAML
  program's ``ManagedTrackingDomain`` never loads the CDN SDKs. In this process the components end in the native
  ``TrackingDomain`` (``end_chains_in``), which the engine sends back here.
- Errors the user can act on (a bad input, a missing key, SparkPost's refusal) reach the CLI as their message
  alone, in the schema's words (``adoptExisting``, ``sparkpost-tracking:verifyTimeout``); the SDK would append a
  Python traceback to every error.
- The process exits when the engine that started it is gone (``dynamic_providers.watchdog``, shared with the
  dynamic provider), so a killed CLI leaves no plugin behind and no SparkPost call outlives it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, Final

import grpc
import grpc.aio
from pulumi.provider import server as component_server
from pulumi.provider.experimental import server as native_server
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.runtime.proto import provider_pb2_grpc

from sparkpost_tracking import __version__
from sparkpost_tracking.components.chain import end_chains_in
from sparkpost_tracking.dynamic_providers import watchdog
from sparkpost_tracking.dynamic_providers.errors import SparkPostTrackingError, user_message
from sparkpost_tracking.dynamic_providers.types import PACKAGE
from sparkpost_tracking.dynamic_providers.validation import InvalidInput

from .native import in_wire_words
from .progress import EngineLog
from .provider import NativeProvider
from .resources import TrackingDomain, TrackingDomainAssociation
from .schema import component_provider, package_schema

#: Errors whose message tells the user what to do: shown without a traceback.
USER_ERRORS: Final[tuple[type[BaseException], ...]] = (SparkPostTrackingError,)

Handler = Callable[[Any, Any, Any], Awaitable[Any]]


def user_error(exc: BaseException | None) -> BaseException | None:
    """The user-facing error behind ``exc`` (the SDKs wrap errors in new ones raised while handling them)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, USER_ERRORS):
            return exc
        exc = getattr(exc, "inner", None) or exc.__cause__ or exc.__context__
    return None


def _plain_errors(handler: Handler) -> Handler:
    async def answer(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await handler(self, request, context)
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            found = user_error(exc)
            if found is None:
                raise
            await context.abort(grpc.StatusCode.UNKNOWN, in_wire_words(user_message(found)))

    return answer


@cache
def _component_provider(token: str) -> ComponentProvider:
    """Pulumi's component provider for the one component named by ``token`` (only its module is imported)."""
    from sparkpost_tracking import components

    name = token.rsplit(":", 1)[-1]
    component = getattr(components, name, None) if name in components.__all__ else None
    if not isinstance(component, type):
        raise InvalidInput("type", f"{token!r} is not a component of {PACKAGE}")
    return component_provider([component])


class PluginServicer(native_server.ProviderServicer):
    """The experimental SDK's servicer, with construction delegated and plain user errors."""

    async def _construct(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        servicer = component_server.ProviderServicer(_component_provider(request.type), self._args,
                                                     self._engine_address)
        return await servicer.Construct(request, context)

    Construct = _plain_errors(_construct)  # type: ignore[assignment]
    CheckConfig = _plain_errors(native_server.ProviderServicer.CheckConfig)
    Configure = _plain_errors(native_server.ProviderServicer.Configure)  # type: ignore[assignment]
    Check = _plain_errors(native_server.ProviderServicer.Check)
    Diff = _plain_errors(native_server.ProviderServicer.Diff)
    Create = _plain_errors(native_server.ProviderServicer.Create)
    Read = _plain_errors(native_server.ProviderServicer.Read)
    Update = _plain_errors(native_server.ProviderServicer.Update)
    Delete = _plain_errors(native_server.ProviderServicer.Delete)


def schema_json() -> str:
    return json.dumps(package_schema(), indent=2, sort_keys=True) + "\n"


async def serve(engine_address: str, args: list[str], *, parent: int | None = None) -> None:
    """Serve until the engine stops us, or until ``parent`` (the engine's process, default ours) is gone."""
    end_chains_in(TrackingDomain, TrackingDomainAssociation)
    server = grpc.aio.server()
    native = NativeProvider(schema_json, engine=EngineLog(engine_address))
    servicer = PluginServicer(args, __version__, native, engine_address=engine_address)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    # The same watchdog as the dynamic provider's: an engine that dies takes this process with it.
    watchdog.start(parent, provider_process=True)
    await server.wait_for_termination()
