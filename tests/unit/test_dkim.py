"""dkim: the DKIM record's name and value, the value as TXT strings of at most 255 characters and back, and the
tag rules SparkPost checks a resolved record by (pure functions)."""

from __future__ import annotations

import pytest

from sparkpost_tracking.dynamic_providers.dkim import (
    MAX_TXT_STRING,
    DkimRecord,
    join_txt,
    key_problem,
    parse_tags,
    quote_txt,
    record_name,
    record_value,
    split_txt,
    unquote_txt,
)

# A 2048-bit key's SubjectPublicKeyInfo in base64 is 392 characters; the value is 420.
PUBLIC_2048 = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + "x" * 342 + "IDAQAB"
PUBLIC_1024 = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC+W6scd3XWwvC/hPRksfDYFi3ztgyS9OSqnnjtNQeDdTSD1DRx/xFar2wjmzxp2" \
              "+SnJ5pspaF77VZveN3P/HVmXZVghr3asoV9WBx/uW1nDIUxU35L4juXiTwsMAbgMyh3NqIKTNKyMDy4P8vpEhtH1iv/BrwMdBjHDV" \
              "CycB8WnwIDAQAB"


def test_the_record_name_and_value_as_sparkpost_publishes_them() -> None:
    assert record_name("scph0316", "Example1.COM.") == "scph0316._domainkey.example1.com"
    assert record_name("s1", "MAILBOX.") == "s1._domainkey.mailbox"
    assert record_value("MIGf") == "v=DKIM1; k=rsa; h=sha256; p=MIGf"
    record = DkimRecord.for_key("scph0316", "example1.com", PUBLIC_2048)
    assert record == DkimRecord("scph0316._domainkey.example1.com", "v=DKIM1; k=rsa; h=sha256; p=" + PUBLIC_2048)
    with pytest.raises(AttributeError):
        record.value = "v=DKIM1; p=other"  # type: ignore[misc]


def test_a_2048_bit_value_needs_two_strings_and_joins_back() -> None:
    value = record_value(PUBLIC_2048)
    assert len(value) == 420
    strings = split_txt(value)
    assert [len(s) for s in strings] == [255, 165]
    assert join_txt(strings) == value == join_txt(DkimRecord.for_key("s", "d.com", PUBLIC_2048).strings)


def test_a_1024_bit_value_fits_one_string() -> None:
    value = record_value(PUBLIC_1024)
    assert split_txt(value) == [value] and len(value) < MAX_TXT_STRING


@pytest.mark.parametrize(("length", "sizes"), [(0, [0]), (1, [1]), (255, [255]), (256, [255, 1]), (510, [255, 255]),
                                               (511, [255, 255, 1])])
def test_split_at_the_limit(length: int, sizes: list[int]) -> None:
    value = "".join(chr(ord("a") + i % 26) for i in range(length))
    strings = split_txt(value)
    assert [len(s) for s in strings] == sizes and join_txt(strings) == value


def test_a_smaller_limit_and_bad_arguments() -> None:
    assert split_txt("abcdefg", 3) == ["abc", "def", "g"] and split_txt("abc", 1) == ["a", "b", "c"]
    for limit in (0, 256, True, 2.5):
        with pytest.raises(ValueError, match=rf"^limit must be an int from 1 to 255; got {limit!r}$"):
            split_txt("abc", limit)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^a TXT value to split must be ASCII \(its strings are counted in octets\)$"):
        split_txt("clé")


def test_join_reads_bytes_as_a_resolver_hands_them_over() -> None:
    assert join_txt([b"v=DKIM1; k=rsa; ", b"p=abc"]) == "v=DKIM1; k=rsa; p=abc"
    assert join_txt([]) == "" and join_txt([b"\xff"]) == "\\xff"


def test_the_zone_file_form_quotes_each_string_and_reads_back() -> None:
    value = record_value(PUBLIC_2048)
    quoted = quote_txt(value)
    assert quoted == f'"{value[:255]}" "{value[255:]}"' == DkimRecord.for_key("s", "d.com", PUBLIC_2048).quoted
    assert unquote_txt(quoted) == value
    assert quote_txt('say "hi" \\ bye') == '"say \\"hi\\" \\\\ bye"'
    assert unquote_txt(quote_txt('say "hi" \\ bye')) == 'say "hi" \\ bye'
    assert unquote_txt('"a"  "b"\t"c"') == "abc" and unquote_txt('"\\065b"') == "Ab"
    assert unquote_txt("no quotes at all") == "no quotes at all"
    for bad in ('"open', '"a" b', 'a "b"'):
        with pytest.raises(ValueError) as caught:
            unquote_txt(bad)
        assert str(caught.value) == f"not a sequence of quoted TXT strings: {bad!r}"


def test_tags() -> None:
    assert parse_tags(" v=DKIM1 ;k=rsa; h=sha256; p=abc;") == {"v": "DKIM1", "k": "rsa", "h": "sha256", "p": "abc"}
    assert parse_tags("p=a=b") == {"p": "a=b"} and parse_tags("") == {}
    with pytest.raises(ValueError, match="'oops' is not a tag=value pair"):
        parse_tags("v=DKIM1; oops")
    with pytest.raises(ValueError, match="not a tag=value pair"):
        parse_tags("=x")
    with pytest.raises(ValueError, match=r"^the p= tag appears twice$"):
        parse_tags("p=a; p=b")


@pytest.mark.parametrize(("value", "problem"), [
    ("v=DKIM1; k=rsa; h=sha256; p=KEY", None),
    ("k=rsa; h=sha256; p=KEY", None),  # the published verify sample: no v=
    ("p=K E\tY", None),  # whitespace inside the key is folding
    ("v=DKIM1;", "'v=DKIM1;' is missing a p= tag"),  # SparkPost's published 1404 reason
    ("v=DKIM1; p=", "the p= tag is empty (a revoked key)"),
    ("v=DKIM1; p=OTHER", "the p= tag holds another public key than the sending domain's"),
    ("v=DKIM1; k=ed25519; p=KEY", "k= must be rsa, not 'ed25519'"),
    ("v=DKIM1; h=sha1; p=KEY", "h= must be sha256, not 'sha1'"),
    ("v=DKIM2; p=KEY", "v= must be DKIM1, not 'DKIM2'"),
    ("v=DKIM1; garbage; p=KEY", "'garbage' is not a tag=value pair"),
])
def test_what_sparkpost_checks_in_a_resolved_record(value: str, problem: str | None) -> None:
    assert key_problem(value, "KEY") == problem


def test_whitespace_in_the_expected_key_is_folding_too() -> None:
    assert key_problem("p=KEY", "K\nEY") is None
