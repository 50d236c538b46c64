"""Provider settings from stack config (``sparkpost:*``) and the environment.

The API key is looked up here and nowhere else. Stack config wins over the environment, and a
region-specific key (``sparkpost:euApiKey`` / ``SPARKPOST_EU_API_KEY``) wins over the generic one,
so one stack can hold US and EU domains without any key in state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigurationError
from .retry_policy import RetryPolicy

CONFIG_NAMESPACE = "sparkpost"
API_KEY_CONFIG = "sparkpost:apiKey"
API_KEY_ENV = "SPARKPOST_API_KEY"

#: (stack config key, environment variable, default) for each tunable number.
_NUMBERS: dict[str, tuple[str, str, float]] = {
    "verify_timeout": ("sparkpost:verifyTimeout", "SPARKPOST_VERIFY_TIMEOUT", 300.0),
    "verify_interval": ("sparkpost:verifyInterval", "SPARKPOST_VERIFY_INTERVAL", 5.0),
    "certificate_timeout": ("sparkpost:certificateTimeout", "SPARKPOST_CERTIFICATE_TIMEOUT", 1800.0),
    "max_retries": ("sparkpost:maxRetries", "SPARKPOST_MAX_RETRIES", 5.0),
    "retry_backoff": ("sparkpost:retryBackoff", "SPARKPOST_RETRY_BACKOFF", 1.0),
    "request_timeout": ("sparkpost:requestTimeout", "SPARKPOST_REQUEST_TIMEOUT", 30.0),
}


#: Stack config keys the provider reads in ``configure`` (values only live in that process's memory).
CONFIG_KEYS: tuple[str, ...] = (API_KEY_CONFIG, "sparkpost:euApiKey", *(c for c, _, _ in _NUMBERS.values()))


def _region_key_names(region: str) -> tuple[str, str]:
    return f"sparkpost:{region}ApiKey", f"SPARKPOST_{region.upper()}_API_KEY"


@dataclass(frozen=True)
class Settings:
    verify_timeout: float = 300.0
    verify_interval: float = 5.0
    certificate_timeout: float = 1800.0
    max_retries: float = 5.0
    retry_backoff: float = 1.0
    request_timeout: float = 30.0
    # Stack-config values only (never the environment, which is read at call time). repr=False
    # keeps keys out of tracebacks and logs.
    _config: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            attempts=int(self.max_retries),
            backoff_factor=self.retry_backoff,
            backoff_max=max(self.retry_backoff * 8, self.retry_backoff),
            jitter=min(0.5, self.retry_backoff / 2),
            total_seconds=max(60.0, self.request_timeout * 2),
            read_timeout=self.request_timeout,
        )

    def api_key(self, region: str | None, environ: Mapping[str, str] | None = None) -> str:
        """The key for a domain in ``region``; raises before any request when there is none."""
        env = os.environ if environ is None else environ
        candidates: list[tuple[str, str]] = []
        if region and region != "us":
            candidates.append(_region_key_names(region))
        candidates.append((API_KEY_CONFIG, API_KEY_ENV))
        for config_key, env_key in candidates:
            value = self._config.get(config_key) or env.get(env_key)
            if value:
                return str(value)
        names = " or ".join(f"stack config '{c}' (pulumi config set --secret {c} ...) or environment "
                            f"variable {e}" for c, e in candidates)
        raise ConfigurationError(f"No SparkPost API key: set {names}.")


def settings_from(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from stack config values (``{'sparkpost:apiKey': ...}``) and the environment."""
    env = os.environ if environ is None else environ
    numbers: dict[str, float] = {}
    for name, (config_key, env_key, default) in _NUMBERS.items():
        raw = config.get(config_key)
        if raw in (None, ""):
            raw = env.get(env_key)
        if raw in (None, ""):
            numbers[name] = default
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ConfigurationError(
                f"{config_key} (or {env_key}) must be a number of seconds/count, got {raw!r}") from None
        if value < 0:
            raise ConfigurationError(f"{config_key} (or {env_key}) must not be negative, got {value}")
        numbers[name] = value
    keys = {k: v for k, v in config.items() if k.startswith(CONFIG_NAMESPACE + ":") and k.endswith("piKey")}
    return Settings(**numbers, _config=keys)
