"""``TrackingDomainProvider``: the Pulumi dynamic provider for SparkPost tracking domains.

Settings, the key, the client, check and diff come from ``provider_base``; this module does the CRUD of a
tracking domain, through the lifecycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from . import errors
from .certificate_outputs import without_stale_certificate
from .changes import compute_changes
from .provider_base import SparkPostProvider, reported
from .schema import OUTPUT_KEYS, TRACKING_DOMAIN

if TYPE_CHECKING:
    from .lifecycle import TrackingDomainLifecycle


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


class TrackingDomainProvider(SparkPostProvider):
    """CRUD for ``pulumi-python:dynamic/sparkpost:TrackingDomain``."""

    schema = TRACKING_DOMAIN

    def declared_from(self, outs: dict[str, Any]) -> dict[str, Any]:
        # The outcomes are declared as found too: verify or a managed certificate that has not happened yet would
        # otherwise be a change on the first preview after an import.
        return {**super().declared_from(outs), "verify": bool(outs.get("verified")),
                "managed_certificate": bool(outs.get("uses_managed_certificate"))}

    def _lifecycle(self, props: dict[str, Any]) -> TrackingDomainLifecycle:
        from .lifecycle import TrackingDomainLifecycle

        return TrackingDomainLifecycle(self.client(props), self.settings)

    # ---- engine methods --------------------------------------------------------------------

    @reported
    def create(self, props: dict[str, Any]) -> CreateResult:
        from .lifecycle import Desired

        inputs = self.declared_inputs(props)
        lifecycle = self._lifecycle(inputs)
        with lifecycle.client:
            observed = lifecycle.create(Desired.from_inputs(inputs))
        return CreateResult(inputs["domain"], outputs_for(inputs, observed))

    @reported
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from .lifecycle import observed_from_api

        inputs = self.state_inputs(id_, props)
        lifecycle = self._lifecycle(inputs)
        try:
            with lifecycle.client:
                found = lifecycle.client.get_domain(id_)
        except errors.NotFound:
            return ReadResult(id_="", outs={})  # deleted out of band: the engine drops it from state
        observed = observed_from_api(found)
        # Inputs stay as declared so the next `pulumi up` repairs drift instead of accepting it.
        return ReadResult(id_, outputs_for(inputs, observed), inputs)

    @reported
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        from .lifecycle import Desired

        inputs = self.declared_inputs(news)
        changes = compute_changes(olds, news, self.schema)
        previous = {k: olds.get(k) for k in ("secure", "default", "verified", "uses_managed_certificate",
                                             "tls_status", "certificate_error")}
        desired = Desired.from_inputs(inputs)
        # Only what changed (or drifted) is sent; keys that live only in state cost no call.
        if not changes.drifted and not ({"secure", "default", "verify", "managed_certificate"} & set(changes.changed)):
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
        return UpdateResult(outputs_for(inputs, without_stale_certificate(merged, observed)))

    @reported
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        lifecycle = self._lifecycle(self.state_inputs(id_, props))
        try:
            with lifecycle.client:
                lifecycle.client.delete_domain(id_)
        except errors.NotFound:
            pass  # already gone: that is what delete wants


# Pickle by the public path so refactors inside the package never break existing stacks' state.
TrackingDomainProvider.__module__ = "sparkpost_tracking.dynamic_providers"
