"""The API key never shows, end to end: SparkPost (the emulator) answers errors that echo the key in every spelling,
and what reaches the user (the error, its notes, SparkPost's words kept on it, outputs) and the logs show none of them.
On both paths: the Python dynamic provider and the plugin's native provider."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.emulator import Emulator

from . import both_paths

#: Accepted as a header value, and spelt differently by repr, JSON and URL encoding.
KEY = "sk-5f3a+b%c&d'e\"f\\g0123456789"
SPELLINGS = {KEY, repr(KEY)[1:-1], json.dumps(KEY)[1:-1], quote(KEY, safe=""), quote_plus(KEY)}
ECHO = (f"Authorization {KEY} refused; as repr {KEY!r}; as JSON {json.dumps({'key': KEY})}; "
        f"in a URL ?key={quote(KEY, safe='')} or {quote_plus(KEY)}")


def shown(text: str) -> list[str]:
    return [spelling for spelling in SPELLINGS if spelling in text]


Create = Callable[[Emulator, str], dict[str, Any]]


def dynamic_create(emu: Emulator, domain: str) -> dict[str, Any]:
    return both_paths.dynamic_create(emu.base_url, domain)


def native_create(emu: Emulator, domain: str) -> dict[str, Any]:
    return both_paths.native_create(emu.base_url, domain, KEY, verifyInterval="0", retryBackoff="0.01")


@pytest.fixture(params=["dynamic", "native"])
def create(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Create:
    for var in ("SPARKPOST_EU_API_KEY", "SPARKPOST_ADOPT", "SPARKPOST_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    if request.param == "native":
        return native_create
    for name, value in {"API_KEY": KEY, "RETRY_BACKOFF": "0.01", "VERIFY_INTERVAL": "0",
                        "REQUEST_TIMEOUT": "5"}.items():
        monkeypatch.setenv(f"SPARKPOST_{name}", value)
    return dynamic_create


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def test_the_echo_really_holds_the_key_in_every_spelling() -> None:
    assert len(SPELLINGS) == 4 and sorted(shown(ECHO)) == sorted(SPELLINGS)  # URL and form encoding agree here


def test_an_echoed_key_is_in_no_error_and_no_log(emu: Emulator, create: Create,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # An unclear create answer that echoes the key is logged (WARNING) and settled by reading back.
    emu.fail_next(1, status=503, method="POST", path_suffix="/tracking-domains", message=ECHO)
    outs = create(emu, "track.example.com")
    assert outs["verified"] is True and [r.status for r in emu.requests()][:2] == [404, 503]
    assert shown(repr(outs)) == []
    # A read that keeps failing with the echo ends the create with SparkPost's (redacted) words.
    emu.fail_next(50, status=502, method="GET", message=ECHO)
    with pytest.raises(errors.ServerError) as caught:
        create(emu, "click.example.com")
    error = caught.value
    said = json.dumps(error.errors)
    assert "refused; as repr" in str(error) and "refused; as repr" in said  # SparkPost's words, kept
    for text in (str(error), repr(error), repr(error.args), said, "\n".join(getattr(error, "__notes__", []))):
        assert shown(text) == [], text
    assert any("answer lost" in record.getMessage() for record in caplog.records)  # the echo was logged...
    assert shown(caplog.text) == []  # ...redacted
    assert all(shown(record.getMessage()) == [] for record in caplog.records)
