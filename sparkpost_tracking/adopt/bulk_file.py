"""``--out``: a Pulumi bulk-import file (``pulumi import -f FILE``) of the plugin's native resources.

Each entry is ``{type, name, id}``: the type token of the native resource, a stable name (``names``), and the
import id ``<domain>[,<subaccount id>]`` the plugin reads (``plugin.import_id``). Pulumi imports each one with a
Read, generates the program's code for it, and protects it, as its import convention says. What the plugin's read
declares for a domain SparkPost does not show in a steady state is announced here, with the writes the first
``up`` sends for it (``writes``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sparkpost_tracking.dynamic_providers.import_ids import ImportId
from sparkpost_tracking.plugin.native import ASSOCIATION, SENDING_DOMAIN, TRACKING_DOMAIN

from .names import association_name, domain_name, sending_domain_name
from .plan import Finding, Plan
from .writes import SENDING_DOMAINS, first_up_writes, plugin_declaration


class OutFileError(ValueError):
    """``--out`` names a file that is not a bulk-import file: it is left as it was."""


def bulk_import(plan: Plan) -> dict[str, Any]:
    resources = [{"type": TRACKING_DOMAIN.token, "name": domain_name(d.domain),
                  "id": str(ImportId(d.domain, d.subaccount_id))} for d in plan.domains]
    resources += [{"type": ASSOCIATION.token, "name": association_name(s.domain),
                   "id": str(ImportId(s.domain, s.subaccount_id))} for s in plan.associations]
    resources += [{"type": SENDING_DOMAIN.token, "name": sending_domain_name(s.domain),
                   "id": str(ImportId(s.domain, s.subaccount_id))} for s in plan.sending_domains]
    return {"resources": resources}


def announcements(plan: Plan) -> list[Finding]:
    """For each imported domain that is not in a steady state: what its declaration says, and what the first
    ``up`` after ``pulumi import`` writes for it."""
    findings: list[Finding] = []
    for found in plan.domains:
        declared = plugin_declaration(found)
        if found.uses_managed_certificate and not declared["managed_certificate"]:
            findings.append(Finding(found.domain, found.subaccount_id, (
                "SparkPost manages a certificate for it, but it is secure: false (its links are written http): it is "
                "declared as it is, secure: false without managedCertificate (the check refuses the two together). "
                "To serve its links over https: secure: true and managedCertificate: true (the next up sends PUT "
                f"/tracking-domains/{found.domain})"), left_out=False))
        writes = first_up_writes(found, declared)  # the plugin's read declares only what its check accepts
        if writes:
            findings.append(Finding(found.domain, found.subaccount_id, f"after pulumi import -f, {writes.sentence()}",
                                    left_out=False, writes=writes.calls))
    for sending in plan.sending_domains:
        writes = first_up_writes(sending, plugin_declaration(sending, SENDING_DOMAINS), SENDING_DOMAINS)
        if writes:
            findings.append(Finding(sending.domain, sending.subaccount_id,
                                    f"after pulumi import -f, {writes.sentence()}", left_out=False,
                                    writes=writes.calls))
    return findings


def check_replaceable(path: str) -> None:
    """``--out`` replaces only a bulk-import file (an earlier run's, or an empty file): any other file at that
    path (a stack file, a program) is someone's work."""
    target = Path(path)
    if not target.exists():
        return
    try:
        text = target.read_text(errors="replace")  # a binary file is no bulk-import file either
    except OSError as exc:
        raise OutFileError(f"--out: cannot read {path} ({exc.strerror}); give a file") from None
    if text.strip() and not _is_bulk_import(text):
        raise OutFileError(f"--out: {path} exists and is not a Pulumi bulk-import file; it is left as it was. Give "
                           "a new file (or delete that one first)")


def _is_bulk_import(text: str) -> bool:
    try:
        document = json.loads(text)
    except ValueError:
        return False
    return isinstance(document, dict) and set(document) == {"resources"}
