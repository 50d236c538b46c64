"""Between the engine's wire values (``PropertyValue`` maps with camelCase keys) and the plain snake_case dicts the
SparkPost code works on.

Two things of Pulumi's experimental provider SDK (tested on 3.272) are worked around here, once:

- An unknown value (preview) cannot be sent as ``PropertyValue.computed()``: marshalling it raises
  ``ValueError: Unsupported value type: Computed``. The engine's own encoding of an unknown is a sentinel string
  (``pulumi.runtime.rpc.UNKNOWN``), which is what ``UNKNOWN`` sends; unknowns also arrive as that string, which
  the shared validators already pass through.
- Numbers are floats on the wire and ``PropertyValue`` takes no ``int``: a subaccount id goes out as ``7.0``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from pulumi.output import Unknown
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.util import camel_case
from pulumi.runtime import rpc

#: What an unknown value marshals as: the engine's sentinel, never ``PropertyValue.computed()``.
UNKNOWN: Final[PropertyValue] = PropertyValue(rpc.UNKNOWN)


def to_python(value: PropertyValue) -> Any:
    """A wire value as plain Python: secrets unwrapped, unknowns as the engine's sentinel string."""
    inner = value.value
    if isinstance(inner, Computed):
        return rpc.UNKNOWN
    if isinstance(inner, Mapping):
        return {k: to_python(v) for k, v in inner.items()}
    if isinstance(inner, tuple | list):
        return [to_python(v) for v in inner]
    return inner


def from_python(value: Any) -> PropertyValue:
    """A plain Python value (or an unknown) as a wire value."""
    if isinstance(value, PropertyValue):
        return value
    if value is None:
        return PropertyValue.null()
    if isinstance(value, Unknown | Computed) or (isinstance(value, str) and value == rpc.UNKNOWN):
        return UNKNOWN
    if isinstance(value, bool | str):
        return PropertyValue(value)
    if isinstance(value, int | float):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({str(k): from_python(v) for k, v in value.items()})
    if isinstance(value, Iterable):
        return PropertyValue([from_python(v) for v in value])
    raise TypeError(f"cannot send a {type(value).__name__} to the engine")


class Names:
    """The wire (camelCase) names of one resource's snake_case properties, both ways."""

    def __init__(self, snake_names: Iterable[str]) -> None:
        self.wire = {name: camel_case(name) for name in snake_names}
        self.snake = {wire: name for name, wire in self.wire.items()}

    def from_wire(self, props: Mapping[str, PropertyValue]) -> dict[str, Any]:
        """Plain snake_case values; an unknown wire name is kept as it is, so the resource's check names it."""
        return {self.snake.get(key, key): to_python(value) for key, value in props.items()}

    def to_wire(self, props: Mapping[str, Any], secret: Iterable[str] = ()) -> dict[str, PropertyValue]:
        """Wire values of the known properties (``None`` left out); names in ``secret`` (snake_case) stay secret."""
        hidden = set(secret)
        return {self.wire[key]: from_python(value).with_secret(key in hidden)
                for key, value in props.items() if key in self.wire and value is not None}


def secret_names(props: Mapping[str, PropertyValue], names: Names) -> set[str]:
    """The snake_case names of the properties that arrived as secrets (they leave as secrets too)."""
    return {names.snake.get(key, key) for key, value in props.items() if value.contains_secret()}
