"""Shared fixtures: ``api_key`` ("test-key") and ``emulator`` (a fresh running emulator per test)."""

from sparkpost_tracking.emulator.testing import api_key, emulator

__all__ = ["api_key", "emulator"]
