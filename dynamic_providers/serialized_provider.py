"""The ``__provider`` string of our dynamic resources: made once per process, with the pickler as Python ships it.

Pulumi's ``serialize_provider`` (SDK 3.272, ``pulumi/dynamic/dynamic.py``) puts one more sorting layer around
``pickle._Pickler._batch_setitems`` on every call and never takes it off, so the N-th dynamic resource of a
program pickles through N layers: at about 970 dynamic resources every further one fails with ``RecursionError``
(and before that each one costs more than the last).

Our providers pickle by reference and carry no state (``SparkPostProvider.__getstate__``), so their string is the
same in every call: one serialization per provider class and process is enough. That one call runs with the
layers taken off (other dynamic resources registered before ours, a user's own, cannot make it fail) and leaves
the pickler exactly as it found it (ours add no layer for anyone else). The string is byte-identical to what
``Resource.__init__`` would store, so existing stacks see no change.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pulumi
from pulumi.dynamic import Resource
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _serialize

from .provider_base import PROVIDER_KEY, SparkPostProvider

#: The free variable through which Pulumi's sorting layer calls the method it wraps.
WRAPPED_METHOD = "unsorted_batch_setitems"
#: What ``serialize_provider`` replaces on the pure-Python pickler and does not put back.
PATCHED = ("_batch_setitems", "save_dict")


def unwrapped(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` without the sorting layers Pulumi's ``serialize_provider`` put around it (a loop: any depth)."""
    while (code := getattr(method, "__code__", None)) is not None and WRAPPED_METHOD in code.co_freevars:
        closure = method.__closure__ or ()
        method = closure[code.co_freevars.index(WRAPPED_METHOD)].cell_contents
    return method


@contextmanager
def pickler_as_shipped() -> Iterator[None]:
    """Inside: ``_batch_setitems`` without Pulumi's layers. After: the pickler exactly as it was before."""
    saved = {name: vars(pickle._Pickler)[name] for name in PATCHED}
    pickle._Pickler._batch_setitems = unwrapped(saved["_batch_setitems"])  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for name, method in saved.items():
            setattr(pickle._Pickler, name, method)


_serialized: dict[type[SparkPostProvider], tuple[str, bool]] = {}


def serialized(provider_type: type[SparkPostProvider]) -> tuple[str, bool]:
    """(``__provider`` string, whether it captured a secret) for every instance of ``provider_type``."""
    if provider_type not in _serialized:
        with pickler_as_shipped():
            _serialized[provider_type] = _serialize(True, serialize_provider, provider_type())
    return _serialized[provider_type]


class SparkPostResource(Resource):
    """A dynamic resource that stores ``serialized(type(provider))``: what ``pulumi.dynamic.Resource`` stores,
    without a serialization (and a pickler layer) per resource."""

    def __init__(self, provider: SparkPostProvider, name: str, props: dict[str, Any],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        if PROVIDER_KEY in props:
            raise ValueError(f"a dynamic resource must not define the {PROVIDER_KEY} key")
        text, contains_secrets = serialized(type(provider))
        value: str | pulumi.Output[str] = text
        if provider.serialize_as_secret_always or contains_secrets:  # Pulumi's rule, kept
            value = pulumi.Output.secret(text)
        # Resource.__init__ would serialize again: go to the custom resource beneath it with the string made once.
        super(Resource, self).__init__(f"pulumi-python:{self._resource_type_name}", name,
                                       {**props, PROVIDER_KEY: value}, opts)
