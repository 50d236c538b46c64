"""The tracking-domain service: create, read, update and delete of a SparkPost tracking domain, through the
lifecycle (``lifecycle``), on plain dicts. Both engine paths call it (see ``service``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from .certificate_outputs import without_stale_certificate
from .progress import Progress, ignore
from .schema import OUTPUT_KEYS, TRACKING_DOMAIN
from .service import Created, Service

if TYPE_CHECKING:
    from .client import SparkPostClient
    from .lifecycle import TrackingDomainLifecycle

#: What SparkPost reports of a domain that state keeps and the lifecycle starts an update from.
_LAST_SEEN = ("secure", "default", "verified", "uses_managed_certificate", "tls_status", "certificate_error")
#: Inputs whose change (or drift) needs a SparkPost call; the others live only in state.
_CALLED_FOR = frozenset({"secure", "default", "verify", "managed_certificate"})


def outputs_for(inputs: dict[str, Any], observed: dict[str, Any]) -> dict[str, Any]:
    """Full outputs: every input (engine state is exactly what we return) plus what SparkPost reports."""
    outs = dict(inputs)
    for key in ("secure", "default", *OUTPUT_KEYS):
        if observed.get(key) is not None:
            outs[key] = observed[key]
    return outs


class TrackingDomainService(Service):
    schema = TRACKING_DOMAIN
    noun = "Tracking domain"

    def declared_from(self, outs: dict[str, Any]) -> dict[str, Any]:
        # The outcomes are declared as found too: verify or a managed certificate that has not happened yet would
        # otherwise be a change on the first preview after an import. A default or a managed-certificate domain
        # needs verify (check refuses it off): one found unverified declares verify, and previews a re-verify
        # (docs/adopting.md says why that rule does not yield). A managed certificate on a domain switched back to
        # secure: false is not declared (check refuses the two together): the domain is declared as it serves.
        managed = bool(outs.get("uses_managed_certificate")) and outs.get("secure") is not False
        return {**super().declared_from(outs), "managed_certificate": managed,
                "verify": bool(outs.get("verified") or outs.get("default") or managed)}

    def _lifecycle(self, inputs: dict[str, Any], progress: Progress) -> TrackingDomainLifecycle:
        from .lifecycle import TrackingDomainLifecycle

        return TrackingDomainLifecycle(self.client(inputs), self.settings, progress=progress)

    def create(self, inputs: dict[str, Any], progress: Progress = ignore) -> Created:
        from .lifecycle import Desired

        inputs = self.declared_inputs(inputs)
        lifecycle = self._lifecycle(inputs, progress)
        with lifecycle.client:
            observed = lifecycle.create(Desired.from_inputs(inputs))
        self.claim(inputs, inputs["domain"])
        return Created(inputs["domain"], outputs_for(inputs, observed))

    def observe(self, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        from .lifecycle import observed_from_api

        with self.client(inputs) as client:
            return outputs_for(inputs, observed_from_api(client.get_domain(id_)))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any], progress: Progress = ignore
               ) -> dict[str, Any]:
        from .lifecycle import Desired, observed_from_api

        inputs = self.declared_inputs(news)
        diff = self.diff(olds, news)
        observed: dict[str, Any] = {k: olds.get(k) for k in _LAST_SEEN}
        # Only what changed (or drifted) is sent: keys that live only in state cost no call, and no key. What is
        # sent starts from one read: the domain as SparkPost shows it now, which must still be the one in state.
        if diff.drifted or _CALLED_FOR & set(diff.changed):
            desired = Desired.from_inputs(inputs)
            lifecycle = self._lifecycle(inputs, progress)
            try:
                with lifecycle.client:
                    now = observed_from_api(lifecycle.client.get_domain(desired.domain))
                    self.refuse_without_proof(desired.domain, olds, now)
                    observed = lifecycle.converge(desired, now)
            except errors.NotFound:
                raise errors.SparkPostTrackingError(
                    f"Tracking domain {desired.domain!r} no longer exists in SparkPost ({desired.scope}). Run "
                    "'pulumi refresh' so Pulumi forgets it, then 'pulumi up' creates it again.") from None
        merged = {**{k: olds[k] for k in OUTPUT_KEYS if olds.get(k) is not None},
                  **{k: v for k, v in observed.items() if v is not None}}
        return outputs_for(inputs, without_stale_certificate(merged, observed))

    def evidence(self, last_seen: dict[str, Any], now: dict[str, Any]) -> str | None:
        from .ownership import recreation_evidence

        return recreation_evidence(last_seen, now)

    def read_for_delete(self, client: SparkPostClient, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        from .lifecycle import observed_from_api

        return observed_from_api(client.get_domain(name))

    def delete_object(self, client: SparkPostClient, name: str) -> None:
        client.delete_domain(name)
