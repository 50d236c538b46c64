"""certificate_state(): a managed certificate's readiness, with or without SparkPost's tls_status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.lifecycle import certificate_state

NOW = datetime(2026, 3, 1, tzinfo=UTC)
ISSUED = {"issued_at": "2026-01-27T19:09:17.000Z", "expires_at": "2026-04-27T19:09:16.000Z", "error_code": None}


def domain(tls_status: str | None = None, certificate: dict[str, Any] | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"verified": True}
    if tls_status is not None:
        status["tls_status"] = tls_status
    found: dict[str, Any] = {"domain": "track.example.com", "status": status}
    if certificate is not None:
        found["tls_certificate"] = certificate
    return found


@pytest.mark.parametrize(("found", "state"), [
    (domain("valid"), "valid"),
    (domain("pending", ISSUED), "pending"),  # tls_status knows better than an old certificate
    (domain("expired", ISSUED), "failed"),
    (domain("failed"), "failed"),
    (domain(None, ISSUED), "valid"),  # SparkPost's published samples have no tls_status
    (domain("unknown", ISSUED), "valid"),
    (domain(None, {**ISSUED, "expires_at": "2026-02-01T00:00:00.000Z"}), "pending"),  # expired
    (domain(None, {**ISSUED, "error_code": "acme:dns"}), "failed"),
    (domain(None, {**ISSUED, "issued_at": None}), "pending"),
    (domain(None, {**ISSUED, "expires_at": "soon"}), "pending"),
    (domain(None), "pending"),
])
def test_certificate_state(found: dict[str, Any], state: str) -> None:
    assert certificate_state(found, NOW) == state
