"""Tier 3b: the real Pulumi CLI on a preview with unknown inputs, and on drift that refresh finds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject

pytestmark = pytest.mark.engine

KEY = "cli-field-test-key-7c1e2b"
UNKNOWN_INPUTS = Path(__file__).resolve().parent / "unknown_inputs"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


def test_preview_with_inputs_from_another_resources_outputs(cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    stack = PulumiProject(tmp_path, cli_dir, source=UNKNOWN_INPUTS)
    stack.init(emu.base_url, KEY, [], verifyInterval="0")
    # A new stack: every output of `source` is unknown, so `dependent`'s domain, api_url, subaccount_id and
    # default reach check unknown.
    first = stack.preview("--diff")
    for key in ("domain", "api_url", "subaccount_id", "default"):
        assert re.search(rf"\b{key}\s*: \[unknown\]", first.text), first.text
    assert emu.count() == 0
    stack.up()
    dependent = emu.get("dep443.example.com")
    assert dependent is not None and dependent["subaccount_id"] == 7 and dependent["default"] is True
    # An update of `source` makes its outputs unknown again: now check and diff of an existing `dependent`.
    stack.run("config", "set", "engine-test:sourceSecure", "false")
    emu.clear_requests()
    second = stack.preview("--diff")
    assert re.search(r"~ domain\s*: \"dep443.example.com\" => \[unknown\]", second.text), second.text
    assert emu.count() == 0


def test_drift_found_by_refresh_shows_in_preview_and_the_next_up_repairs_it(cli_dir: Path, emu: Emulator,
                                                                             tmp_path: Path) -> None:
    emu.update_settings(tls_pending_reads=0)
    stack = PulumiProject(tmp_path, cli_dir)
    stack.init(emu.base_url, KEY, [{"domain": "managed.example.com", "managed_certificate": True},
                                   {"domain": "plain.example.com", "default": True}], verifyInterval="0")
    stack.up()
    assert stack.preview("--expect-no-changes").returncode == 0
    # Out of band: links of the managed domain switched to http, the plain one lost verification and default.
    emu.mutate("managed.example.com", secure=False)
    emu.mutate("plain.example.com", verified=False, default=False)
    stack.run("refresh", "--yes", "--skip-preview")
    assert stack.preview("--expect-no-changes", check=False).returncode != 0
    emu.clear_requests()
    stack.up()
    sent = [(r.method, r.path.rsplit("/", 1)[-1], r.body) for r in emu.requests()]
    assert ("PUT", "managed.example.com", {"secure": True}) in sent
    assert ("POST", "verify", None) in sent and ("PUT", "plain.example.com", {"default": True}) in sent
    managed, plain = emu.get("managed.example.com"), emu.get("plain.example.com")
    assert managed is not None and managed["secure"] is True
    assert plain is not None and plain["status"]["verified"] is True and plain["default"] is True
    assert stack.preview("--expect-no-changes").returncode == 0


def test_a_failed_certificate_found_by_refresh_is_requested_again_by_the_next_up(cli_dir: Path, emu: Emulator,
                                                                                 tmp_path: Path) -> None:
    emu.update_settings(tls_pending_reads=0)
    stack = PulumiProject(tmp_path, cli_dir)
    stack.init(emu.base_url, KEY, [{"domain": "renewed.example.com", "managed_certificate": True}],
               verifyInterval="0")
    stack.up()
    # Out of band: SparkPost's renewal failed and the certificate is gone.
    emu.mutate("renewed.example.com", tls_status="failed",
               tls_certificate={"issued_at": None, "expires_at": None, "error_code": "acme:temporary"})
    stack.run("refresh", "--yes", "--skip-preview")
    state = {r["urn"].rsplit("::", 1)[-1]: r for r in stack.export()["deployment"]["resources"]}
    outputs = next(r["outputs"] for r in state.values() if r["outputs"].get("domain") == "renewed.example.com")
    assert outputs["certificate_error"] == "acme:temporary" and outputs["tls_status"] == "failed"
    assert stack.preview("--expect-no-changes", check=False).returncode != 0
    emu.clear_requests()
    stack.up()
    assert emu.count(path_suffix="/certificate/enable") == 1
    found = emu.get("renewed.example.com")
    assert found is not None and found["status"]["tls_status"] == "valid" and found["tls_certificate"]["issued_at"]
    assert stack.preview("--expect-no-changes").returncode == 0


def test_an_error_code_fails_the_up_with_its_fix(cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    emu.update_settings(tls_pending_reads=1)
    emu.fail_issuance("acme:unauthorized", domain="proxied.example.com")
    stack = PulumiProject(tmp_path, cli_dir)
    stack.init(emu.base_url, KEY, [{"domain": "proxied.example.com", "managed_certificate": True}],
               verifyInterval="0", certificateTimeout="600")
    failed = stack.up(check=False)
    assert failed.returncode != 0
    assert "error_code acme:unauthorized" in failed.text and "turn the proxy off" in failed.text, failed.text[-3000:]
    assert emu.get("proxied.example.com") is None  # the failed create was rolled back
