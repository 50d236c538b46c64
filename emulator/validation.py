"""Input rules of the API: domain names, the ``X-MSYS-SUBACCOUNT`` header and query parameters.

Each parser returns the clean value or raises :class:`~sparkpost_tracking.emulator.errors.ApiError`.
"""

from __future__ import annotations

import re

from .errors import ApiError, bad_request

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_DIGITS = re.compile(r"[0-9]+")
MAX_INT32 = 2**31 - 1  # SparkPost: "JSON numbers are 32-bit signed integers"
SUBACCOUNT_HEADER = "X-MSYS-SUBACCOUNT"


def is_valid_domain(name: str) -> bool:
    """SparkPost's 2016-2018 rules: at least 3 characters, at least one dot, no doubled
    (or leading/trailing) dot, only letters, digits and inner hyphens, no spaces.

    Whether the API rejects organisational (root) domains is UNCONFIRMED; the emulator accepts them.
    """
    name = name.lower()
    if not 3 <= len(name) <= 253:
        return False
    labels = name.split(".")
    return len(labels) >= 2 and all(_LABEL.fullmatch(label) for label in labels)


def parse_subaccount_header(raw: str | None) -> int | None:
    """``None`` when the header is absent, else its number (``0`` = primary account); 400 unless numeric."""
    if raw is None:
        return None
    value = raw.strip()
    if not _DIGITS.fullmatch(value) or int(value) > MAX_INT32:
        raise bad_request(f"{SUBACCOUNT_HEADER} header must be a number", param=SUBACCOUNT_HEADER, value=raw)
    return int(value)


def parse_bool_query(name: str, raw: str | None) -> bool | None:
    """Only the lower-case strings ``true`` and ``false`` are booleans; absent means no filter."""
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise bad_request(f"{name} must be a boolean", param=name, value=raw)
    return raw == "true"


def parse_id_list(name: str, raw: str | None) -> frozenset[int] | None:
    """A comma-separated list of subaccount ids (``0`` = primary account); empty items are ignored."""
    if raw is None:
        return None
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not all(_DIGITS.fullmatch(item) and int(item) <= MAX_INT32 for item in items):
        raise bad_request(f"{name} must be a comma-separated list of subaccount ids", param=name, value=raw)
    return frozenset(int(item) for item in items)


def require_bool(param: str, value: object) -> bool:
    """A JSON boolean body field; anything else is a 422 in the ``param``/``message``/``value`` shape."""
    if not isinstance(value, bool):
        raise ApiError(422, f"{param} must be a boolean", param=param, value=value)
    return value
