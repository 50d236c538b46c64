"""Each test counts its calls of ``previews.cached`` from its own start: a mutation run forks the process that ran
every test first, and a test run again there must find the documents it kept under the same keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.review import previews


@pytest.fixture(autouse=True)
def _count_cached_calls_per_test() -> Iterator[None]:
    previews.calls.clear()
    yield
