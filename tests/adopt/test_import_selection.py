"""``import``'s selection rules as a user meets them (the command's own entry point, run in process so a mutation
tool sees which code each test reaches): ``--domains`` patterns match whatever the case on either side, and
subaccounts are numbers, however they are written on the command line or in SparkPost's JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from sparkpost_tracking.__main__ import main
from sparkpost_tracking.dynamic_providers.validation import MAX_SUBACCOUNT_ID
from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import DOMAINS, seed_account

KEY = "import-selection-key-0a1b2c3d4e5f"
BRAND_A = ["click.brand-a.com,12", "http.brand-a.com,12", "m.brand-a.com,12", "track.brand-a.com,12"]
PRIMARY = sorted(domain for domain, (scope, _) in DOMAINS.items() if scope is None)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        seed_account(emulator)
        yield emulator


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


Import = Callable[..., Done]


@pytest.fixture
def run_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Import:
    """``sparkpost-tracking import --api-url URL --out out.json --no-dns ARGS``, the key in the environment."""
    for name in ("SPARKPOST_API_KEY", "SPARKPOST_EU_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)

    def run(api_url: str, *args: str) -> Done:
        code = main(["import", "--api-url", api_url, "--out", str(tmp_path / "out.json"), "--no-dns", *args])
        out, err = capsys.readouterr()
        return Done(code, out, err)

    return run


def domain_ids(done: Done, tmp_path: Path) -> list[str]:
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
def test_domain_patterns_match_in_any_case(emu: Emulator, run_import: Import, tmp_path: Path, patterns: str,
                                           ids: list[str]) -> None:
    assert sorted(domain_ids(run_import(emu.base_url, "--domains", patterns), tmp_path)) == ids


@pytest.mark.parametrize(("subaccounts", "ids"), [
    ("12", BRAND_A),
    ("012", BRAND_A),  # a number, however it is written
    (" 12 ", BRAND_A),
    ("0", PRIMARY),  # the primary account
    ("00", PRIMARY),
    ("13", []),
    (str(MAX_SUBACCOUNT_ID), []),  # the largest id SparkPost has is accepted
], ids=["12", "leading-zero", "spaces", "primary", "primary-zeros", "other", "largest"])
def test_subaccounts_are_numbers(emu: Emulator, run_import: Import, tmp_path: Path, subaccounts: str,
                                ids: list[str]) -> None:
    assert sorted(domain_ids(run_import(emu.base_url, "--subaccount", subaccounts), tmp_path)) == ids


@pytest.mark.parametrize("subaccount", [str(MAX_SUBACCOUNT_ID + 1), "-1", "12.0", "twelve", "1e3"])
def test_a_subaccount_that_is_not_an_id_is_refused_before_any_request(emu: Emulator, run_import: Import,
                                                                      tmp_path: Path, subaccount: str) -> None:
    emu.clear_requests()
    done = run_import(emu.base_url, "--subaccount", subaccount)
    assert done.returncode == 2 and f"--subaccount: must be a subaccount id 1-{MAX_SUBACCOUNT_ID}" in done.stderr
    assert emu.count() == 0 and not (tmp_path / "out.json").exists()


def test_what_sparkpost_lists_is_matched_as_lower_case_domains_and_integer_subaccounts(run_import: Import,
                                                                                       tmp_path: Path) -> None:
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
        assert domain_ids(run_import(api_url, "--domains", "click.brand-a.com", "--subaccount", "12"),
                          tmp_path) == ["click.brand-a.com,12"]
        assert domain_ids(run_import(api_url, "--subaccount", "0"), tmp_path) == ["track.example.com"]
        assert domain_ids(run_import(api_url, "--subaccount", "31,12"), tmp_path) == [
            "click.brand-a.com,12", "track.brand-b.com,31"]
    finally:
        server.shutdown()
        thread.join()
