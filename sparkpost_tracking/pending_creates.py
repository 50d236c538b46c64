"""The tracking-domain creates an interrupted ``pulumi up`` left pending, read from ``pulumi stack export``.

The document is checked as it is read: a field of the wrong type, a missing key or nesting too deep for Python is
one ``ExportError`` that names where (``deployment.pending_operations[2].resource.inputs``), never an
``AttributeError`` or a ``RecursionError`` from deep inside. Only what recovery needs is read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Final

from sparkpost_tracking.dynamic_providers.settings import CONFIG_NAMESPACE, camel_case
from sparkpost_tracking.dynamic_providers.types import PACKAGE, TRACKING_DOMAIN

#: How to make the document this module reads.
EXPORT_COMMAND: Final[str] = "pulumi stack export"
#: The type of the plugin's explicit provider resources.
PROVIDER_TYPE: Final[str] = f"pulumi:providers:{PACKAGE}"


class ExportError(ValueError):
    """The input is not (a usable part of) a ``pulumi stack export`` document; the message says where and why."""


@dataclass(frozen=True)
class PendingCreate:
    """One interrupted tracking-domain create: its resource, and its inputs as snake_case names."""

    urn: str
    token: str
    inputs: dict[str, Any]
    #: Where in the document it was found, for a message.
    where: str
    #: Inputs of the explicit provider resource that serves it (wire names), if any.
    provider_inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The resource's name in the program (the URN's last part)."""
        return self.urn.rpartition("::")[2]

    @property
    def domain(self) -> str:
        return str(self.inputs["domain"]).lower()

    @property
    def native(self) -> bool:
        return self.token == TRACKING_DOMAIN.native

    @property
    def namespace(self) -> str:
        """Where this resource's provider reads its key and settings in stack config."""
        return PACKAGE if self.native else CONFIG_NAMESPACE


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__)


def _object(value: Any, where: str, *, missing_ok: bool = False) -> dict[str, Any]:
    if value is None and missing_ok:
        return {}
    if not isinstance(value, dict):
        raise ExportError(f"{where}: expected an object, found {_kind(value)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ExportError(f"{where}: expected a list, found {_kind(value)}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ExportError(f"{where}: expected a non-empty string, found {_kind(value)}")
    return value


def load(stream: IO[str]) -> dict[str, Any]:
    """The export document from ``stream``: JSON, an object."""
    try:
        document = json.load(stream)
    except json.JSONDecodeError as exc:
        raise ExportError(f"not JSON ({exc})") from None
    except RecursionError:
        raise ExportError("nested too deeply to be a stack export") from None
    return _object(document, "the document")


#: Wire (camelCase) name -> snake_case, for the native resource's inputs.
_SNAKE: Final[dict[str, str]] = {}


def _snake_inputs(inputs: Mapping[str, Any], native: bool) -> dict[str, Any]:
    if not native:
        return dict(inputs)
    if not _SNAKE:
        from sparkpost_tracking.dynamic_providers.schema import INPUTS

        _SNAKE.update({camel_case(name): name for name in INPUTS})
    return {_SNAKE.get(key, key): value for key, value in inputs.items()}


def pending_creates(document: Mapping[str, Any]) -> list[PendingCreate]:
    """Each pending tracking-domain create of ``document`` (either path's type), in order, once per resource."""
    deployment = _object(document.get("deployment"), "deployment")
    providers: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(_list(deployment.get("resources"), "deployment.resources")):
        resource = _object(raw, f"deployment.resources[{index}]")
        if resource.get("type") == PROVIDER_TYPE:
            urn = _text(resource.get("urn"), f"deployment.resources[{index}].urn")
            inputs = _object(resource.get("inputs"), f"deployment.resources[{index}].inputs", missing_ok=True)
            providers[f"{urn}::{resource.get('id')}"] = inputs
    found: dict[str, PendingCreate] = {}
    for index, raw in enumerate(_list(deployment.get("pending_operations"), "deployment.pending_operations")):
        where = f"deployment.pending_operations[{index}]"
        operation = _object(raw, where)
        resource = _object(operation.get("resource"), f"{where}.resource")
        token = resource.get("type")
        if operation.get("type") != "creating" or token not in TRACKING_DOMAIN.tokens:
            continue
        urn = _text(resource.get("urn"), f"{where}.resource.urn")
        inputs = _snake_inputs(_object(resource.get("inputs"), f"{where}.resource.inputs", missing_ok=True),
                               token == TRACKING_DOMAIN.native)
        inputs.setdefault("domain", resource.get("id"))
        _text(inputs.get("domain"), f"{where}.resource.inputs.domain")
        provider = resource.get("provider")
        provider_inputs = providers.get(provider, {}) if isinstance(provider, str) else {}
        found.setdefault(urn, PendingCreate(urn, token, inputs, f"{where}.resource.inputs", provider_inputs))
    return list(found.values())
