"""Fixtures for the emulator's own tests: ``api``, plain HTTP with the test key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.testing import HttpApi


@pytest.fixture
def api(emulator: Emulator, api_key: str) -> Iterator[HttpApi]:
    client = HttpApi(emulator.base_url, api_key)
    yield client
    client.close()
