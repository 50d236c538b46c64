"""The sending-domain rules of ownership, as pure functions: the evidence of a re-creation (``creation_time`` when
both sides report it, else the DKIM key), the message a create that finds the name taken gives, and the DKIM key's
size read from SparkPost's base64 DER (what the adoption of another key length and the import declare)."""

from __future__ import annotations

import base64

import pytest

from sparkpost_tracking.dynamic_providers.dkim import key_bits
from sparkpost_tracking.dynamic_providers.schema import SENDING_DOMAIN
from sparkpost_tracking.dynamic_providers.sending_ownership import exists_message, recreation_evidence, summary
from sparkpost_tracking.dynamic_providers.validation import InvalidInput, validate_dkim_key_length

T1, T2 = "2026-12-01T10:00:00+00:00", "2026-12-02T10:00:00+00:00"
KEY = {"dkim_selector": "s1", "dkim_public_key": "AAAA"}


@pytest.mark.parametrize(("last_seen", "now", "evidence"), [
    ({"creation_time": T1, **KEY}, {"creation_time": T2, **KEY}, f"its creation_time is {T2}, where this stack "
                                                                 f"saw {T1}"),
    # Same creation_time: the same domain, whatever its key (a key replaced on it is drift).
    ({"creation_time": T1, **KEY}, {"creation_time": T1, "dkim_selector": "s2", "dkim_public_key": "BBBB"}, None),
    # Either side without one: the key decides.
    ({**KEY}, {"creation_time": T2, **KEY}, None),
    ({"creation_time": T1, **KEY}, {**KEY}, None),
    ({"creation_time": T1, **KEY}, {"dkim_selector": "s2", "dkim_public_key": "BBBB"},
     "its DKIM key is another one (selector 's2', where this stack saw 's1', and another public key)"),
    ({**KEY}, {"creation_time": T2, "dkim_selector": "s1", "dkim_public_key": "BBBB"},
     "its DKIM key is another one (selector 's1', where this stack saw 's1', and another public key)"),
    ({**KEY}, {"dkim_selector": "s2", "dkim_public_key": "BBBB"},
     "its DKIM key is another one (selector 's2', where this stack saw 's1', and another public key)"),
    ({**KEY}, {"dkim_selector": "s2", "dkim_public_key": "AAAA"},
     "its DKIM key is another one (selector 's2', where this stack saw 's1')"),
    ({**KEY}, {"dkim_selector": "s1", "dkim_public_key": "BBBB"},
     "its DKIM key is another one (selector 's1', where this stack saw 's1', and another public key)"),
    ({**KEY}, {}, "it has no DKIM key, where this stack saw selector 's1'"),
    ({**KEY}, {"dkim_selector": "s1"}, "it has no DKIM key, where this stack saw selector 's1'"),
    # Nothing to compare: no evidence (a domain made without a key, state from before the key was known).
    ({}, {"dkim_selector": "s2", "dkim_public_key": "BBBB"}, None),
    ({}, {}, None),
    # Verification, sharing, the bounce default and the tracking domain are drift, never evidence.
    ({"creation_time": T1, **KEY, "dkim_status": "unverified", "tracking_domain": ""},
     {"creation_time": T1, **KEY, "dkim_status": "valid", "tracking_domain": "click.example.com",
      "shared_with_subaccounts": True, "is_default_bounce_domain": True}, None),
])
def test_recreation_evidence(last_seen: dict[str, str], now: dict[str, str], evidence: str | None) -> None:
    assert recreation_evidence(last_seen, now) == evidence


FRESH = {"status": {"ownership_verified": False, "dkim_status": "unverified"}, "dkim": {"public": "AAAA"}}


def test_the_summary_names_what_tells_domains_apart() -> None:
    assert summary(FRESH) == "ownership_verified=False, dkim_status=unverified"
    assert summary({"status": {"ownership_verified": True, "cname_status": "valid"}, "is_default_bounce_domain": True,
                    "tracking_domain": "click.example.com", "subaccount_id": 5, "creation_time": T1}) == (
        "ownership_verified=True, cname_status=valid, default bounce domain, tracking domain click.example.com, "
        f"subaccount 5, created {T1}")


def test_the_exists_message_proposes_a_one_run_adoption_only_for_a_domain_our_create_leaves() -> None:
    ours = exists_message("brand.example", "it reads ...", FRESH, left_by_create=True)
    theirs = exists_message("brand.example", "it reads ...", FRESH, left_by_create=False)
    unread = exists_message("brand.example", "HTTP 409", None, left_by_create=False)
    for said in (ours, theirs, unread):
        assert said.startswith("Sending domain 'brand.example' already exists in this SparkPost account (")
        assert "aliases" in said and "set adopt_existing: true" in said
    assert "SPARKPOST_ADOPT=brand.example pulumi up" in ours
    assert "SPARKPOST_ADOPT" not in theirs and "SPARKPOST_ADOPT" not in unread
    assert "it is not this stack's: no create of this resource leaves it like this" in theirs
    assert "Otherwise it may be someone else's." in unread


def _spki(bits: int) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    public = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


@pytest.mark.parametrize("bits", [1024, 2048, 3072])
def test_key_bits_reads_the_modulus_of_spki_and_of_a_bare_rsa_key(bits: int) -> None:
    from cryptography.hazmat.primitives import serialization

    spki = _spki(bits)
    assert key_bits(spki) == bits
    assert key_bits(spki[:100] + "\n " + spki[100:]) == bits  # whitespace inside the key is ignored, as in DNS
    loaded = serialization.load_der_public_key(base64.b64decode(spki))
    bare = loaded.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    assert key_bits(base64.b64encode(bare).decode()) == bits


@pytest.mark.parametrize("text", ["", "not base64!", base64.b64encode(b"\x30\x03\x02\x01").decode(),
                                  base64.b64encode(b"\x04\x01\x00").decode(),  # an OCTET STRING, not a SEQUENCE
                                  base64.b64encode(b"\x30\x05\x30\x00\x03\x01\x01").decode(),  # unused bits
                                  base64.b64encode(b"\x30\x82\xff\xff").decode()])  # truncated
def test_key_bits_is_none_for_anything_else(text: str) -> None:
    assert key_bits(text) is None


def _b64(der: bytes) -> str:
    return base64.b64encode(der).decode()


def test_key_bits_reads_der_by_its_rules() -> None:
    """Crafted DER, each one rule away from a key: INTEGER 5 (3 bits) in an RSAPublicKey or a SubjectPublicKeyInfo."""
    assert key_bits(_b64(b"\x30\x03\x02\x01\x05")) == 3
    assert key_bits(_b64(b"\x30\x84\x00\x00\x00\x03\x02\x01\x05")) == 3  # a length in four bytes
    assert key_bits(_b64(b"\x30\x85\x00\x00\x00\x00\x03\x02\x01\x05")) is None  # in five: refused
    assert key_bits(_b64(b"\x30\x04\x02\x01\x05")) is None  # one byte short of its length
    assert key_bits(_b64(b"\x30\x03\x02\x01\x05\x00")) is None  # something after the key
    assert key_bits(_b64(b"\x30\x03\x04\x01\x05")) is None  # an OCTET STRING where the modulus goes
    spki = b"\x30\x0a\x30\x00\x03\x06\x00\x30\x03\x02\x01\x05"
    assert key_bits(_b64(spki)) == 3
    assert key_bits(_b64(spki.replace(b"\x03\x06\x00", b"\x03\x06\x01"))) is None  # unused bits in the BIT STRING
    assert key_bits(_b64(spki.replace(b"\x03\x06\x00", b"\x04\x06\x00"))) is None  # no BIT STRING
    assert key_bits(_b64(b"\x30\x04\x30\x00\x03\x00")) is None  # an empty BIT STRING


@pytest.mark.parametrize(("value", "accepted"), [(1024, 1024), (2048.0, 2048), (4096, 4096)])
def test_a_key_length_from_1024_to_4096(value: float, accepted: int) -> None:
    assert validate_dkim_key_length(value) == accepted


@pytest.mark.parametrize("value", [1023, 4097, 2048.5, True, "2048", None])
def test_a_key_length_outside_is_refused_naming_the_property(value: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_dkim_key_length(value)
    assert caught.value.prop == "dkim_key_length"
    assert str(caught.value.reason).startswith("must be a whole number of bits from 1024 to 4096, got ")


def test_the_sending_domain_schema() -> None:
    assert SENDING_DOMAIN.id_key == "domain" and SENDING_DOMAIN.required == frozenset({"domain"})
    inputs, failures = SENDING_DOMAIN.check({"domain": "Brand.Example."})
    assert failures == [] and inputs == {"domain": "brand.example", "region": "us", "dkim_key_length": 2048,
                                         "shared_with_subaccounts": False, "adopt_existing": False}
    _, failures = SENDING_DOMAIN.check({"domain": "brand.example", "dkim_status": "valid", "tracking_domain": "x"})
    assert [(f.prop, f.reason.split(":")[0]) for f in failures] == [
        ("dkim_status", "is an output reported by SparkPost and cannot be set"),
        ("tracking_domain", "is not set on a sending domain")]


@pytest.mark.parametrize(("state", "why"), [
    ({"ownership_verified": False}, "it was not verified yet, and SparkPost removes a sending domain that stays "
                                    "unverified for two weeks"),
    ({"ownership_verified": True}, "it was verified, so someone deleted it"),
    ({}, "deleted, or removed by SparkPost after two weeks unverified"),
])
def test_a_refresh_that_finds_a_sending_domain_gone_says_why(state: dict[str, bool], why: str) -> None:
    from sparkpost_tracking.dynamic_providers.sending_domains import SendingDomainService

    assert SendingDomainService().gone_warning("brand.example", state) == (
        f"Sending domain 'brand.example' is gone from SparkPost: {why}. This refresh forgets it; the next 'pulumi up' "
        "makes it again, with a new DKIM key: publish its new DKIM record (dkim_record_name, dkim_record_value) so "
        "that SparkPost can verify it (a SendingIdentity with a DNS strategy republishes it itself).")
