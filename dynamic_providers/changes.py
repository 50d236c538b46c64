"""What a change of inputs means for a tracking domain: pure functions, no API calls.

SparkPost cannot rename a domain, move it between subaccounts or accounts, or take a managed
certificate back (spec §1.4, §1.6), so those changes replace the resource; ``secure`` and
``default`` are updated in place. Everything else only lives in state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .endpoints import effective_api_base
from .validation import INPUT_DEFAULTS, INPUT_KEYS, is_unknown


@dataclass(frozen=True)
class Changes:
    changed: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.changed)


def _value(props: Mapping[str, Any], key: str) -> Any:
    value = props.get(key)
    return INPUT_DEFAULTS[key] if value is None else value


def _api_base(props: Mapping[str, Any]) -> Any:
    region, api_url = props.get("region"), props.get("api_url")
    if is_unknown(region) or is_unknown(api_url):
        return region if is_unknown(region) else api_url
    return effective_api_base(region, api_url)


def compute_changes(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Changes:
    """Compare state (``olds``, the old outputs) with checked inputs (``news``).

    ``__provider`` never counts: a difference only in the serialized provider is no change. An
    unknown new value of a replacing key counts as a replace (we cannot prove it equal).
    """
    changed: list[str] = []
    replaces: list[str] = []

    def mark(key: str, replace: bool) -> None:
        changed.append(key)
        if replace:
            replaces.append(key)

    old_domain, new_domain = _value(olds, "domain"), _value(news, "domain")
    if is_unknown(new_domain) or str(old_domain).lower() != str(new_domain).lower():
        mark("domain", True)
    for key in ("subaccount_id",):
        if is_unknown(news.get(key)) or _value(olds, key) != _value(news, key):
            mark(key, True)
    old_base, new_base = _api_base(olds), _api_base(news)
    for key in ("region", "api_url"):
        if is_unknown(news.get(key)) or _value(olds, key) != _value(news, key):
            # A different spelling of the same API base is a state-only update; another base replaces.
            mark(key, is_unknown(new_base) or old_base != new_base)
    old_managed, new_managed = _value(olds, "managed_certificate"), _value(news, "managed_certificate")
    if is_unknown(new_managed) or old_managed != new_managed:
        # There is no disable endpoint: dropping a managed certificate means deleting the domain.
        mark("managed_certificate", is_unknown(new_managed) or bool(old_managed))
    for key in sorted(INPUT_KEYS - {"domain", "subaccount_id", "region", "api_url", "managed_certificate"}):
        if is_unknown(news.get(key)) or _value(olds, key) != _value(news, key):
            mark(key, False)
    return Changes(changed=changed, replaces=replaces)
