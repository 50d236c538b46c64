"""The plugin's provider configuration (stack config ``sparkpost-tracking:*``), derived from what is declared once.

- the API keys and every tunable are the dynamic provider's settings (``dynamic_providers.settings``), under the
  plugin's own namespace: ``sparkpost-tracking:apiKey`` (secret) or SPARKPOST_API_KEY, ``sparkpost-tracking:
  verifyTimeout`` or SPARKPOST_VERIFY_TIMEOUT, ...;
- ``region`` and ``apiUrl`` are the resources' inputs of those names (doc and validator from their ``Property``),
  here as the default of every resource of this provider that sets none. They make ``pulumi import`` work with
  nothing but an id.

The values live in the plugin process only. Any other key of the namespace is refused with a "did you mean"
(as the Python path refuses a misspelt ``sparkpost:`` key), except those of this repository's stack program
(project ``sparkpost-tracking``), which shares the namespace.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final

from pulumi.provider.experimental.util import camel_case

from sparkpost_tracking.config import STACK_KEYS
from sparkpost_tracking.dynamic_providers.errors import ConfigurationError
from sparkpost_tracking.dynamic_providers.schema import INPUTS
from sparkpost_tracking.dynamic_providers.secrets import plain_text_reason
from sparkpost_tracking.dynamic_providers.settings import (
    API_KEY_ENV,
    TUNABLES,
    Settings,
    region_key_names,
    settings_from,
)
from sparkpost_tracking.dynamic_providers.types import PACKAGE
from sparkpost_tracking.dynamic_providers.validation import InvalidInput, did_you_mean

#: Resource inputs the provider config gives a default for (snake_case).
RESOURCE_DEFAULTS: Final[tuple[str, ...]] = ("region", "api_url")


@dataclass(frozen=True)
class ConfigProperty:
    doc: str
    type: str = "string"
    secret: bool = False


def _declared() -> dict[str, ConfigProperty]:
    eu_key, eu_env = region_key_names("eu", PACKAGE)
    declared = {
        "apiKey": ConfigProperty(f"The SparkPost API key (else the environment variable {API_KEY_ENV}). Set it with "
                                 f"'pulumi config set --secret {PACKAGE}:apiKey ...'.", secret=True),
        eu_key.split(":", 1)[1]: ConfigProperty(f"The API key of the EU account, for resources with region 'eu' "
                                                f"(else {eu_env}, else apiKey).", secret=True),
    }
    declared.update({camel_case(name): ConfigProperty(
        f"Default '{camel_case(name)}' of every resource that sets none: {INPUTS[name].doc}")
        for name in RESOURCE_DEFAULTS})
    docs = {f.name: str(f.metadata["doc"]) for f in fields(Settings) if f.name in TUNABLES}
    declared.update({camel_case(name): ConfigProperty(docs[name], type="number") for name in TUNABLES})
    return declared


#: Wire name -> declaration of every provider config property.
CONFIG_PROPERTIES: Final[dict[str, ConfigProperty]] = _declared()


@dataclass(frozen=True)
class ProviderConfig:
    settings: Settings
    #: snake_case input -> default value, for the inputs in ``RESOURCE_DEFAULTS`` that the config sets.
    resource_defaults: dict[str, Any] = field(default_factory=dict)


#: What a plain-text key on an explicit provider resource (``pulumi:providers:sparkpost-tracking``) must become: the
#: engine cannot tell the two apart, so the refusal names both.
EXPLICIT_PROVIDER: Final[str] = (". On an explicit provider resource, pass the key as a secret instead of text in the "
                                 "program: fn::secret or a secret config value in YAML, pulumi.secret(...) or "
                                 "config.requireSecret(...) in code")


def unknown_keys(values: Mapping[str, Any]) -> list[InvalidInput]:
    """A misspelt key would be ignored silently (``verifyTimout``: the default timeout applies), as the Python path
    refuses it for ``sparkpost:``. The stack program's own keys share the namespace and pass; so do the engine's
    (``version``, ``__``-prefixed)."""
    known = [*CONFIG_PROPERTIES, *STACK_KEYS]
    return [InvalidInput(key, f"is not a setting of the {PACKAGE} provider."
                                             f"{did_you_mean(key, CONFIG_PROPERTIES, f'{PACKAGE}:')} "
                                             f"Known: {', '.join(f'{PACKAGE}:{k}' for k in CONFIG_PROPERTIES)}")
            for key in sorted(values) if key not in known and key != "version" and not key.startswith("__")]


def check_config(values: Mapping[str, Any], secret: Collection[str] | None = None) -> list[InvalidInput]:
    """Every bad value in the provider config (wire names, plain values), each naming its property.

    ``secret`` names the values the engine marked secret (``None``: not known, as for a config read from the
    environment). A key that is not secret would be stored in plain text as the provider's inputs in state.
    """
    failures = unknown_keys(values)
    if secret is not None:
        failures += [InvalidInput(f"{PACKAGE}:{wire}", plain_text_reason(f"{PACKAGE}:{wire}") + EXPLICIT_PROVIDER)
                     for wire, declared in CONFIG_PROPERTIES.items()
                     if declared.secret and values.get(wire) not in (None, "") and wire not in secret]
    for name in RESOURCE_DEFAULTS:
        wire = camel_case(name)
        if values.get(wire) not in (None, ""):
            try:
                INPUTS[name].validate(values[wire], wire)
            except InvalidInput as exc:
                failures.append(exc)
    for wire in map(camel_case, TUNABLES):
        if values.get(wire) not in (None, ""):
            try:
                settings_from({f"{PACKAGE}:{wire}": values[wire]}, environ={}, namespace=PACKAGE)
            except ConfigurationError as exc:
                failures.append(InvalidInput(wire, str(exc)))
    return failures


def read_config(values: Mapping[str, Any], secret: Collection[str] | None = None) -> ProviderConfig:
    """The provider config (wire names, plain values; ``secret`` as for ``check_config``) with the environment;
    raises on a bad value."""
    failures = check_config(values, secret)
    if failures:
        raise ConfigurationError("; ".join(map(str, failures)))
    defaults = {name: INPUTS[name].validate(values[camel_case(name)], camel_case(name))
                for name in RESOURCE_DEFAULTS if values.get(camel_case(name)) not in (None, "")}
    known = {f"{PACKAGE}:{wire}": value for wire, value in values.items()
             if wire in CONFIG_PROPERTIES and value not in (None, "")}
    return ProviderConfig(settings_from(known, namespace=PACKAGE), defaults)
