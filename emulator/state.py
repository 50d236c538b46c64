"""Everything one emulator instance holds, shared by the API, the admin API and the Python facade."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .faults import FaultPlan
from .recording import RequestLog
from .sending import SendingDomainStore
from .store import DomainStore

SETTINGS = ("default_verification", "default_certificate_eligibility", "tls_pending_reads", "latency",
            "blank_cname_after_verify", "omit_tls_status", "dns_server", "dns_timeout", "bounce_host",
            "omit_creation_time")
_FLAGS = ("blank_cname_after_verify", "omit_tls_status", "omit_creation_time")
#: The settings of sending domains: their DNS verification and the shape of their objects.
_SENDING_SETTINGS = frozenset({"dns_server", "dns_timeout", "bounce_host", "omit_creation_time"})


@dataclass
class EmulatorState:
    """The tracking and sending domains, the pending faults and the request log of one emulator."""

    store: DomainStore = field(default_factory=DomainStore)
    faults: FaultPlan = field(default_factory=FaultPlan)
    log: RequestLog = field(default_factory=RequestLog)
    sending: SendingDomainStore = field(init=False)

    def __post_init__(self) -> None:
        self.sending = SendingDomainStore(self.store.scope_of)

    def reset(self) -> None:
        """Back to a fresh start: no domains, per-domain outcomes, faults or requests; default settings."""
        self.store.reset()
        self.sending.reset()
        self.faults.clear()
        self.log.clear()

    def settings(self) -> dict[str, Any]:
        return {name: getattr(self._owner(name), name) for name in SETTINGS}

    def update_settings(self, values: dict[str, Any]) -> dict[str, Any]:
        """Apply some of :data:`SETTINGS`; ``ValueError`` on an unknown name or bad value (then no change)."""
        unknown = set(values) - set(SETTINGS)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        for flag in _FLAGS:
            if flag in values and not isinstance(values[flag], bool):
                raise ValueError(f"{flag} must be a bool")
        previous = self.settings()
        try:
            for name, value in values.items():
                setattr(self._owner(name), name, value)
        except ValueError:
            for name, value in previous.items():
                setattr(self._owner(name), name, value)
            raise
        return self.settings()

    def _owner(self, name: str) -> object:
        if name in _SENDING_SETTINGS:
            return self.sending
        return self.faults if name == "latency" else self.store
