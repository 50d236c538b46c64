"""``python -m bench``'s P1 step (requests per operation, counted at the emulator) holds every row at its minimum:
a count, not a time, so it is a test like any other."""

from __future__ import annotations

from bench import api_requests


def test_every_operation_makes_the_minimum_requests() -> None:
    rows = api_requests.measure()
    over = [(r.what, r.value, r.reference) for r in rows if r.value != r.reference]
    assert over == []
    sending = {r.what.removeprefix("requests: sending domain "): r.value for r in rows if "sending domain" in r.what}
    assert sending == {"create": 2, "no-op diff / preview": 0, "refresh": 1, "change of sharing": 2,
                       "change of key length (refused)": 0, "delete": 2}
