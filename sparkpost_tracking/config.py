"""The stack config this package reads, and the check that refuses what it would otherwise ignore.

Two config namespaces belong to this package:

- ``sparkpost:``: the SparkPost provider's settings (``dynamic_providers.settings``): the API keys, which
  must be secrets, and the tunables;
- ``sparkpost-tracking:``: the keys of this repository's stack program (project ``sparkpost-tracking``):
  ``domains`` and the project-wide defaults of ``StackDefaults``. Another project's program never reads them.

A misspelt key is otherwise silently ignored, and that is dangerous (``sparkpost-tracking:apiURL`` instead
of ``apiUrl`` sends the stack to the real SparkPost API). ``check_program_config`` therefore runs inside the
Pulumi program, when a component or ``TrackingDomain`` is built and first thing in the stack program: every
program that uses this package is checked, during ``preview`` already, before any resource is registered and
before any SparkPost call. Only the program can tell which keys are secrets (the provider receives plain
values), so the secret rule lives here. The provider complements it for the runs that do not execute the
program (``refresh``, ``destroy``): it refuses unknown ``sparkpost:`` keys before its first SparkPost call.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env, is_config_secret

from sparkpost_tracking.dynamic_providers.errors import ConfigurationError
from sparkpost_tracking.dynamic_providers.secrets import plain_text_reason
from sparkpost_tracking.dynamic_providers.settings import (
    API_URL_CONFIG,
    CONFIG_KEYS,
    CONFIG_NAMESPACE,
    SECRET_CONFIG_KEYS,
    TUNABLES,
    camel_case,
    env_var,
    settings_from,
    unknown_key_problems,
)
from sparkpost_tracking.dynamic_providers.validation import InvalidInput, did_you_mean, validate_api_url

#: The stack program's project name, and so its config namespace.
STACK_PROJECT: Final[str] = "sparkpost-tracking"


class StackConfigError(ConfigurationError, ValueError, pulumi.RunError):
    """Every problem found in the stack config, each prefixed by its config key or path.

    A ``pulumi.RunError``: Pulumi shows the message alone, without a Python traceback.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid stack config:\n  - " + "\n  - ".join(problems))


def _key(read: Callable[[pulumi.Config, str], Any]) -> Any:
    return field(default=None, metadata={"read": read})


@dataclass(frozen=True)
class StackDefaults:
    """The stack program's project-wide settings (``sparkpost-tracking:region``, ``apiUrl``, ``dnsTtl``,
    ``verify``, ``shareCloudfrontPolicies``, ``protect``): each field is one config key, spelt in camelCase; those
    that are component arguments are defaults for every domain. Pulumi.yaml declares them for the CLI."""

    region: str | None = _key(pulumi.Config.get)
    api_url: str | None = _key(pulumi.Config.get)
    dns_ttl: int | None = _key(pulumi.Config.get_int)
    verify: bool | None = _key(pulumi.Config.get_bool)
    share_cloudfront_policies: bool | None = _key(pulumi.Config.get_bool)
    #: ``sparkpost-tracking:protect``: the one switch that turns off the protection of live chains.
    protect: bool | None = _key(pulumi.Config.get_bool)

    @classmethod
    def from_config(cls, config: pulumi.Config) -> StackDefaults:
        """The keys of ``config``'s namespace; ``apiUrl`` unset there falls back to the provider's own
        ``sparkpost:apiUrl``, so that the program's outputs name the API the provider uses."""
        values = {f.name: f.metadata["read"](config, camel_case(f.name)) for f in fields(cls)}
        if not values["api_url"]:
            namespace, _, name = API_URL_CONFIG.partition(":")
            values["api_url"] = pulumi.Config(namespace).get(name)
        return cls(**values)

    def for_args(self) -> dict[str, Any]:
        """The defaults that are set, as component arguments."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: v for k, v in values.items() if v is not None and v != ""}


#: The list of tracking domains, ``sparkpost-tracking:domains``.
DOMAINS_KEY: Final[str] = "domains"
#: Every key of the stack program's namespace.
#: The list of sending identities, ``sparkpost-tracking:sendingIdentities`` (``stack_sending``).
SENDING_IDENTITIES_KEY: Final[str] = "sendingIdentities"
STACK_KEYS: Final[tuple[str, ...]] = (DOMAINS_KEY, SENDING_IDENTITIES_KEY,
                                      *(camel_case(f.name) for f in fields(StackDefaults)))


def config_problems(config: Mapping[str, Any], is_secret: Callable[[str], bool], project: str) -> list[str]:
    """What is wrong with this package's keys in ``config`` (full keys, ``namespace:name``); pure."""
    problems = unknown_key_problems(config)
    problems += [f"{key}: {plain_text_reason(key)}"
                 for key in SECRET_CONFIG_KEYS if config.get(key) not in (None, "") and not is_secret(key)]
    for key in sorted(k for k in config if k.startswith(STACK_PROJECT + ":")):
        name = key.partition(":")[2]
        if project != STACK_PROJECT:
            problems.append(in_another_project(key, config[key], project))
        elif name not in STACK_KEYS:
            hint = did_you_mean(name, STACK_KEYS, f"{STACK_PROJECT}:")
            problems.append(f"{key}: is not a setting of the {STACK_PROJECT} stack.{hint} "
                            f"Known: {', '.join(f'{STACK_PROJECT}:{k}' for k in STACK_KEYS)}")
    try:  # the tunables' values, with the very function the provider uses
        settings_from({k: config[k] for k in CONFIG_KEYS if k in config})
    except ConfigurationError as exc:
        problems.append(str(exc))
    try:
        validate_api_url(config.get(API_URL_CONFIG) or None, API_URL_CONFIG)
    except InvalidInput as exc:
        problems.append(str(exc))
    return problems


def in_another_project(key: str, value: Any, project: str) -> str:
    """Why a key of the stack program's namespace is refused in another project, and exactly what to write instead.

    ``apiUrl`` has a twin every program reads, the provider's ``sparkpost:apiUrl``: the refusal gives the commands.
    The others are the stack program's defaults for its components: each maps to a component argument.
    """
    name = key.partition(":")[2]
    why = f"{key}: only the {STACK_PROJECT} stack program reads this namespace, and this is project {project!r}"
    if name == camel_case("api_url"):
        return (f"{why}. The SparkPost provider's own key works in every project: pulumi config rm {key} && "
                f"pulumi config set {API_URL_CONFIG} {shlex.quote(str(value))}")
    arguments = {camel_case(f.name): f.name for f in fields(StackDefaults)}
    if name in arguments:
        return f"{why}: pass it to each component instead ({arguments[name]}=...), then pulumi config rm {key}"
    return (f"{why}: declare each tracking domain in your program (e.g. ManagedTrackingDomain(...)), then "
            f"pulumi config rm {key}")


def program_config() -> dict[str, Any]:
    """The running program's config (full keys), as the Pulumi SDK holds it.

    The language host loads ``PULUMI_CONFIG`` into the SDK's config before the program starts; the variable
    itself is read only when nothing was loaded (it is JSON, and a component may be built hundreds of times).
    """
    return dict(CONFIG.get()) or get_config_env()


#: The environment variables ``settings_from`` reads.
_SETTINGS_VARIABLES: Final[tuple[str, ...]] = tuple(env_var(name) for name in TUNABLES)


def _what_is_checked(config: Mapping[str, Any], project: str) -> tuple[Any, ...]:
    """Everything ``config_problems`` reads: this package's keys, which of them are secrets, the environment."""
    ours = sorted((k, str(v)) for k, v in config.items() if k.startswith((CONFIG_NAMESPACE + ":", STACK_PROJECT + ":")))
    return (project, tuple(ours), tuple(is_config_secret(k) for k in SECRET_CONFIG_KEYS),
            tuple(map(os.environ.get, _SETTINGS_VARIABLES)))


#: What the last check found without a problem: a program of thousands of domains checks the same config for
#: each component and each ``TrackingDomain``.
_passed: list[tuple[Any, ...]] = []


def check_program_config() -> None:
    """Refuse this package's misspelt, unknown or plain-text keys in the running program's config.

    Raises ``StackConfigError`` (a ``pulumi.RunError``) listing every problem. Cheap: the components and
    ``TrackingDomain`` call it whenever one is built, and a config that passed is not checked again.
    """
    config, project = program_config(), pulumi.get_project()
    checked = _what_is_checked(config, project)
    if checked in _passed:
        return
    problems = config_problems(config, is_config_secret, project)
    if problems:
        raise StackConfigError(problems)
    _passed[:] = [checked]
