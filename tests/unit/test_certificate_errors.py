"""The error-code table, the failure the certificate wait raises, the certificate outputs and their drift rules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.certificate_errors import (
    ERROR_CODES,
    explain,
    issuance_failure,
    markdown_table,
)
from sparkpost_tracking.dynamic_providers.certificate_outputs import (
    CERTIFICATE_OUTPUTS,
    certificate_fields,
    reported_tls_status,
)
from sparkpost_tracking.dynamic_providers.changes import compute_changes
from sparkpost_tracking.dynamic_providers.hosts import HOSTS
from sparkpost_tracking.dynamic_providers.schema import OUTPUT_KEYS, check_inputs

DOMAIN = "track.example.com"
#: SparkPost's documented codes (the 2026 API); the table must explain each one.
DOCUMENTED = {"acme:rejected_identifier", "acme:dns", "acme:unauthorized", "acme:temporary", "service:internal"}


def found(tls_status: str | None, error_code: str | None) -> dict[str, Any]:
    return {"domain": DOMAIN, "status": {"tls_status": tls_status},
            "tls_certificate": {"issued_at": None, "expires_at": None, "error_code": error_code}}


def test_every_documented_code_has_its_own_cause_and_fix() -> None:
    assert set(ERROR_CODES) == DOCUMENTED
    assert len({e.fix for e in ERROR_CODES.values()}) == len(DOCUMENTED)
    assert len({e.cause for e in ERROR_CODES.values()}) == len(DOCUMENTED)
    for code in ("acme:dns", "acme:unauthorized"):  # the fixes name where the host must point
        assert all(hosts.managed_cname_target in explain(code) for hosts in HOSTS.values())
    assert "letsencrypt.org" in explain("acme:dns")


def test_an_unknown_code_is_named_and_sends_the_user_to_check() -> None:
    assert "acme:new_thing" in explain("acme:new_thing", DOMAIN)
    assert f"sparkpost-tracking check {DOMAIN}" in explain("acme:new_thing", DOMAIN)


@pytest.mark.parametrize(("tls_status", "code", "stale", "fails"), [
    ("failed", "acme:dns", None, True),
    ("pending", "acme:dns", None, True),  # SparkPost reported the code: no reason to wait on
    (None, "acme:unauthorized", None, True),  # published samples omit tls_status
    ("valid", "acme:temporary", None, False),  # a renewal failed; the certificate still serves
    ("pending", "acme:dns", "acme:dns", False),  # the old attempt's code, before SparkPost started anew
    ("failed", "acme:dns", "acme:dns", True),  # ... until SparkPost says the new attempt failed too
    ("pending", "acme:unauthorized", "acme:dns", True),  # a new code is the new attempt's
    ("failed", None, None, False),  # no code: the wait's own message covers it
])
def test_issuance_failure(tls_status: str | None, code: str | None, stale: str | None, fails: bool) -> None:
    message = issuance_failure(DOMAIN, found(tls_status, code), stale)
    assert (message is not None) is fails
    if message is not None and code is not None:
        assert f"error_code {code}" in message and ERROR_CODES[code].fix.format(domain=DOMAIN) in message


def test_certificate_fields() -> None:
    issued = {"issued_at": "2026-01-27T19:09:17.000Z", "expires_at": "2026-04-27T19:09:16.000Z", "error_code": None}
    assert certificate_fields({"tls_certificate": issued}) == {
        "certificate_issued_at": "2026-01-27T19:09:17.000Z", "certificate_expires_at": "2026-04-27T19:09:16.000Z",
        "certificate_error": None}
    assert certificate_fields({}) == dict.fromkeys(CERTIFICATE_OUTPUTS)


def test_the_certificate_outputs_are_declared_outputs() -> None:
    assert set(CERTIFICATE_OUTPUTS) <= set(OUTPUT_KEYS)


@pytest.mark.parametrize(("state", "drifts"), [
    ({"tls_status": "valid"}, False),
    ({"tls_status": "expired"}, True),
    ({"tls_status": "failed"}, True),
    ({"tls_status": "pending", "certificate_error": "acme:temporary"}, True),
    ({"tls_status": None, "certificate_error": "acme:dns"}, True),
    ({"tls_status": "valid", "certificate_error": "acme:temporary"}, False),
])
def test_a_failed_or_expired_certificate_is_drift(state: dict[str, Any], drifts: bool) -> None:
    news, failures = check_inputs({"domain": DOMAIN, "managed_certificate": True})
    assert failures == []
    olds = {**news, "verified": True, "uses_managed_certificate": True, **state}
    changes = compute_changes(olds, news)
    assert ("managed_certificate" in changes.drifted) is drifts
    assert changes.replaces == []


def test_the_docs_show_the_table_of_the_declarations() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "managed-https.md").read_text()
    start = page.index("-->", page.index("<!-- error-codes:")) + len("-->\n")
    shown = page[start:page.index("<!-- /error-codes -->")].strip()
    assert shown == markdown_table(), "docs/managed-https.md: paste markdown_table()'s output between the markers"


NOW = datetime(2026, 3, 1, tzinfo=UTC)
ISSUED = {"issued_at": "2026-01-27T19:09:17.000Z", "expires_at": "2026-04-27T19:09:16.000Z", "error_code": None}


@pytest.mark.parametrize(("status", "certificate", "reported"), [
    ({"tls_status": "pending"}, ISSUED, "pending"),  # SparkPost's word wins
    ({"tls_status": None}, ISSUED, None),
    ({}, ISSUED, "valid"),  # published samples omit tls_status: the certificate says it
    ({}, {**ISSUED, "expires_at": "2026-02-01T00:00:00.000Z"}, "expired"),
    ({}, {**ISSUED, "error_code": "acme:dns"}, "failed"),
    ({}, {**ISSUED, "issued_at": None}, None),
    ({}, {**ISSUED, "expires_at": "soon"}, None),
    ({}, None, None),
])
def test_reported_tls_status(status: dict[str, Any], certificate: dict[str, Any] | None, reported: str | None) -> None:
    found: dict[str, Any] = {"status": status}
    if certificate is not None:
        found["tls_certificate"] = certificate
    assert reported_tls_status(found, NOW) == reported
