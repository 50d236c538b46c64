"""The engine-neutral core of every SparkPost resource: check, diff, create, read, update and delete.

A service works on plain snake_case dicts and returns the plain dataclasses below. It knows nothing of an engine:
the Python dynamic provider (``provider_base``) and the provider plugin (``sparkpost_tracking.plugin.provider``)
are adapters that translate their engine's requests and result types to and from these calls, and nothing more.
So every guarantee (ownership, the key, errors, what a preview costs) is the same on both paths.

A service holds settings but no secret and no connection: the API key is looked up at the call that needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from . import errors
from .changes import compute_changes
from .hosts import effective_api_base
from .progress import Progress, ignore
from .schema import Change, Schema
from .validation import InvalidInput, is_unknown

if TYPE_CHECKING:
    from .client import SparkPostClient
    from .settings import Settings

# The HTTP client is imported inside the methods that call SparkPost: a program that only declares resources
# (and runs check and diff) should not pay for requests/urllib3 at import time.


@dataclass(frozen=True)
class Checked:
    """Inputs normalized, defaults filled in, and every failure (each names its property)."""

    inputs: dict[str, Any]
    failures: list[InvalidInput] = field(default_factory=list)


@dataclass(frozen=True)
class Diff:
    """What a change of inputs means; ``changed`` lists every property that differs, ``replaces`` those of them
    that replace the resource."""

    changed: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    drifted: list[str] = field(default_factory=list)
    delete_before_replace: bool = False

    @property
    def changes(self) -> bool:
        return bool(self.changed or self.drifted)


@dataclass(frozen=True)
class Created:
    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class Found:
    """A read: ``id`` is empty when the object is gone (the engine then drops it from state)."""

    id: str
    outputs: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    #: What the user should hear about this read (a sending domain SparkPost removed, and what happens next).
    warning: str | None = None


GONE = Found("")


class Service:
    """The part every SparkPost resource shares: settings and the key, the client, check and diff, the inputs of a
    call, and the ownership rules beyond a create (``ownership``): evidence of re-creation stops every write, and
    an object one resource of the deployment created or adopted is never deleted by another's delete. A subclass
    names its ``schema`` and does its create, read, update and delete."""

    schema: ClassVar[Schema]
    #: How a message names one object of this resource, e.g. "Tracking domain".
    noun: ClassVar[str]
    #: What kind of object an import id names (``import_ids``), when the id key alone does not say.
    import_kind: ClassVar[str] = ""

    def __init__(self, settings: Settings | None = None, problems: Sequence[str] = ()) -> None:
        from .ownership import Claims

        self._settings = settings
        #: What this service's resources created or adopted: the engine configures one service per resource type
        #: and provider process, so these are the deployment's claims (``ownership.Claims``).
        self.claims = Claims()
        #: Configuration mistakes found when the engine configured us; reported at the first SparkPost call (check
        #: and diff make none, so they must not fail on them).
        self.problems = list(problems)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    @property
    def settings(self) -> Settings:
        from .settings import settings_from

        # Outside the engine (tests, scripts) nothing configures us: the environment alone.
        return self._settings if self._settings is not None else settings_from({})

    def client(self, inputs: dict[str, Any]) -> SparkPostClient:
        """A client for the account, region and subaccount these inputs name; raises when there is no key."""
        from .client import SparkPostClient

        if self.problems:
            raise errors.ConfigurationError("Stack config: " + "; ".join(self.problems))
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

    @staticmethod
    def name_of(id_: str) -> str:
        """The object's name in a resource id (an imported one keeps its subaccount after a comma)."""
        from .import_ids import ImportId

        return ImportId.name_of(id_)

    def state_inputs(self, id_: str, props: dict[str, Any]) -> dict[str, Any]:
        """Declared inputs of a resource from its state; the id names the object if the state does not."""
        key = self.schema.id_key
        return self.declared_inputs({**props, key: props.get(key) or id_})

    # ---- check, diff and read: the same for every resource -------------------------------

    def check(self, news: dict[str, Any]) -> Checked:
        inputs, failures = self.schema.check(news)
        return Checked(inputs, failures)

    def diff(self, olds: dict[str, Any], news: dict[str, Any]) -> Diff:
        """What a change means; ``errors.UserError`` (one line, naming the property) for a change the schema
        refuses (``Change.REFUSED``), so that neither a preview nor an up goes ahead with it."""
        changes = compute_changes(olds, news, self.schema)
        for key in changes.changed:
            if self.schema.inputs[key].change is Change.REFUSED and not is_unknown(news.get(key)):
                raise errors.UserError(self.refused_change(key, olds.get(key), news.get(key)))
        # SparkPost knows each name once: a replacement under the same name must remove the old object first.
        same_name = self.schema.id_key not in changes.replaces
        return Diff(changes.changed, changes.replaces, changes.drifted, bool(changes.replaces) and same_name)

    def gone_warning(self, name: str, state: dict[str, Any]) -> str | None:
        """What a refresh that finds the object gone tells the user, beyond Pulumi's own line (None: nothing)."""
        return None

    def refused_change(self, key: str, old: Any, new: Any) -> str:
        """The message for a change of ``key`` that the schema refuses."""
        return (f"{self.noun} property {key} cannot change from {old!r} to {new!r}: "
                f"{self.schema.inputs[key].change.value}. Declare {key}: {old!r} again.")

    def read(self, id_: str, state: dict[str, Any], defaults: dict[str, Any] | None = None) -> Found:
        """Refresh (``state`` from the last deployment) or import (no state; ``defaults`` say where to look): one
        read of the object.

        A refresh keeps the declared inputs, so the next ``up`` repairs drift instead of accepting it; an import
        declares what it found, so the next preview of a program that declares the same is unchanged.
        """
        from .import_ids import ImportId, check_owner

        importing = not state
        if importing:  # the id is <name>[,<subaccount id>]; its subaccount is where to look
            target = ImportId.parse(id_, self.schema.id_key, self.import_kind)
            id_, name, state = str(target), target.name, {**(defaults or {}), **target.state()}
            check_owner(self, state, target)
        else:
            name = self.name_of(id_)
        inputs = self.state_inputs(name, state)
        try:
            outputs = self.observe(name, inputs)
        except errors.NotFound:
            return GONE if importing else Found("", warning=self.gone_warning(name, state))
        if not importing:
            self.refuse_without_proof(name, state, outputs)
        if importing:
            inputs = self.declared_from(outputs)
            outputs = {**outputs, **inputs}
        return Found(id_, outputs, inputs)

    # ---- ownership beyond the create ------------------------------------------------------------

    def evidence(self, last_seen: dict[str, Any], now: dict[str, Any]) -> str | None:
        """Evidence that the object read ``now`` (outputs) is no longer the one ``last_seen`` (state) describes: it
        was deleted and made again. By default a ``creation_time`` that changed, for objects that report one."""
        from .ownership import creation_time_evidence

        return creation_time_evidence(last_seen, now)

    def evidence_message(self, name: str, evidence: str) -> str:
        from .ownership import recreated_message

        return recreated_message(self.noun, name, evidence)

    def refuse_without_proof(self, name: str, last_seen: dict[str, Any], now: dict[str, Any]) -> None:
        """``errors.NoLongerOurs`` when there is evidence, unless the user accepts the object for this run
        (``SPARKPOST_ADOPT``)."""
        found = self.evidence(last_seen, now)
        if found and name not in self.settings.adopt:
            raise errors.NoLongerOurs(self.evidence_message(name, found))

    def _claim_key(self, inputs: dict[str, Any], name: str) -> tuple[str, ...]:
        # Each service keeps its own claims (one resource type). A name is unique across an account and its
        # subaccounts; the API base tells the accounts apart.
        return effective_api_base(inputs.get("region"), inputs.get("api_url")), name.lower()

    def claim(self, inputs: dict[str, Any], name: str) -> None:
        """Record that a resource of this deployment created or adopted ``name``."""
        self.claims.claim(self._claim_key(inputs, name))

    def claimed_elsewhere(self, inputs: dict[str, Any], name: str) -> str | None:
        """At a delete: the warning to give instead of deleting, when another resource of this deployment created
        or adopted the same object (within one process, a delete never follows its own resource's create)."""
        from .ownership import claimed_elsewhere_message

        return claimed_elsewhere_message(self.noun, name) if self.claims.held(self._claim_key(inputs, name)) else None

    # ---- what each resource does -------------------------------------------------------------

    def observe(self, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """The outputs of the object ``id_`` as SparkPost reports it now (``errors.NotFound`` when it is gone)."""
        raise NotImplementedError

    def create(self, inputs: dict[str, Any], progress: Progress = ignore) -> Created:
        """Create the object; ``progress`` hears how a long wait goes (see ``progress``)."""
        raise NotImplementedError

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any], progress: Progress = ignore
               ) -> dict[str, Any]:
        raise NotImplementedError

    def delete(self, id_: str, state: dict[str, Any]) -> str | None:
        """Delete the object; returns a warning for the user when it deliberately left the object in place (the
        engine drops the resource from state all the same).

        By default one read, then the DELETE: only of the object state describes (no evidence that it was made
        again), and never of one another resource of this deployment created or adopted. SparkPost has no
        conditional DELETE: a re-creation between the two requests (one round trip) is not seen."""
        name = self.name_of(id_)
        inputs = self.state_inputs(name, state)
        elsewhere = self.claimed_elsewhere(inputs, name)
        if elsewhere:
            return elsewhere
        try:
            with self.client(inputs) as client:
                self.refuse_without_proof(name, state, self.read_for_delete(client, name, inputs))
                self.delete_object(client, name)
        except errors.NotFound:
            pass  # already gone: that is what delete wants
        return None

    def read_for_delete(self, client: SparkPostClient, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """The object as SparkPost reports it, in the form ``evidence`` compares with state (for the default
        ``delete``)."""
        raise NotImplementedError

    def delete_object(self, client: SparkPostClient, name: str) -> None:
        """The DELETE itself (for the default ``delete``)."""
        raise NotImplementedError
