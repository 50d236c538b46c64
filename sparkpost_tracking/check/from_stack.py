"""``--from-stack``: what the current Pulumi stack's state says of its tracking domains, read with the ``pulumi`` CLI.

The chains are read from the state (``pulumi stack export``), not from one program's outputs, so it works for any
program: this repository's stack, a Python program using the components, a YAML program using the plugin.

- Each SparkPost tracking domain is a resource of one of two types: the Python dynamic resource or the plugin's
  native one. Its state gives the domain, the SparkPost account (``region``, API base, subaccount) and whether
  SparkPost manages the certificate.
- Its parent, when it is one of the components, gives the CDN (the component's type) and the CNAME target (the
  component's ``cname_target`` output). A tracking domain on its own has a target only when SparkPost manages its
  certificate (the region's host); otherwise give ``--expect-target``.

With ``--sparkpost-verify`` the stack's config is read too, for ``sparkpost:apiKey`` (decrypted by the CLI, kept in
memory, never shown).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pulumi.runtime.rpc import _special_sig_key as SECRET_MARK

from sparkpost_tracking.dynamic_providers.hosts import managed_cname_target
from sparkpost_tracking.dynamic_providers.settings import CONFIG_NAMESPACE, SECRET_CONFIG_KEYS
from sparkpost_tracking.dynamic_providers.types import PACKAGE, TRACKING_DOMAIN, package_token
from sparkpost_tracking.stack import COMPONENTS

from .options import CheckOptions, UsageError

#: The SparkPost tracking domain's types: the Python dynamic resource, and the plugin's native resource.
TRACKING_DOMAIN_TYPES: Final[frozenset[str]] = frozenset(TRACKING_DOMAIN.tokens)
#: A component's type → its CDN's name (the stack program's names, see ``sparkpost_tracking.stack``).
CDN_OF_TYPE: Final[dict[str, str]] = {package_token(cls): cdn for cdn, (_, cls) in COMPONENTS.items()}
#: Reading state or config is local (or one request to the backend): bounded all the same.
CLI_TIMEOUT = 60.0


@dataclass(frozen=True)
class StackDomain:
    domain: str
    cname_target: str | None
    cdn: str | None
    region: str | None
    api_url: str | None
    subaccount_id: int | None


def _value(props: dict[str, Any], *names: str) -> Any:
    """The first of ``names`` present (snake_case for Python resources, camelCase on the plugin's wire)."""
    for name in names:
        value = props.get(name)
        if isinstance(value, dict) and SECRET_MARK in value:  # a secret: its value is ciphertext, unknown here
            return None
        if value is not None:
            return value
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def domains_in_state(state: Any) -> list[StackDomain]:
    """Every tracking domain of an exported stack state (``pulumi stack export``), in state order."""
    resources = state.get("deployment", {}).get("resources") or [] if isinstance(state, dict) else []
    by_urn = {r.get("urn"): r for r in resources if isinstance(r, dict)}
    found: list[StackDomain] = []
    for resource in by_urn.values():
        if resource.get("type") not in TRACKING_DOMAIN_TYPES or resource.get("delete"):
            continue
        outs = {**(resource.get("inputs") or {}), **(resource.get("outputs") or {})}
        domain = _text(_value(outs, "domain"))
        if domain is None:
            continue
        region = _text(_value(outs, "region"))
        parent = by_urn.get(resource.get("parent")) or {}
        cdn = CDN_OF_TYPE.get(parent.get("type", ""))
        target = _text(_value(parent.get("outputs") or {}, "cname_target", "cnameTarget")) if cdn else None
        if target is None and _value(outs, "managed_certificate", "managedCertificate") is True:
            target = managed_cname_target(region or "us")
        subaccount = _value(outs, "subaccount_id", "subaccountId")
        found.append(StackDomain(
            domain=domain.lower(), cname_target=target, cdn=cdn, region=region,
            api_url=_text(_value(outs, "api_url", "apiUrl")),
            subaccount_id=int(subaccount) if isinstance(subaccount, int | float) else None))
    return found


def stack_domains(options: CheckOptions) -> list[StackDomain]:
    """The tracking domains of the stack (``--stack`` or the selected one); none is a usage error."""
    found = domains_in_state(_pulumi(options, "stack", "export"))
    if not found:
        raise UsageError("--from-stack: the stack holds no SparkPost tracking domain (of type "
                         f"{' or '.join(sorted(TRACKING_DOMAIN_TYPES))}); run 'pulumi up' first, or give "
                         "--expect-target")
    return found


def stack_domain(options: CheckOptions) -> StackDomain:
    """The stack's entry for ``options.domain``."""
    found = stack_domains(options)
    matches = [d for d in found if d.domain == options.domain]
    if not matches:
        raise UsageError(f"--from-stack: {options.domain} is not a tracking domain of the stack "
                         f"({', '.join(sorted({d.domain for d in found}))})")
    return matches[0]


#: The plugin's provider config holds the keys under the package's name (a YAML program's stack).
_PLUGIN_KEYS: Final[dict[str, str]] = {f"{PACKAGE}:{key.partition(':')[2]}": key for key in SECRET_CONFIG_KEYS}


def stack_config(options: CheckOptions) -> dict[str, Any]:
    """The stack's ``sparkpost:*`` config values, secrets decrypted (for the SparkPost key only); the plugin's
    ``sparkpost-tracking:apiKey``/``euApiKey`` stand in for ``sparkpost:``'s when those are not set."""
    config = _pulumi(options, "config", "--json", "--show-secrets")
    if not isinstance(config, dict):
        return {}
    values = {key: item.get("value") for key, item in config.items() if isinstance(item, dict)}
    found = {key: value for key, value in values.items() if key.startswith(CONFIG_NAMESPACE + ":")}
    for plugin_key, key in _PLUGIN_KEYS.items():
        if plugin_key in values and key not in found:
            found[key] = values[plugin_key]
    return found


#: The file that makes a directory a Pulumi project (the CLI looks for it here and in every parent).
PROJECT_FILES: Final[tuple[str, ...]] = ("Pulumi.yaml", "Pulumi.yml")


def project_directory(start: Path | None = None) -> Path | None:
    """The Pulumi project the CLI would find from ``start`` (default: here), as it searches: upwards."""
    here = (start or Path.cwd()).resolve()
    return next((d for d in (here, *here.parents) if any((d / name).is_file() for name in PROJECT_FILES)), None)


def _where_to_run() -> str:
    """What to do after a failed CLI call, that works from here. Outside a project ``--stack`` cannot help: the
    CLI needs the project for ``pulumi config`` even with a fully qualified stack name (measured, CLI 3.274)."""
    if project_directory() is None:
        return ("there is no Pulumi.yaml here or in any parent directory: cd to the stack's project directory, the "
                "one with its Pulumi.yaml, and run the check there")
    return "to check another stack of this project, give --stack NAME; 'pulumi stack ls' lists them"


def _pulumi(options: CheckOptions, *args: str) -> Any:
    cli = shutil.which("pulumi")
    if cli is None:
        raise UsageError("--from-stack: the pulumi CLI is not on PATH; install it, or give --expect-target")
    command = [cli, *args, "--non-interactive"] + (["--stack", options.stack] if options.stack else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise UsageError(f"--from-stack: 'pulumi {args[0]} {args[1]}' did not finish in {CLI_TIMEOUT:g} s") from None
    if done.returncode != 0:
        # The CLI's own message (no stack selected, not logged in ...); config values never appear in it.
        message = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise UsageError(f"--from-stack: 'pulumi {' '.join(args[:2])}' failed: {message[0]} ({_where_to_run()})")
    try:
        return json.loads(done.stdout or "null")
    except ValueError:
        raise UsageError(f"--from-stack: 'pulumi {' '.join(args[:2])}' did not print JSON") from None
