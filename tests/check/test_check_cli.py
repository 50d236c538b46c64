"""The command line: both entry points, option errors (named, before any network step), the JSON schema,
and the message when the [check] extra is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from sparkpost_tracking.__main__ import main
from sparkpost_tracking.check.options import UsageError, parse_dns_server, parse_resolve
from sparkpost_tracking.check.report import JSON_SCHEMA, STEP_NAMES
from sparkpost_tracking.check.tls_step import name_matches
from tests.check.conftest import DOMAIN, MakeChain, Outcome
from tests.check.fake_chain import CdnBehaviour

Run = Callable[[list[str]], Outcome]
CONSOLE_SCRIPT = Path(sys.executable).parent / "sparkpost-tracking"


def test_the_console_script_prints_the_table_and_exits_with_the_verdict(make_chain: MakeChain) -> None:
    chain = make_chain()
    done = subprocess.run([str(CONSOLE_SCRIPT), *chain.args()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"check {DOMAIN}: expected target")
    assert lines[1].split() == ["STEP", "RESULT", "DETAIL"]
    assert lines[-1] == "PASS: all 6 required steps passed"


def test_python_dash_m_runs_the_same_command(make_chain: MakeChain) -> None:
    chain = make_chain(behaviour=CdnBehaviour(rewrite_host=True))
    done = subprocess.run([sys.executable, "-m", "sparkpost_tracking", *chain.args(), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [s["step"] for s in report["steps"] if s["status"] == "fail"] == ["https", "http"]


@pytest.mark.parametrize("broken", [{}, {"behaviour": CdnBehaviour(edge_status={"https": 526})}, {"https": False}],
                         ids=["passing", "526", "http-only"])
def test_every_report_follows_the_published_schema(make_chain: MakeChain, run_check: Run,
                                                   broken: dict[str, object]) -> None:
    outcome = run_check(make_chain(**broken).args())  # type: ignore[arg-type]
    jsonschema.Draft202012Validator.check_schema(JSON_SCHEMA)
    jsonschema.validate(outcome.report, JSON_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert tuple(outcome.steps) == STEP_NAMES
    assert outcome.report["ok"] is (outcome.code == 0)
    for step in outcome.report["steps"]:
        assert (step["code"] is None) == (step["status"] in ("pass", "skip"))


@pytest.mark.parametrize(("args", "named"), [
    (["check", "example"], "DOMAIN"),
    (["check", DOMAIN, "--resolve", "other.example.com:443:127.0.0.1"], "--resolve"),
    (["check", DOMAIN, "--resolve", f"{DOMAIN}:https:127.0.0.1"], "--resolve"),
    (["check", DOMAIN, "--dns-server", "ns.example.com"], "--dns-server"),
    (["check", DOMAIN, "--https-port", "0"], "--https-port"),
    (["check", DOMAIN, "--timeout", "0"], "--timeout"),
    (["check", DOMAIN, "--api-url", "http://api.example.com/api/v1"], "--api-url"),
    (["check", DOMAIN, "--subaccount", "0"], "--subaccount"),
    (["check", DOMAIN, "--stack", "dev"], "--stack"),
    (["check", DOMAIN, "--expect-target", "https://d1.cloudfront.net/"], "--expect-target"),
])
def test_a_bad_option_is_named_before_any_network_step(args: list[str], named: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and named in captured.err


def test_resolve_and_dns_server_parse_like_curl_and_dig() -> None:
    assert parse_resolve(f"{DOMAIN}:443:192.0.2.1", DOMAIN).port == 443
    assert parse_resolve(f"{DOMAIN.upper()}:*:[2001:db8::1]", DOMAIN).address == "2001:db8::1"
    assert parse_resolve(f"{DOMAIN}:80:d111.cloudfront.net", DOMAIN).address == "d111.cloudfront.net"
    assert parse_dns_server("192.0.2.53") == ("192.0.2.53", 53)
    assert parse_dns_server("192.0.2.53:5353") == ("192.0.2.53", 5353)
    assert parse_dns_server("2001:db8::53") == ("2001:db8::53", 53)
    assert parse_dns_server("[2001:db8::53]:5353") == ("2001:db8::53", 5353)
    with pytest.raises(UsageError, match="port"):
        parse_dns_server("192.0.2.53:99999")


@pytest.mark.parametrize(("pattern", "host", "matches"), [
    ("track.example.com", "track.example.com", True),
    ("TRACK.example.com", "track.example.com", True),
    ("*.example.com", "track.example.com", True),
    ("*.example.com", "a.track.example.com", False),  # one label only
    ("*.example.com", "example.com", False),
    ("*.track.example.com", "track.example.com", False),
    ("other.example.com", "track.example.com", False),
])
def test_certificate_names_match_as_browsers_match_them(pattern: str, host: str, matches: bool) -> None:
    assert name_matches(host, pattern) is matches


def test_a_missing_extra_names_the_pip_command() -> None:
    # The import system treats a None entry in sys.modules as "not installed".
    program = ("import sys; sys.modules['dns'] = None; from sparkpost_tracking.__main__ import main; "
               f"sys.exit(main(['check', '{DOMAIN}']))")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "pip install 'sparkpost-tracking[check]'" in done.stderr


def test_help_works_without_the_extra() -> None:
    program = ("import sys; sys.modules['dns'] = sys.modules['cryptography'] = None; "
               "from sparkpost_tracking.__main__ import main; main(['check', '--help'])")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "--expect-target" in done.stdout
