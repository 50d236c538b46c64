"""SparkPost API bases per region: the one table the client and the provider share."""

from __future__ import annotations

from typing import Final, Literal
from urllib.parse import urlsplit

Region = Literal["us", "eu"]

#: US and EU are separate SparkPost accounts with separate keys (spec §2).
API_BASES: Final[dict[str, str]] = {
    "us": "https://api.sparkpost.com/api/v1",
    "eu": "https://api.eu.sparkpost.com/api/v1",
}
REGIONS: Final[tuple[str, ...]] = tuple(API_BASES)
DEFAULT_REGION: Final[str] = "us"

#: Hosts that may be reached over plain http (the local emulator); anything else must use https
#: because the API key travels in the Authorization header.
LOOPBACK_HOSTS: Final[frozenset[str]] = frozenset({"localhost", "127.0.0.1", "::1"})


def normalize_api_url(api_url: str) -> str:
    """Canonical form of an explicit API base: no trailing slash, lower-case scheme and host."""
    parts = urlsplit(api_url.strip())
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def effective_api_base(region: str | None, api_url: str | None) -> str:
    """The API base a domain lives under: an explicit ``api_url`` wins over ``region``."""
    if api_url:
        return normalize_api_url(api_url)
    return API_BASES[(region or DEFAULT_REGION).lower()]


def is_loopback(host: str | None) -> bool:
    return bool(host) and (host in LOOPBACK_HOSTS or str(host).startswith("127."))
