"""P1: SparkPost API requests per lifecycle operation, counted at the emulator.

Each figure sits next to the minimum SparkPost's API allows for that operation.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sparkpost_tracking.dynamic_providers import (
    SendingDomainProvider,
    TrackingDomainAssociationProvider,
    TrackingDomainProvider,
)
from sparkpost_tracking.dynamic_providers.errors import UserError
from sparkpost_tracking.dynamic_providers.schema import ASSOCIATION, SENDING_DOMAIN, check_inputs
from sparkpost_tracking.emulator import Emulator

from .table import Row

KEY = "bench-key-0123456789"
DOMAIN = "track.example.com"
SENDING = "example.com"


@contextmanager
def _fast_env() -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("SPARKPOST_API_KEY", "SPARKPOST_RETRY_BACKOFF",
                                            "SPARKPOST_VERIFY_INTERVAL")}
    os.environ.update(SPARKPOST_API_KEY=KEY, SPARKPOST_RETRY_BACKOFF="0.01", SPARKPOST_VERIFY_INTERVAL="0")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _inputs(emu: Emulator, **declared: Any) -> dict[str, Any]:
    checked, failures = check_inputs({"domain": DOMAIN, "api_url": emu.base_url, **declared})
    assert not failures, failures
    return {**checked, "__provider": "bench"}


def _count(emu: Emulator, setup: Callable[[TrackingDomainProvider], Any],
           operation: Callable[[TrackingDomainProvider, Any], Any]) -> int:
    emu.reset()
    provider = TrackingDomainProvider()
    prepared = setup(provider)
    emu.clear_requests()
    operation(provider, prepared)
    return emu.count()


#: The GET before a create's POST: what proves, after an unclear answer, that the domain was absent before it.
PROOF = 1
#: The GET before an update, a delete or an association's write: what shows the object is still the one state
#: describes (a tracking domain not made again, a sending domain still naming our tracking domain, or none).
STILL_OURS = 1


def measure() -> list[Row]:
    rows: list[Row] = []
    with _fast_env(), Emulator(api_keys=[KEY]) as emu:
        def nothing(_: TrackingDomainProvider) -> None:
            return None

        def created(p: TrackingDomainProvider) -> dict[str, Any]:
            outs = p.create(_inputs(emu)).outs
            assert outs is not None
            return outs

        cases: list[tuple[str, int, Callable[[TrackingDomainProvider], Any],
                          Callable[[TrackingDomainProvider, Any], Any]]] = [
            # A create reads the name first (the proof of ownership if the POST's answer is unclear): +1 each.
            ("create, verify off", 1 + PROOF, nothing, lambda p, _: p.create(_inputs(emu, verify=False))),
            ("create, verified at first try", 2 + PROOF, nothing, lambda p, _: p.create(_inputs(emu))),
            ("create with default", 3 + PROOF, nothing, lambda p, _: p.create(_inputs(emu, default=True))),
            ("no-op diff / preview", 0, created, lambda p, outs: p.diff(DOMAIN, outs, _inputs(emu))),
            ("refresh (per domain)", 1, created, lambda p, outs: p.read(DOMAIN, outs)),
            ("change of secure", 1 + STILL_OURS, created,
             lambda p, outs: p.update(DOMAIN, outs, _inputs(emu, secure=False))),
            # A later deployment deletes it (a fresh provider): within the one that created it, another
            # resource's delete of the same domain only drops state.
            ("delete", 1 + STILL_OURS, created, lambda p, outs: TrackingDomainProvider().delete(DOMAIN, outs)),
        ]
        for label, minimum, setup, operation in cases:
            rows.append(Row("P1", f"requests: {label}", _count(emu, setup, operation), minimum, "requests",
                            "== minimum"))

        def burst(p: TrackingDomainProvider) -> None:
            emu.fail_next(3, status=429)

        rows.append(Row("P1", "requests: create verified, under a burst of 3x429", _count(
            emu, burst, lambda p, _: p.create(_inputs(emu))), 2 + PROOF + 3, "requests", "minimum + 3 retries"))
        rows += _association_rows(emu)
        rows += _sending_domain_rows(emu)
    return rows


def _association_rows(emu: Emulator) -> list[Row]:
    """The same figures for a TrackingDomainAssociation: a read and a PUT for each write, one GET for a refresh,
    nothing for a no-op."""
    declared, failures = ASSOCIATION.check({"sending_domain": SENDING, "tracking_domain": DOMAIN,
                                            "api_url": emu.base_url})
    assert not failures, failures
    declared["__provider"] = "bench"
    def provider() -> TrackingDomainAssociationProvider:
        return TrackingDomainAssociationProvider()  # each operation in a deployment of its own

    def counted(operation: Callable[[], Any], *, associated: bool) -> int:
        emu.reset()
        emu.add_domain(DOMAIN, secure=True, verified=True)
        emu.add_sending_domain(SENDING, tracking_domain=DOMAIN if associated else "")
        emu.clear_requests()
        operation()
        return emu.count()

    cases: list[tuple[str, Callable[[], Any], bool]] = [
        ("association create", lambda: provider().create(declared), False),
        ("association no-op diff / preview", lambda: provider().diff(SENDING, declared, declared), True),
        ("association refresh", lambda: provider().read(SENDING, declared), True),
        ("association delete", lambda: provider().delete(SENDING, declared), True),
    ]
    minima = (1 + STILL_OURS, 0, 1, 1 + STILL_OURS)
    return [Row("P1", f"requests: {label}", counted(operation, associated=associated), minimum, "requests",
                "== minimum")
            for (label, operation, associated), minimum in zip(cases, minima, strict=True)]


def _sending_domain_rows(emu: Emulator) -> list[Row]:
    """The same figures for a SendingDomain: a create is the proving read and the POST (SparkPost answers the DKIM
    key it made), a change of sharing a read and a PUT, a delete a read and the DELETE; a change of the key's length
    is refused before any request."""
    declared, failures = SENDING_DOMAIN.check({"domain": SENDING, "api_url": emu.base_url})
    assert not failures, failures
    declared["__provider"] = "bench"

    def provider() -> SendingDomainProvider:
        return SendingDomainProvider()  # each operation in a deployment of its own

    def made() -> dict[str, Any]:
        outs = provider().create(declared).outs
        assert outs is not None
        return dict(outs)

    def refused(state: dict[str, Any]) -> None:
        try:
            provider().diff(SENDING, state, {**declared, "dkim_key_length": 1024})
        except UserError:
            return
        raise AssertionError("a change of dkim_key_length was not refused")

    def counted(operation: Callable[[dict[str, Any]], Any], *, exists: bool) -> int:
        emu.reset()
        state = made() if exists else {}
        emu.clear_requests()
        operation(state)
        return emu.count()

    cases: list[tuple[str, Callable[[dict[str, Any]], Any], bool, int]] = [
        ("sending domain create", lambda _: provider().create(declared), False, 1 + PROOF),
        ("sending domain no-op diff / preview", lambda state: provider().diff(SENDING, state, declared), True, 0),
        ("sending domain refresh", lambda state: provider().read(SENDING, state), True, 1),
        ("sending domain change of sharing", lambda state: provider().update(
            SENDING, state, {**declared, "shared_with_subaccounts": True}), True, 1 + STILL_OURS),
        ("sending domain change of key length (refused)", refused, True, 0),
        ("sending domain delete", lambda state: provider().delete(SENDING, state), True, 1 + STILL_OURS),
    ]
    return [Row("P1", f"requests: {label}", counted(operation, exists=exists), minimum, "requests", "== minimum")
            for label, operation, exists, minimum in cases]
