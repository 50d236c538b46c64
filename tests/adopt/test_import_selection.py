"""``import``'s selection rules as a user meets them (``python -m sparkpost_tracking import``): ``--domains``
patterns match whatever the case on either side, and subaccounts are numbers, however they are written on the
command line or in SparkPost's JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from sparkpost_tracking.dynamic_providers.validation import MAX_SUBACCOUNT_ID
from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import seed_account

KEY = "import-selection-key-0a1b2c3d4e5f"
BRAND_A = ["click.brand-a.com,12", "http.brand-a.com,12", "m.brand-a.com,12", "track.brand-a.com,12"]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        seed_account(emulator)
        yield emulator


def run_import(api_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SPARKPOST_")}, "SPARKPOST_API_KEY": KEY}
    return subprocess.run([sys.executable, "-m", "sparkpost_tracking", "import", "--api-url", api_url,
                           "--out", "out.json", "--no-dns", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def domain_ids(done: subprocess.CompletedProcess[str], tmp_path: Path) -> list[str]:
    assert done.returncode == 0, done.stdout + done.stderr
    resources = json.loads((tmp_path / "out.json").read_text())["resources"]
    return [r["id"] for r in resources if r["type"] == "sparkpost-tracking:index:TrackingDomain"]


@pytest.mark.parametrize(("patterns", "ids"), [
    ("*.brand-a.com", BRAND_A),
    ("*.BRAND-A.COM", BRAND_A),  # a pattern matches in any case
    ("Click.Brand-A.com", ["click.brand-a.com,12"]),
    ("CLICK.*,m.Brand-B.COM", ["click.brand-a.com,12", "click.brand-b.com,31", "click.example.com",
                               "m.brand-b.com,31"]),
    ("*.BRAND-C.COM", []),  # and matches only what it names
], ids=["lower", "upper", "mixed", "list", "none"])
def test_domain_patterns_match_in_any_case(emu: Emulator, tmp_path: Path, patterns: str, ids: list[str]) -> None:
    assert sorted(domain_ids(run_import(emu.base_url, tmp_path, "--domains", patterns), tmp_path)) == ids


@pytest.mark.parametrize(("subaccounts", "ids"), [
    ("12", BRAND_A),
    ("012", BRAND_A),  # a number, however it is written
    (" 12 ", BRAND_A),
    ("0", ["click.example.com", "legacy.example.com", "new.example.com", "track.example.com"]),  # the primary
    ("00", ["click.example.com", "legacy.example.com", "new.example.com", "track.example.com"]),
    ("13", []),
    (str(MAX_SUBACCOUNT_ID), []),  # the largest id SparkPost has is accepted
], ids=["12", "leading-zero", "spaces", "primary", "primary-zeros", "other", "largest"])
def test_subaccounts_are_numbers(emu: Emulator, tmp_path: Path, subaccounts: str, ids: list[str]) -> None:
    assert sorted(domain_ids(run_import(emu.base_url, tmp_path, "--subaccount", subaccounts), tmp_path)) == ids


@pytest.mark.parametrize("subaccount", [str(MAX_SUBACCOUNT_ID + 1), "-1", "12.0", "twelve", "1e3"])
def test_a_subaccount_that_is_not_an_id_is_refused_before_any_request(emu: Emulator, tmp_path: Path,
                                                                      subaccount: str) -> None:
    emu.clear_requests()
    done = run_import(emu.base_url, tmp_path, "--subaccount", subaccount)
    assert done.returncode == 2 and f"--subaccount: must be a subaccount id 1-{MAX_SUBACCOUNT_ID}" in done.stderr
    assert emu.count() == 0 and not (tmp_path / "out.json").exists()


def test_what_sparkpost_lists_is_matched_as_lower_case_domains_and_integer_subaccounts(tmp_path: Path) -> None:
    """SparkPost's JSON may carry a subaccount id as 12.0 and a domain in capitals; the emulator never does, so a
    tiny server of the two list answers stands in."""
    listed: list[dict[str, Any]] = [
        {"domain": "Click.Brand-A.COM", "subaccount_id": 12.0},
        {"domain": "track.example.com", "subaccount_id": 0},
        {"domain": "track.brand-b.com", "subaccount_id": 31},
    ]

    @Request.application
    def sparkpost(request: Request) -> Response:
        if request.path.endswith("/tracking-domains"):
            results = [{**item, "port": 443, "secure": True, "default": False,
                        "status": {"verified": True, "cname_status": "valid", "compliance_status": "valid"}}
                       for item in listed]
            return Response(json.dumps({"results": results}), 200, content_type="application/json")
        return Response(json.dumps({"results": []}), 200, content_type="application/json")

    server = make_server("127.0.0.1", 0, sparkpost)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api_url = f"http://127.0.0.1:{server.server_port}/api/v1"
    try:
        assert domain_ids(run_import(api_url, tmp_path, "--domains", "click.brand-a.com", "--subaccount", "12"),
                          tmp_path) == ["click.brand-a.com,12"]
        assert domain_ids(run_import(api_url, tmp_path, "--subaccount", "0"), tmp_path) == ["track.example.com"]
        assert domain_ids(run_import(api_url, tmp_path, "--subaccount", "31,12"), tmp_path) == [
            "click.brand-a.com,12", "track.brand-b.com,31"]
    finally:
        server.shutdown()
        thread.join()
