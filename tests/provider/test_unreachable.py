"""An API that cannot be reached is a definite "not sent", on both paths: a create fails within 10 s (the default
retry settings, as a user has them) with ``errors.Unreachable``, naming the URL and what to check, and gives no
adopt hint (nothing can exist to adopt)."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable, Iterator

import pytest

from sparkpost_tracking.dynamic_providers import errors

from . import both_paths

KEY = "unreachable-key-0123456789"
DOMAIN = "track.example.com"
BOUND = 10.0  # seconds: the limit for a refused connection or a failed DNS lookup


@pytest.fixture
def closed_port() -> Iterator[str]:
    """A loopback port that is bound but not listening: a connection is refused, and no one else can take it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/v1"


UNRESOLVABLE = "https://sparkpost.invalid/api/v1"  # .invalid never resolves (RFC 2606)


def dynamic_create(api_url: str) -> None:
    both_paths.dynamic_create(api_url, DOMAIN)


def native_create(api_url: str) -> None:
    both_paths.native_create(api_url, DOMAIN, KEY)


@pytest.fixture(params=["dynamic", "native"])
def create(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    for name in ("SPARKPOST_API_KEY", "SPARKPOST_EU_API_KEY", "SPARKPOST_ADOPT", "SPARKPOST_RETRY_BACKOFF",
                 "SPARKPOST_MAX_RETRIES", "SPARKPOST_REQUEST_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    if request.param == "dynamic":
        monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
        return dynamic_create
    return native_create


def assert_fails_fast_saying_nothing_was_sent(create: Callable[[str], None], api_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(errors.Unreachable) as caught:
        create(api_url)
    elapsed = time.monotonic() - started
    said = "\n".join([str(caught.value), *getattr(caught.value, "__notes__", [])])
    assert elapsed < BOUND, f"took {elapsed:.1f}s"
    assert api_url in said and "was not sent" in said and "Nothing was changed" in said
    assert re.search(r"api_?[uU]rl", said)  # what to check (either path's spelling)
    assert "SPARKPOST_ADOPT" not in said and "adopt" not in said.lower() and "may have taken effect" not in said
    assert KEY not in said


def test_a_refused_connection_fails_fast(create: Callable[[str], None], closed_port: str) -> None:
    assert_fails_fast_saying_nothing_was_sent(create, closed_port)


def test_an_unresolvable_host_fails_fast(create: Callable[[str], None]) -> None:
    assert_fails_fast_saying_nothing_was_sent(create, UNRESOLVABLE)
