"""A program of thousands of dynamic resources: Pulumi's ``serialize_provider`` (SDK 3.272) adds a sorting layer to
``pickle._Pickler._batch_setitems`` on every call and never removes it, so the ~970th dynamic resource of a program
failed with ``RecursionError``. Ours serialize once per process, with the layers off, and leave the pickler as they
found it; what they store is what ``pulumi.dynamic.Resource`` stores, and what 0.2.0 stored."""

from __future__ import annotations

import base64
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import dill
import pulumi
import pytest
from pulumi.dynamic import Resource
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime._serialization import _deserialize, _serialize
from pulumi.runtime.mocks import MockMonitor

from sparkpost_tracking.dynamic_providers import (
    TrackingDomain,
    TrackingDomainAssociation,
    TrackingDomainAssociationProvider,
    TrackingDomainProvider,
)
from sparkpost_tracking.dynamic_providers.provider_base import PROVIDER_KEY, SparkPostProvider
from sparkpost_tracking.dynamic_providers.serialized_provider import (
    SparkPostResource,
    pickler_as_shipped,
    serialized,
    unwrapped,
)
from sparkpost_tracking.dynamic_providers.tracking_domains import TrackingDomainService

#: What 0.2.0 stored as ``__provider`` of every TrackingDomain (computed from the 0.2.0 release's source).
PROVIDER_0_2_0 = ("gASVSQAAAAAAAACMJHNwYXJrcG9zdF90cmFja2luZy5keW5hbWljX3Byb3ZpZGVyc5SMFlRyYWNraW5nRG9tYWluUHJvdmlk"
                  "ZXKUk5QpgZR9lGIu")
#: More dynamic resources than the ~970 at which the recursion limit (1000) was reached.
GUARD = 1100
API_URL = "http://127.0.0.1:9/api/v1"
REPO = Path(__file__).resolve().parents[2]


class Recording(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


class RecordingMonitor(MockMonitor):
    """Keeps each registration's inputs as the SDK sent them (a secret stays marked)."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.inputs: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.inputs[request.name] = rpc.deserialize_properties(request.object)
        return super().RegisterResource(request)


def run(program: Any) -> RecordingMonitor:
    mocks = Recording()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, preview=False, monitor=monitor)
    pulumi.runtime.test(program)()
    return monitor


def layers() -> int:
    """How many sorting layers sit on the pure-Python pickler's ``_batch_setitems`` now."""
    method, depth = vars(pickle._Pickler)["_batch_setitems"], 0
    while method is not unwrapped(method):
        method = method.__closure__[method.__code__.co_freevars.index("unsorted_batch_setitems")].cell_contents
        depth += 1
    return depth


class Stateless(pulumi.dynamic.ResourceProvider):
    """Someone else's dynamic provider with no state: pickling it sorts no dict, so it only adds layers."""


class WithState(pulumi.dynamic.ResourceProvider):
    """Someone else's dynamic provider with a state dict, which the pickler sorts through every layer."""

    def __init__(self) -> None:
        self.endpoint = "https://api.example.com"


def pulumi_layers(count: int, provider: type[pulumi.dynamic.ResourceProvider] = Stateless) -> None:
    """``count`` dynamic resources' worth of Pulumi's serialization."""
    for _ in range(count):
        _serialize(True, serialize_provider, provider())


def test_thousands_of_dynamic_resources_register_in_one_program() -> None:
    before = vars(pickle._Pickler)["_batch_setitems"], vars(pickle._Pickler)["save_dict"]

    def program() -> None:
        for i in range(GUARD):
            domain = TrackingDomain(f"d{i}", {"domain": f"t{i}.example.com", "api_url": API_URL})
            if i % 10 == 0:
                TrackingDomainAssociation(f"a{i}", {"sending_domain": f"s{i}.example.com", "api_url": API_URL,
                                                    "tracking_domain": domain.domain})

    monitor = run(program)
    providers = {name: inputs[PROVIDER_KEY] for name, inputs in monitor.inputs.items() if PROVIDER_KEY in inputs}
    assert len(providers) == GUARD + GUARD // 10
    assert {providers[f"d{i}"] for i in range(GUARD)} == {PROVIDER_0_2_0}
    assert {providers[f"a{i}"] for i in range(0, GUARD, 10)} == {serialized(TrackingDomainAssociationProvider)[0]}
    # Nothing of ours stays on the pickler.
    assert (vars(pickle._Pickler)["_batch_setitems"], vars(pickle._Pickler)["save_dict"]) == before


def test_layers_left_by_other_dynamic_resources_cannot_fail_ours_and_stay_as_they_were() -> None:
    code = (
        "import pulumi, sys\n"
        "from pulumi.dynamic import Resource\n"
        "from tests.unit.test_serialized_provider import layers, pulumi_layers, run, API_URL\n"
        "from sparkpost_tracking.dynamic_providers import TrackingDomain, TrackingDomainProvider\n"
        "class Stock(Resource, module='sparkpost', name='TrackingDomain'):\n"
        "    pass\n"
        "pulumi_layers(2 * sys.getrecursionlimit())\n"
        "left = layers()\n"
        "monitor = run(lambda: [TrackingDomain(f'd{i}', {'domain': f't{i}.example.com', 'api_url': API_URL})\n"
        "                       for i in range(3)])\n"
        "print(left, layers(), sorted(n for n in monitor.inputs if n.startswith('d')))\n"
        "try:\n"
        "    run(lambda: Stock(TrackingDomainProvider(), 'stock', {'domain': 's.example.com'}))\n"
        "except RecursionError:\n"
        "    print('stock: RecursionError')\n"
    )
    # A fresh process: nothing else has serialized a provider there, so the layers counted are exactly these.
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=REPO).stdout.splitlines()
    left = 2 * sys.getrecursionlimit()
    assert out == [f"{left} {left} ['d0', 'd1', 'd2']", "stock: RecursionError"]


def test_stock_serialization_still_fails_past_the_recursion_limit() -> None:
    """The upstream bug this module works around (a canary: when Pulumi fixes it, this test says so)."""
    code = (
        "import sys\n"
        "from tests.unit.test_serialized_provider import WithState, pulumi_layers\n"
        "try:\n"
        "    pulumi_layers(sys.getrecursionlimit(), WithState)\n"
        "except RecursionError:\n"
        "    print('RecursionError')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=REPO).stdout.strip()
    assert out == "RecursionError"


def test_the_stored_string_is_what_pulumi_and_0_2_0_store_and_it_loads() -> None:
    class Stock(Resource, module="sparkpost", name="TrackingDomain"):
        pass

    def program() -> None:
        Stock(TrackingDomainProvider(), "stock", {"domain": "a.example.com"})
        TrackingDomain("ours", {"domain": "b.example.com", "api_url": API_URL})

    monitor = run(program)
    assert monitor.inputs["ours"][PROVIDER_KEY] == monitor.inputs["stock"][PROVIDER_KEY] == PROVIDER_0_2_0
    assert serialized(TrackingDomainProvider) == (PROVIDER_0_2_0, False)
    loaded = _deserialize(lambda: dill.loads(base64.b64decode(PROVIDER_0_2_0)))
    assert type(loaded) is TrackingDomainProvider
    assert loaded.check({}, {"domain": "track.example.com"}).failures == []


def test_one_serialization_per_provider_class() -> None:
    assert serialized(TrackingDomainProvider) is serialized(TrackingDomainProvider)
    assert serialized(TrackingDomainAssociationProvider) != serialized(TrackingDomainProvider)


def test_pulumi_secret_rule_is_kept() -> None:
    class AlwaysSecret(SparkPostProvider):
        service_type = TrackingDomainService
        serialize_as_secret_always = True

    class Secretive(SparkPostResource, module="test", name="Secretive"):
        pass

    def program() -> None:
        Secretive(AlwaysSecret(), "secret", {"domain": "c.example.com"})
        Secretive(TrackingDomainProvider(), "plain", {"domain": "d.example.com"})

    monitor = run(program)
    assert rpc.is_rpc_secret(monitor.inputs["secret"][PROVIDER_KEY])
    assert not rpc.is_rpc_secret(monitor.inputs["plain"][PROVIDER_KEY])


def test_a_provider_key_in_props_is_refused() -> None:
    with pytest.raises(ValueError, match="__provider"):
        SparkPostResource(TrackingDomainProvider(), "x", {PROVIDER_KEY: "mine"})


def test_unwrapped_takes_off_any_number_of_layers_and_nothing_else() -> None:
    original = vars(pickle._Pickler)["_batch_setitems"]
    with pickler_as_shipped():
        shipped = vars(pickle._Pickler)["_batch_setitems"]
        pulumi_layers(5)
        assert unwrapped(vars(pickle._Pickler)["_batch_setitems"]) is shipped
        assert unwrapped(shipped) is shipped
        assert layers() == 5
    assert vars(pickle._Pickler)["_batch_setitems"] is original
    assert unwrapped(len) is len
