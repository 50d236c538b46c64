"""API-key check: the raw key in ``Authorization`` (no ``Bearer``), or Basic auth with the key
as the username."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable


class KeyChecker:
    """Accepts a fixed set of API keys. Keys are compared in constant time and never logged."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = tuple(key.encode() for key in keys)
        if not self._keys or not all(self._keys):
            raise ValueError("at least one non-empty API key is required")

    def __repr__(self) -> str:
        return f"KeyChecker(<{len(self._keys)} key(s)>)"

    def authorized(self, header: str | None) -> bool:
        """True for ``<key>`` or ``Basic base64(<key>:<anything>)``; the Basic password is not checked
        (SparkPost documents it as empty)."""
        if not header:
            return False
        if self._known(header):
            return True
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        username, _, _password = decoded.partition(":")
        return self._known(username)

    def _known(self, candidate: str) -> bool:
        encoded = candidate.encode()
        # A list, not a generator: compare with every key, so timing does not tell which one matched.
        return any([hmac.compare_digest(encoded, key) for key in self._keys])
