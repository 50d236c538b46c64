"""``sparkpost-tracking import`` as a user runs it against the emulator: two GETs and no write, the bulk-import file
and the stack entries for the 12-domain account, selection, the CDN from DNS, what is left out and why, and the key
never shown. Each run goes through the command's entry point in process, with its own working directory,
environment and output, so a mutation tool sees what each test reaches; one runs it as ``python -m
sparkpost_tracking import`` too."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import pytest
import yaml

from sparkpost_tracking.__main__ import main
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.stack import plan_domains
from tests.adopt.account_seed import DOMAINS, SENDING, seed_account, snapshot
from tests.check.fake_dns import FakeDns

KEY = "import-cli-key-5c4b3a29181706f5"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        seed_account(emulator)
        emulator.clear_requests()
        yield emulator


def environment(key: str | None) -> dict[str, str]:
    """This process's environment without any SparkPost setting, and ``key`` as the key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKPOST_")}
    return env if key is None else {**env, "SPARKPOST_API_KEY": key}


def import_command(api_url: str, cwd: Path, *args: str, key: str | None = KEY) -> subprocess.CompletedProcess[str]:
    """``sparkpost-tracking import --api-url API_URL ARGS`` in ``cwd``: the exit code and what it printed."""
    argv = ["import", "--api-url", api_url, *args]
    out, err, here = io.StringIO(), io.StringIO(), os.getcwd()
    with mock.patch.dict(os.environ, environment(key), clear=True), redirect_stdout(out), redirect_stderr(err):
        os.chdir(cwd)
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        finally:
            os.chdir(here)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def run_import(emu: Emulator, tmp_path: Path, *args: str, key: str | None = KEY) -> subprocess.CompletedProcess[str]:
    return import_command(emu.base_url, tmp_path, *args, key=key)


def test_python_dash_m_runs_the_same_import(emu: Emulator, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sparkpost_tracking", "import", "--api-url", emu.base_url, "--out",
                           "import.json", "--no-dns"], cwd=tmp_path, env=environment(KEY), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"Read {emu.base_url} in ") and "Wrote import.json\n" in done.stdout
    assert run_import(emu, tmp_path, "--out", "again.json", "--no-dns").returncode == 0  # in process: the same file
    assert (tmp_path / "import.json").read_text() == (tmp_path / "again.json").read_text()


def test_the_whole_account_in_two_reads_and_no_write(emu: Emulator, tmp_path: Path) -> None:
    before = snapshot(emu)
    done = run_import(emu, tmp_path, "--out", "import.json", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(r.method, r.path, r.subaccount) for r in emu.requests()] == [
        ("GET", "/api/v1/tracking-domains", None), ("GET", "/api/v1/sending-domains", None)]
    assert snapshot(emu) == before
    resources = json.loads((tmp_path / "import.json").read_text())["resources"]
    ids = {r["id"] for r in resources if r["type"] == "sparkpost-tracking:index:TrackingDomain"}
    assert ids == {d if sub is None else f"{d},{sub}" for d, (sub, _) in DOMAINS.items()}
    associations = {r["name"]: r["id"] for r in resources
                    if r["type"] == "sparkpost-tracking:index:TrackingDomainAssociation"}
    assert associations == {f"{d.replace('.', '_')}__association": d if sub is None else f"{d},{sub}"
                            for d, (sub, _) in SENDING.items()}
    sending = {r["name"]: r["id"] for r in resources if r["type"] == "sparkpost-tracking:index:SendingDomain"}
    assert sending == {f"{d.replace('.', '_')}__sending_domain": d if sub is None else f"{d},{sub}"
                       for d, (sub, _) in SENDING.items()}
    names = [r["name"] for r in resources]
    assert len(set(names)) == len(names) == len(DOMAINS) + 2 * len(SENDING)
    report = json.loads(done.stdout)
    assert (report["domains"], report["associations"], report["sending_domains"]) == (
        len(DOMAINS), len(SENDING), len(SENDING))
    # One domain is not in a steady state: its managed certificate needs verification, which lapsed. The report
    # names it and the one write its adoption sends; every other domain is adopted without a write.
    [finding] = report["findings"]
    assert (finding["domain"], finding["left_out"], finding["writes"]) == (
        "m.example.com", False, ["POST /tracking-domains/m.example.com/verify"])
    assert finding["message"].startswith("--out: after pulumi import -f, the first up sends POST")
    assert KEY not in done.stdout + done.stderr


def test_a_second_run_writes_the_same_file(emu: Emulator, tmp_path: Path) -> None:
    assert run_import(emu, tmp_path, "--out", "a.json").returncode == 0
    emu.add_domain("later.example.com", secure=True)  # a new domain adds a line, renames nothing
    assert run_import(emu, tmp_path, "--out", "b.json").returncode == 0
    first = json.loads((tmp_path / "a.json").read_text())["resources"]
    second = json.loads((tmp_path / "b.json").read_text())["resources"]
    assert [r for r in second if r["id"] != "later.example.com"] == first


def test_domains_and_subaccount_select_a_part_and_associations_follow_their_tracking_domain(
        emu: Emulator, tmp_path: Path) -> None:
    done = run_import(emu, tmp_path, "--out", "a.json", "--domains", "*.brand-a.com,*.example.com",
                      "--subaccount", "12")
    assert done.returncode == 0, done.stderr
    ids = [r["id"] for r in json.loads((tmp_path / "a.json").read_text())["resources"]]
    # The association of brand-a.com, then brand-a.com itself (as the sending domain of an association taken).
    assert ids == ["click.brand-a.com,12", "http.brand-a.com,12", "m.brand-a.com,12", "track.brand-a.com,12",
                   "brand-a.com,12", "brand-a.com,12"]
    done = run_import(emu, tmp_path, "--out", "b.json", "--subaccount", "0", "--domains", "track.*")
    ids = [r["id"] for r in json.loads((tmp_path / "b.json").read_text())["resources"]]
    # example.com goes with click.example.com; a sending domain is taken by its own name too
    assert ids == ["track.example.com", "news.example.com", "news.example.com"]
    done = run_import(emu, tmp_path, "--out", "c.json", "--domains", "brand-*.com")
    found = [(r["type"].rsplit(":", 1)[1], r["id"]) for r in json.loads((tmp_path / "c.json").read_text())["resources"]]
    assert found == [("SendingDomain", "brand-a.com,12"), ("SendingDomain", "brand-b.com,31")]


def test_stack_entries_adopt_each_domain_as_found_and_draft_what_to_fill_in(emu: Emulator, tmp_path: Path) -> None:
    records = {"track.example.com": [("CNAME", "d111111abcdef8.cloudfront.net")],
               "d111111abcdef8.cloudfront.net": [("A", "192.0.2.10")],
               "click.brand-b.com": [("CNAME", "t.sni.global.fastly.net")],
               "t.sni.global.fastly.net": [("A", "192.0.2.11")],
               "track.brand-a.com": [("A", "192.0.2.12")],  # a proxied record shows no CNAME
               "pending.brand-b.com": [("CNAME", "v2.spgo.io")], "v2.spgo.io": [("A", "192.0.2.13")]}
    with FakeDns(records) as dns:
        done = run_import(emu, tmp_path, "--stack-config", "stack.yaml", "--dns-server", dns.address, "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 1  # written, but some domains are left out of the stack's entries
    left_out = {f["domain"]: f["message"] for f in report["findings"] if f["left_out"]}
    assert {d for d, m in left_out.items() if "secure: false" in m} == {
        "legacy.example.com", "http.brand-a.com", "old.brand-b.com"}
    # No CDN shown: drafted, commented out, with what each choice of cdn needs (managed too).
    assert {d for d, m in left_out.items() if "written commented out in stack.yaml" in m} == {
        "new.example.com", "track.brand-a.com"}
    assert "or to managed once its CNAME points at SparkPost's V2 host and drop verify: false" in left_out[
        "new.example.com"]
    text = (tmp_path / "stack.yaml").read_text()
    entries = {e["domain"]: e for e in yaml.safe_load(text)["config"]["sparkpost-tracking:domains"]}
    assert report["stack_entries"] == len(entries) == 8
    assert all(e["adoptExisting"] is True for e in entries.values())
    assert {d: e["cdn"] for d, e in entries.items()} == {
        "track.example.com": "cloudfront", "click.example.com": "managed", "m.example.com": "managed",
        "click.brand-a.com": "managed", "m.brand-a.com": "managed",
        "click.brand-b.com": "fastly", "pending.brand-b.com": "managed", "m.brand-b.com": "managed"}
    assert entries["click.brand-a.com"] == {"domain": "click.brand-a.com", "cdn": "managed", "subaccountId": 12,
                                            "adoptExisting": True, "makeDefault": True}
    assert entries["click.example.com"]["sendingDomains"] == ["example.com"]
    assert entries["m.brand-b.com"]["sendingDomains"] == ["brand-b.com"]
    assert "verify" not in entries["pending.brand-b.com"]  # managed HTTPS needs verification
    # The drafts, uncommented, are entries as found (verify: false for the unverified one), for the user to finish.
    drafts = yaml.safe_load("\n".join(line.strip().removeprefix("# ") for line in text.splitlines()
                                      if line.strip().startswith("# -") or line.strip().startswith("#   ")))
    assert drafts == [{"domain": "new.example.com", "adoptExisting": True, "verify": False},
                      {"domain": "track.brand-a.com", "subaccountId": 12, "adoptExisting": True,
                       "sendingDomains": ["brand-a.com"]}]
    # Each entry that must write says so in its comment and in the report, naming the domain and every call.
    announced = {f["domain"]: f["writes"] for f in report["findings"] if f["writes"]}
    assert announced == {
        "m.example.com": ["POST /tracking-domains/m.example.com/verify"],
        "pending.brand-b.com": [f"POST /tracking-domains/pending.brand-b.com/{call}"
                                for call in ("verify", "certificate/check", "certificate/enable")]}
    assert "# pending.brand-b.com: adopting writes: the first up sends POST /tracking-domains/pending.brand-b.com/" \
           "verify" in text
    # Every CDN choice is one the user must review (TODO); managed ones are complete.
    todo = {line.split(":")[0].strip("# ") for line in text.splitlines() if ": TODO" in line}
    assert todo == {"track.example.com", "click.brand-b.com", "new.example.com", "track.brand-a.com"}
    # As written, the entries are what the stack program accepts: nothing to fill in before a preview.
    assert [p.common.domain for p in plan_domains(list(entries.values()))] == list(entries)
    assert emu.count() == emu.count(method="GET") == 2


def test_problems_are_reported_not_guessed(emu: Emulator, tmp_path: Path) -> None:
    emu.add_domain("apex.example", secure=True)  # SparkPost holds it; this library refuses an apex
    emu.add_sending_domain("brand-c.com", subaccount_id=12, tracking_domain="apex.example")
    emu.mutate("click.brand-b.com", verified=False)  # the default of subaccount 31, no longer verified
    done = run_import(emu, tmp_path, "--out", "import.json", "--json")
    assert done.returncode == 1
    findings = {f["domain"]: f for f in json.loads(done.stdout)["findings"]}
    assert findings["apex.example"]["left_out"] and "apex" in findings["apex.example"]["message"]
    assert findings["brand-c.com"]["left_out"]
    default = findings["click.brand-b.com"]
    assert not default["left_out"] and default["writes"] == ["POST /tracking-domains/click.brand-b.com/verify"]
    assert "SparkPost keeps only a verified domain as the default" in default["message"]
    resources = json.loads((tmp_path / "import.json").read_text())["resources"]
    ids = {r["id"] for r in resources if not r["type"].endswith(":SendingDomain")}
    assert "apex.example" not in ids and "brand-c.com,12" not in ids and "click.brand-b.com,31" in ids
    # The sending domain itself is declared as it is: only its association is left out.
    assert {"type": "sparkpost-tracking:index:SendingDomain", "name": "brand-c_com__sending_domain",
            "id": "brand-c.com,12"} in resources


@pytest.mark.parametrize(("args", "key", "words"), [
    ((), KEY, "give --out FILE"),
    (("--out", "x.json", "--subaccount", "abc"), KEY, "--subaccount: must be a subaccount id"),
    (("--out", "x.json", "--timeout", "0"), KEY, "--timeout"),
    (("--out", "x.json"), None, "SPARKPOST_API_KEY"),
    # An empty selection is an unset shell variable, never "everything".
    (("--out", "x.json", "--subaccount", ""), KEY, "--subaccount: an empty value selects nothing"),
    (("--out", "x.json", "--subaccount", ","), KEY, "--subaccount: an empty value selects nothing"),
    (("--out", "x.json", "--subaccount", "12,"), KEY, "--subaccount: an empty value selects nothing"),
    (("--out", "x.json", "--subaccount", "12", "--subaccount", " "), KEY, "--subaccount: an empty value"),
    (("--out", "x.json", "--domains", ""), KEY, "--domains: an empty value selects nothing"),
    (("--out", "x.json", "--domains", " , "), KEY, "--domains: an empty value selects nothing"),
    (("--out", "x.json", "--domains", "m.*,"), KEY, "--domains: an empty value selects nothing"),
])
def test_usage_errors_and_a_missing_key_write_nothing(emu: Emulator, tmp_path: Path, args: tuple[str, ...],
                                                      key: str | None, words: str) -> None:
    done = run_import(emu, tmp_path, *args, key=key)
    assert done.returncode == 2 and words in done.stderr, done.stderr
    assert emu.count() == 0 and not (tmp_path / "x.json").exists()


def test_a_refused_key_is_named_by_its_source_never_shown(emu: Emulator, tmp_path: Path) -> None:
    done = run_import(emu, tmp_path, "--out", "x.json", key="wrong-key-0123456789abcdef")
    assert done.returncode == 2 and "SPARKPOST_API_KEY" in done.stderr
    assert "wrong-key-0123456789abcdef" not in done.stdout + done.stderr
    assert not (tmp_path / "x.json").exists()




def test_a_key_without_the_sending_domains_grant_adopts_the_domains_and_reports_the_associations(
        tmp_path: Path) -> None:
    """SparkPost answers 403 to a key that lacks a grant; the emulator grants every key everything, so a tiny
    server of SparkPost's two list answers stands in here."""
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    @Request.application
    def sparkpost(request: Request) -> Response:
        if request.path.endswith("/tracking-domains"):
            body = {"results": [{"domain": "track.example.com", "port": 443, "secure": True, "default": False,
                                 "status": {"verified": True, "cname_status": "valid", "compliance_status": "valid"}}]}
            return Response(json.dumps(body), 200, content_type="application/json")
        body = {"errors": [{"message": "Forbidden."}]}
        return Response(json.dumps(body), 403, content_type="application/json")

    server = make_server("127.0.0.1", 0, sparkpost)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api = f"http://127.0.0.1:{server.server_port}/api/v1"
    try:
        done = import_command(api, tmp_path, "--out", "x.json", "--json")
        text = import_command(api, tmp_path, "--out", "x.json")
    finally:
        server.shutdown()
        thread.join()
    assert done.returncode == text.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert [(f["domain"], f["subaccount_id"], f["left_out"]) for f in findings] == [("sending domains", None, True)]
    # The finding is about the listing of every scope, and says what to give the key.
    assert text.stdout.splitlines()[-1] == (
        "  LEFT OUT: sending domains (every scope): associations not read: SparkPost refused to list sending domains "
        "(HTTP 403: Forbidden.); give the key the Sending Domains grant and import again")
    assert [r["id"] for r in json.loads((tmp_path / "x.json").read_text())["resources"]] == ["track.example.com"]


def test_an_unknown_region_is_refused_with_the_regions_there_are(emu: Emulator, tmp_path: Path) -> None:
    done = run_import(emu, tmp_path, "--out", "x.json", "--region", "mars")
    assert done.returncode == 2 and "argument --region: invalid choice: 'mars' (choose from 'us', 'eu')" in done.stderr
    assert emu.count() == 0 and not (tmp_path / "x.json").exists()
