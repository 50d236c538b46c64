"""One ``import`` run in process against the emulator (``adopt.run.run_import``): what it writes, how each finding
is labelled with its option, and that a run writes all of its files or none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.adopt.options import ImportOptions
from sparkpost_tracking.adopt.run import Report, run_import
from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import DOMAINS, SENDING, seed_account

KEY = "import-run-key-0f1e2d3c4b5a6978"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        seed_account(emulator)
        emulator.clear_requests()
        yield emulator


def run(emu: Emulator, **options: Any) -> Report:
    return run_import(ImportOptions(api_url=emu.base_url, dns=False, **options),
                      environ={"SPARKPOST_API_KEY": KEY})


def test_both_files_are_written_and_every_finding_names_its_option(emu: Emulator, tmp_path: Path) -> None:
    out, stack = tmp_path / "import.json", tmp_path / "Pulumi.prod.yaml"
    report = run(emu, out=str(out), stack_config=str(stack))
    assert report.error is None and report.written == [str(out), str(stack)]
    assert report.exit_code == 1
    assert (report.domains, report.associations, report.sending_domains) == (len(DOMAINS), len(SENDING),
                                                                             len(SENDING))
    assert report.stack_entries == 5
    assert len(json.loads(out.read_text())["resources"]) == len(DOMAINS) + 2 * len(SENDING)
    assert len(yaml.safe_load(stack.read_text())["config"]["sparkpost-tracking:domains"]) == 5
    labels = {(f.domain, f.message.split(":")[0], f.left_out) for f in report.findings}
    assert ("m.example.com", "--out", False) in labels and ("m.example.com", "--stack-config", False) in labels
    assert ("legacy.example.com", "--stack-config", True) in labels
    assert not any(label == "--out" and left for _, label, left in labels)
    text = report.text()
    assert f"Wrote {out}\nWrote {stack}\n" in text
    assert "  warning: m.example.com (primary account): --out: after pulumi import -f, the first up sends" in text
    as_json = report.to_json()
    assert [f["writes"] for f in as_json["findings"] if f["domain"] == "m.example.com"] == [
        ["POST /tracking-domains/m.example.com/verify"]] * 2


def test_a_file_that_cannot_be_written_safely_stops_the_run_before_any_file_is_written(
        emu: Emulator, tmp_path: Path) -> None:
    out, stack = tmp_path / "import.json", tmp_path / "Pulumi.prod.yaml"
    stack.write_text("- not a stack file\n")
    report = run(emu, out=str(out), stack_config=str(stack))
    assert report.exit_code == 2 and report.written == []
    assert report.error and report.error.endswith(". Nothing was written")
    assert not out.exists() and stack.read_text() == "- not a stack file\n"
    (tmp_path / "dir.yaml").mkdir()
    report = run(emu, stack_config=str(tmp_path / "dir.yaml"))
    assert report.error and report.error.startswith(f"--stack-config: cannot read {tmp_path / 'dir.yaml'}")
    stack.write_text("config: {}\n")
    (tmp_path / "out.json").mkdir()
    report = run(emu, out=str(tmp_path / "out.json"), stack_config=str(stack))
    assert report.error and report.error.startswith(f"--out: cannot read {tmp_path / 'out.json'} (Is a directory)")
    assert stack.read_text() == "config: {}\n"
    (tmp_path / "plain").write_text("")  # a file where the folder of --out should be: the write fails
    report = run(emu, out=str(tmp_path / "plain" / "import.json"), stack_config=str(stack))
    assert report.error and report.error.startswith(f"cannot write {tmp_path / 'plain' / 'import.json'} (")
    assert report.error.endswith(")") and report.written == []  # nothing written before it: no "; wrote ..."
    assert stack.read_text() == "config: {}\n"
    report = run(emu, stack_config=str(stack), out=str(tmp_path / "ok.json"), domains=("nothing.*",))
    assert report.error is None and report.written == [str(tmp_path / "ok.json")]
    assert stack.read_text() == "config: {}\n"  # no entry to add: the stack file is not rewritten


def test_no_key_no_request(emu: Emulator, tmp_path: Path) -> None:
    report = run_import(ImportOptions(api_url=emu.base_url, out=str(tmp_path / "x.json")), environ={})
    assert report.exit_code == 2 and "SPARKPOST_API_KEY" in (report.error or "")
    assert emu.count() == 0 and not (tmp_path / "x.json").exists()


def test_dns_is_asked_about_domains_without_a_managed_certificate_only(emu: Emulator, tmp_path: Path) -> None:
    from tests.check.fake_dns import FakeDns

    emu.add_domain("apex.example", secure=True)  # left out of every file: the plan's own finding stays in the report
    records = {"track.example.com": [("CNAME", "d1.cloudfront.net")], "d1.cloudfront.net": [("A", "192.0.2.1")]}
    with FakeDns(records) as dns:
        host, port = dns.address.split(":")
        report = run_import(ImportOptions(api_url=emu.base_url, out=str(tmp_path / "i.json"),
                                          stack_config=str(tmp_path / "s.yaml"), dns_server=(host, int(port)),
                                          timeout=3, region="us", domains=("*.example.com", "apex.*")),
                            environ={"SPARKPOST_API_KEY": KEY})
        asked = sorted({name.rstrip(".") for name, _ in dns.queries})
    assert asked == ["legacy.example.com", "new.example.com", "track.example.com"]  # FakeDns follows the CNAME
    entries = yaml.safe_load((tmp_path / "s.yaml").read_text())["config"]["sparkpost-tracking:domains"]
    assert {e["domain"]: e["cdn"] for e in entries}["track.example.com"] == "cloudfront"
    assert "region" not in entries[0]  # us is the default region: not written
    apex = [f for f in report.findings if f.domain == "apex.example"]
    assert len(apex) == 1 and apex[0].left_out and not apex[0].message.startswith("--")
    text = (tmp_path / "i.json").read_text()
    assert text == json.dumps(json.loads(text), indent=2) + "\n"


def test_an_eu_account_writes_its_region_into_each_entry(emu: Emulator, tmp_path: Path) -> None:
    report = run(emu, stack_config=str(tmp_path / "s.yaml"), region="eu", domains=("m.*",))
    assert report.error is None
    entries = yaml.safe_load((tmp_path / "s.yaml").read_text())["config"]["sparkpost-tracking:domains"]
    assert {e["region"] for e in entries} == {"eu"} and len(entries) == 3
    assert not any(f.left_out for f in report.findings)
    again = run(emu, stack_config=str(tmp_path / "s.yaml"), region="eu", domains=("m.*",))
    assert again.written == [] and again.stack_entries == 0
    assert {f.message for f in again.findings} == {
        f"--stack-config: already declared in {tmp_path / 's.yaml'}: kept as written there, not written again"}


def test_a_write_that_fails_half_way_says_what_was_written(emu: Emulator, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up between the two files: the report names the file it could not write and the one it did."""
    import errno
    import os

    stack, rename = tmp_path / "s.yaml", os.replace

    def replace(source: str, target: object) -> None:
        if Path(str(target)) == stack:
            raise OSError(errno.ENOSPC, "No space left on device")
        rename(source, str(target))

    monkeypatch.setattr("sparkpost_tracking.adopt.files.os.replace", replace)
    report = run(emu, out=str(tmp_path / "i.json"), stack_config=str(stack), subaccounts=frozenset({12}))
    assert report.error == f"cannot write {stack} (No space left on device); wrote {tmp_path / 'i.json'}"
    assert report.written == [str(tmp_path / "i.json")] and not stack.exists()
    assert [r["id"] for r in json.loads((tmp_path / "i.json").read_text())["resources"]] == [
        "click.brand-a.com,12", "http.brand-a.com,12", "m.brand-a.com,12", "track.brand-a.com,12", "brand-a.com,12",
        "brand-a.com,12"]


def test_the_environment_is_the_processs_unless_given(emu: Emulator, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    report = run_import(ImportOptions(api_url=emu.base_url, out=str(tmp_path / "x.json")))
    assert report.error is None and 0 <= report.seconds < 600
    bad = run_import(ImportOptions(api_url=emu.base_url, out=str(tmp_path / "y.json")),
                     environ={"SPARKPOST_API_KEY": KEY, "SPARKPOST_REQUEST_TIMEOUT": "soon"})
    assert bad.exit_code == 2 and "SPARKPOST_REQUEST_TIMEOUT" in (bad.error or "")
    refused = run_import(ImportOptions(api_url=emu.base_url, out=str(tmp_path / "z.json")),
                         environ={"SPARKPOST_API_KEY": "wrong-key-0123456789abcdef"})
    assert (refused.error or "").startswith("reading the account failed, nothing was written:")
    assert "SPARKPOST_API_KEY" in (refused.error or "") and "wrong-key" not in (refused.error or "")


def test_the_report_as_text_and_as_json(emu: Emulator, tmp_path: Path) -> None:
    report = run(emu, stack_config=str(tmp_path / "s.yaml"), subaccounts=frozenset({12}))
    lines = report.text().splitlines()
    assert lines[0].startswith(f"Read {emu.base_url} in ") and lines[0].endswith(
        " s (one list call of each kind): 4 tracking domains, 1 associations, 1 sending domains selected.")
    assert lines[1] == f"Wrote {tmp_path / 's.yaml'}"
    assert lines[2].startswith("  LEFT OUT: http.brand-a.com (subaccount 12): --stack-config: secure: false")
    document = report.to_json()
    assert {k: v for k, v in document.items() if k not in ("seconds", "findings")} == {
        "api_base": emu.base_url, "domains": 4, "associations": 1, "sending_domains": 1, "stack_entries": 2,
        "written": [str(tmp_path / "s.yaml")], "error": None}
    assert document["seconds"] == round(report.seconds, 3)
    assert document["findings"][0] == {"domain": "http.brand-a.com", "subaccount_id": 12, "left_out": True,
                                       "message": report.findings[0].message, "writes": []}


def test_the_region_picks_the_key_and_the_api_base_unless_an_api_url_is_given(tmp_path: Path) -> None:
    """Nothing is sent without a key, so the real API bases are named here without a request to them."""
    eu = run_import(ImportOptions(region="eu", out=str(tmp_path / "x.json")), environ={})
    assert eu.api_base == "https://api.eu.sparkpost.com/api/v1"
    # import reads no stack config: the message names only what it reads, and following it works.
    assert eu.error == ("no SparkPost API key: export SPARKPOST_EU_API_KEY or SPARKPOST_API_KEY (import reads the "
                        "key from the environment only; never pass it on a command line)")
    assert run_import(ImportOptions(region="eu", out=str(tmp_path / "x.json")), environ={}).api_base == \
        "https://api.eu.sparkpost.com/api/v1"
    assert run_import(ImportOptions(out=str(tmp_path / "x.json")), environ={}).api_base == \
        "https://api.sparkpost.com/api/v1"
    # An API base of its own (an Enterprise tenant) has one key, whatever the region.
    tenant = run_import(ImportOptions(region="eu", api_url="https://tenant.example/api/v1",
                                      out=str(tmp_path / "x.json")), environ={"SPARKPOST_EU_API_KEY": KEY})
    assert tenant.api_base == "https://tenant.example/api/v1"
    assert tenant.error == ("no SparkPost API key: export SPARKPOST_API_KEY (import reads the key from the "
                            "environment only; never pass it on a command line)")
    assert not (tmp_path / "x.json").exists()


def test_the_retry_settings_apply_to_the_account_s_reads(emu: Emulator, tmp_path: Path) -> None:
    emu.fail_next(1, status=503, method="GET")
    none = run_import(ImportOptions(api_url=emu.base_url, out=str(tmp_path / "x.json"), dns=False),
                      environ={"SPARKPOST_API_KEY": KEY, "SPARKPOST_MAX_RETRIES": "0"})
    assert (none.error or "").startswith("reading the account failed, nothing was written: ")
    assert emu.count() == 1 and not (tmp_path / "x.json").exists()
    emu.clear_requests()
    emu.fail_next(1, status=503, method="GET")
    retried = run_import(ImportOptions(api_url=emu.base_url, out=str(tmp_path / "x.json"), dns=False),
                         environ={"SPARKPOST_API_KEY": KEY, "SPARKPOST_RETRY_BACKOFF": "0.01"})
    assert retried.error is None and emu.count("GET", "/tracking-domains") == 2


def test_no_dns_asks_dns_nothing(emu: Emulator, tmp_path: Path) -> None:
    from tests.check.fake_dns import FakeDns

    with FakeDns({"track.example.com": [("CNAME", "d1.cloudfront.net")]}) as dns:
        host, port = dns.address.split(":")
        report = run_import(ImportOptions(api_url=emu.base_url, stack_config=str(tmp_path / "s.yaml"), dns=False,
                                          dns_server=(host, int(port))), environ={"SPARKPOST_API_KEY": KEY})
        assert dns.queries == []
    assert report.error is None
    track = [f for f in report.findings if f.domain == "track.example.com"]
    assert len(track) == 1 and "written commented out" in track[0].message


def test_a_bad_setting_or_key_is_named_in_its_own_words(tmp_path: Path) -> None:
    options = ImportOptions(api_url="https://tenant.example/api/v1", out=str(tmp_path / "x.json"))
    bad = run_import(options, environ={"SPARKPOST_API_KEY": KEY, "SPARKPOST_REQUEST_TIMEOUT": "soon"})
    assert bad.error == "sparkpost:requestTimeout (or SPARKPOST_REQUEST_TIMEOUT) must be a number of seconds/count, " \
                        "got 'soon'"
    spaced = run_import(options, environ={"SPARKPOST_API_KEY": KEY + "\n"})
    assert spaced.error == ("The SparkPost API key from environment variable SPARKPOST_API_KEY contains whitespace or "
                            "a control character (a trailing newline, often, from 'echo'). Set it again without it: "
                            "export SPARKPOST_API_KEY=<key>.")
    assert KEY not in (spaced.error or "") and not (tmp_path / "x.json").exists()


def test_the_region_s_own_key_is_read_first(tmp_path: Path) -> None:
    """The EU key is the one read for an EU account: a malformed one is named (nothing is sent), not passed over."""
    report = run_import(ImportOptions(region="eu", out=str(tmp_path / "x.json")),
                        environ={"SPARKPOST_EU_API_KEY": KEY + " "})
    assert (report.error or "").startswith("The SparkPost API key from environment variable SPARKPOST_EU_API_KEY "
                                           "contains whitespace")
