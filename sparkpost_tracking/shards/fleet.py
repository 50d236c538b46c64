"""The fleet file: every tracking domain of a platform, and how they are split into stacks.

One YAML (or JSON) file holds what one stack's config would, for all of them::

    project: .                    # the stack project: Pulumi.yaml of project sparkpost-tracking (default: here)
    backend: file://./state       # where the stacks' state lives (default: $PULUMI_BACKEND_URL)
    shards:
      by: subaccount              # subaccount (default) or hash
      count: 3                    # hash: required; subaccount: optional (default: one stack per subaccount)
      prefix: fleet               # stack names: fleet-0, fleet-1 ... or fleet-primary, fleet-sub42
    config:                       # stack config every shard gets (not secrets: keys come from the environment)
      sparkpost-tracking:region: us
    domains:                      # entries of sparkpost-tracking:domains (docs/components.md)
      - {domain: track.brand-a.example, cdn: managed, subaccountId: 42}

A relative ``project`` or ``file://`` backend is relative to the fleet file.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from sparkpost_tracking.dynamic_providers.errors import UserError

SHARD_KEYS: Final[dict[str, str]] = {
    "subaccount": "each subaccount's domains stay in one stack (a customer per subaccount moves as one)",
    "hash": "a stable hash of the domain name spreads domains evenly over `count` stacks",
}
TOP_KEYS: Final[tuple[str, ...]] = ("project", "backend", "shards", "config", "domains")
#: A stack name the CLI accepts (letters, digits, '-', '_', '.').
_STACK_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: Config that a fleet may not set: the SparkPost keys are secrets, and come from the environment.
_SECRET_SUFFIX: Final[str] = "apikey"


class FleetError(UserError, ValueError):
    """The fleet file is not usable; the message names the key and says what to write."""


@dataclass(frozen=True)
class Sharding:
    by: str = "subaccount"
    count: int | None = None
    prefix: str = "fleet"


@dataclass(frozen=True)
class Fleet:
    path: Path
    project: Path
    backend: str | None
    sharding: Sharding
    config: dict[str, Any] = field(default_factory=dict)
    domains: list[dict[str, Any]] = field(default_factory=list)


def _fail(key: str, reason: str) -> FleetError:
    return FleetError(f"fleet file: {key}: {reason}")


def _sharding(value: Any) -> Sharding:
    if value is None:
        return Sharding()
    if not isinstance(value, dict):
        raise _fail("shards", f"must be an object {{by, count, prefix}}, got {value!r}")
    unknown = sorted(set(value) - {"by", "count", "prefix"})
    if unknown:
        raise _fail(f"shards.{unknown[0]}", "is not a setting; use by, count and prefix")
    by = value.get("by", "subaccount")
    if by not in SHARD_KEYS:
        raise _fail("shards.by", f"must be one of {', '.join(SHARD_KEYS)}, got {by!r}")
    count = value.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise _fail("shards.count", f"must be a whole number of stacks, at least 1, got {count!r}")
    if by == "hash" and count is None:
        raise _fail("shards.count", "is required with by: hash (the number of stacks; keep it fixed, since a "
                                    "new count moves domains between stacks)")
    prefix = value.get("prefix", "fleet")
    if not isinstance(prefix, str) or not _STACK_NAME.match(prefix):
        raise _fail("shards.prefix", f"must start a stack name (letters, digits, '-', '_', '.'), got {prefix!r}")
    return Sharding(by, count, prefix)


def _config(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail("config", f"must be an object of stack config keys, got {value!r}")
    for key in value:
        if not isinstance(key, str) or ":" not in key:
            raise _fail(f"config.{key}", "must be a full config key, namespace:name (e.g. sparkpost-tracking:region)")
        if key.lower().endswith(_SECRET_SUFFIX):
            raise _fail(f"config.{key}", "is a secret and does not belong in a file: set SPARKPOST_API_KEY (or "
                                         "SPARKPOST_EU_API_KEY) in the environment of every shard's run")
        if key.endswith(":domains"):
            raise _fail(f"config.{key}", "the domains are the fleet's top-level 'domains' list")
    return dict(value)


def read_fleet(path: Path, environ: dict[str, str] | None = None) -> Fleet:
    """Parse and check the fleet file (not its domains: ``plan`` validates those, all at once)."""
    env = os.environ if environ is None else environ
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FleetError(f"fleet file {path}: {exc.strerror}") from None
    try:
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise FleetError(f"fleet file {path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}") \
            from None
    if not isinstance(document, dict):
        raise FleetError(f"fleet file {path}: must be an object with {', '.join(TOP_KEYS)}")
    unknown = sorted(set(document) - set(TOP_KEYS))
    if unknown:
        raise _fail(unknown[0], f"is not a fleet setting; the settings are {', '.join(TOP_KEYS)}")
    base = path.resolve().parent
    project = base / str(document.get("project") or ".")
    if not (project / "Pulumi.yaml").is_file():
        raise _fail("project", f"{project} has no Pulumi.yaml: point it at the stack project (a copy of this "
                               "repository's Pulumi.yaml and __main__.py)")
    backend = document.get("backend") or env.get("PULUMI_BACKEND_URL")
    if backend is None:
        raise _fail("backend", "is required (or set PULUMI_BACKEND_URL), e.g. file://./state or s3://bucket/path")
    backend = str(backend)
    if backend.startswith("file://") and not backend.startswith("file:///") and not backend.startswith("file://~"):
        backend = f"file://{(base / backend.removeprefix('file://')).resolve()}"
    domains = document.get("domains")
    if not isinstance(domains, list) or not domains:
        raise _fail("domains", "must be a non-empty list of tracking domains, e.g. "
                               "[{domain: track.example.com, cdn: managed}]")
    return Fleet(path=path, project=project, backend=backend, sharding=_sharding(document.get("shards")),
                 config=_config(document.get("config")), domains=domains)
