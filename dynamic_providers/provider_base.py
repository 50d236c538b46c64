"""What the SparkPost dynamic providers share: settings and the key, the client, the input check and the diff.

A provider holds no secret and no connection, and pickles by reference (its ``__provider`` string is tiny,
identical across runs, and survives refactors inside the package). The API key comes from stack config
(``configure``) or the environment, at call time, and is never an input or in state.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, TypeVar

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, DiffResult, ResourceProvider

from . import errors
from .changes import compute_changes
from .hosts import effective_api_base
from .schema import Schema
from .validation import is_unknown

if TYPE_CHECKING:
    from .client import SparkPostClient
    from .settings import Settings

# The SparkPost calls (settings, the HTTP client, the lifecycle) are imported inside the methods that make
# them: those run only in the provider process, and a Pulumi program that merely declares resources
# should not pay for them at import time.

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
    """Our own errors (SparkPost's answers, missing or wrong settings) reach the user as their message.

    Pulumi's dynamic-provider server shows the traceback of whatever a provider method raises; for these errors
    our call stack says nothing the user can act on, so it is cut. Anything else (a bug) keeps its traceback.
    """
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except errors.SparkPostTrackingError as exc:
            raise exc.with_traceback(None) from None

    return wrapper


class SparkPostProvider(ResourceProvider):
    """Base of the SparkPost dynamic providers; a subclass names its ``schema`` and does its CRUD."""

    schema: ClassVar[Schema]
    # Nothing secret is ever captured, so ``__provider`` need not be an encrypted secret per resource.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._config_problems: list[str] = []

    # Pickle nothing but the class reference: no key, no settings, no sessions.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._settings = None
        self._config_problems = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def configure(self, req: ConfigureRequest) -> None:
        from . import watchdog
        from .provider_server import widen_workers
        from .settings import CONFIG_KEYS, settings_from, unknown_key_problems

        # The engine configures the provider once per process, before any call: from here on, an engine that
        # dies takes this process with it (no SparkPost call outlives it).
        watchdog.start()

        # The program refuses bad ``sparkpost:`` keys before anything is registered; refresh and destroy do not
        # run the program, so the provider refuses them too, before its first SparkPost call (configure itself
        # must not fail: it runs for check and diff, which make no call). The engine hands over the whole stack
        # config, which pulumi.dynamic.Config keeps in ``_props`` (it offers no listing).
        self._config_problems = unknown_key_problems(getattr(req.config, "_props", None) or {})
        values = {key: req.config.get(key) for key in CONFIG_KEYS}
        try:
            self._settings = settings_from({k: v for k, v in values.items() if v is not None})
        except errors.ConfigurationError as exc:
            self._config_problems.append(str(exc))
            self._settings = None
        # Creates wait minutes for SparkPost; let them overlap beyond the server's 4 workers.
        widen_workers(int(self.settings.provider_workers) if self._settings else 0)

    @property
    def settings(self) -> Settings:
        from .settings import settings_from

        # Outside the engine (tests, scripts) there is no configure call: fall back to the environment.
        return self._settings if self._settings is not None else settings_from({})

    @settings.setter
    def settings(self, value: Settings) -> None:
        """Settings read elsewhere (the provider plugin reads its own package's config)."""
        self._settings = value

    def client(self, inputs: dict[str, Any]) -> SparkPostClient:
        """A client for the account, region and subaccount these inputs name; raises when there is no key."""
        from .client import SparkPostClient

        if self._config_problems:
            raise errors.ConfigurationError("Stack config: " + "; ".join(self._config_problems))
        settings, region, api_url = self.settings, inputs.get("region"), inputs.get("api_url")
        api_key, key_source = settings.api_key_and_source(None if api_url else region)
        sub = inputs.get("subaccount_id")
        return SparkPostClient(effective_api_base(region, api_url), api_key, key_source=key_source,
                               subaccount_id=None if sub is None else int(sub), policy=settings.retry_policy)

    # ---- inputs of a call ------------------------------------------------------------------

    def declared_inputs(self, props: dict[str, Any]) -> dict[str, Any]:
        """The input keys of a state or input bag, defaults filled in."""
        inputs = {k: props[k] for k in self.schema.inputs if props.get(k) is not None}
        for key, default in self.schema.defaults.items():
            if default is not None:
                inputs.setdefault(key, default)
        return inputs

    def declared_from(self, outs: dict[str, Any]) -> dict[str, Any]:
        """Inputs that declare exactly what SparkPost reports (an import declares what it found)."""
        return {k: outs[k] for k in self.schema.inputs if outs.get(k) is not None}

    def state_inputs(self, id_: str, props: dict[str, Any]) -> dict[str, Any]:
        """Declared inputs of a resource from its state; the id names the object if the state does not."""
        key = self.schema.id_key
        return self.declared_inputs({**props, key: props.get(key) or id_})

    # ---- engine methods shared by every SparkPost resource --------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = self.schema.check(news)
        return CheckResult(inputs, [CheckFailure(f.prop, f.reason) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = compute_changes(olds, news, self.schema)
        # A replacement under the same name (a new owner, account or certificate mode) must remove the old
        # object first: SparkPost knows each name once.
        same_name = self.schema.id_key not in changes.replaces
        return DiffResult(changes=changes.any or provider_moved(olds, news), replaces=changes.replaces,
                          delete_before_replace=bool(changes.replaces) and same_name)
