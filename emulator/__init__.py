"""A stateful SparkPost tracking-domains and sending-domains API emulator serving real HTTP on loopback.

It follows SparkPost's published API behaviour (status codes, body shapes, auth, subaccount scoping, one
default per scope, verification and certificate states, DKIM keys and their verification against DNS, quirks) and
adds fault injection (429/5xx bursts, latency, delays, connections dropped after commit) and a request log.

In-process::

    from sparkpost_tracking.emulator import Emulator

    with Emulator(api_keys=["test-key"]) as emu:
        client = SparkPostClient(emu.base_url, "test-key")
        emu.fail_next(2, status=429)
        ...
        assert emu.count("POST", "/tracking-domains") == 3

Out of process: ``python -m sparkpost_tracking.emulator --port 0 --api-key KEY`` (or the ``sparkpost-emulator``
script) prints ``SparkPost emulator listening on <base_url>`` first; steer it through the admin API
(:mod:`sparkpost_tracking.emulator.admin`), e.g. with :class:`sparkpost_tracking.emulator.remote.EmulatorProcess`.
Pytest fixtures live in :mod:`sparkpost_tracking.emulator.testing`.
"""

from sparkpost_tracking.extras import extra_hint

with extra_hint():  # Werkzeug comes with the [emulator] extra
    from .recording import RecordedRequest
    from .server import DEFAULT_API_KEY, Emulator

__all__ = ["DEFAULT_API_KEY", "Emulator", "RecordedRequest"]
