"""Where the API key comes from, and that it never leaks into messages."""

from __future__ import annotations

import pytest

from sparkpost_tracking.dynamic_providers import ConfigurationError, SparkPostClient
from sparkpost_tracking.dynamic_providers.settings import settings_from


def test_config_wins_over_environment() -> None:
    settings = settings_from({"sparkpost:apiKey": "from-config"}, {"SPARKPOST_API_KEY": "from-env"})
    assert settings.api_key("us", {"SPARKPOST_API_KEY": "from-env"}) == "from-config"


def test_environment_is_the_fallback() -> None:
    assert settings_from({}, {}).api_key("us", {"SPARKPOST_API_KEY": "from-env"}) == "from-env"


def test_eu_key_is_separate_and_falls_back_to_the_generic_key() -> None:
    settings = settings_from({"sparkpost:apiKey": "us-key", "sparkpost:euApiKey": "eu-key"}, {})
    assert settings.api_key("us", {}) == "us-key"
    assert settings.api_key("eu", {}) == "eu-key"
    assert settings_from({"sparkpost:apiKey": "only"}, {}).api_key("eu", {}) == "only"
    assert settings_from({}, {}).api_key("eu", {"SPARKPOST_EU_API_KEY": "eu-env"}) == "eu-env"


def test_missing_key_names_config_and_environment() -> None:
    with pytest.raises(ConfigurationError) as caught:
        settings_from({}, {}).api_key("us", {})
    message = str(caught.value)
    assert "sparkpost:apiKey" in message and "SPARKPOST_API_KEY" in message
    assert "pulumi config set --secret" in message


def test_missing_eu_key_names_both_eu_and_generic_places() -> None:
    with pytest.raises(ConfigurationError) as caught:
        settings_from({}, {}).api_key("eu", {})
    assert "sparkpost:euApiKey" in str(caught.value) and "SPARKPOST_API_KEY" in str(caught.value)


def test_numbers_from_config_and_environment() -> None:
    settings = settings_from({"sparkpost:verifyTimeout": "12"}, {"SPARKPOST_MAX_RETRIES": "2"})
    assert settings.verify_timeout == 12 and settings.max_retries == 2
    assert settings.retry_policy.attempts == 2


def test_bad_number_names_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="sparkpost:verifyTimeout"):
        settings_from({"sparkpost:verifyTimeout": "soon"}, {})


def test_client_repr_and_pickle_hide_the_key() -> None:
    client = SparkPostClient("https://api.sparkpost.com/api/v1", "super-secret-key-123")
    assert "super-secret-key-123" not in repr(client)
    with pytest.raises(TypeError):
        client.__getstate__()


def test_retry_after_is_honoured_but_capped() -> None:
    from sparkpost_tracking.dynamic_providers.client import RetryPolicy, _retry

    retry = _retry(RetryPolicy(backoff_max=4.0), idempotent=True)
    assert retry.parse_retry_after("2") == 2.0
    assert retry.parse_retry_after("3600") == 4.0
