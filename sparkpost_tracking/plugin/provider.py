"""The native provider: engine requests for the resources in ``native.NATIVE_RESOURCES``, answered by the same
provider code as the Python dynamic resources.

Each request is translated (camelCase ``PropertyValue`` maps <-> plain snake_case dicts, see ``wire``) and handed to
the resource's ``pulumi.dynamic.ResourceProvider``: its ``check`` (the shared ``check_inputs``), ``diff`` (the shared
``compute_changes``) and CRUD (the shared lifecycle and client). What is particular to a native provider lives here:

- config comes from the provider's own configuration (``config``), and its ``region``/``apiUrl`` are defaults for
  every resource's inputs, so ``pulumi import`` needs nothing but an id;
- preview: ``create``/``update`` with ``preview`` make no request and report the outputs as unknown;
- import: a read with no prior state takes the inputs from what SparkPost reports, so the imported resource
  previews unchanged when the program declares what the domain is;
- concurrency: SparkPost calls block (HTTP, waits for verification), so they run on a thread pool sized by
  ``providerWorkers`` (default 256): the engine's ``--parallel`` is the limit, not ours. ``providerWorkers 0``
  falls back to asyncio's default executor (min(32, CPUs + 4) threads).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental.property_value import PropertyValue

from sparkpost_tracking.components.chain import PACKAGE

from .config import ProviderConfig, check_config, read_config
from .import_id import ImportId, check_owner
from .native import NATIVE_RESOURCES, NativeResource, ServedProvider, in_wire_words
from .wire import UNKNOWN, secret_names, to_python

T = TypeVar("T")


class NativeProvider(api.Provider):
    """Serves the native resources (and, through ``schema``, the package schema)."""

    def __init__(self, schema: Callable[[], str], resources: tuple[NativeResource, ...] = NATIVE_RESOURCES) -> None:
        self._schema = schema
        self._resources = {r.token: r for r in resources}
        self._config: ProviderConfig | None = None  # until the engine configures us
        self._providers: dict[str, ServedProvider] = {}
        self._pool: ThreadPoolExecutor | None = None

    # ---- package and configuration -----------------------------------------------------------

    async def get_schema(self, request: api.GetSchemaRequest) -> api.GetSchemaResponse:
        return api.GetSchemaResponse(schema=await asyncio.get_running_loop().run_in_executor(None, self._schema))

    async def check_config(self, request: api.CheckRequest) -> api.CheckResponse:
        values = {k: to_python(v) for k, v in request.new_inputs.items()}
        failures = [api.CheckFailure(f.prop, f.reason) for f in check_config(values)]
        return api.CheckResponse(inputs=request.new_inputs, failures=failures)

    async def configure(self, request: api.ConfigureRequest) -> api.ConfigureResponse:
        values = {k: to_python(v) for k, v in request.args.items()}
        self.apply(read_config(values))
        # The engine requires secrets support of a plugin that constructs components: values arrive marked
        # secret, and each output leaves secret when the input of that name came in secret.
        return api.ConfigureResponse(accept_secrets=True, supports_preview=True,
                                     accept_resources=False, accept_outputs=False)

    def apply(self, config: ProviderConfig) -> None:
        """Use ``config``: each resource's provider gets its settings, and the pool is sized."""
        self._config = config
        for token, resource in self._resources.items():
            provider = resource.provider()
            provider.settings = config.settings
            self._providers[token] = provider
        workers = int(config.settings.provider_workers)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="sparkpost") if workers > 0 else None

    def _configured(self) -> ProviderConfig:
        """The config; without a Configure call (a test driving us directly), the environment's alone."""
        if self._config is None:
            self.apply(read_config({}))
        assert self._config is not None
        return self._config

    def _provider(self, resource: NativeResource) -> ServedProvider:
        self._configured()
        return self._providers[resource.token]

    def _resource(self, urn: str) -> NativeResource:
        # urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>
        token = (urn.split("::")[-2] if "::" in urn else urn).rsplit("$", 1)[-1]
        try:
            return self._resources[token]
        except KeyError:
            raise ValueError(f"{PACKAGE} serves no resource {token!r}; it serves "
                             f"{', '.join(sorted(self._resources))} (and the components)") from None

    async def _blocking(self, call: Callable[..., T], *args: Any) -> T:
        """Run a call that talks to SparkPost off the event loop, so calls overlap up to the engine's limit."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(call, *args))

    def _with_defaults(self, resource: NativeResource, props: dict[str, Any]) -> dict[str, Any]:
        """Inputs with the provider's ``region``/``apiUrl`` where the resource leaves them out. A component always
        passes a region (its own default, 'us'), so the provider's ``apiUrl`` must not depend on it: like a
        resource's own ``apiUrl``, it wins over the region."""
        for key, value in self._configured().resource_defaults.items():
            if key in resource.inputs and props.get(key) is None:
                props[key] = value
        return props

    # ---- resources -------------------------------------------------------------------------------

    async def check(self, request: api.CheckRequest) -> api.CheckResponse:
        resource = self._resource(request.urn)
        names = resource.names
        news = self._with_defaults(resource, names.from_wire(request.new_inputs))
        result = self._provider(resource).check(names.from_wire(request.old_inputs), news)
        failures = [api.CheckFailure(names.wire.get(f.property, f.property), in_wire_words(f.reason))
                    for f in result.failures]
        secret = secret_names(request.new_inputs, names)
        return api.CheckResponse(inputs=names.to_wire(result.inputs or {}, secret), failures=failures)

    async def diff(self, request: api.DiffRequest) -> api.DiffResponse:
        resource = self._resource(request.urn)
        names = resource.names
        # The engine has already applied ignoreChanges to the new inputs.
        olds, news = names.from_wire(request.old_state), names.from_wire(request.new_inputs)
        result = self._provider(resource).diff(request.resource_id, olds, news)
        changed = resource.changes(olds, news)
        replaces = list(result.replaces or [])
        kinds = {key: api.PropertyDiffKind.UPDATE_REPLACE if key in replaces else api.PropertyDiffKind.UPDATE
                 for key in changed.changed}
        return api.DiffResponse(
            changes=bool(result.changes),
            replaces=[names.wire[k] for k in replaces],
            delete_before_replace=bool(result.delete_before_replace),
            diffs=[names.wire[k] for k in kinds],
            # The diff is of state (what SparkPost last reported) against the inputs, as the preview should show it.
            detailed_diff={names.wire[k]: api.PropertyDiff(kind, input_diff=False) for k, kind in kinds.items()},
        )

    async def create(self, request: api.CreateRequest) -> api.CreateResponse:
        resource = self._resource(request.urn)
        names = resource.names
        inputs = names.from_wire(request.properties)
        secret = secret_names(request.properties, names)
        if request.preview:
            return api.CreateResponse(properties=self._previewed(resource, inputs, secret))
        result = await self._blocking(self._provider(resource).create, inputs)
        return api.CreateResponse(resource_id=result.id, properties=names.to_wire(result.outs or {}, secret))

    async def read(self, request: api.ReadRequest) -> api.ReadResponse:
        resource = self._resource(request.urn)
        names = resource.names
        state = names.from_wire(request.properties) or names.from_wire(request.inputs)
        secret = secret_names(request.properties, names) | secret_names(request.inputs, names)
        importing = not state
        provider = self._provider(resource)
        # An imported resource's id is <name>[,<subaccount id>]; on import, its subaccount starts the state.
        resource_id, name = request.resource_id, ImportId.name_of(request.resource_id)
        if importing:
            target = ImportId.of(provider, request.resource_id)
            resource_id = str(target)
            state = self._with_defaults(resource, target.state())
            await self._blocking(check_owner, provider, state, target)
        result = await self._blocking(provider.read, name, self._with_defaults(resource, state))
        if not result.id:
            return api.ReadResponse()  # gone: the engine drops it from state
        outs = dict(result.outs or {})
        # Refresh keeps the declared inputs, so the next `up` repairs drift; an import declares what it found.
        inputs = self._provider(resource).declared_from(outs) if importing else dict(result.inputs or {})
        if importing:
            outs.update(inputs)  # state says what the program will declare, so the next preview is unchanged
        return api.ReadResponse(resource_id=resource_id, properties=names.to_wire(outs, secret),
                                inputs=names.to_wire(inputs, secret))

    async def update(self, request: api.UpdateRequest) -> api.UpdateResponse:
        resource = self._resource(request.urn)
        names = resource.names
        olds, news = names.from_wire(request.olds), names.from_wire(request.news)
        secret = secret_names(request.news, names)
        if request.preview:
            return api.UpdateResponse(properties=self._previewed(resource, {**olds, **news}, secret))
        result = await self._blocking(self._provider(resource).update, request.resource_id, olds, news)
        return api.UpdateResponse(properties=names.to_wire(result.outs or {}, secret))

    async def delete(self, request: api.DeleteRequest) -> None:
        resource = self._resource(request.urn)
        state = resource.names.from_wire(request.properties)
        await self._blocking(self._provider(resource).delete, ImportId.name_of(request.resource_id), state)

    @staticmethod
    def _previewed(resource: NativeResource, inputs: Mapping[str, Any], secret: set[str]) -> dict[str, PropertyValue]:
        """A preview's outputs: the inputs as given, and every reported output unknown until SparkPost answers."""
        props = resource.names.to_wire({k: v for k, v in inputs.items() if k in resource.inputs}, secret)
        props.update({resource.names.wire[k]: UNKNOWN for k in resource.outputs.__annotations__})
        return props
