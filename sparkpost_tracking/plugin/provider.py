"""The plugin's adapter: engine requests for ``native.NATIVE_RESOURCES`` translated to the engine-neutral services
(``dynamic_providers.service``), the dynamic provider's twin. What is particular to this path lives here:
- wire names: camelCase ``PropertyValue`` maps <-> plain snake_case dicts (``wire``), secrets kept as they came;
- config: the provider's own (``config``); a plain-text key is refused in ``Configure``, the one call where the
  engine says which values are secret. Its ``region``/``apiUrl`` default every resource's inputs;
- preview: ``create``/``update`` with ``preview`` make no request and report the outputs as unknown;
- progress: a wait's status goes to the resource's own line through the engine's Log call (``progress``);
- concurrency: SparkPost calls block, so they run on a pool of ``providerWorkers`` threads (default 256): the
  engine's ``--parallel`` is the limit. ``providerWorkers 0`` falls back to asyncio's default executor.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental.property_value import PropertyValue

from sparkpost_tracking.dynamic_providers.progress import Progress, ignore
from sparkpost_tracking.dynamic_providers.service import Service
from sparkpost_tracking.dynamic_providers.types import PACKAGE

from .config import ProviderConfig, check_config, read_config
from .native import NATIVE_RESOURCES, NativeResource, in_wire_words
from .progress import EngineLog
from .wire import secret_names, to_python

T = TypeVar("T")


class NativeProvider(api.Provider):
    """Serves the native resources (and, through ``schema``, the package schema)."""

    def __init__(self, schema: Callable[[], str], resources: tuple[NativeResource, ...] = NATIVE_RESOURCES,
                 engine: EngineLog | None = None) -> None:
        self._schema, self._engine = schema, engine
        self._resources = {r.token: r for r in resources}
        self._config: ProviderConfig | None = None  # until the engine configures us
        self._services: dict[str, Service] = {}
        self._pool: ThreadPoolExecutor | None = None

    async def get_schema(self, request: api.GetSchemaRequest) -> api.GetSchemaResponse:
        return api.GetSchemaResponse(schema=await self._blocking(self._schema))

    async def check_config(self, request: api.CheckRequest) -> api.CheckResponse:
        values = {k: to_python(v) for k, v in request.new_inputs.items()}
        return api.CheckResponse(inputs=request.new_inputs,
                                 failures=[api.CheckFailure(f.prop, f.reason) for f in check_config(values)])

    async def configure(self, request: api.ConfigureRequest) -> api.ConfigureResponse:
        # Only Configure sees which values are secret (the engine strips the marks from CheckConfig's inputs).
        secret = {k for k, v in request.args.items() if v.contains_secret()}
        self.apply(read_config({k: to_python(v) for k, v in request.args.items()}, secret))
        # The engine requires secrets support of a plugin that constructs components: values arrive marked
        # secret, and each output leaves secret when the input of that name came in secret.
        return api.ConfigureResponse(accept_secrets=True, supports_preview=True,
                                     accept_resources=False, accept_outputs=False)

    def apply(self, config: ProviderConfig) -> None:
        """Use ``config``: each resource's service gets its settings, and the pool is sized."""
        self._config = config
        self._services = {token: r.service(config.settings) for token, r in self._resources.items()}
        workers = int(config.settings.provider_workers)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="sparkpost") if workers > 0 else None

    def _served(self, urn: str) -> tuple[NativeResource, Service]:
        if self._config is None:  # no Configure call (a test driving us directly): the environment alone
            self.apply(read_config({}))
        token = (urn.split("::")[-2] if "::" in urn else urn).rsplit("$", 1)[-1]  # ...::<parent>$<type>::<name>
        if token not in self._resources:
            raise ValueError(f"{PACKAGE} serves no resource {token!r}; it serves "
                             f"{', '.join(sorted(self._resources))} (and the components)")
        return self._resources[token], self._services[token]

    def _progress(self, urn: str) -> Progress:
        assert self._config is not None  # _served configured us
        return self._engine.progress(urn, self._config.settings.progress_after) if self._engine else ignore

    async def _blocking(self, call: Callable[..., T], *args: Any) -> T:
        """Run a call that talks to SparkPost off the event loop, so calls overlap up to the engine's limit."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(call, *args))

    def _inputs(self, resource: NativeResource, props: Mapping[str, PropertyValue]) -> dict[str, Any]:
        """Plain inputs, with the provider's ``region``/``apiUrl`` where the resource leaves them out. A component
        always passes a region (its own default), so the provider's ``apiUrl`` must not depend on it: like a
        resource's own ``apiUrl``, it wins over the region."""
        values = resource.names.from_wire(props)
        for key, value in (self._config.resource_defaults if self._config else {}).items():
            if key in resource.inputs and values.get(key) is None:
                values[key] = value
        return values

    async def check(self, request: api.CheckRequest) -> api.CheckResponse:
        resource, service = self._served(request.urn)
        checked = service.check(self._inputs(resource, request.new_inputs))
        failures = [api.CheckFailure(resource.names.wire.get(f.prop, f.prop), in_wire_words(f.reason))
                    for f in checked.failures]
        secret = secret_names(request.new_inputs, resource.names)
        return api.CheckResponse(inputs=resource.names.to_wire(checked.inputs, secret), failures=failures)

    async def diff(self, request: api.DiffRequest) -> api.DiffResponse:
        resource, service = self._served(request.urn)
        wire = resource.names.wire
        # The engine has already applied ignoreChanges to the new inputs.
        diff = service.diff(resource.names.from_wire(request.old_state), resource.names.from_wire(request.new_inputs))
        kinds = {k: api.PropertyDiffKind.UPDATE_REPLACE if k in diff.replaces else api.PropertyDiffKind.UPDATE
                 for k in diff.changed}
        return api.DiffResponse(
            changes=diff.changes, replaces=[wire[k] for k in diff.replaces],
            delete_before_replace=diff.delete_before_replace, diffs=[wire[k] for k in kinds],
            # The diff is of state (what SparkPost last reported) against the inputs, as the preview should show it.
            detailed_diff={wire[k]: api.PropertyDiff(kind, input_diff=False) for k, kind in kinds.items()})

    async def create(self, request: api.CreateRequest) -> api.CreateResponse:
        resource, service = self._served(request.urn)
        inputs, secret = resource.names.from_wire(request.properties), secret_names(request.properties, resource.names)
        if request.preview:
            return api.CreateResponse(properties=resource.previewed(inputs, secret))
        created = await self._blocking(service.create, inputs, self._progress(request.urn))
        return api.CreateResponse(resource_id=created.id, properties=resource.names.to_wire(created.outputs, secret))

    async def read(self, request: api.ReadRequest) -> api.ReadResponse:
        resource, service = self._served(request.urn)
        names = resource.names
        state = names.from_wire(request.properties) or names.from_wire(request.inputs)
        secret = secret_names(request.properties, names) | secret_names(request.inputs, names)
        # An import has no state: the provider's region/apiUrl say where to look.
        found = await self._blocking(service.read, request.resource_id, state, self._inputs(resource, {}))
        if found.warning and self._engine:
            self._engine.warn(request.urn, in_wire_words(found.warning))
        if not found.id:
            return api.ReadResponse()  # gone: the engine drops it from state
        return api.ReadResponse(resource_id=found.id, properties=names.to_wire(found.outputs, secret),
                                inputs=names.to_wire(found.inputs, secret))

    async def update(self, request: api.UpdateRequest) -> api.UpdateResponse:
        resource, service = self._served(request.urn)
        olds, news = resource.names.from_wire(request.olds), resource.names.from_wire(request.news)
        secret = secret_names(request.news, resource.names)
        if request.preview:
            return api.UpdateResponse(properties=resource.previewed({**olds, **news}, secret))
        outputs = await self._blocking(service.update, request.resource_id, olds, news, self._progress(request.urn))
        return api.UpdateResponse(properties=resource.names.to_wire(outputs, secret))

    async def delete(self, request: api.DeleteRequest) -> None:
        resource, service = self._served(request.urn)
        warning = await self._blocking(service.delete, request.resource_id,
                                       resource.names.from_wire(request.properties))
        if warning and self._engine:  # left in place on purpose: the engine drops the resource from state
            self._engine.warn(request.urn, in_wire_words(warning))
