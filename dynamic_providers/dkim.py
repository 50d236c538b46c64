"""DKIM records: where a sending domain's public key is published, its TXT value, and that value as TXT strings.

One fact each, from SparkPost's sending-domains reference: the record is a TXT at ``{selector}._domainkey.{domain}``
(the signing domain, when one is set), its value ``v=DKIM1; k=rsa; h=sha256; p={public}``. A 2048-bit key makes a
value of about 400 characters, above the 255-octet limit of one TXT string (RFC 1035 §3.3.14), so the record holds
several strings, which a reader joins without adding spaces (RFC 7208 §3.3 shows the form; RFC 6376 §3.6.2.2 says
the same of DKIM). SparkPost checks what resolves by the tags: ``p=`` must be the domain's key, a ``k=`` must be
``rsa`` and an ``h=`` ``sha256``.

Pure functions, with no dependency: the components, ``check`` and the emulator all derive records through them.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

#: The most octets one TXT character-string holds (RFC 1035 §3.3.14).
MAX_TXT_STRING: Final[int] = 255
#: The tags SparkPost's reference publishes before the key.
VALUE_PREFIX: Final[str] = "v=DKIM1; k=rsa; h=sha256; p="
#: Where DKIM keys live under a domain (RFC 6376 §3.6.2.1).
KEY_LABEL: Final[str] = "_domainkey"

_WHITESPACE = re.compile(r"\s+")
_QUOTED = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*', re.DOTALL)
_ESCAPE = re.compile(r"\\(\d{3}|.)", re.DOTALL)


def record_name(selector: str, domain: str) -> str:
    """``{selector}._domainkey.{domain}``: the TXT record's name (lower case, no trailing dot)."""
    return f"{selector}.{KEY_LABEL}.{domain.rstrip('.')}".lower()


def record_value(public: str) -> str:
    """``v=DKIM1; k=rsa; h=sha256; p={public}``: the TXT record's value, as one string."""
    return VALUE_PREFIX + public


@dataclass(frozen=True)
class DkimRecord:
    """The TXT record that publishes one DKIM key: ``name``, ``value``, and ``strings`` (``value`` split for DNS)."""

    name: str
    value: str

    @classmethod
    def for_key(cls, selector: str, domain: str, public: str) -> DkimRecord:
        return cls(record_name(selector, domain), record_value(public))

    @property
    def strings(self) -> list[str]:
        """The value as TXT strings of at most 255 characters each (see :func:`split_txt`)."""
        return split_txt(self.value)

    @property
    def quoted(self) -> str:
        """The value in zone-file form, ``"..." "..."`` (see :func:`quote_txt`)."""
        return quote_txt(self.value)


def split_txt(value: str, limit: int = MAX_TXT_STRING) -> list[str]:
    """``value`` cut into TXT strings of at most ``limit`` characters, in order; ``[""]`` for an empty value.

    :func:`join_txt` of the result is ``value`` again. ``ValueError`` for a value that is not ASCII (a TXT string is
    counted in octets; DKIM values are ASCII) or a ``limit`` outside 1..255.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_TXT_STRING:
        raise ValueError(f"limit must be an int from 1 to {MAX_TXT_STRING}; got {limit!r}")
    if not value.isascii():
        raise ValueError("a TXT value to split must be ASCII (its strings are counted in octets)")
    return [value[start:start + limit] for start in range(0, len(value), limit)] or [""]


def join_txt(strings: Iterable[str | bytes]) -> str:
    """The value a resolver reads from a TXT record's strings: their concatenation, with nothing added."""
    return "".join(s.decode("ascii", "backslashreplace") if isinstance(s, bytes) else s for s in strings)


def quote_txt(value: str, limit: int = MAX_TXT_STRING) -> str:
    """``value`` in zone-file form: each of its TXT strings in double quotes (``"`` and ``\\`` escaped), joined by a
    space, as RFC 7208 §3.3 writes a long record."""
    return " ".join('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"' for part in split_txt(value, limit))


def unquote_txt(text: str) -> str:
    """The value of a TXT record written in zone-file form (``"abc" "def"`` reads ``abcdef``; ``\\"``, ``\\\\`` and
    ``\\DDD`` escapes are read). Text with no quote at all is taken as it is. ``ValueError`` for unbalanced quotes."""
    if '"' not in text:
        return text
    parts: list[str] = []
    position = 0
    while position < len(text):
        match = _QUOTED.match(text, position)
        if match is None:
            raise ValueError(f"not a sequence of quoted TXT strings: {text!r}")
        parts.append(_ESCAPE.sub(_unescape, match.group(1)))
        position = match.end()
    return join_txt(parts)


def _unescape(match: re.Match[str]) -> str:
    escaped = match.group(1)
    return chr(int(escaped)) if len(escaped) == 3 else escaped


def parse_tags(value: str) -> dict[str, str]:
    """A DKIM key record's tag list (RFC 6376 §3.2): ``tag=value`` pairs separated by ``;``, whitespace around each
    ignored, an empty last item allowed. ``ValueError`` for an item without ``=`` or a tag given twice."""
    tags: dict[str, str] = {}
    for item in value.split(";"):
        if not item.strip():
            continue
        name, equals, tag_value = item.partition("=")
        name = name.strip()
        if not equals or not name:
            raise ValueError(f"'{item.strip()}' is not a tag=value pair")
        if name in tags:
            raise ValueError(f"the {name}= tag appears twice")
        tags[name] = tag_value.strip()
    return tags


def key_problem(value: str, public: str) -> str | None:
    """Why a DKIM TXT ``value`` (its strings joined) does not publish ``public`` as SparkPost checks it, or ``None``
    when it does: ``p=`` is the key (whitespace inside it ignored, as RFC 6376 allows), a ``k=`` is ``rsa``, an
    ``h=`` is ``sha256``, a ``v=`` is ``DKIM1``."""
    try:
        tags = parse_tags(value)
    except ValueError as exc:
        return str(exc)
    for tag, expected in (("v", "DKIM1"), ("k", "rsa"), ("h", "sha256")):
        if tag in tags and tags[tag] != expected:
            return f"{tag}= must be {expected}, not '{tags[tag]}'"
    if "p" not in tags:
        return f"'{value}' is missing a p= tag"
    key = _WHITESPACE.sub("", tags["p"])
    if not key:
        return "the p= tag is empty (a revoked key)"
    if key != _WHITESPACE.sub("", public):
        return "the p= tag holds another public key than the sending domain's"
    return None


def key_bits(public: str) -> int | None:
    """The size in bits of an RSA public key as SparkPost gives it (base64 of its DER SubjectPublicKeyInfo, or of a
    bare RSAPublicKey): the bit length of its modulus. ``None`` for anything else. Read by hand (a few DER headers)
    so that the provider needs no cryptography library to say how long a domain's key is."""
    try:
        der = base64.b64decode(_WHITESPACE.sub("", public), validate=True)
        body = _der_body(der, 0x30)  # SubjectPublicKeyInfo, or RSAPublicKey
        first, rest = _der_item(body)
        if first[0] == 0x30:  # the algorithm; then the key in a BIT STRING with no unused bits
            bits, _ = _der_item(rest)
            if bits[0] != 0x03 or not bits[1] or bits[1][0] != 0:
                return None
            body = _der_body(bits[1][1:], 0x30)
            first, _ = _der_item(body)
        if first[0] != 0x02:
            return None
        modulus = int.from_bytes(first[1], "big")
        return modulus.bit_length() or None
    except (ValueError, IndexError, binascii.Error):
        return None


def _der_item(data: bytes) -> tuple[tuple[int, bytes], bytes]:
    """The first DER item of ``data`` as (tag, contents), and what follows it."""
    tag, length, at = data[0], data[1], 2
    if length & 0x80:
        count = length & 0x7F
        if not 1 <= count <= 4:
            raise ValueError("unsupported DER length")
        length, at = int.from_bytes(data[2:2 + count], "big"), 2 + count
    if at + length > len(data):
        raise ValueError("truncated DER item")
    return (tag, data[at:at + length]), data[at + length:]


def _der_body(data: bytes, tag: int) -> bytes:
    """The contents of ``data``, one whole DER item of ``tag``."""
    (found, contents), rest = _der_item(data)
    if found != tag or rest:
        raise ValueError("not one DER item of the expected tag")
    return contents
