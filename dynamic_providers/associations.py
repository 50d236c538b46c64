"""The association service: a sending domain uses a tracking domain.

SparkPost wraps a message's links with the tracking domain its sending domain names, else with the default
tracking domain of its subaccount or account. A stack with several brands therefore needs one association per
sending domain, or its secure tracking domains are never used. The sending domain itself is never created
here: it must already exist (and be verified) in SparkPost, in the same account or subaccount.

id = the sending domain. Every write is a read of the sending domain, then the PUT of ``tracking_domain``, and only
of an association that is this stack's to change:
- create writes when the sending domain names no tracking domain (or this one: then nothing is written); one that
  names another tracking domain is re-pointed only with ``replace_existing``;
- update re-points while the sending domain still names the tracking domain this stack set, or none;
- delete clears it (PUT of ``""``) only while it still names this stack's tracking domain; one that someone
  re-pointed is left as it is, with a warning (a sending domain that is gone counts as done);
- read is one GET; an association removed out of band reads as ``tracking_domain: ""`` (the next ``up`` repairs
  it), one re-pointed to another tracking domain stops the refresh (``ownership``).
SparkPost has no conditional PUT: a change between the read and the PUT (one round trip) is not seen.
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


def _named(found: dict[str, Any]) -> str:
    """The tracking domain a sending domain (GET shape or our outputs) names; "" for none."""
    return str(found.get("tracking_domain") or "").lower()


class AssociationService(Service):

    schema = ASSOCIATION
    noun = "Sending domain"

    def _missing(self, inputs: dict[str, Any]) -> errors.SparkPostTrackingError:
        return errors.SparkPostTrackingError(
            f"Sending domain {inputs['sending_domain']!r} is not in {_scope(inputs)} of this SparkPost account. Add "
            "and verify it in SparkPost first (this stack never creates sending domains), or set subaccount_id to "
            "the subaccount that owns it.")

    def _current(self, client: Any, inputs: dict[str, Any]) -> str:
        """The tracking domain the sending domain names now (one GET)."""
        try:
            return _named(client.get_sending_domain(str(inputs["sending_domain"])))
        except errors.NotFound:
            raise self._missing(inputs) from None

    def _associate(self, client: Any, inputs: dict[str, Any], tracking_domain: str) -> None:
        try:
            client.set_tracking_domain(str(inputs["sending_domain"]), tracking_domain)
        except errors.NotFound:
            raise self._missing(inputs) from None
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

    def _point(self, inputs: dict[str, Any], ours: tuple[str, ...]) -> None:
        """Point the sending domain at the declared tracking domain: read, then write only when it names none, one
        of ``ours`` (what this stack set), or, with ``replace_existing``, anything else."""
        sending, wanted = str(inputs["sending_domain"]), str(inputs["tracking_domain"]).lower()
        with self.client(inputs) as client:
            current = self._current(client, inputs)
            if current == wanted:
                return
            if current and current not in ours and not inputs.get("replace_existing"):
                set_by = f"the stack set {ours[0]!r}; " if ours else ""
                raise errors.SparkPostTrackingError(
                    f"Sending domain {sending!r} uses tracking domain {current!r} now ({set_by}someone else chose "
                    f"{current!r}), and this association would re-point it to {wanted!r}. Nothing was written. To "
                    "take it over, set replace_existing: true on the association (the sending domain's links then "
                    f"use {wanted!r}); else leave it and remove the association from the program.")
            self._associate(client, inputs, wanted)

    def create(self, inputs: dict[str, Any], progress: Progress = ignore) -> Created:
        inputs = self.declared_inputs(inputs)
        self._point(inputs, ())
        self.claim(inputs, str(inputs["sending_domain"]))
        return Created(str(inputs["sending_domain"]), inputs)

    def observe(self, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        # A sending domain that is gone takes its association with it (NotFound: the engine drops it).
        with self.client(inputs) as client:
            found = client.get_sending_domain(id_)
        return {**inputs, "tracking_domain": _named(found)}

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any], progress: Progress = ignore
               ) -> dict[str, Any]:
        inputs = self.declared_inputs(news)
        old = _named(olds)
        if old != str(inputs["tracking_domain"]).lower():
            self._point(inputs, (old,) if old else ())
        return inputs

    def evidence(self, last_seen: dict[str, Any], now: dict[str, Any]) -> str | None:
        """Someone re-pointed the sending domain: it names another tracking domain than the one state holds (one
        removed out of band is ordinary drift, which the next ``up`` repairs)."""
        ours, current = _named(last_seen), _named(now)
        if current and ours and current != ours and not last_seen.get("replace_existing"):
            return f"it uses tracking domain {current!r}, where this stack set {ours!r}"
        return None

    def evidence_message(self, name: str, evidence: str) -> str:
        return (f"Sending domain {name!r} was re-pointed: {evidence}. This stack writes nothing to it: refresh "
                "stops here, and up and destroy leave it. To point it back (overwriting that choice): "
                f"SPARKPOST_ADOPT={name} pulumi refresh --yes, then pulumi up; to let this association re-point it "
                "whenever someone else does, set replace_existing: true. To leave it, remove the association from "
                "the program (pulumi state delete '<urn>' drops it from this stack only).")

    def delete(self, id_: str, state: dict[str, Any]) -> str | None:
        """Clear the association (PUT of ``""``) only while the sending domain still names this stack's tracking
        domain, read just before; else leave it, with a warning."""
        name = self.name_of(id_)
        inputs = self.state_inputs(name, state)
        elsewhere = self.claimed_elsewhere(inputs, name)
        if elsewhere:
            return elsewhere
        ours = _named(state)
        try:
            with self.client(inputs) as client:
                current = _named(client.get_sending_domain(name))
                if not current:
                    return None
                if current != ours:
                    return (f"Sending domain {name!r} uses tracking domain {current!r} now, not {ours!r} as this "
                            "stack set it: someone re-pointed it, so its association is left as it is and only "
                            "dropped from state.")
                client.set_tracking_domain(name, "")
        except errors.NotFound:
            pass  # the sending domain is gone: nothing is associated any more
        return None
