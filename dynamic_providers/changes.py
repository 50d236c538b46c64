"""What a change of inputs means for a SparkPost resource: pure functions, no API calls.

Each property's ``Change`` rule (declared in ``schema``) decides: for a tracking domain, a new name, owner or
account replaces it, ``secure``/``default``/``verify`` are updated in place, ``adopt_existing`` lives only in
state; for an association, a new sending domain or owner replaces it and a new tracking domain is an update.
Besides what the inputs say, state refreshed from SparkPost may show drift the next ``up`` must repair:
``secure`` and ``default`` are compared as observed; a declared verification or managed certificate that
SparkPost no longer reports (or reports failed, expired or with an error code) is listed in ``drifted``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .hosts import effective_api_base
from .schema import TRACKING_DOMAIN, Change, Schema
from .validation import is_unknown


@dataclass(frozen=True)
class Changes:
    changed: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    drifted: list[str] = field(default_factory=list)
    """Inputs whose declared outcome SparkPost no longer shows: an update (never a replace) repairs them."""

    @property
    def any(self) -> bool:
        return bool(self.changed or self.drifted)


def _value(schema: Schema, props: Mapping[str, Any], key: str) -> Any:
    value = props.get(key)
    return schema.inputs[key].default if value is None else value


def _api_base(props: Mapping[str, Any]) -> Any:
    region, api_url = props.get("region"), props.get("api_url")
    if is_unknown(region) or is_unknown(api_url):
        return region if is_unknown(region) else api_url
    return effective_api_base(region, api_url)


def _replaces(schema: Schema, key: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether this (changed) key replaces the resource. Unknown new values replace: we cannot prove them equal."""
    rule = schema.inputs[key].change
    if rule is Change.REPLACE:
        return True
    if rule is Change.ENDPOINT:
        new_base = _api_base(news)
        return is_unknown(new_base) or _api_base(olds) != new_base
    if rule is Change.ONE_WAY:
        return is_unknown(news.get(key)) or bool(_value(schema, olds, key))
    return False


def compute_changes(olds: Mapping[str, Any], news: Mapping[str, Any], schema: Schema = TRACKING_DOMAIN) -> Changes:
    """Compare state (``olds``, the old outputs) with checked inputs (``news``).

    ``__provider`` is not an input: a difference only in the serialized provider is no change.
    """
    changed: list[str] = []
    replaces: list[str] = []
    for key in schema.inputs:
        new = news.get(key)
        # News are checked (host names lower-case), and state holds what an earlier check produced.
        if is_unknown(new) or _value(schema, olds, key) != _value(schema, news, key):
            changed.append(key)
            if _replaces(schema, key, olds, news):
                replaces.append(key)
    return Changes(changed=changed, replaces=replaces, drifted=_drift(olds, news, changed))


def _drift(olds: Mapping[str, Any], news: Mapping[str, Any], changed: list[str]) -> list[str]:
    """Declared outcomes that refreshed state contradicts (``False`` observed, not merely absent)."""
    def declared(key: str) -> bool:
        return key not in changed and news.get(key) is True

    drifted: list[str] = []
    wants_verified = declared("verify") or declared("managed_certificate") or (
        "default" not in changed and news.get("default") is True)
    if wants_verified and olds.get("verified") is False:
        drifted.append("verify")
    # A certificate that failed (with or without an error code) or expired: the next up requests it again.
    certificate_failed = olds.get("tls_status") in ("failed", "expired") or (
        bool(olds.get("certificate_error")) and olds.get("tls_status") != "valid")
    if declared("managed_certificate") and (olds.get("uses_managed_certificate") is False or certificate_failed):
        drifted.append("managed_certificate")
    return drifted
