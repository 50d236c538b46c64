"""``TrackingDomainProvider``: the Pulumi dynamic provider for SparkPost tracking domains.

It holds no secret and no connection, and pickles by reference to ``dynamic_providers``, so the
``__provider`` string in state is tiny, identical across runs and survives internal refactors.
The API key comes from stack config (``configure``) or the environment, at call time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from .changes import compute_changes
from .hosts import effective_api_base
from .schema import INPUT_DEFAULTS, INPUT_KEYS, OUTPUT_KEYS, check_inputs
from .validation import is_unknown

PROVIDER_KEY = "__provider"  # where the engine keeps the serialized provider, in inputs and state

if TYPE_CHECKING:
    from .lifecycle import TrackingDomainLifecycle
    from .settings import Settings

# The SparkPost calls (lifecycle, settings, the HTTP client) are imported inside the methods that make
# them: those run only in the provider process, and a Pulumi program that merely declares resources
# should not pay for them at import time.


def declared_inputs(props: dict[str, Any]) -> dict[str, Any]:
    """The input keys of a state or input bag, defaults filled in."""
    inputs = {k: props[k] for k in INPUT_KEYS if props.get(k) is not None}
    for key, default in INPUT_DEFAULTS.items():
        if default is not None:
            inputs.setdefault(key, default)
    return inputs


def state_inputs(id_: str, props: dict[str, Any]) -> dict[str, Any]:
    """Declared inputs of a resource from its state; the id names the domain if the state does not."""
    return declared_inputs({**props, "domain": props.get("domain") or id_})


def outputs_for(inputs: dict[str, Any], observed: dict[str, Any]) -> dict[str, Any]:
    """Full outputs: every input (engine state is exactly what we return) plus what SparkPost reports."""
    outs = dict(inputs)
    for key in ("secure", "default"):
        if observed.get(key) is not None:
            outs[key] = observed[key]
    for key in OUTPUT_KEYS:
        if observed.get(key) is not None:
            outs[key] = observed[key]
    return outs


def _provider_moved(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    """State holds a provider pickled under another import path (a release before the package moved).

    Refresh and destroy load the provider from state, so state must get the current one: a state-only
    update, which costs no SparkPost call. Today's provider pickles identically in every run and release.
    """
    old, new = olds.get(PROVIDER_KEY), news.get(PROVIDER_KEY)
    return old is not None and isinstance(new, str) and not is_unknown(new) and old != new


class TrackingDomainProvider(ResourceProvider):
    """CRUD for ``pulumi-python:dynamic/sparkpost:TrackingDomain``."""

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
        return "TrackingDomainProvider()"

    def configure(self, req: ConfigureRequest) -> None:
        from .settings import CONFIG_KEYS, settings_from

        values = {key: req.config.get(key) for key in CONFIG_KEYS}
        self._settings = settings_from({k: v for k, v in values.items() if v is not None})
        # Creates wait minutes for SparkPost; let them overlap beyond the server's 4 workers.
        from .provider_server import widen_workers

        widen_workers(int(self._settings.provider_workers))

    @property
    def settings(self) -> Settings:
        from .settings import settings_from

        # Outside the engine (tests, scripts) there is no configure call: fall back to the environment.
        return self._settings if self._settings is not None else settings_from({})

    @settings.setter
    def settings(self, value: Settings) -> None:
        """Settings read elsewhere (the provider plugin reads its own package's config)."""
        self._settings = value

    def _lifecycle(self, props: dict[str, Any]) -> TrackingDomainLifecycle:
        # Imported here: a Pulumi program only registers resources and never needs the HTTP stack.
        from .client import SparkPostClient
        from .lifecycle import Desired, TrackingDomainLifecycle

        settings = self.settings
        region = props.get("region")
        client = SparkPostClient(
            effective_api_base(region, props.get("api_url")),
            settings.api_key(None if props.get("api_url") else region),
            subaccount_id=Desired.from_inputs(props).subaccount_id,
            policy=settings.retry_policy,
        )
        return TrackingDomainLifecycle(client, settings)

    # ---- engine methods --------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = check_inputs(news)
        return CheckResult(inputs, [CheckFailure(f.prop, f.reason) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = compute_changes(olds, news)
        # Same name under a new owner or without its certificate: the old one must go first (409 otherwise).
        same_name = "domain" not in changes.replaces
        return DiffResult(changes=changes.any or _provider_moved(olds, news), replaces=changes.replaces,
                          delete_before_replace=bool(changes.replaces) and same_name)

    def create(self, props: dict[str, Any]) -> CreateResult:
        from .lifecycle import Desired

        inputs = declared_inputs(props)
        lifecycle = self._lifecycle(inputs)
        with lifecycle.client:
            observed = lifecycle.create(Desired.from_inputs(inputs))
        return CreateResult(inputs["domain"], outputs_for(inputs, observed))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from .lifecycle import observed_from_api

        inputs = state_inputs(id_, props)
        lifecycle = self._lifecycle(inputs)
        try:
            with lifecycle.client:
                found = lifecycle.client.get_domain(id_)
        except errors.NotFound:
            return ReadResult(id_="", outs={})  # deleted out of band: the engine drops it from state
        observed = observed_from_api(found)
        # Inputs stay as declared so the next `pulumi up` repairs drift instead of accepting it.
        return ReadResult(id_, outputs_for(inputs, observed), inputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        from .lifecycle import Desired

        inputs = declared_inputs(news)
        changes = compute_changes(olds, news)
        previous = {k: olds.get(k) for k in ("secure", "default", "verified", "uses_managed_certificate",
                                             "tls_status")}
        desired = Desired.from_inputs(inputs)
        # Only what changed is sent; keys that live only in state cost no call.
        if not ({"secure", "default", "verify", "managed_certificate"} & set(changes.changed)):
            observed = previous
        else:
            # Only here is SparkPost called, so only here is a key (and a client) needed.
            lifecycle = self._lifecycle(inputs)
            try:
                with lifecycle.client:
                    observed = lifecycle.converge(desired, previous)
            except errors.NotFound:
                raise errors.SparkPostTrackingError(
                    f"Tracking domain {desired.domain!r} no longer exists in SparkPost ({desired.scope}). Run "
                    "'pulumi refresh' so Pulumi forgets it, then 'pulumi up' creates it again.") from None
        merged = {**{k: olds[k] for k in OUTPUT_KEYS if olds.get(k) is not None},
                  **{k: v for k, v in observed.items() if v is not None}}
        return UpdateResult(outputs_for(inputs, merged))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        lifecycle = self._lifecycle(state_inputs(id_, props))
        try:
            with lifecycle.client:
                lifecycle.client.delete_domain(id_)
        except errors.NotFound:
            pass  # already gone: that is what delete wants


# Pickle by the public path so refactors inside the package never break existing stacks' state.
TrackingDomainProvider.__module__ = "sparkpost_tracking.dynamic_providers"
