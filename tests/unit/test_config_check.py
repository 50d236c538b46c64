"""The program-side config check: unknown keys of our namespaces, plain-text API keys, bad tunables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime.config import set_all_config

from sparkpost_tracking.config import STACK_KEYS, STACK_PROJECT, StackConfigError, StackDefaults, config_problems
from sparkpost_tracking.dynamic_providers.settings import CONFIG_KEYS, SECRET_CONFIG_KEYS, TUNABLES, config_key

ROOT = Path(__file__).resolve().parents[2]


def problems(config: dict[str, Any], secret: frozenset[str] = frozenset(), project: str = STACK_PROJECT) -> list[str]:
    return config_problems(config, secret.__contains__, project)


def test_known_keys_come_from_the_settings_and_the_stack_program() -> None:
    assert set(CONFIG_KEYS) == {"sparkpost:apiKey", "sparkpost:euApiKey", "sparkpost:apiUrl",
                                *map(config_key, TUNABLES)}
    assert SECRET_CONFIG_KEYS == ("sparkpost:apiKey", "sparkpost:euApiKey")
    # Pulumi.yaml declares the stack program's defaults for the CLI: the same keys, nothing else.
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    assert set(declared) == set(STACK_KEYS) - {"domains", "sendingIdentities"}
    assert yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["name"] == STACK_PROJECT


def test_a_good_config_has_no_problem() -> None:
    config = {"sparkpost:apiKey": "k", "sparkpost:euApiKey": "e", "sparkpost:verifyTimeout": "60",
              "sparkpost-tracking:apiUrl": "http://127.0.0.1:1/api/v1", "sparkpost-tracking:domains": "[]",
              "aws:region": "us-east-1", "my-project:anything": "x"}
    assert problems(config, frozenset({"sparkpost:apiKey", "sparkpost:euApiKey"})) == []


@pytest.mark.parametrize(("key", "hint"), [
    ("sparkpost:verifyTimout", " Did you mean 'sparkpost:verifyTimeout'? Known: sparkpost:apiKey, "),
    ("sparkpost:apikey", " Did you mean 'sparkpost:apiKey'?"),
    ("sparkpost:region", " Known: "),  # nothing close: no hint
])
def test_unknown_provider_key_is_named_with_a_close_hint_only(key: str, hint: str) -> None:
    [problem] = problems({key: "1"})
    assert problem.startswith(f"{key}: is not a setting of the SparkPost provider.{hint}")


def test_unknown_stack_key_in_the_users_spelling() -> None:
    [problem] = problems({"sparkpost-tracking:apiURL": "http://127.0.0.1:1/api/v1"})
    assert problem.startswith("sparkpost-tracking:apiURL: is not a setting of the sparkpost-tracking stack. "
                              "Did you mean 'sparkpost-tracking:apiUrl'?")


def test_api_url_of_the_stack_program_in_another_project_says_the_commands_that_fix_it() -> None:
    [problem] = problems({"sparkpost-tracking:apiUrl": "http://127.0.0.1:8787/api/v1"}, project="existing-infra")
    assert problem == ("sparkpost-tracking:apiUrl: only the sparkpost-tracking stack program reads this namespace, "
                       "and this is project 'existing-infra'. The SparkPost provider's own key works in every "
                       "project: pulumi config rm sparkpost-tracking:apiUrl && "
                       "pulumi config set sparkpost:apiUrl http://127.0.0.1:8787/api/v1")
    # The fix, applied: the provider's key is accepted in that project.
    assert problems({"sparkpost:apiUrl": "http://127.0.0.1:8787/api/v1"}, project="existing-infra") == []


@pytest.mark.parametrize(("key", "argument"), [("sparkpost-tracking:region", "region=..."),
                                               ("sparkpost-tracking:dnsTtl", "dns_ttl=..."),
                                               ("sparkpost-tracking:domains", "ManagedTrackingDomain(...)")])
def test_other_stack_keys_in_another_project_name_what_to_write_instead(key: str, argument: str) -> None:
    [problem] = problems({key: "eu"}, project="existing-infra")
    assert problem.startswith(f"{key}: only the sparkpost-tracking stack program reads this namespace")
    assert argument in problem and problem.endswith(f"pulumi config rm {key}")


def test_the_value_in_the_command_is_quoted_for_the_shell() -> None:
    [problem] = problems({"sparkpost-tracking:apiUrl": "https://a b/api/v1"}, project="p")
    assert problem.endswith("pulumi config set sparkpost:apiUrl 'https://a b/api/v1'")


@pytest.mark.parametrize("url", ["https://api.sparkpost.com", "http://api.sparkpost.com/api/v1"])
def test_a_bad_provider_api_url_is_refused_with_its_key(url: str) -> None:
    [problem] = problems({"sparkpost:apiUrl": url}, project="p")
    assert problem.startswith("sparkpost:apiUrl: must ")


@pytest.mark.parametrize("key", SECRET_CONFIG_KEYS)
def test_a_plain_text_api_key_is_refused_without_echoing_it(key: str) -> None:
    [problem] = problems({key: "plain-key-0123456789"})
    assert problem.startswith(f"{key}: holds an API key in plain text")
    assert f"pulumi config set --secret {key} <key>" in problem
    assert "plain-key-0123456789" not in problem
    assert problems({key: "plain-key-0123456789"}, frozenset({key})) == []


def test_bad_tunable_value_is_reported_by_the_providers_own_reader() -> None:
    [problem] = problems({"sparkpost:verifyTimeout": "soon"})
    assert "sparkpost:verifyTimeout" in problem and "'soon'" in problem


def test_every_problem_is_listed_in_one_run_error() -> None:
    error = StackConfigError(problems({"sparkpost:verifyTimout": "1", "sparkpost:apiKey": "k"}))
    assert isinstance(error, pulumi.RunError) and isinstance(error, ValueError)
    assert len(error.problems) == 2 and str(error).count("\n  - ") == 2


def test_stack_defaults_read_their_camel_case_keys() -> None:
    values = {"region": "eu", "apiUrl": "http://127.0.0.1:1/api/v1", "dnsTtl": "600", "verify": "false"}
    set_all_config({f"{STACK_PROJECT}:{k}": v for k, v in values.items()})
    try:
        defaults = StackDefaults.from_config(pulumi.Config(STACK_PROJECT))
    finally:
        set_all_config({}, [])
    assert defaults == StackDefaults(region="eu", api_url="http://127.0.0.1:1/api/v1", dns_ttl=600, verify=False)
    assert defaults.for_args() == {"region": "eu", "api_url": "http://127.0.0.1:1/api/v1", "dns_ttl": 600,
                                   "verify": False}


def test_the_stack_programs_api_url_falls_back_to_the_providers() -> None:
    set_all_config({"sparkpost:apiUrl": "http://127.0.0.1:2/api/v1"})
    try:
        fallback = StackDefaults.from_config(pulumi.Config(STACK_PROJECT))
        set_all_config({"sparkpost:apiUrl": "http://127.0.0.1:2/api/v1",
                        f"{STACK_PROJECT}:apiUrl": "http://127.0.0.1:3/api/v1"})
        own = StackDefaults.from_config(pulumi.Config(STACK_PROJECT))
    finally:
        set_all_config({})
    assert fallback.api_url == "http://127.0.0.1:2/api/v1"
    assert own.api_url == "http://127.0.0.1:3/api/v1"  # the stack program's own key wins


def test_a_config_that_passed_is_checked_again_once_anything_it_reads_changes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sparkpost_tracking.config import check_program_config

    monkeypatch.setattr(pulumi.runtime.settings.SETTINGS, "project", STACK_PROJECT)
    try:
        set_all_config({"sparkpost:verifyInterval": "0"})
        check_program_config()
        check_program_config()  # passed, and not checked again
        set_all_config({"sparkpost:verifyInterval": "0", f"{STACK_PROJECT}:apiURL": "x"})  # a key added
        with pytest.raises(StackConfigError, match="apiURL"):
            check_program_config()
        with_key = {"sparkpost:verifyInterval": "0", "sparkpost:apiKey": "k"}
        set_all_config(with_key, ["sparkpost:apiKey"])
        check_program_config()
        set_all_config(with_key, [])  # the same keys and values, but the key is no longer a secret
        with pytest.raises(StackConfigError, match="apiKey"):
            check_program_config()
        set_all_config({"sparkpost:verifyInterval": "0"})
        check_program_config()
        monkeypatch.setenv("SPARKPOST_VERIFY_TIMEOUT", "soon")  # the environment is read too
        with pytest.raises(StackConfigError, match=r"VERIFY_TIMEOUT|verifyTimeout"):
            check_program_config()
        monkeypatch.delenv("SPARKPOST_VERIFY_TIMEOUT")
        check_program_config()
        monkeypatch.setattr(pulumi.runtime.settings.SETTINGS, "project", "another-project")
        set_all_config({f"{STACK_PROJECT}:region": "us"})
        with pytest.raises(StackConfigError, match="only the sparkpost-tracking stack program"):
            check_program_config()
    finally:
        set_all_config({}, [])
