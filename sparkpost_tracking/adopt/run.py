"""One ``import`` run: read the account (two GETs), plan, write the files, report.

Exit codes: 0 every selected object was written; 1 written, but something was left out (the report names it and
says why); 2 nothing written (a usage error, no key, SparkPost refused or could not be reached).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.dynamic_providers.client import SparkPostClient
from sparkpost_tracking.dynamic_providers.hosts import DEFAULT_REGION, effective_api_base
from sparkpost_tracking.dynamic_providers.settings import API_KEY_ENV, region_key_names, settings_from

from .account import Selection, read_account
from .bulk_file import OutFileError, announcements, bulk_import, check_replaceable
from .cdn_inference import infer_cdns
from .files import write_replacing
from .options import ImportOptions
from .plan import Finding, Plan, plan_import
from .stack_config import StackFileError, merge, stack_entries

FAILED = 2


@dataclass
class Report:
    api_base: str
    domains: int = 0
    associations: int = 0
    sending_domains: int = 0
    stack_entries: int = 0
    findings: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def exit_code(self) -> int:
        if self.error:
            return FAILED
        return 1 if any(f.left_out for f in self.findings) else 0

    def to_json(self) -> dict[str, Any]:
        return {"api_base": self.api_base, "domains": self.domains, "associations": self.associations,
                "sending_domains": self.sending_domains, "stack_entries": self.stack_entries, "written": self.written,
                "seconds": round(self.seconds, 3), "error": self.error,
                "findings": [{"domain": f.domain, "subaccount_id": f.subaccount_id, "left_out": f.left_out,
                              "message": f.message, "writes": list(f.writes)} for f in self.findings]}

    def text(self) -> str:
        if self.error:
            return f"sparkpost-tracking import: {self.error}"
        lines = [f"Read {self.api_base} in {self.seconds:.2f} s (one list call of each kind): "
                 f"{self.domains} tracking domains, {self.associations} associations, {self.sending_domains} "
                 "sending domains selected."]
        lines += [f"Wrote {path}" for path in self.written]
        for finding in self.findings:
            label = "LEFT OUT" if finding.left_out else "warning"
            lines.append(f"  {label}: {finding.domain} ({finding.where()}): {finding.message}")
        return "\n".join(lines)


def run_import(options: ImportOptions, environ: Mapping[str, str] | None = None) -> Report:
    env = os.environ if environ is None else environ
    region = options.region or DEFAULT_REGION
    report = Report(effective_api_base(region, options.api_url))
    # An API base of its own (an Enterprise tenant, the emulator) has one key, whatever the region.
    key_region = None if options.api_url else region
    try:
        settings = settings_from({}, env)
        if not any(env.get(name) for name in key_variables(key_region)):
            report.error = (f"no SparkPost API key: export {' or '.join(key_variables(key_region))} (import reads "
                            "the key from the environment only; never pass it on a command line)")
            return report
        key, source = settings.api_key_and_source(key_region, env)
    except errors.ConfigurationError as exc:  # a bad setting, or a key that is no key: the message names it
        report.error = str(exc)
        return report
    started = time.monotonic()
    try:
        with SparkPostClient(report.api_base, key, key_source=source, policy=settings.retry_policy) as client:
            account = read_account(client)
    except errors.SparkPostTrackingError as exc:
        report.error = f"reading the account failed, nothing was written: {exc}"
        return report
    plan = plan_import(account, Selection(options.domains, options.subaccounts))
    report.domains, report.associations = len(plan.domains), len(plan.associations)
    report.sending_domains = len(plan.sending_domains)
    report.findings = list(plan.findings)
    try:
        outputs = _outputs(options, plan, report)
    except (OutFileError, StackFileError) as exc:
        report.error = f"{exc}. Nothing was written"
        return report
    for path, text in outputs:
        try:
            write_replacing(path, text)
        except OSError as exc:
            report.error = f"cannot write {path} ({exc.strerror or exc})" + (
                f"; wrote {', '.join(report.written)}" if report.written else "")
            return report
        report.written.append(path)
    report.seconds = time.monotonic() - started
    return report


def key_variables(region: str | None) -> list[str]:
    """The environment variables that may hold the key for ``region``, in the order the provider reads them."""
    own = [region_key_names(region)[1]] if region and region != DEFAULT_REGION else []
    return [*own, API_KEY_ENV]


def _outputs(options: ImportOptions, plan: Plan, report: Report) -> list[tuple[str, str]]:
    """Each file to write and its text, every finding in the report; raises before anything is written when a
    file cannot be written safely, so a run writes all of its files or none."""
    outputs: list[tuple[str, str]] = []
    if options.out:
        check_replaceable(options.out)
        report.findings += [_labelled("--out", f) for f in announcements(plan)]
        outputs.append((options.out, json.dumps(bulk_import(plan), indent=2) + "\n"))
    if options.stack_config:
        # SparkPost's managed certificate names the CDN already: DNS is asked about the others only.
        asked = [d.domain for d in plan.domains if not d.uses_managed_certificate]
        inferences = infer_cdns(asked, dns_server=options.dns_server,
                                timeout=options.timeout) if options.dns else {}
        entries, findings = stack_entries(plan, inferences, options.region)
        merged = merge(_read(options.stack_config), entries, options.stack_config)
        report.findings += [_labelled("--stack-config", f) for f in [*findings, *merged.findings]]
        report.stack_entries = merged.added
        if merged.text is not None:
            outputs.append((options.stack_config, merged.text))
    return outputs


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StackFileError(f"--stack-config: cannot read {path} ({exc})") from None


def _labelled(option: str, finding: Finding) -> Finding:
    return replace(finding, message=f"{option}: {finding.message}")
