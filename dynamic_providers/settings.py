"""Provider settings from stack config (``sparkpost:*``) and the environment, each declared once.

Every tunable is a field of ``Settings`` with its default and doc; its stack config key
(``sparkpost:verifyTimeout``) and environment variable (``SPARKPOST_VERIFY_TIMEOUT``) derive from the field
name. Stack config wins over the environment.

The API key is looked up here and nowhere else. A region-specific key (``sparkpost:euApiKey`` /
``SPARKPOST_EU_API_KEY``) wins over the generic one, so one stack can hold US and EU domains without any key
in state.

``SPARKPOST_ADOPT`` (environment only, never stack config, so it lasts one run) names domains that run may take
over although they exist already: the recovery after an interrupted ``pulumi up`` (docs/recovery.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final

from .errors import ConfigurationError
from .hosts import DEFAULT_REGION, REGIONS
from .retry_policy import RetryPolicy
from .secrets import check_api_key, config_source, env_source
from .validation import did_you_mean

CONFIG_NAMESPACE: Final[str] = "sparkpost"
API_KEY_CONFIG: Final[str] = f"{CONFIG_NAMESPACE}:apiKey"
API_KEY_ENV: Final[str] = "SPARKPOST_API_KEY"
ADOPT_ENV: Final[str] = "SPARKPOST_ADOPT"


def _tunable(default: float, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


def camel_case(name: str) -> str:
    """``verify_timeout`` -> ``verifyTimeout``: how a Python name is spelt as a stack config key."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def config_key(name: str, namespace: str = CONFIG_NAMESPACE) -> str:
    """``verify_timeout`` -> ``sparkpost:verifyTimeout``."""
    return f"{namespace}:{camel_case(name)}"


def env_var(name: str) -> str:
    """``verify_timeout`` -> ``SPARKPOST_VERIFY_TIMEOUT``."""
    return f"SPARKPOST_{name.upper()}"


def region_key_names(region: str, namespace: str = CONFIG_NAMESPACE) -> tuple[str, str]:
    """Where the key of a non-default region's account lives: stack config key and environment variable."""
    return f"{namespace}:{region}ApiKey", f"SPARKPOST_{region.upper()}_API_KEY"


@dataclass(frozen=True)
class Settings:
    verify_timeout: float = _tunable(300.0, "How long to wait for SparkPost to verify a domain, in seconds.")
    verify_interval: float = _tunable(5.0, "First wait between verify polls, in seconds; it doubles up to 60.")
    certificate_timeout: float = _tunable(1800.0, "How long to wait for a managed certificate, in seconds.")
    max_retries: float = _tunable(5.0, "Retries of one API call after a fault (429, 5xx, lost connection).")
    retry_backoff: float = _tunable(1.0, "First wait before a retry, in seconds; it doubles (SparkPost: 1-5 s on 429).")
    request_timeout: float = _tunable(30.0, "Read timeout of one API call, in seconds.")
    progress_after: float = _tunable(30.0, "Seconds a wait for SparkPost runs before the Python dynamic provider "
                                           "reports its progress on the stack (then every 6 times as long); the "
                                           "plugin shows every poll on the resource's own status line.")
    provider_workers: float = _tunable(256.0, "How many calls one provider process serves at once (Pulumi's "
                                              "server allows 4); 0 keeps Pulumi's default.")
    #: Domains this run may take over as if they were declared with adopt_existing (from ``SPARKPOST_ADOPT``).
    adopt: frozenset[str] = frozenset()
    # Stack-config key values only (never the environment, which is read at call time). repr=False keeps
    # keys out of tracebacks and logs.
    _config: Mapping[str, Any] = field(default_factory=dict, repr=False)
    #: The stack config namespace the keys were read from (the provider plugin reads its own package's).
    _namespace: str = field(default=CONFIG_NAMESPACE, repr=False)

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
        return self.api_key_and_source(region, environ)[0]

    def api_key_and_source(self, region: str | None,
                           environ: Mapping[str, str] | None = None) -> tuple[str, str]:
        """The key for a domain in ``region`` and the setting it came from (for messages: never the key)."""
        env = os.environ if environ is None else environ
        candidates: list[tuple[str, str]] = []
        if region and region != DEFAULT_REGION:
            candidates.append(region_key_names(region, self._namespace))
        candidates.append((config_key("api_key", self._namespace), API_KEY_ENV))
        for config_name, env_name in candidates:
            if self._config.get(config_name):
                source = config_source(config_name)
                return check_api_key(str(self._config[config_name]), source), source
            if env.get(env_name):
                source = env_source(env_name)
                return check_api_key(str(env[env_name]), source), source
        names = " or ".join(f"stack config '{c}' (pulumi config set --secret {c} ...) or environment "
                            f"variable {e}" for c, e in candidates)
        raise ConfigurationError(f"No SparkPost API key: set {names}.")


#: The tunables: Settings' fields declared with ``_tunable``.
TUNABLES: Final[tuple[str, ...]] = tuple(f.name for f in fields(Settings) if "doc" in f.metadata)
#: The stack config keys that hold an API key: they must be secrets.
SECRET_CONFIG_KEYS: Final[tuple[str, ...]] = (
    API_KEY_CONFIG, *(region_key_names(region)[0] for region in REGIONS if region != DEFAULT_REGION))
#: The API base of every resource that sets no ``api_url``, in any project (the plugin's twin is
#: ``sparkpost-tracking:apiUrl``). The provider puts it in the resource's checked inputs, as if the program had
#: passed it: state records where the domain lives, and changing the key previews a replace.
API_URL_CONFIG: Final[str] = f"{CONFIG_NAMESPACE}:apiUrl"
#: Stack config keys the provider reads in ``configure`` (values only live in that process's memory).
CONFIG_KEYS: Final[tuple[str, ...]] = (*SECRET_CONFIG_KEYS, *map(config_key, TUNABLES), API_URL_CONFIG)


def unknown_key_problems(keys: Iterable[str]) -> list[str]:
    """One message per ``sparkpost:`` key that is no setting (a typo would otherwise be ignored silently)."""
    prefix = CONFIG_NAMESPACE + ":"
    names = [key.removeprefix(prefix) for key in CONFIG_KEYS]
    return [f"{key}: is not a setting of the SparkPost provider.{did_you_mean(key[len(prefix):], names, prefix)} "
            f"Known: {', '.join(CONFIG_KEYS)}"
            for key in sorted(keys) if key.startswith(prefix) and key not in CONFIG_KEYS]


def settings_from(config: Mapping[str, Any], environ: Mapping[str, str] | None = None, *,
                  namespace: str = CONFIG_NAMESPACE) -> Settings:
    """Build settings from stack config values (``{'sparkpost:apiKey': ...}``) and the environment.

    ``namespace`` is the config namespace of the keys (and of the names that errors tell a user to set).
    """
    env = os.environ if environ is None else environ
    numbers: dict[str, float] = {}
    for name in TUNABLES:
        key, var = config_key(name, namespace), env_var(name)
        raw = config.get(key)
        if raw in (None, ""):
            raw = env.get(var)
        if raw in (None, ""):
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ConfigurationError(f"{key} (or {var}) must be a number of seconds/count, got {raw!r}") from None
        if value < 0:
            raise ConfigurationError(f"{key} (or {var}) must not be negative, got {value}")
        numbers[name] = value
    keys = {k: v for k, v in config.items() if k.startswith(namespace + ":") and k.endswith("piKey")}
    for name, key in keys.items():  # refused when configured, not at the first request
        if key:
            check_api_key(str(key), config_source(name))
    return Settings(**numbers, adopt=adopt_list(env.get(ADOPT_ENV, "")), _config=keys, _namespace=namespace)


def adopt_list(raw: str) -> frozenset[str]:
    """``SPARKPOST_ADOPT``: domains separated by commas or whitespace, compared lower-case."""
    return frozenset(name.lower().removesuffix(".") for name in re.split(r"[\s,]+", raw) if name)
