"""The API key's two rules, in one place: a key must be usable as an HTTP header value, and no message may show
it in any form.

A key is refused (without echoing it) when it holds whitespace or control characters: a trailing newline from
``echo KEY | pulumi config set`` would otherwise reach ``requests``, whose error message quotes the header
value. So is a key with a character outside ASCII (SparkPost's keys are hexadecimal; a typographic quote or a
letter of another script comes from a paste): ``http.client`` would raise a ``UnicodeEncodeError`` whose
``object`` is the whole header value, the key. And every message that might hold the key (an exception text
from the HTTP stack, an error body) passes through ``redact``, which removes it in each form it can take: as it
is, as Python's ``repr``/``ascii`` and JSON escape it, and URL-encoded (in a path or a query).
"""

from __future__ import annotations

import json
import re
from typing import Final
from urllib.parse import quote, quote_plus

from .errors import ConfigurationError

REDACTED: Final[str] = "***"
_UNUSABLE: Final[re.Pattern[str]] = re.compile(r"[\s\x00-\x1f\x7f]")
_NOT_ASCII: Final[re.Pattern[str]] = re.compile(r"[^\x00-\x7f]")


def config_source(name: str) -> str:
    """How a message names a key read from stack config ``name`` (``sparkpost:apiKey``)."""
    return f"stack config '{name}'"


def env_source(name: str) -> str:
    """How a message names a key read from the environment variable ``name``."""
    return f"environment variable {name}"


_SOURCE: Final[re.Pattern[str]] = re.compile(r"stack config '([^']+)'|environment variable (\w+)")


def how_to_set(source: str) -> str:
    """``: <the command that sets the key of source again>`` (``<key>`` stands for the key), or "" when the source
    is no setting (a caller passed the key)."""
    found = _SOURCE.fullmatch(source)
    if found and found.group(1):
        return (f": pulumi config set --secret {found.group(1)} <key> (from a variable: printf '%s' \"$KEY\" | "
                f"pulumi config set --secret {found.group(1)})")
    return f": export {found.group(2)}=<key>" if found else ""


def check_api_key(key: str, source: str) -> str:
    """``key`` if it can be sent as a header value; else a ``ConfigurationError`` naming ``source``, not the key."""
    if _UNUSABLE.search(key):
        raise ConfigurationError(
            f"The SparkPost API key from {source} contains whitespace or a control character (a trailing newline, "
            f"often, from 'echo'). Set it again without it{how_to_set(source)}.")
    outside = _NOT_ASCII.search(key)
    if outside:
        raise ConfigurationError(
            f"The SparkPost API key from {source} contains a character outside ASCII (at position "
            f"{outside.start() + 1} of {len(key)}): SparkPost's keys are letters and digits, so this is not the key "
            "as SparkPost issued it (a quote, a dash or a letter changed by a copy and paste, often). Copy it again "
            f"from SparkPost (Account > API Keys) and set it again{how_to_set(source)}.")
    return key


def forms_of(key: str) -> list[str]:
    """Every spelling of ``key`` that a message could contain, longest first (so no form is left half-replaced)."""
    forms = {key, repr(key)[1:-1], ascii(key)[1:-1], json.dumps(key)[1:-1], quote(key), quote(key, safe=""),
             quote_plus(key), key.encode("unicode_escape").decode("ascii")}
    return sorted((form for form in forms if form), key=len, reverse=True)


def redact(text: str, key: str | None) -> str:
    """``text`` with ``key`` replaced in every form; unchanged when there is no key."""
    if not key:
        return text
    for form in forms_of(key):
        text = text.replace(form, REDACTED)
    return text


def plain_text_reason(config_key: str) -> str:
    """Why a key set without ``--secret`` is refused: said the same way by both engine paths."""
    return ("holds an API key in plain text in the stack config (and so in the stack file and the provider's "
            f"state); make it a secret: pulumi config set --secret {config_key} <key>")
