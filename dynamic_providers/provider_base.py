"""The Python dynamic-provider adapter: ``pulumi.dynamic`` calls translated to the engine-neutral services
(``service``), and nothing else. The plugin's adapter (``sparkpost_tracking.plugin.provider``) is its twin.

A provider holds no secret and no connection, and pickles by reference (its ``__provider`` string is tiny,
identical across runs, and survives refactors inside the package). The API key comes from stack config
(``configure``) or the environment, at call time, and is never an input or in state.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar, ParamSpec, TypeVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import errors
from .progress import Throttled
from .service import Service
from .validation import is_unknown

P = ParamSpec("P")
R = TypeVar("R")
PROVIDER_KEY = "__provider"  # where the engine keeps the serialized provider, in inputs and state


def provider_moved(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    """State holds a provider pickled under another import path (a release before the package moved).

    Refresh and destroy load the provider from state, so state must get the current one: a state-only
    update, which costs no SparkPost call. Today's provider pickles identically in every run and release.
    """
    old, new = olds.get(PROVIDER_KEY), news.get(PROVIDER_KEY)
    return old is not None and isinstance(new, str) and not is_unknown(new) and old != new


def reported(method: Callable[P, R]) -> Callable[P, R]:
    """Our own errors reach the user as their message: Pulumi's dynamic-provider server shows the traceback of
    whatever a provider method raises, and our call stack says nothing the user can act on. A bug keeps it."""
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except errors.SparkPostTrackingError as exc:
            raise exc.with_traceback(None) from None

    return wrapper


class SparkPostProvider(ResourceProvider):
    """Base of the SparkPost dynamic providers; a subclass names its ``service_type``."""

    service_type: ClassVar[type[Service]]
    # Nothing secret is ever captured, so ``__provider`` need not be an encrypted secret per resource.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        self.service = self.service_type()
        #: ``sparkpost:apiUrl``: the ``api_url`` of every resource that sets none (``configure`` reads it).
        self.api_url: str | None = None

    # Pickle nothing but the class reference: no key, no settings, no sessions.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.service = self.service_type()
        self.api_url = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def configure(self, req: ConfigureRequest) -> None:
        from . import watchdog
        from .provider_server import plain_user_errors, widen_workers
        from .settings import API_URL_CONFIG, CONFIG_KEYS, settings_from, unknown_key_problems

        # From here on, an engine that dies takes this process with it (no SparkPost call outlives it).
        watchdog.start()
        # Our errors reach the CLI as their message, without the server's traceback header and frames.
        plain_user_errors()
        # Refresh and destroy do not run the program, whose check refuses bad ``sparkpost:`` keys: the provider
        # refuses them too, at its first SparkPost call (configure itself runs for check and diff, which make
        # none). pulumi.dynamic.Config keeps the whole stack config in ``_props`` (it offers no listing).
        problems = unknown_key_problems(getattr(req.config, "_props", None) or {})
        values = {key: req.config.get(key) for key in CONFIG_KEYS}
        try:
            settings = settings_from({k: v for k, v in values.items() if v is not None})
        except errors.ConfigurationError as exc:
            problems.append(str(exc))
            settings = None
        self.service = self.service_type(settings, problems)
        self.api_url = values.get(API_URL_CONFIG) or None
        # Creates wait minutes for SparkPost; let them overlap beyond the server's 4 workers.
        widen_workers(int(settings.provider_workers) if settings else 0)

    @property
    def settings(self) -> Any:
        return self.service.settings

    @settings.setter
    def settings(self, value: Any) -> None:
        self.service = self.service_type(value, self.service.problems)

    # ---- engine methods ----------------------------------------------------------------------

    @reported
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        if news.get("api_url") is None and self.api_url:  # into the inputs, as the plugin does with its apiUrl
            news = {**news, "api_url": self.api_url}
        checked = self.service.check(news)
        return CheckResult(checked.inputs, [CheckFailure(f.prop, f.reason) for f in checked.failures])

    @reported
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        diff = self.service.diff(olds, news)
        return DiffResult(changes=diff.changes or provider_moved(olds, news), replaces=diff.replaces,
                          delete_before_replace=diff.delete_before_replace)

    def _progress(self) -> Throttled:
        # No resource to attach a status to: a few lines on the stack, which stay in the Diagnostics.
        return Throttled(pulumi.log.info, self.service.settings.progress_after)

    @reported
    def create(self, props: dict[str, Any]) -> CreateResult:
        created = self.service.create(props, self._progress())
        return CreateResult(created.id, created.outputs)

    @reported
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = self.service.read(id_, props)
        if found.warning:
            pulumi.log.warn(found.warning)
        return ReadResult(found.id, found.outputs, found.inputs or None) if found.id else ReadResult("", {})

    @reported
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self.service.update(id_, olds, news, self._progress()))

    @reported
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        warning = self.service.delete(id_, props)
        if warning:  # left in place on purpose: the engine drops the resource from state all the same
            pulumi.log.warn(warning)
