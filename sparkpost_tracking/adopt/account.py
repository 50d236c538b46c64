"""What the account holds, read with one listing of each kind, and the part of it a run selects.

SparkPost answers a list call without ``X-MSYS-SUBACCOUNT`` with the primary account's objects and every
subaccount's (``subaccount_id`` names the owner), so two GETs read a whole account, however many subaccounts
it has. Selection happens here, on what was read: it costs no request.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.dynamic_providers.client import SparkPostClient

#: The scope number of the primary account (as SparkPost's ``X-MSYS-SUBACCOUNT: 0`` names it).
PRIMARY = 0


@dataclass(frozen=True)
class FoundDomain:
    """One tracking domain as the list call shows it."""

    domain: str
    subaccount_id: int | None
    secure: bool
    default: bool
    verified: bool
    uses_managed_certificate: bool
    #: SparkPost's object as listed: what the core reads of it (``lifecycle.observed_from_api``) says what a
    #: declaration of it sends on the first ``up`` (``writes``). Its owner is the one read (``subaccount_id``):
    #: a primary-account domain listed with ``subaccount_id: 0`` is declared without one, as the check requires.
    reported: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> FoundDomain:
        status = item.get("status") or {}
        owner = _owner(item)
        return cls(domain=str(item.get("domain") or "").strip().lower(),
                   subaccount_id=owner,
                   secure=bool(item.get("secure")),
                   default=bool(item.get("default")),
                   verified=bool(status.get("verified")),
                   uses_managed_certificate=bool(item.get("uses_managed_certificate")),
                   reported={**item, "subaccount_id": owner})

    @property
    def scope(self) -> int:
        return self.subaccount_id or PRIMARY


@dataclass(frozen=True)
class FoundSending:
    """One sending domain and the tracking domain it names ("" when none)."""

    domain: str
    subaccount_id: int | None
    tracking_domain: str
    #: SparkPost's object as listed (what the core reads of it, ``sending_domains.observed_from_api``).
    reported: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> FoundSending:
        owner = _owner(item)
        return cls(domain=str(item.get("domain") or "").strip().lower(), subaccount_id=owner,
                   tracking_domain=str(item.get("tracking_domain") or "").strip().lower(),
                   reported={**item, "subaccount_id": owner})

    @property
    def scope(self) -> int:
        return self.subaccount_id or PRIMARY


@dataclass(frozen=True)
class Account:
    domains: tuple[FoundDomain, ...]
    sending: tuple[FoundSending, ...]
    #: Why the sending domains could not be read (a key without the Sending Domains grant), if so.
    sending_error: str | None = None


def read_account(client: SparkPostClient) -> Account:
    """The whole account: one ``GET /tracking-domains`` and one ``GET /sending-domains``.

    A key may hold the Tracking Domains grant alone: then the domains are still adopted, and the associations
    are reported as not read (never as absent, which would be a guess).
    """
    domains = tuple(FoundDomain.from_api(item) for item in client.list_domains())
    try:
        sending = tuple(FoundSending.from_api(item) for item in client.list_sending_domains())
    except errors.Forbidden as exc:
        return Account(domains, (), f"SparkPost refused to list sending domains (HTTP {exc.status}: {exc.detail}); "
                                    "give the key the Sending Domains grant and import again")
    return Account(domains, sending)


@dataclass(frozen=True)
class Selection:
    """``--domains`` patterns and ``--subaccount`` scopes; empty means everything."""

    patterns: tuple[str, ...] = ()
    scopes: frozenset[int] = frozenset()

    def takes(self, domain: str, scope: int) -> bool:
        return ((not self.patterns or any(fnmatch.fnmatchcase(domain, p) for p in self.patterns))
                and (not self.scopes or scope in self.scopes))

    def of(self, domains: Iterable[FoundDomain]) -> list[FoundDomain]:
        return [d for d in domains if self.takes(d.domain, d.scope)]


def _owner(item: Mapping[str, Any]) -> int | None:
    value = item.get("subaccount_id")
    # JSON may carry the id as 12.0; 0 is SparkPost's name for the primary account.
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) and value else None
