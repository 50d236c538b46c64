"""Test support: pytest fixtures and a plain-HTTP helper.

Fixtures (``from sparkpost_tracking.emulator.testing import api_key, emulator`` in a conftest):

- ``api_key``: the key the emulator accepts (``"test-key"``); override it to change both.
- ``emulator``: a fresh, running :class:`~sparkpost_tracking.emulator.Emulator` per test, stopped afterwards.

:class:`HttpApi`, :func:`errors_of` and :func:`message_of` help tests that speak raw HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from .server import Emulator

TEST_API_KEY = "test-key"
SUBACCOUNT_HEADER = "X-MSYS-SUBACCOUNT"


@pytest.fixture
def api_key() -> str:
    return TEST_API_KEY


@pytest.fixture
def emulator(api_key: str) -> Iterator[Emulator]:
    with Emulator(api_keys=[api_key]) as emu:
        yield emu


class HttpApi:
    """Plain ``requests`` calls to an emulated API with one key; ``sub=`` sets ``X-MSYS-SUBACCOUNT``.

    For tests that check the wire format itself; product code uses ``dynamic_providers.SparkPostClient``.
    """

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = key

    def close(self) -> None:
        self.session.close()

    def __call__(self, method: str, path: str, *, sub: int | str | None = None,
                 **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if sub is not None:
            headers[SUBACCOUNT_HEADER] = str(sub)
        kwargs.setdefault("timeout", 5)
        return self.session.request(method, self.base_url + path, headers=headers, **kwargs)

    def create(self, domain: str, *, sub: int | None = None, secure: bool = False) -> None:
        response = self("POST", "/tracking-domains", json={"domain": domain, "secure": secure}, sub=sub)
        if response.status_code != 200:
            raise AssertionError(f"create {domain}: {response.status_code} {response.text}")

    def get(self, domain: str, *, sub: int | None = None) -> requests.Response:
        return self("GET", f"/tracking-domains/{domain}", sub=sub)

    def put(self, domain: str, body: dict[str, Any], *, sub: int | None = None) -> requests.Response:
        return self("PUT", f"/tracking-domains/{domain}", json=body, sub=sub)

    def verify(self, domain: str, *, sub: int | None = None) -> requests.Response:
        return self("POST", f"/tracking-domains/{domain}/verify", sub=sub)

    def listing(self, *, sub: int | None = None, **params: str) -> list[str]:
        """The domain names a list call returns (``params`` are query parameters)."""
        response = self("GET", "/tracking-domains", sub=sub, params=params)
        if response.status_code != 200:
            raise AssertionError(f"list: {response.status_code} {response.text}")
        return [item["domain"] for item in response.json()["results"]]


def errors_of(response: requests.Response) -> list[dict[str, Any]]:
    """The ``errors`` list of an error answer, checking that the body holds nothing else."""
    body = response.json()
    if not isinstance(body, dict) or set(body) != {"errors"}:
        raise AssertionError(f"not SparkPost's error shape: {body!r}")
    return list(body["errors"])


def message_of(response: requests.Response) -> str:
    """The first error message of an error answer."""
    return str(errors_of(response)[0]["message"])
