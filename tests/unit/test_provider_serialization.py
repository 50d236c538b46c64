"""The provider pickles by reference: tiny, identical across processes, never carrying the key."""

from __future__ import annotations

import base64
import subprocess
import sys

import dill
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _deserialize, _serialize

from sparkpost_tracking.dynamic_providers import TrackingDomainProvider

SECRET = "0123456789abcdef-secret-key-for-serialization-test"

SERIALIZE = (
    "from pulumi.dynamic.dynamic import serialize_provider\n"
    "from pulumi.runtime._serialization import _serialize\n"
    "from sparkpost_tracking.dynamic_providers import TrackingDomainProvider\n"
    "print(_serialize(True, serialize_provider, TrackingDomainProvider())[0])\n"
)


def serialized(provider: TrackingDomainProvider) -> str:
    text, contains_secrets = _serialize(True, serialize_provider, provider)
    assert contains_secrets is False
    return text


def test_serialized_provider_is_small_and_stable_across_processes() -> None:
    runs = [subprocess.run([sys.executable, "-c", SERIALIZE], check=True, capture_output=True, text=True).stdout.strip()
            for _ in range(2)]
    assert runs[0] == runs[1] == serialized(TrackingDomainProvider())
    assert len(runs[0]) < 300, len(runs[0])
    # Pickled by reference to the public import path, not by value.
    assert b"sparkpost_tracking.dynamic_providers" in base64.b64decode(runs[0])
    assert b"TrackingDomainProvider" in base64.b64decode(runs[0])


def test_configured_provider_serializes_without_the_key() -> None:
    provider = TrackingDomainProvider()
    provider.configure(ConfigureRequest(Config({"sparkpost:apiKey": SECRET}, "proj")))
    assert provider.settings.api_key("us") == SECRET
    text = serialized(provider)
    assert text == serialized(TrackingDomainProvider())
    assert SECRET not in text and SECRET.encode() not in base64.b64decode(text)
    assert SECRET not in repr(provider) and SECRET not in repr(provider.settings)


def test_round_trip_gives_a_working_provider() -> None:
    text = serialized(TrackingDomainProvider())
    provider = _deserialize(lambda: dill.loads(base64.b64decode(text)))
    assert isinstance(provider, TrackingDomainProvider)
    assert provider.check({}, {"domain": "track.example.com"}).failures == []


def test_provider_is_not_serialized_as_secret() -> None:
    assert TrackingDomainProvider.serialize_as_secret_always is False


def test_public_names_load_lazily_and_are_the_real_objects() -> None:
    code = (
        "import sys, sparkpost_tracking.dynamic_providers\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('sparkpost_tracking.dynamic_providers.'))\n"
        "from sparkpost_tracking.dynamic_providers import TrackingDomainProvider, SparkPostClient\n"
        "from sparkpost_tracking.dynamic_providers.provider import TrackingDomainProvider as P\n"
        "from sparkpost_tracking.dynamic_providers.client import SparkPostClient as C\n"
        "print(loaded, TrackingDomainProvider is P, SparkPostClient is C, 'requests' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    assert out == ["[]", "True", "True", "True"]


def test_configure_starts_no_watchdog_outside_the_provider_process() -> None:
    # The watchdog ends its process when the engine is gone: it must never run in a program or a test.
    from sparkpost_tracking.dynamic_providers import watchdog

    TrackingDomainProvider().configure(ConfigureRequest(Config({}, "proj")))
    assert watchdog.in_provider_process() is False and watchdog.start() is False
