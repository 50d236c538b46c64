"""Provider-tier fixtures: the key and fast retry/poll settings come from the environment."""

from __future__ import annotations

import pytest

KEY = "provider-test-key-0123456789abcdef"


@pytest.fixture
def fast_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """The provider reads the key and its timings from the environment when not configured."""
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    monkeypatch.setenv("SPARKPOST_RETRY_BACKOFF", "0.01")
    monkeypatch.setenv("SPARKPOST_VERIFY_INTERVAL", "0")
    monkeypatch.setenv("SPARKPOST_VERIFY_TIMEOUT", "0")
    monkeypatch.setenv("SPARKPOST_REQUEST_TIMEOUT", "2")
    monkeypatch.delenv("SPARKPOST_EU_API_KEY", raising=False)
    return KEY
