"""SparkPost's ``tls_certificate.expires_at`` without a time zone is UTC, on both sides of the moment it names.

The machine's own time zone is set five hours off UTC for these tests, so an expiry read as local time would land
on the wrong side of each boundary.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.certificate_outputs import certificate_state, expiry, reported_tls_status

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ISSUED_AT = "2026-01-01T12:00:00.000Z"


@pytest.fixture(autouse=True)
def five_hours_off_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "EST+5")  # a POSIX rule: needs no time zone database
    time.tzset()
    assert datetime(2026, 3, 1, 12).astimezone().utcoffset() == timedelta(hours=-5)
    yield
    monkeypatch.undo()
    time.tzset()


def found(expires_at: str) -> dict[str, Any]:
    """A tracking domain as SparkPost's published samples show it: ``tls_certificate`` without ``tls_status``."""
    return {"status": {}, "tls_certificate": {"issued_at": ISSUED_AT, "expires_at": expires_at, "error_code": None}}


@pytest.mark.parametrize(("expires_at", "moment"), [
    ("2026-03-01T12:30:00", datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),
    ("2026-03-01T12:30:00.000", datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),
    ("2026-03-01T12:30:00Z", datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),
    ("2026-03-01T14:30:00+02:00", datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),  # an offset given is kept
    ("2026-03-01T12:30:00-05:00", datetime(2026, 3, 1, 17, 30, tzinfo=UTC)),
])
def test_an_expiry_without_a_zone_is_utc_and_one_with_an_offset_keeps_it(expires_at: str, moment: datetime) -> None:
    read = expiry(expires_at)
    assert read == moment and read is not None and read.utcoffset() is not None


@pytest.mark.parametrize(("expires_at", "reported", "state"), [
    ("2026-03-01T12:30:00", "valid", "valid"),  # half an hour after NOW, in UTC
    ("2026-03-01T11:30:00", "expired", "pending"),  # half an hour before (as local time it would be 16:30 UTC)
    ("2026-03-01T12:00:00", "expired", "pending"),  # the named moment itself is past
    ("2026-03-01T12:00:01", "valid", "valid"),
    ("2026-03-01T07:30:00-05:00", "valid", "valid"),
    ("2026-03-01T06:30:00-05:00", "expired", "pending"),
], ids=["after", "before", "at", "second-after", "offset-after", "offset-before"])
def test_a_managed_certificate_is_read_against_its_expiry_in_utc(expires_at: str, reported: str, state: str) -> None:
    assert reported_tls_status(found(expires_at), NOW) == reported
    assert certificate_state(found(expires_at), NOW) == state
