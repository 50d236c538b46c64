"""The plugin's wait progress: each poll's status on the resource's own line in the CLI, through the engine's Log
call with the resource's URN (the dynamic provider, which has no URN, can only log to the stack).

Each status goes out ephemeral, so an interactive display shows the latest one on the resource's row and drops it
when the operation ends; a few (``Throttled``, as the dynamic provider says them) also go out as lasting lines, so
a non-interactive run (CI) shows how a long wait went.
"""

from __future__ import annotations

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from sparkpost_tracking.dynamic_providers.progress import Throttled, WaitStatus


class EngineLog:
    """The engine's Log service at ``address`` (the plugin's command-line argument)."""

    def __init__(self, address: str) -> None:
        self._engine = engine_pb2_grpc.EngineStub(grpc.insecure_channel(address))

    def progress(self, urn: str, lasting_after: float) -> ResourceProgress:
        return ResourceProgress(self, urn, lasting_after)

    def say(self, urn: str, message: str, *, ephemeral: bool,
            severity: engine_pb2.LogSeverity.ValueType = engine_pb2.INFO) -> None:
        try:
            self._engine.Log(engine_pb2.LogRequest(severity=severity, message=message, urn=urn, ephemeral=ephemeral))
        except grpc.RpcError:
            pass  # a status line is not worth failing the operation for

    def warn(self, urn: str, message: str) -> None:
        """A lasting warning on the resource's line (and in the Diagnostics)."""
        self.say(urn, message, ephemeral=False, severity=engine_pb2.WARNING)


class ResourceProgress:
    """The ``Progress`` of one operation on the resource ``urn``."""

    def __init__(self, log: EngineLog, urn: str, lasting_after: float) -> None:
        self._log, self._urn = log, urn
        self._lasting = Throttled(lambda line: log.say(urn, line, ephemeral=False), lasting_after)

    def __call__(self, status: WaitStatus) -> None:
        self._log.say(self._urn, status.line, ephemeral=True)
        self._lasting(status)
