"""The SparkPost step: SparkPost's own verification of the domain (it requests the chain itself), with a key.

The key comes from where the provider takes it (stack config ``sparkpost:apiKey`` / ``sparkpost:euApiKey``
with ``--from-stack``, else ``SPARKPOST_API_KEY`` / ``SPARKPOST_EU_API_KEY``) and never reaches the report:
the client redacts it, and only SparkPost's status fields and error messages are shown.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.dynamic_providers.certificate_errors import (
    certificate_error_code,
    fix_for,
    issuance_failure,
    not_issued,
)
from sparkpost_tracking.dynamic_providers.client import SparkPostClient
from sparkpost_tracking.dynamic_providers.hosts import DEFAULT_REGION, effective_api_base
from sparkpost_tracking.dynamic_providers.settings import settings_from

from .result import StepResult, failed, passed

STEP = "sparkpost"
#: The ``tls_status`` values after which the step reads the domain, for the managed certificate's error code.
CERTIFICATE_TROUBLE = ("failed", "expired", "pending")


@dataclasses.dataclass(frozen=True)
class Account:
    """Where the domain lives in SparkPost."""

    region: str = DEFAULT_REGION
    api_url: str | None = None
    subaccount_id: int | None = None

    @property
    def api_base(self) -> str:
        return effective_api_base(self.region, self.api_url)

    def scope(self) -> str:
        return f"{self.api_base}" + (f", subaccount {self.subaccount_id}" if self.subaccount_id else "")


def open_client(step: str, account: Account, config: Mapping[str, Any], timeout: float,
                environ: Mapping[str, str] | None = None) -> SparkPostClient | StepResult:
    """A client for ``account`` with the provider's key and settings, one retry at most and ``timeout`` to connect;
    or the failed row of ``step`` that says which setting or key is missing."""
    env = os.environ if environ is None else environ
    try:
        settings = settings_from(config, env)
    except errors.ConfigurationError as exc:
        return failed(step, str(exc), "bad_setting", "fix or unset that setting")
    try:
        key = settings.api_key(account.region, env)
    except errors.ConfigurationError as exc:
        return failed(step, str(exc), "no_key", "export the key in the environment (or use --from-stack); "
                      "never pass it on a command line")
    policy = dataclasses.replace(settings.retry_policy, attempts=1, connect_timeout=timeout,
                                 total_seconds=settings.request_timeout * 2)
    return SparkPostClient(account.api_base, key, subaccount_id=account.subaccount_id, policy=policy)


def api_failure(step: str, exc: errors.SparkPostTrackingError, account: Account, grant: str) -> StepResult:
    """The failed row of ``step`` for an answer every call can get: a refused key (it needs ``grant``), another
    API error, or no answer."""
    if isinstance(exc, (errors.Unauthorized, errors.Forbidden)):
        return failed(step, f"SparkPost refused the key (HTTP {exc.status}): {exc.detail}", "unauthorized",
                      f"use a key of this account and region with the {grant} grant")
    if isinstance(exc, errors.SparkPostAPIError):
        return failed(step, f"SparkPost answered HTTP {exc.status}: {exc.detail}", "api_error",
                      "try again later; SparkPost's status page tells of outages")
    return failed(step, str(exc), "unreachable", f"check the network path to {account.api_base}")


def check_sparkpost(domain: str, account: Account, config: Mapping[str, Any], timeout: float,
                    environ: Mapping[str, str] | None = None) -> StepResult:
    """POST .../verify once (and once more on a lost answer): SparkPost re-runs its request through the chain."""
    opened = open_client(STEP, account, config, timeout, environ)
    if isinstance(opened, StepResult):
        return opened
    found: Mapping[str, Any] | None = None
    try:
        with opened as client:
            status = client.verify_domain(domain)
            if status.get("tls_status") in CERTIFICATE_TROUBLE:  # one more call, only to name what went wrong
                found = client.get_domain(domain)
    except errors.BadRequest as exc:
        return failed(STEP, f"SparkPost's verify failed: {exc.detail}", "verify_failed",
                      "SparkPost's own request through the chain failed: fix the failed steps above first")
    except errors.NotFound:
        return failed(STEP, f"{domain} is not a tracking domain of {account.scope()}", "not_found",
                      "create it (pulumi up), or give the right --region/--api-url/--subaccount")
    except (errors.SparkPostAPIError, errors.TransportError) as exc:
        return api_failure(STEP, exc, account, "Tracking Domains: Read/Write")
    facts = {key_: status.get(key_) for key_ in ("verified", "cname_status", "compliance_status", "tls_status")}
    shown = ", ".join(f"{k} {v}" for k, v in facts.items() if k != "verified" and v not in (None, ""))
    if status.get("verified") and found is not None:
        trouble = _certificate_trouble(domain, found, facts)
        if trouble is not None:
            return trouble
    if status.get("verified"):
        return passed(STEP, f"verified by SparkPost ({shown})" if shown else "verified by SparkPost", **facts)
    return failed(STEP, f"SparkPost reports the domain unverified ({shown or 'no status'})", "unverified",
                  "SparkPost could not confirm the chain yet: fix the failed steps above, then check again", **facts)


def _certificate_trouble(domain: str, found: Mapping[str, Any], facts: dict[str, Any]) -> StepResult | None:
    """A managed certificate SparkPost could not issue (with its error code's fix) or that expired; else None."""
    code = certificate_error_code(found)
    facts = {**facts, "certificate_error": code,
             "certificate_expires_at": (found.get("tls_certificate") or {}).get("expires_at")}
    if code is not None and issuance_failure(domain, found) is not None:
        return failed(STEP, not_issued(domain, code), "certificate_failed", fix_for(code, domain), **facts)
    if facts["tls_status"] in ("failed", "expired"):
        return failed(STEP, f"verified, but SparkPost's managed certificate is {facts['tls_status']}",
                      f"certificate_{facts['tls_status']}",
                      "run 'pulumi up' to request it again; SparkPost renews a valid certificate itself", **facts)
    return None
