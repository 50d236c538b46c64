"""Which stack each domain of the fleet goes to.

The whole fleet is validated first, as one stack's config would be (``stack.plan_domains``): the checks that span
domains (a domain or resource name declared twice, two defaults in one account or subaccount, a sending domain
under two tracking domains) hold across stacks too. Then each domain gets its stack:

- ``by: subaccount``: the SparkPost account (region or API base) and subaccount decide. Without ``count`` each
  gets its own stack (``<prefix>-<region>-primary``, ``<prefix>-<region>-sub<id>``); with ``count`` they are
  spread over ``<prefix>-0`` ... by a stable hash of the account and subaccount, so a customer never spans stacks.
- ``by: hash``: a stable hash of the domain name (SHA-256, not Python's per-process ``hash``) modulo ``count``.

The same file always gives the same stacks, on any machine: shards are independent CI jobs.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any

from sparkpost_tracking.config import STACK_PROJECT, StackDefaults
from sparkpost_tracking.dynamic_providers.hosts import effective_api_base
from sparkpost_tracking.dynamic_providers.settings import camel_case
from sparkpost_tracking.stack import plan_domains

from .fleet import Fleet, Sharding


@dataclass(frozen=True)
class Shard:
    stack: str
    #: The fleet's entries for this stack, as written, in the fleet's order; none for a stack the backend holds
    #: but the fleet no longer fills (``orphaned``).
    domains: tuple[dict[str, Any], ...]

    @property
    def orphaned(self) -> bool:
        return not self.domains


#: What an orphaned stack's review and check say, and why ``up`` refuses it.
ORPHANED = ("the fleet lists none of this stack's domains any more, and an up would delete them all (links in mail "
            "already sent break): give them back to the fleet, or retire them deliberately (docs/retiring.md) and "
            "remove the stack")


def bucket(key: str, count: int) -> int:
    """A stable bucket in ``range(count)`` for ``key``."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % count


def stack_name(sharding: Sharding, domain: str, region: str, api_base: str, subaccount_id: int | None) -> str:
    if sharding.by == "hash":
        assert sharding.count is not None  # read_fleet requires it
        return f"{sharding.prefix}-{bucket(domain, sharding.count)}"
    if sharding.count is not None:
        return f"{sharding.prefix}-{bucket(f'{api_base} {subaccount_id or 0}', sharding.count)}"
    return f"{sharding.prefix}-{region}-{f'sub{subaccount_id}' if subaccount_id else 'primary'}"


def defaults_of(fleet: Fleet) -> StackDefaults:
    """The project-wide defaults the fleet's ``config`` sets (``sparkpost-tracking:region`` ...)."""
    values = {f.name: fleet.config.get(f"{STACK_PROJECT}:{camel_case(f.name)}") for f in fields(StackDefaults)}
    return StackDefaults(**values)


def plan(fleet: Fleet) -> list[Shard]:
    """Every stack of the fleet with its domains, by stack name; raises ``StackConfigError`` for a bad domain."""
    plans = plan_domains(fleet.domains, defaults_of(fleet))
    by_stack: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry, domain in zip(fleet.domains, plans, strict=True):
        common = domain.common
        api_base = effective_api_base(common.region, common.api_url)
        by_stack[stack_name(fleet.sharding, common.domain, common.region, api_base, common.subaccount_id)].append(
            entry)
    return [Shard(stack, tuple(entries)) for stack, entries in sorted(by_stack.items())]


def with_existing(shards: list[Shard], existing: list[str]) -> list[Shard]:
    """The planned shards and, without domains, every stack of the fleet that the backend holds beyond them."""
    planned = {s.stack for s in shards}
    return sorted([*shards, *(Shard(name, ()) for name in existing if name not in planned)], key=lambda s: s.stack)


def shard_named(shards: list[Shard], stack: str) -> Shard:
    for shard in shards:
        if shard.stack == stack:
            return shard
    raise LookupError(f"--shard {stack}: the fleet has no such stack; its stacks are "
                      f"{', '.join(s.stack for s in shards)} (sparkpost-tracking shards list)")
