"""One deployment of a provider process on each engine path, for tests that hold both paths to one behaviour over a
resource's whole life: the Python dynamic providers (key and tunables from the environment) and the plugin's native
provider (from its provider config, called as the SDK's server calls it, wire names and all).

A ``Deployment`` is what the engine starts for one ``pulumi up``, ``refresh`` or ``destroy``: a provider configured
once. Its calls take and return plain snake_case dicts, so a test reads the same on both paths; an error raised on
the plugin path is the same exception the plugin's server reports.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar

from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental.property_value import PropertyValue

from sparkpost_tracking.dynamic_providers import (
    SendingDomainProvider,
    TrackingDomainAssociationProvider,
    TrackingDomainProvider,
)
from sparkpost_tracking.dynamic_providers.provider_base import SparkPostProvider
from sparkpost_tracking.plugin.native import ASSOCIATION, SENDING_DOMAIN, TRACKING_DOMAIN, NativeResource
from sparkpost_tracking.plugin.provider import NativeProvider
from sparkpost_tracking.plugin.wire import from_python, to_python

T = TypeVar("T")
#: The tunables both paths get: fast retries and polls.
FAST = {"retry_backoff": "0.01", "verify_interval": "0", "verify_timeout": "0", "request_timeout": "2"}
KINDS = ("tracking_domain", "association", "sending_domain")


def run(call: Coroutine[Any, Any, T]) -> T:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(call)
    finally:
        loop.close()


class Deployment(Protocol):
    warnings: list[str]

    def create(self, kind: str, declared: dict[str, Any]) -> dict[str, Any]: ...
    def read(self, kind: str, id_: str, state: dict[str, Any]) -> dict[str, Any] | None: ...
    def update(self, kind: str, id_: str, olds: dict[str, Any], declared: dict[str, Any]) -> dict[str, Any]: ...
    def delete(self, kind: str, id_: str, state: dict[str, Any]) -> None: ...


class DynamicDeployment:
    """The dynamic provider process: one provider per resource type, configured once (as ``get_provider`` does)."""

    def __init__(self) -> None:
        self.providers: dict[str, SparkPostProvider] = {"tracking_domain": TrackingDomainProvider(),
                                                        "association": TrackingDomainAssociationProvider(),
                                                        "sending_domain": SendingDomainProvider()}
        self.warnings: list[str] = []

    def _checked(self, kind: str, declared: dict[str, Any]) -> dict[str, Any]:
        result = self.providers[kind].check({}, declared)
        assert not result.failures, result.failures
        return {**result.inputs, "__provider": "serialized"}

    def create(self, kind: str, declared: dict[str, Any]) -> dict[str, Any]:
        outs = self.providers[kind].create(self._checked(kind, declared)).outs
        assert outs is not None
        return dict(outs)

    def read(self, kind: str, id_: str, state: dict[str, Any]) -> dict[str, Any] | None:
        import pulumi

        original = pulumi.log.warn
        pulumi.log.warn = self.warnings.append  # type: ignore[assignment]
        try:
            result = self.providers[kind].read(id_, state)
        finally:
            pulumi.log.warn = original  # type: ignore[assignment]
        return dict(result.outs) if result.id else None

    def update(self, kind: str, id_: str, olds: dict[str, Any], declared: dict[str, Any]) -> dict[str, Any]:
        outs = self.providers[kind].update(id_, olds, self._checked(kind, declared)).outs
        assert outs is not None
        return dict(outs)

    def delete(self, kind: str, id_: str, state: dict[str, Any]) -> None:
        import pulumi

        original = pulumi.log.warn
        pulumi.log.warn = self.warnings.append  # type: ignore[assignment]
        try:
            self.providers[kind].delete(id_, state)
        finally:
            pulumi.log.warn = original  # type: ignore[assignment]


class _Log:
    """The engine's Log service, as far as the provider uses it: what it warned, per URN."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def progress(self, urn: str, lasting_after: float) -> Any:
        return lambda status: None

    def warn(self, urn: str, message: str) -> None:
        self.warnings.append(message)


class NativeDeployment:
    """The plugin process: one ``NativeProvider``, configured once with the key as a secret."""

    RESOURCES: dict[str, NativeResource] = {"tracking_domain": TRACKING_DOMAIN, "association": ASSOCIATION,
                                            "sending_domain": SENDING_DOMAIN}

    def __init__(self, api_url: str, key: str) -> None:
        self._log = _Log()
        self.native = NativeProvider(schema=lambda: "{}", engine=self._log)  # type: ignore[arg-type]
        config = {"apiKey": PropertyValue(key).with_secret(True), "apiUrl": from_python(api_url),
                  **{_camel(k): from_python(v) for k, v in FAST.items()}}
        run(self.native.configure(api.ConfigureRequest({}, config, True, False)))

    @property
    def warnings(self) -> list[str]:
        return self._log.warnings

    def _urn(self, kind: str) -> str:
        return f"urn:pulumi:test::proj::{self.RESOURCES[kind].token}::r"

    def _wire(self, kind: str, props: dict[str, Any]) -> dict[str, PropertyValue]:
        names = self.RESOURCES[kind].names
        return {names.wire.get(k, k): from_python(v) for k, v in props.items() if v is not None}

    def _plain(self, kind: str, props: dict[str, PropertyValue]) -> dict[str, Any]:
        names = self.RESOURCES[kind].names
        return {names.snake.get(k, k): to_python(v) for k, v in props.items()}

    def _checked(self, kind: str, declared: dict[str, Any]) -> dict[str, PropertyValue]:
        checked = run(self.native.check(api.CheckRequest(self._urn(kind), {}, self._wire(kind, declared), b"")))
        assert not checked.failures and checked.inputs is not None, checked.failures
        return checked.inputs

    def create(self, kind: str, declared: dict[str, Any]) -> dict[str, Any]:
        made = run(self.native.create(api.CreateRequest(self._urn(kind), self._checked(kind, declared), 60, False)))
        return self._plain(kind, made.properties)

    def read(self, kind: str, id_: str, state: dict[str, Any]) -> dict[str, Any] | None:
        wired = self._wire(kind, state)
        found = run(self.native.read(api.ReadRequest(self._urn(kind), id_, wired, wired)))
        return self._plain(kind, found.properties) if found.resource_id else None

    def update(self, kind: str, id_: str, olds: dict[str, Any], declared: dict[str, Any]) -> dict[str, Any]:
        request = api.UpdateRequest(self._urn(kind), id_, self._wire(kind, olds), self._checked(kind, declared), 60,
                                    [], False)
        return self._plain(kind, run(self.native.update(request)).properties)

    def delete(self, kind: str, id_: str, state: dict[str, Any]) -> None:
        run(self.native.delete(api.DeleteRequest(self._urn(kind), id_, self._wire(kind, state), 60)))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
