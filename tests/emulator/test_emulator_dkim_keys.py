"""The emulator's DKIM keys: pairs as SparkPost hands them out, the pool that keeps fresh 2048-bit keys ready (each
handed out once), and the checks of a caller's pair."""

from __future__ import annotations

import base64
import dataclasses
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sparkpost_tracking.emulator import dkim_keys
from sparkpost_tracking.emulator.dkim_keys import KeyPair, KeyPool, key_length, make_key, new_key, pair_problem

WAIT = 60.0  # a bound for a busy machine; the waits end as soon as the pool is full


def wait_until_full(pool: KeyPool, size: int) -> None:
    deadline = time.monotonic() + WAIT
    while (len(pool._keys) < size or pool._filling) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(pool._keys) == size and not pool._filling


def test_a_pair_is_base64_der_pkcs1_and_spki() -> None:
    key = make_key(1024)
    private = serialization.load_der_private_key(base64.b64decode(key.private), None)
    assert key.length == 1024 and key_length(key.public) == 1024
    assert base64.b64decode(key.private).startswith(b"\x30\x82") and key.private.startswith("MII")  # PKCS #1
    assert private.public_key().public_bytes(serialization.Encoding.DER,  # type: ignore[union-attr]
                                             serialization.PublicFormat.SubjectPublicKeyInfo) \
        == base64.b64decode(key.public)
    assert pair_problem(key.private, key.public) is None


def test_a_pair_never_shows_its_private_key() -> None:
    key = make_key(1024)
    assert repr(key) == f"KeyPair(public={key.public[:16]}..., length=1024)" and key.private not in repr(key)
    with pytest.raises(dataclasses.FrozenInstanceError):
        key.length = 2048  # type: ignore[misc]
    assert KeyPair() == KeyPair("", "", 0)


def test_the_pool_fills_in_the_background_and_hands_each_key_out_once() -> None:
    pool = KeyPool(1024, size=2)
    assert pool.length == 1024 and len(pool._keys) == 0 and not pool._filling
    first = pool.take()  # made now: the pool was empty; taking starts the filling
    wait_until_full(pool, 2)
    ready = list(pool._keys)
    second = pool.take()
    assert second is ready[0]  # a key made ahead, not a new one
    wait_until_full(pool, 2)  # refilled, never beyond its size
    third, fourth, fifth = pool.take(), pool.take(), pool.take()
    publics = {key.public for key in (first, second, third, fourth, fifth)}
    assert len(publics) == 5 and all(key.length == 1024 and key_length(key.public) == 1024
                                     for key in (first, second, third, fourth, fifth))


def test_the_default_length_comes_from_the_pool_and_others_are_made() -> None:
    assert dkim_keys.DEFAULT_KEY_LENGTH == 2048 == dkim_keys._POOL.length
    assert new_key().length == 2048 and key_length(new_key(2048).public) == 2048
    assert new_key(1024).length == 1024


def test_what_is_wrong_with_a_callers_pair() -> None:
    one, other = make_key(1024), make_key(1024)
    assert pair_problem(one.private, other.public) == "the DKIM public key does not belong to the private key"
    assert pair_problem("bm90IGEga2V5", one.public) \
        == "the DKIM private key could not be read (base64 DER or PEM, PKCS #1 or #8, without a password)"
    assert str(pair_problem("not base64!", one.public)).startswith("the DKIM private key could not be read")
    assert pair_problem(one.private, "bm90IGEga2V5") \
        == "the DKIM public key could not be read (base64 DER or PEM, an RSA key)"
    elliptic = ec.generate_private_key(ec.SECP256R1())
    ec_private = base64.b64encode(elliptic.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption())).decode()
    ec_public = base64.b64encode(elliptic.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
    assert pair_problem(ec_private, one.public) == "the DKIM private key must be an RSA key"
    assert pair_problem(one.private, ec_public) \
        == "the DKIM public key could not be read (base64 DER or PEM, an RSA key)"
    assert key_length(ec_public) is None and key_length("bm90IGEga2V5") is None


def test_pem_keys_are_read_too() -> None:
    key = make_key(1024)
    private = serialization.load_der_private_key(base64.b64decode(key.private), None)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,  # type: ignore[union-attr]
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                        serialization.NoEncryption()).decode()
    assert key_length(public_pem) == 1024
    assert pair_problem(private_pem, public_pem) is None and pair_problem(key.private, public_pem) is None
    assert pair_problem(private_pem, make_key(1024).public) == "the DKIM public key does not belong to the private key"
