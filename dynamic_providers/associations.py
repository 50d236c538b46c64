"""The association service: a sending domain uses a tracking domain.

SparkPost wraps a message's links with the tracking domain its sending domain names, else with the default
tracking domain of its subaccount or account. A stack with several brands therefore needs one association per
sending domain, or its secure tracking domains are never used. The sending domain itself is never created
here: it must already exist (and be verified) in SparkPost, in the same account or subaccount.

id = the sending domain. create and update are one PUT of ``tracking_domain`` (with ``adopt_existing``, create
reads first and writes nothing when the sending domain names that tracking domain already); read is one GET (an
association removed out of band reads as ``tracking_domain: ""``, which the next ``pulumi up`` repairs); delete
is one PUT of ``""`` (a sending domain that is gone counts as done).
"""

from __future__ import annotations

from typing import Any

from . import errors
from .progress import Progress, ignore
from .schema import ASSOCIATION
from .service import Created, Service


def _scope(inputs: dict[str, Any]) -> str:
    sub = inputs.get("subaccount_id")
    return f"subaccount {int(sub)}" if sub is not None else "the primary account"


class AssociationService(Service):

    schema = ASSOCIATION

    def _associate(self, inputs: dict[str, Any], tracking_domain: str) -> None:
        sending = str(inputs["sending_domain"])
        with self.client(inputs) as client:
            try:
                client.set_tracking_domain(sending, tracking_domain)
            except errors.NotFound:
                raise errors.SparkPostTrackingError(
                    f"Sending domain {sending!r} is not in {_scope(inputs)} of this SparkPost account. Add and "
                    "verify it in SparkPost first (this stack never creates sending domains), or set "
                    "subaccount_id to the subaccount that owns it.") from None
            except errors.BadRequest as exc:
                raise self._not_registered(client, inputs, tracking_domain, exc) from None

    def _not_registered(self, client: Any, inputs: dict[str, Any], tracking_domain: str,
                        cause: errors.BadRequest) -> errors.SparkPostTrackingError:
        """SparkPost's 400 (code 1200): say whether the tracking domain is missing or in another scope."""
        if not any(str(e.get("code")) == "1200" for e in cause.errors):
            return errors.SparkPostTrackingError(
                f"SparkPost refused to associate {inputs['sending_domain']!r} with {tracking_domain!r}: "
                f"{cause.detail}")
        # Only on this error path: one more read, without the subaccount header, to tell the two cases apart.
        owner = None
        try:
            owner = client.get_domain_in_any_scope(tracking_domain).get("subaccount_id")
            found = True
        except errors.NotFound:
            found = False
        if not found:
            return errors.SparkPostTrackingError(
                f"Tracking domain {tracking_domain!r} is not registered in this SparkPost account. Declare it "
                "(a TrackingDomain or a component) before the association, or fix the name.")
        where = f"subaccount {owner}" if owner else "the primary account"
        return errors.SparkPostTrackingError(
            f"Tracking domain {tracking_domain!r} belongs to {where}, but sending domain "
            f"{inputs['sending_domain']!r} is in {_scope(inputs)}: SparkPost associates domains of the same "
            "account or subaccount only. Use a tracking domain of that scope, or set subaccount_id to match.")

    def _in_place(self, inputs: dict[str, Any]) -> bool:
        """Does the sending domain name the declared tracking domain already? (One GET; a missing sending domain
        is left to the PUT, which says what to do.)"""
        try:
            with self.client(inputs) as client:
                found = client.get_sending_domain(str(inputs["sending_domain"]))
        except errors.NotFound:
            return False
        return str(found.get("tracking_domain") or "") == inputs["tracking_domain"]

    def create(self, inputs: dict[str, Any], progress: Progress = ignore) -> Created:
        inputs = self.declared_inputs(inputs)
        # Adopting an account as it is: an association already in place is taken over without a write.
        if not (inputs.get("adopt_existing") and self._in_place(inputs)):
            self._associate(inputs, str(inputs["tracking_domain"]))
        return Created(str(inputs["sending_domain"]), inputs)

    def observe(self, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        # A sending domain that is gone takes its association with it (NotFound: the engine drops it).
        with self.client(inputs) as client:
            found = client.get_sending_domain(id_)
        return {**inputs, "tracking_domain": found.get("tracking_domain") or ""}

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any], progress: Progress = ignore
               ) -> dict[str, Any]:
        inputs = self.declared_inputs(news)
        if olds.get("tracking_domain") != inputs["tracking_domain"]:
            self._associate(inputs, str(inputs["tracking_domain"]))
        return inputs

    def delete(self, id_: str, state: dict[str, Any]) -> None:
        name = self.name_of(id_)
        try:
            with self.client(self.state_inputs(name, state)) as client:
                client.set_tracking_domain(name, "")
        except errors.NotFound:
            pass  # the sending domain is gone: nothing is associated any more
