"""What the SparkPost dynamic providers share: settings and the key, the client, the input check and the diff.

A provider holds no secret and no connection, and pickles by reference (its ``__provider`` string is tiny,
identical across runs, and survives refactors inside the package). The API key comes from stack config
(``configure``) or the environment, at call time, and is never an input or in state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, DiffResult, ResourceProvider

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

PROVIDER_KEY = "__provider"  # where the engine keeps the serialized provider, in inputs and state


def provider_moved(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    """State holds a provider pickled under another import path (a release before the package moved).

    Refresh and destroy load the provider from state, so state must get the current one: a state-only
    update, which costs no SparkPost call. Today's provider pickles identically in every run and release.
    """
    old, new = olds.get(PROVIDER_KEY), news.get(PROVIDER_KEY)
    return old is not None and isinstance(new, str) and not is_unknown(new) and old != new


class SparkPostProvider(ResourceProvider):
    """Base of the SparkPost dynamic providers; a subclass names its ``schema`` and does its CRUD."""

    schema: ClassVar[Schema]
    # Nothing secret is ever captured, so ``__provider`` need not be an encrypted secret per resource.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        self._settings: Settings | None = None

    # Pickle nothing but the class reference: no key, no settings, no sessions.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._settings = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def configure(self, req: ConfigureRequest) -> None:
        from .provider_server import widen_workers
        from .settings import CONFIG_KEYS, settings_from

        values = {key: req.config.get(key) for key in CONFIG_KEYS}
        self._settings = settings_from({k: v for k, v in values.items() if v is not None})
        # Creates wait minutes for SparkPost; let them overlap beyond the server's 4 workers.
        widen_workers(int(self._settings.provider_workers))

    @property
    def settings(self) -> Settings:
        from .settings import settings_from

        # Outside the engine (tests, scripts) there is no configure call: fall back to the environment.
        return self._settings if self._settings is not None else settings_from({})

    def client(self, inputs: dict[str, Any]) -> SparkPostClient:
        """A client for the account, region and subaccount these inputs name; raises when there is no key."""
        from .client import SparkPostClient

        settings, region, api_url = self.settings, inputs.get("region"), inputs.get("api_url")
        sub = inputs.get("subaccount_id")
        return SparkPostClient(effective_api_base(region, api_url), settings.api_key(None if api_url else region),
                               subaccount_id=None if sub is None else int(sub), policy=settings.retry_policy)

    # ---- inputs of a call ------------------------------------------------------------------

    def declared_inputs(self, props: dict[str, Any]) -> dict[str, Any]:
        """The input keys of a state or input bag, defaults filled in."""
        inputs = {k: props[k] for k in self.schema.inputs if props.get(k) is not None}
        for key, default in self.schema.defaults.items():
            if default is not None:
                inputs.setdefault(key, default)
        return inputs

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
