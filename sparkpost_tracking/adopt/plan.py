"""The checks of an import: what is adopted as it is, what is adopted with a warning, and what is reported and
left out. Nothing is guessed: an object this library cannot declare as SparkPost shows it is left out, named,
with the reason and what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sparkpost_tracking.dynamic_providers.validation import InvalidInput, validate_domain, validate_hostname

from .account import Account, FoundDomain, FoundSending, Selection

#: The subject of a finding about the sending-domain list as a whole.
ALL_SENDING = "sending domains"


@dataclass(frozen=True)
class Finding:
    """Something the user must read: ``left_out`` (not written) or a warning about what was written."""

    domain: str
    subaccount_id: int | None
    message: str
    left_out: bool = True
    #: The SparkPost calls the first ``up`` sends for it (``writes``), when the finding announces them.
    writes: tuple[str, ...] = ()

    def where(self) -> str:
        return "every scope" if self.domain == ALL_SENDING else where(self.subaccount_id)


def where(subaccount_id: int | None) -> str:
    return f"subaccount {subaccount_id}" if subaccount_id else "primary account"


@dataclass
class Plan:
    domains: list[FoundDomain] = field(default_factory=list)
    associations: list[FoundSending] = field(default_factory=list)
    #: The sending domains themselves: those the selection takes by name and scope, and those of its associations.
    sending_domains: list[FoundSending] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def left_out(self) -> list[Finding]:
        return [f for f in self.findings if f.left_out]


def _name_problem(domain: str, validate: Callable[[Any, str], str]) -> str | None:
    try:
        validate(domain, "domain")
    except InvalidInput as exc:
        return exc.reason
    return None


def plan_import(account: Account, selection: Selection) -> Plan:
    """Every selected tracking domain, every association that names one of them, and every selected sending domain
    (by its own name and scope, or as the sending domain of such an association)."""
    plan = Plan()
    adopted: set[str] = set()
    known = {d.domain: d for d in account.domains}
    for found in sorted(selection.of(account.domains), key=lambda d: (d.scope, d.domain)):
        problem = _name_problem(found.domain, validate_domain)
        if problem is not None:
            plan.findings.append(Finding(found.domain, found.subaccount_id,
                                         f"not a tracking domain this library can declare ({problem}); manage it "
                                         "in SparkPost, or rename it there"))
            continue
        plan.domains.append(found)
        adopted.add(found.domain)
    if account.sending_error:
        plan.findings.append(Finding(ALL_SENDING, None, f"associations not read: {account.sending_error}"))
    for sending in sorted(account.sending, key=lambda s: (s.scope, s.domain)):
        if not sending.tracking_domain:
            continue
        tracking = known.get(sending.tracking_domain)
        owner = (tracking.domain, tracking.scope) if tracking else (sending.tracking_domain, sending.scope)
        if not selection.takes(*owner):
            continue  # it goes with its tracking domain, which another run (another stack) selects
        problem = _association_problem(sending, tracking, adopted)
        if problem is not None:
            plan.findings.append(Finding(sending.domain, sending.subaccount_id,
                                         f"association with {sending.tracking_domain}: {problem}"))
            continue
        plan.associations.append(sending)
    associated = {s.domain for s in plan.associations}
    for sending in sorted(account.sending, key=lambda s: (s.scope, s.domain)):
        if sending.domain not in associated and not selection.takes(sending.domain, sending.scope):
            continue
        problem = _name_problem(sending.domain, validate_hostname)
        if problem is not None:
            plan.findings.append(Finding(sending.domain, sending.subaccount_id,
                                         f"not a sending domain this library can declare ({problem}); manage it in "
                                         "SparkPost"))
            continue
        plan.sending_domains.append(sending)
    return plan


def _association_problem(sending: FoundSending, tracking: FoundDomain | None, adopted: set[str]) -> str | None:
    if tracking is None:
        return ("the account's list shows no such tracking domain; fix the association in SparkPost (or remove it), "
                "then import again")
    if tracking.scope != sending.scope:
        return (f"the tracking domain belongs to the {where(tracking.subaccount_id)} and the sending domain to the "
                f"{where(sending.subaccount_id)}; SparkPost associates domains of one "
                "scope only: fix it in SparkPost, then import again")
    if tracking.domain not in adopted:
        return "its tracking domain is left out (see above)"
    problem = _name_problem(sending.domain, validate_hostname)
    if problem is not None:
        return f"the sending domain's name cannot be declared ({problem})"
    return None
