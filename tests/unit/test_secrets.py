"""The API key's two rules (``dynamic_providers.secrets``): a key must be usable as a header value, and no message
may show it in any form. The forms are spelt out here independently of ``forms_of``, so a form it forgets fails."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest

from sparkpost_tracking.dynamic_providers import SparkPostClient, errors
from sparkpost_tracking.dynamic_providers.secrets import REDACTED, check_api_key, forms_of, redact
from sparkpost_tracking.dynamic_providers.settings import settings_from

#: A key whose spellings all differ: a backslash and both quotes (repr, JSON), '+', '%' and '&' (URL encoding).
ODD_KEY = "sk-5f3a+b%c&d'e\"f\\g0123456789"
HEX_KEY = "0123456789abcdef0123456789abcdef01234567"  # what SparkPost issues

#: Every way a message might spell a key: in an exception text, a repr, a JSON body, a URL.
FORMS: dict[str, Callable[[str], str]] = {
    "plain": lambda k: k,
    "repr": repr,
    "repr of a dict": lambda k: repr({"Authorization": k}),
    "json": json.dumps,
    "json of a dict": lambda k: json.dumps({"key": k}),
    "url-encoded": lambda k: quote(k, safe=""),
    "url-encoded as a form": quote_plus,
    "unicode_escape": lambda k: k.encode("unicode_escape").decode("ascii"),
}


def spellings(key: str) -> set[str]:
    """The key as it may appear inside a longer text (without the quotes repr and JSON add)."""
    return {key, repr(key)[1:-1], json.dumps(key)[1:-1], quote(key, safe=""), quote(key), quote_plus(key),
            key.encode("unicode_escape").decode("ascii"), ascii(key)[1:-1]}


def shows(text: str, key: str) -> list[str]:
    return [form for form in spellings(key) if form in text]


@pytest.mark.parametrize("key", [ODD_KEY, HEX_KEY])
@pytest.mark.parametrize("form", FORMS)
def test_redact_removes_the_key_in_every_form(key: str, form: str) -> None:
    text = f"SparkPost said: bad header {FORMS[form](key)} (sent to https://api.sparkpost.com)"
    assert shows(text, key)  # the form is really in the text
    redacted = redact(text, key)
    assert shows(redacted, key) == [] and REDACTED in redacted
    assert redacted.startswith("SparkPost said: bad header ") and redacted.endswith("(sent to https://api.sparkpost.com)")


def test_redact_removes_every_occurrence_and_keeps_the_rest() -> None:
    text = f"{ODD_KEY} and {quote_plus(ODD_KEY)} and {ODD_KEY}"
    assert redact(text, ODD_KEY) == f"{REDACTED} and {REDACTED} and {REDACTED}"
    assert redact("nothing secret here", ODD_KEY) == "nothing secret here"


@pytest.mark.parametrize("key", [None, ""])
def test_without_a_key_redact_changes_nothing(key: str | None) -> None:
    assert redact("a message", key) == "a message"


def test_forms_of_lists_the_longest_first_so_none_is_left_half_replaced() -> None:
    forms = forms_of(ODD_KEY)
    assert ODD_KEY in forms and quote(ODD_KEY, safe="") in forms and json.dumps(ODD_KEY)[1:-1] in forms
    assert [len(f) for f in forms] == sorted((len(f) for f in forms), reverse=True)
    assert len(set(forms)) == len(forms) and forms_of(HEX_KEY) == [HEX_KEY]


@pytest.mark.parametrize("key, spell", [("sk-ab/cd+e", quote), ("sk-\u00e9'\"x", ascii)])
def test_redact_removes_url_paths_and_ascii_forms(key: str, spell: Callable[[str], str]) -> None:
    text = f"said {spell(key)}"
    assert spell(key) != key and shows(redact(text, key), key) == []


# ---- keys refused at configuration --------------------------------------------------------------

BAD_KEYS = {
    "trailing newline": "sk-9f8e7d6c5b4a3210\n",
    "trailing CRLF": "sk-9f8e7d6c5b4a3210\r\n",
    "space inside": "sk-9f8e7d6c 5b4a3210",
    "leading space": " sk-9f8e7d6c5b4a3210",
    "tab": "sk-9f8e7d6c5b4a3210\t",
    "NUL": "sk-9f8e7d6c\x005b4a3210",
    "DEL": "sk-9f8e7d6c5b4a3210\x7f",
    "no-break space": "sk-9f8e7d6c5b4a3210\u00a0",
}


def assert_silent_about(message: str, key: str) -> None:
    core = key.strip().replace("\x00", "").replace("\x7f", "")
    for part in (key, core, repr(key), core[:8], core[-8:]):
        assert part not in message, f"the message shows {part!r}: {message}"


@pytest.mark.parametrize("name", BAD_KEYS)
def test_check_api_key_refuses_whitespace_and_control_characters_without_echoing(name: str) -> None:
    key = BAD_KEYS[name]
    with pytest.raises(errors.ConfigurationError) as caught:
        check_api_key(key, "environment variable SPARKPOST_API_KEY")
    message = str(caught.value)
    assert "environment variable SPARKPOST_API_KEY" in message and "whitespace or a control character" in message
    assert_silent_about(message, key)


@pytest.mark.parametrize("key", [HEX_KEY, ODD_KEY])
def test_check_api_key_passes_a_usable_key_unchanged(key: str) -> None:
    assert check_api_key(key, "x") == key


def test_a_bad_key_is_refused_where_it_is_configured() -> None:
    key = BAD_KEYS["trailing newline"]
    with pytest.raises(errors.ConfigurationError, match="stack config 'sparkpost:apiKey'") as in_config:
        settings_from({"sparkpost:apiKey": key}, environ={})
    assert_silent_about(str(in_config.value), key)
    settings = settings_from({}, environ={"SPARKPOST_API_KEY": key})
    with pytest.raises(errors.ConfigurationError, match="environment variable SPARKPOST_API_KEY") as in_env:
        settings.api_key(None, environ={"SPARKPOST_API_KEY": key})
    assert_silent_about(str(in_env.value), key)
    with pytest.raises(errors.ConfigurationError) as in_client:
        SparkPostClient("http://127.0.0.1:9/api/v1", key, key_source="a test")
    assert "a test" in str(in_client.value)
    assert_silent_about(str(in_client.value), key)


#: Keys that http.client cannot encode as a header (Latin-1) or that SparkPost never issues (outside ASCII).
NON_ASCII_KEYS: dict[str, str] = {
    "Cyrillic": "0123456789abcdef\u04340123456789abcdef0123456",
    "typographic quote": "\u201c0123456789abcdef0123456789abcdef012345\u201d",
    "emoji": "0123456789abcdef\U0001f5dd0123456789abcdef012345",
    "Latin-1 letter": "0123456789abcdef\u00e90123456789abcdef0123456",
}


@pytest.mark.parametrize("name", NON_ASCII_KEYS)
def test_a_key_outside_ascii_is_refused_without_the_key_in_the_error(name: str) -> None:
    key = NON_ASCII_KEYS[name]
    with pytest.raises(errors.ConfigurationError) as caught:
        check_api_key(key, "stack config 'sparkpost:apiKey'")
    error = caught.value
    message = str(error)
    assert message.startswith("The SparkPost API key from stack config 'sparkpost:apiKey' contains a character "
                              f"outside ASCII (at position {key.index(next(c for c in key if ord(c) > 127)) + 1} "
                              f"of {len(key)})")
    assert message.endswith("set it again: pulumi config set --secret sparkpost:apiKey <key> (from a variable: "
                            "printf '%s' \"$KEY\" | pulumi config set --secret sparkpost:apiKey).")
    # Nothing the exception object carries holds the key: not its text, args, cause, context or notes.
    assert not shows(message, key) and not shows(repr(error.args), key)
    assert error.__cause__ is None and error.__context__ is None and not getattr(error, "__notes__", None)
    assert_silent_about(message, key)


def test_a_key_outside_ascii_from_the_environment_names_the_variable_and_its_fix() -> None:
    key = NON_ASCII_KEYS["Cyrillic"]
    with pytest.raises(errors.ConfigurationError) as caught:
        settings_from({}, environ={}).api_key(None, environ={"SPARKPOST_API_KEY": key})
    assert "from environment variable SPARKPOST_API_KEY contains a character outside ASCII" in str(caught.value)
    assert str(caught.value).endswith("set it again: export SPARKPOST_API_KEY=<key>.")
    assert not shows(str(caught.value), key)


def test_a_key_outside_ascii_never_reaches_the_http_stack() -> None:
    key = NON_ASCII_KEYS["Cyrillic"]
    with pytest.raises(errors.ConfigurationError) as caught:
        SparkPostClient("http://127.0.0.1:9/api/v1", key, key_source="a test")
    assert "from a test contains a character outside ASCII" in str(caught.value)
    assert str(caught.value).endswith("(Account > API Keys) and set it again.")


def test_every_ascii_key_sparkpost_could_issue_passes() -> None:
    printable = "".join(chr(c) for c in range(0x21, 0x7f))
    assert check_api_key(printable, "x") == printable


def test_the_refusals_read_in_full() -> None:
    """Each refusal, word for word, as configured in stack config: what is wrong, why, and the command to fix it."""
    with pytest.raises(errors.ConfigurationError) as spaced:
        settings_from({"sparkpost:apiKey": HEX_KEY + "\n"}, environ={})
    assert str(spaced.value) == (
        "The SparkPost API key from stack config 'sparkpost:apiKey' contains whitespace or a control character (a "
        "trailing newline, often, from 'echo'). Set it again without it: pulumi config set --secret "
        "sparkpost:apiKey <key> (from a variable: printf '%s' \"$KEY\" | pulumi config set --secret "
        "sparkpost:apiKey).")
    with pytest.raises(errors.ConfigurationError) as pasted:
        settings_from({"sparkpost:euApiKey": "\u201c" + HEX_KEY}, environ={})
    assert str(pasted.value) == (
        "The SparkPost API key from stack config 'sparkpost:euApiKey' contains a character outside ASCII (at "
        "position 1 of 41): SparkPost's keys are letters and digits, so this is not the key as SparkPost issued it "
        "(a quote, a dash or a letter changed by a copy and paste, often). Copy it again from SparkPost (Account > "
        "API Keys) and set it again: pulumi config set --secret sparkpost:euApiKey <key> (from a variable: printf "
        "'%s' \"$KEY\" | pulumi config set --secret sparkpost:euApiKey).")
