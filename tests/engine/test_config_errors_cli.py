"""Tier 3b: config and argument errors as a user meets them, under the real CLI with the repository's stack program.

Each mistake fails ``pulumi preview`` with a message naming the key in the user's own spelling (a "did you mean"
only when it is close), no Python traceback, and no request to SparkPost. A wrong key fails ``pulumi up`` at
SparkPost's 401, naming the setting it came from but never the key. Run with ``-s`` to see each transcript.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject, Result

pytestmark = pytest.mark.engine

KEY = "config-errors-key-6a1b2c3d4e5f"
DOMAIN = {"domain": "track.example.com", "cdn": "managed", "makeDefault": True}



@pytest.fixture(scope="module")
def stack(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> PulumiProject:
    project = PulumiProject(tmp_path_factory.mktemp("config-errors"), cli_dir, stack="errors",
                            source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
    project.init(emu.base_url, KEY, [DOMAIN], verifyInterval="0")
    return project


def diagnostics(result: Result) -> str:
    text = result.text
    return text[text.index("Diagnostics:"):] if "Diagnostics:" in text else text


def failing_preview(stack: PulumiProject, emu: Emulator) -> str:
    emu.clear_requests()
    result = stack.preview(check=False)
    print(f"\n$ pulumi preview  # exit {result.returncode}, {emu.count()} SparkPost requests\n{diagnostics(result)}")
    assert result.returncode != 0
    assert "Traceback" not in result.text and "unhandled exception" not in result.text
    assert emu.count() == 0
    return result.text


def with_domain(stack: PulumiProject, **changes: Any) -> None:
    stack.set_domains([{**DOMAIN, **changes}])


@pytest.mark.parametrize(("key", "message"), [
    ("sparkpost-tracking:apiURL", "sparkpost-tracking:apiURL: is not a setting of the sparkpost-tracking stack. "
                                  "Did you mean 'sparkpost-tracking:apiUrl'?"),
    ("sparkpost:verifyTimout", "sparkpost:verifyTimout: is not a setting of the SparkPost provider. "
                               "Did you mean 'sparkpost:verifyTimeout'?"),
])
def test_misspelt_key_fails_preview(stack: PulumiProject, emu: Emulator, key: str, message: str) -> None:
    stack.run("config", "set", key, "60")
    try:
        text = failing_preview(stack, emu)
    finally:
        stack.run("config", "rm", key)
    assert message in text


def test_plain_text_api_key_fails_preview_without_showing_it(stack: PulumiProject, emu: Emulator) -> None:
    stack.run("config", "set", "sparkpost:apiKey", KEY)
    try:
        text = failing_preview(stack, emu)
    finally:
        stack.run("config", "set", "--secret", "sparkpost:apiKey", stdin=KEY)
    assert "sparkpost:apiKey: holds an API key in plain text" in text
    assert "pulumi config set --secret sparkpost:apiKey <key>" in text
    assert KEY not in text


def test_misspelt_argument_is_answered_in_camel_case(stack: PulumiProject, emu: Emulator) -> None:
    stack.set_domains([{"domain": "track.example.com", "cdn": "managed", "makeDefualt": True}])
    try:
        text = failing_preview(stack, emu)
    finally:
        with_domain(stack)
    assert ("sparkpost-tracking:domains[0].makeDefualt: is not an argument of ManagedTrackingDomain. "
            "Did you mean 'makeDefault'?") in text
    assert "make_default" not in text


def test_unknown_region_gets_no_wrong_hint(stack: PulumiProject, emu: Emulator) -> None:
    with_domain(stack, region="eu-west")
    try:
        text = failing_preview(stack, emu)
    finally:
        with_domain(stack)
    assert "sparkpost-tracking:domains[0].region: must be one of 'us', 'eu', got 'eu-west'." in text
    assert "Did you mean" not in text


def test_wrong_key_names_its_setting_at_the_first_call(stack: PulumiProject, emu: Emulator) -> None:
    wrong = "wrong-key-0123456789abcdef"
    stack.run("config", "set", "--secret", "sparkpost:apiKey", stdin=wrong)
    emu.clear_requests()
    try:
        result = stack.up(check=False)
    finally:
        stack.run("config", "set", "--secret", "sparkpost:apiKey", stdin=KEY)
    print(f"\n$ pulumi up  # exit {result.returncode}, {emu.count()} SparkPost requests\n{diagnostics(result)}")
    assert result.returncode != 0
    assert "HTTP 401" in result.text
    assert "The API key from stack config 'sparkpost:apiKey' was refused by " + emu.base_url in result.text
    assert wrong not in result.text
    # The first call, the read that proves the name is free, is refused: nothing is posted.
    assert [(r.method, r.path) for r in emu.requests()] == [("GET", "/api/v1/tracking-domains/track.example.com")]
    assert emu.domains() == []


def closed_port_url() -> str:
    """An API URL on loopback where nothing listens (the port was free a moment ago): a refused connection."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v1"


#: Budget of a refused connection: a few seconds of connect retries, far below the 113 s of answer-lost retries.
UNREACHABLE_WITHIN = 10.0


def assert_unreachable_is_reported(result: Result, url: str, setting: str = "api_url") -> None:
    text = " ".join(result.text.split())
    assert result.returncode != 0
    assert f"{url} could not be reached" in text and "was not sent" in text, result.text
    assert f"Is {setting} (or region) right? Is the emulator running" in text
    assert "SPARKPOST_ADOPT" not in text and "may have taken effect" not in text
    # Pulumi's dynamic-provider server would prefix it with a traceback (pulumi/dynamic/__main__.py formats every
    # exception); ours reach the CLI as their message alone (provider_server.plain_user_errors).
    assert "Traceback" not in text and "lifecycle.py" not in text and "client.py" not in text


def test_an_unreachable_api_fails_fast_saying_nothing_was_sent(stack: PulumiProject, emu: Emulator) -> None:
    url = closed_port_url()
    stack.run("config", "set", "sparkpost-tracking:apiUrl", url)
    try:
        result = stack.up(check=False)
    finally:
        stack.run("config", "set", "sparkpost-tracking:apiUrl", emu.base_url)
    print(f"\n$ pulumi up  # exit {result.returncode} after {result.seconds:.1f}s\n{diagnostics(result)}")
    assert_unreachable_is_reported(result, url)
    # The whole CLI run, engine start-up included, stays within the operation's budget plus the CLI's own time.
    assert result.seconds < UNREACHABLE_WITHIN + 20
