"""DKIM key pairs as SparkPost hands them out: base64 DER, the private key PKCS #1, the public key
SubjectPublicKeyInfo (what goes in ``p=``).

A 2048-bit RSA key takes about 0.1 s to make, so a small pool of fresh keys of the default length is kept ready by a
background thread: each key is handed out once, so every domain's key is its own. Other lengths are made on demand.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections import deque
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DEFAULT_KEY_LENGTH: Final[int] = 2048
#: The key lengths SparkPost documents (``dkim_key_length``: 1024 to 4096, default 2048).
MIN_KEY_LENGTH: Final[int] = 1024
MAX_KEY_LENGTH: Final[int] = 4096
POOL_SIZE: Final[int] = 3
_PUBLIC_EXPONENT: Final[int] = 65537


@dataclass(frozen=True)
class KeyPair:
    """One DKIM key: ``private`` and ``public`` base64 (no PEM armour), and its length in bits."""

    private: str = ""
    public: str = ""
    length: int = 0

    def __repr__(self) -> str:  # the private key never shows in a log or an assertion message
        return f"KeyPair(public={self.public[:16]}..., length={self.length})"


def make_key(length: int = DEFAULT_KEY_LENGTH) -> KeyPair:
    """A new RSA key pair of ``length`` bits."""
    key = rsa.generate_private_key(public_exponent=_PUBLIC_EXPONENT, key_size=length)
    private = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return KeyPair(base64.b64encode(private).decode("ascii"), base64.b64encode(public).decode("ascii"), length)


class KeyPool:
    """Fresh keys of one length, made ahead in a daemon thread; ``take()`` never hands the same key out twice."""

    def __init__(self, length: int = DEFAULT_KEY_LENGTH, size: int = POOL_SIZE) -> None:
        self.length = length
        self._size = size
        self._keys: deque[KeyPair] = deque()
        self._lock = threading.Lock()
        self._filling = False

    def take(self) -> KeyPair:
        with self._lock:
            key = self._keys.popleft() if self._keys else None
            self._start_filling()
        return key if key is not None else make_key(self.length)

    def _start_filling(self) -> None:
        if not self._filling and len(self._keys) < self._size:
            self._filling = True
            threading.Thread(target=self._fill, name="emulator-dkim-keys", daemon=True).start()

    def _fill(self) -> None:
        while True:
            with self._lock:
                if len(self._keys) >= self._size:
                    self._filling = False
                    return
            key = make_key(self.length)
            with self._lock:
                self._keys.append(key)


_POOL = KeyPool()


def new_key(length: int = DEFAULT_KEY_LENGTH) -> KeyPair:
    """A key pair no one else has: from the pool for the default length, else made now."""
    return _POOL.take() if length == _POOL.length else make_key(length)


def pair_problem(private: str, public: str) -> str | None:
    """Why ``private`` and ``public`` (base64 DER or PEM; PKCS #1 or #8 for the private key) are not one RSA key
    pair, or ``None`` when they are."""
    try:
        private_key = _private_key(private)
    except ValueError:
        return "the DKIM private key could not be read (base64 DER or PEM, PKCS #1 or #8, without a password)"
    public_key = _public_key(public)
    if public_key is None:
        return "the DKIM public key could not be read (base64 DER or PEM, an RSA key)"
    if not isinstance(private_key, rsa.RSAPrivateKey):
        return "the DKIM private key must be an RSA key"
    if private_key.public_key().public_numbers() != public_key.public_numbers():
        return "the DKIM public key does not belong to the private key"
    return None


def key_length(public: str) -> int | None:
    """The length in bits of an RSA public key given as base64 DER or PEM, or ``None`` when it cannot be read."""
    key = _public_key(public)
    return None if key is None else key.key_size


def _private_key(text: str) -> object:
    try:
        if "-----BEGIN" in text:
            return serialization.load_pem_private_key(text.encode("ascii"), password=None)
        return serialization.load_der_private_key(base64.b64decode(text, validate=True), password=None)
    except (ValueError, TypeError, binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(str(exc)) from None


def _public_key(text: str) -> rsa.RSAPublicKey | None:
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        else:
            key = serialization.load_der_public_key(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error, UnicodeEncodeError):
        return None
    return key if isinstance(key, rsa.RSAPublicKey) else None
