"""The sending-domain service: create, read, update and delete of a SparkPost sending domain, on plain dicts. Both
engine paths call it (see ``service``), as for tracking domains.

- create: one read proving the name free, then the POST (SparkPost generates the DKIM key and answers it). A
  create whose answer is unclear counts as ours only as ``SparkPostClient.create_sending_domain`` proves it; a
  name that exists is adopted only when the user says so (``adopt_existing``, or ``SPARKPOST_ADOPT`` for one run),
  else the create fails touching nothing, with a message that says whose it may be (``sending_ownership``).
- update: ``shared_with_subaccounts`` is the one property sent (a read, then one PUT, only of the domain state
  describes). ``dkim_key_length`` cannot change until key rotation is built: the diff refuses it.
- delete: a read, then the DELETE, only of the domain state describes, never of one another resource of this
  deployment created or adopted.
- ``tracking_domain`` is never written here: a ``TrackingDomainAssociation`` is its one writer (the output shows
  what SparkPost uses).

The outputs are what SparkPost reports and the DNS records the domain needs: the DKIM TXT (``dkim``) and, for a
bounce domain, the CNAME to the region's bounce host.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import errors
from .dkim import DkimRecord, key_bits
from .hosts import DEFAULT_REGION, bounce_cname_target
from .progress import Progress, ignore
from .schema import SENDING_DOMAIN
from .service import Created, Service

if TYPE_CHECKING:
    from .client import SparkPostClient

#: The status fields state keeps, as SparkPost names them in ``status``.
STATUS_FIELDS = ("dkim_status", "cname_status", "mx_status", "compliance_status")


def _scope(subaccount_id: Any) -> str:
    return f"subaccount {int(subaccount_id)}" if subaccount_id else "the primary account"


def observed_from_api(found: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The outputs a sending domain's object (GET shape) gives, with the DNS records it needs."""
    status = found.get("status") or {}
    domain = str(inputs["domain"]).lower()
    observed: dict[str, Any] = {
        "shared_with_subaccounts": bool(found.get("shared_with_subaccounts", False)),
        "ownership_verified": bool(status.get("ownership_verified", False)),
        **{name: status.get(name) for name in STATUS_FIELDS},
        "is_default_bounce_domain": bool(found.get("is_default_bounce_domain", False)),
        "tracking_domain": str(found.get("tracking_domain") or "").lower(),
        "creation_time": found.get("creation_time"),
        "bounce_record_name": domain,
        "bounce_record_value": bounce_cname_target(str(inputs.get("region") or DEFAULT_REGION)),
    }
    key = found.get("dkim") or {}
    if key.get("public") and key.get("selector"):
        record = DkimRecord.for_key(str(key["selector"]), str(key.get("signing_domain") or domain),
                                    str(key["public"]))
        observed.update(dkim_selector=key["selector"], dkim_public_key=key["public"], dkim_record_name=record.name,
                        dkim_record_value=record.value, dkim_key_length=key_bits(str(key["public"])))
    return observed


def outputs_for(inputs: Mapping[str, Any], observed: Mapping[str, Any]) -> dict[str, Any]:
    """Full outputs: every input (engine state is exactly what we return) plus what SparkPost reports."""
    return {**inputs, **{k: v for k, v in observed.items() if v is not None}}


class SendingDomainService(Service):
    schema = SENDING_DOMAIN
    noun = "Sending domain"
    import_kind = "sending_domain"

    # ---- create ----------------------------------------------------------------------------

    def create(self, inputs: dict[str, Any], progress: Progress = ignore) -> Created:
        inputs = self.declared_inputs(inputs)
        domain = str(inputs["domain"])
        with self.client(inputs) as client:
            try:
                made = client.create_sending_domain(
                    domain, shared_with_subaccounts=bool(inputs["shared_with_subaccounts"]),
                    dkim_key_length=int(inputs["dkim_key_length"]))
            except errors.Conflict as exc:
                found = self._take_over(client, inputs, exc.detail, None)
            except errors.NotOurDomain as exc:
                found = self._take_over(client, inputs, str(exc), exc.found)
            except errors.OutcomeUnknown as exc:
                exc.add_note(f"{domain!r} may exist in SparkPost now, made by this run or by someone else. The next "
                             "'pulumi up' reads it first: if it reads exactly as this resource's create leaves it, "
                             f"SPARKPOST_ADOPT={domain} pulumi up adopts it once; if it reads otherwise, it is "
                             "someone else's.")
                raise
            else:
                found = made.read_back or self._as_made(inputs, made.dkim)
        self.claim(inputs, domain)
        return Created(domain, outputs_for(inputs, observed_from_api(found, inputs)))

    @staticmethod
    def _as_made(inputs: Mapping[str, Any], key: Mapping[str, Any] | None) -> dict[str, Any]:
        """What this create's POST made, as SparkPost's answer says it (its key) and as every create leaves a
        domain: verified in no way, no default bounce domain, no tracking domain, the posted sharing. SparkPost's
        answer carries no status and no ``creation_time``: the first refresh records them (until then a re-creation
        shows by the DKIM key, which a create of someone else's cannot repeat without our private key)."""
        return {"status": {"ownership_verified": False,
                           **{name: "unverified" for name in ("dkim_status", "cname_status", "mx_status")}},
                "shared_with_subaccounts": bool(inputs["shared_with_subaccounts"]),
                **({"dkim": dict(key)} if key else {})}

    def _adopting(self, inputs: Mapping[str, Any]) -> bool:
        return bool(inputs.get("adopt_existing")) or str(inputs["domain"]) in self.settings.adopt

    def _take_over(self, client: SparkPostClient, inputs: dict[str, Any], detail: str,
                   found: dict[str, Any] | None) -> dict[str, Any]:
        """The domain existed before this create: adopt it if the user said so, else fail touching nothing."""
        from .client import sending_domain_made_by_create
        from .sending_ownership import exists_message

        domain = str(inputs["domain"])
        sub = inputs.get("subaccount_id")
        if not self._adopting(inputs):
            if found is None:  # a 409: one read (no write) says which hint fits
                try:
                    found = client.get_sending_domain(domain)
                except errors.SparkPostTrackingError:
                    found = None
            ours = found is not None and sending_domain_made_by_create(
                found, subaccount_id=sub, shared_with_subaccounts=bool(inputs["shared_with_subaccounts"]),
                dkim_key_length=int(inputs["dkim_key_length"]))
            raise errors.UserError(exists_message(domain, detail, found, ours)) from None
        if found is None:
            try:
                found = client.get_sending_domain(domain)
            except errors.NotFound:
                raise errors.UserError(
                    f"SparkPost says sending domain {domain!r} exists, but it is not in {_scope(sub)}: it belongs to "
                    "another subaccount (or the primary account). Set subaccount_id to its owner to adopt it."
                ) from None
        if found.get("subaccount_id") != sub:
            raise errors.UserError(
                f"Sending domain {domain!r} exists in SparkPost, but not in {_scope(sub)} (subaccount_id "
                f"{found.get('subaccount_id')!r}). Set subaccount_id to its owner to adopt it.")
        bits = key_bits(str((found.get("dkim") or {}).get("public") or ""))
        if bits is not None and bits != inputs["dkim_key_length"]:
            raise errors.UserError(
                f"Sending domain {domain!r} exists with a {bits}-bit DKIM key, and this resource declares "
                f"dkim_key_length: {inputs['dkim_key_length']}. Adopting keeps the key (key rotation is not built "
                f"yet): declare dkim_key_length: {bits}. Nothing was changed.")
        shared = bool(inputs["shared_with_subaccounts"])
        if bool(found.get("shared_with_subaccounts", False)) is not shared:
            client.update_sending_domain(domain, {"shared_with_subaccounts": shared})
            found = {**found, "shared_with_subaccounts": shared}
        return found

    # ---- read, update, delete -----------------------------------------------------------------

    def observe(self, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        with self.client(inputs) as client:
            return outputs_for(inputs, observed_from_api(client.get_sending_domain(id_), inputs))

    def evidence(self, last_seen: dict[str, Any], now: dict[str, Any]) -> str | None:
        from .sending_ownership import recreation_evidence

        return recreation_evidence(last_seen, now)

    def gone_warning(self, name: str, state: dict[str, Any]) -> str | None:
        """SparkPost removes a sending domain that stays unverified for two weeks: say so when state last saw it
        unverified, and what the next up does."""
        verified = state.get("ownership_verified")
        why = ("it was verified, so someone deleted it" if verified is True else
               "it was not verified yet, and SparkPost removes a sending domain that stays unverified for two weeks"
               if verified is False else "deleted, or removed by SparkPost after two weeks unverified")
        return (f"Sending domain {name!r} is gone from SparkPost: {why}. This refresh forgets it; the next "
                "'pulumi up' makes it again, with a new DKIM key: publish its new DKIM record (dkim_record_name, "
                "dkim_record_value) so that SparkPost can verify it (a SendingIdentity with a DNS strategy "
                "republishes it itself).")

    def refused_change(self, key: str, old: Any, new: Any) -> str:
        # The engine carries numbers as floats: 2048.0 is said as 2048.
        old, new = (int(v) if isinstance(v, float) and v.is_integer() else v for v in (old, new))
        return (f"Sending domain property {key} cannot change from {old!r} to {new!r}: SparkPost keeps a sending "
                "domain's DKIM key, and this library does not rotate keys yet (replacing the domain would stop its "
                f"mail until the new key is published and verified). Declare {key}: {old!r} again; nothing was "
                "changed.")

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any], progress: Progress = ignore
               ) -> dict[str, Any]:
        inputs = self.declared_inputs(news)
        diff = self.diff(olds, news)  # refuses a change of dkim_key_length
        last_seen = {k: olds[k] for k in self.schema.outputs if olds.get(k) is not None}
        if "shared_with_subaccounts" not in diff.changed:
            return outputs_for(inputs, {**last_seen, "dkim_key_length": olds.get("dkim_key_length"),
                                        "shared_with_subaccounts": olds.get("shared_with_subaccounts")})
        name = self.name_of(id_)
        shared = bool(inputs["shared_with_subaccounts"])
        try:
            with self.client(inputs) as client:
                now = observed_from_api(client.get_sending_domain(name), inputs)
                self.refuse_without_proof(name, olds, now)
                if now["shared_with_subaccounts"] is not shared:
                    client.update_sending_domain(name, {"shared_with_subaccounts": shared})
                    now["shared_with_subaccounts"] = shared
        except errors.NotFound:
            raise errors.UserError(
                f"Sending domain {name!r} no longer exists in SparkPost ({_scope(inputs.get('subaccount_id'))}). "
                "Run 'pulumi refresh' so Pulumi forgets it, then 'pulumi up' creates it again (with a new DKIM key "
                "to publish).") from None
        return outputs_for(inputs, now)

    def read_for_delete(self, client: SparkPostClient, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        return observed_from_api(client.get_sending_domain(name), inputs)

    def delete_object(self, client: SparkPostClient, name: str) -> None:
        client.delete_sending_domain(name)
