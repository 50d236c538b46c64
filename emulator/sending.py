"""Sending domains, as far as the tracking-domain association needs them.

SparkPost wraps a message's links with the tracking domain its sending domain names (``PUT
/sending-domains/{domain}`` with ``{"tracking_domain": ...}``; ``""`` removes it). Both must belong to the
same account or subaccount; naming a tracking domain that is not registered there answers 400 with code 1200.
The emulator never creates sending domains through the API: they are seeded out of band (``Control``, or
``--sending-domain`` on the command line), as they are verified by hand in SparkPost.

Choices where SparkPost's documentation is silent: deleting a tracking domain clears the associations that
named it; the tracking domain need not be verified to be associated.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import errors
from .errors import ApiError
from .store import PRIMARY
from .validation import is_valid_domain


@dataclass
class SendingDomain:
    domain: str
    subaccount_id: int | None = None
    tracking_domain: str = ""

    @property
    def scope(self) -> int:
        return self.subaccount_id or PRIMARY

    def to_api(self) -> dict[str, Any]:
        """The fields of ``GET /sending-domains/{domain}`` that matter here (``tracking_domain`` only when set)."""
        body: dict[str, Any] = {"domain": self.domain, "shared_with_subaccounts": False,
                                "status": {"ownership_verified": True, "dkim_status": "valid"}}
        if self.tracking_domain:
            body["tracking_domain"] = self.tracking_domain
        if self.subaccount_id is not None:
            body["subaccount_id"] = self.subaccount_id
        return body


def not_registered(tracking_domain: str) -> ApiError:
    error = ApiError(400, "invalid params")
    error.errors[0].update(description=f"Tracking domain '{tracking_domain}' is not a registered tracking domain",
                           code="1200")
    return error


class SendingDomainStore:
    """The account's sending domains; ``tracking_scope(name)`` tells which scope owns a tracking domain."""

    def __init__(self, tracking_scope: Callable[[str], int | None]) -> None:
        self._lock = threading.RLock()
        self._domains: dict[str, SendingDomain] = {}
        self._tracking_scope = tracking_scope

    # ---- API operations ------------------------------------------------------------------------

    def retrieve(self, domain: str, *, viewer: int | None) -> dict[str, Any]:
        with self._lock:
            return self._visible(domain, viewer).to_api()

    def list_domains(self, *, viewer: int | None) -> list[dict[str, Any]]:
        """``GET /sending-domains``: without the header every scope's domains, else the one scope's."""
        with self._lock:
            return [record.to_api() for record in self._domains.values()
                    if viewer is None or record.scope == viewer]

    def set_tracking_domain(self, domain: str, tracking_domain: Any, *, scope: int) -> str:
        """``PUT`` with ``tracking_domain``: a registered tracking domain of the same scope, or ``""``."""
        if not isinstance(tracking_domain, str):
            raise ApiError(422, "tracking_domain must be a string", param="tracking_domain", value=tracking_domain)
        name = tracking_domain.strip().lower()
        with self._lock:
            record = self._visible(domain, scope)
            if name and self._tracking_scope(name) != record.scope:
                raise not_registered(tracking_domain)
            record.tracking_domain = name
            return record.domain

    # ---- out-of-band operations ----------------------------------------------------------------

    def add(self, domain: str, subaccount_id: int | None = None, tracking_domain: str = "") -> dict[str, Any]:
        if not isinstance(domain, str) or not is_valid_domain(domain):
            raise ValueError(f"invalid domain name {domain!r}")
        if subaccount_id is not None and (isinstance(subaccount_id, bool) or not isinstance(subaccount_id, int)
                                          or subaccount_id < 0):
            raise ValueError(f"subaccount_id must be an int >= 0; got {subaccount_id!r}")
        key = domain.lower()
        with self._lock:
            if key in self._domains:
                raise ValueError(f"sending domain {key} already exists")
            record = SendingDomain(key, subaccount_id or None, tracking_domain.lower())
            self._domains[key] = record
            return record.to_api()

    def associate(self, domain: str, tracking_domain: str) -> dict[str, Any]:
        """Change an association out of band (``""`` removes it); ``KeyError`` for an unknown sending domain."""
        with self._lock:
            record = self._domains[domain.lower()]
            record.tracking_domain = tracking_domain.lower()
            return record.to_api()

    def forget_tracking_domain(self, tracking_domain: str) -> None:
        """A tracking domain was deleted: the associations that named it are cleared."""
        with self._lock:
            for record in self._domains.values():
                if record.tracking_domain == tracking_domain.lower():
                    record.tracking_domain = ""

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [record.to_api() for record in self._domains.values()]

    def peek(self, domain: str) -> dict[str, Any] | None:
        with self._lock:
            record = self._domains.get(domain.lower())
            return None if record is None else record.to_api()

    def reset(self) -> None:
        with self._lock:
            self._domains.clear()

    def _visible(self, domain: str, viewer: int | None) -> SendingDomain:
        record = self._domains.get(domain.lower())
        if record is None or (viewer is not None and record.scope != viewer):
            raise errors.not_found()
        return record
