"""A whole tracking chain on loopback per test (DNS, a CDN with a test CA's certificate, a SparkPost click
endpoint), and ``run_check`` to run the real command against it, in process, from its argument list."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import trustme

from sparkpost_tracking.__main__ import main
from sparkpost_tracking.check.report import JSON_SCHEMA
from tests.check.fake_chain import CdnBehaviour, FakeCdn, FakeSparkPost
from tests.check.fake_dns import FakeDns, Records

DOMAIN = "track.example.com"
TARGET = "d111111abcdef8.cloudfront.net"
CDN_ADDRESS = "192.0.2.10"  # what public DNS would say; connections go to loopback through --resolve


@dataclass
class Chain:
    domain: str
    dns: FakeDns
    cdn: FakeCdn
    origin: FakeSparkPost
    ca_file: Path

    def args(self, *extra: str, expect_target: str | None = TARGET) -> list[str]:
        args = ["check", self.domain, "--resolve", f"{self.domain}:*:127.0.0.1",
                "--https-port", str(self.cdn.https_port), "--http-port", str(self.cdn.http_port),
                "--ca-file", str(self.ca_file), "--dns-server", self.dns.address, "--timeout", "5"]
        if expect_target:
            args += ["--expect-target", expect_target]
        return [*args, *extra]


@dataclass
class Outcome:
    code: int
    report: dict[str, Any]
    stdout: str
    stderr: str

    @property
    def steps(self) -> dict[str, dict[str, Any]]:
        return {step["step"]: step for step in self.report["steps"]}

    def statuses(self) -> dict[str, str]:
        return {name: step["status"] for name, step in self.steps.items()}

    def failed(self) -> dict[str, str | None]:
        """Each failed step and its code."""
        return {name: step["code"] for name, step in self.steps.items() if step["status"] == "fail"}


def correct_records(domain: str = DOMAIN, target: str = TARGET) -> Records:
    return {domain: [("CNAME", target)], target: [("A", CDN_ADDRESS)]}


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="session")
def good_leaf(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert(DOMAIN)


MakeChain = Callable[..., Chain]


@pytest.fixture
def make_chain(ca: trustme.CA, ca_file: Path, good_leaf: trustme.LeafCert) -> Iterator[MakeChain]:
    """``make_chain(records=..., leaf=..., behaviour=..., https=...)``: a running chain, stopped after the test."""
    with ExitStack() as stack:
        def make(*, records: Records | None = None, leaf: trustme.LeafCert | None = None,
                 behaviour: CdnBehaviour | None = None, https: bool = True, silent_dns: bool = False) -> Chain:
            origin = FakeSparkPost([DOMAIN])
            stack.callback(origin.close)
            cdn = FakeCdn(origin, leaf or good_leaf, behaviour, https=https)
            stack.callback(cdn.close)
            dns_server = stack.enter_context(FakeDns(correct_records() if records is None else records,
                                                     silent=silent_dns))
            return Chain(DOMAIN, dns_server, cdn, origin, ca_file)

        yield make


@pytest.fixture
def run_check(capsys: pytest.CaptureFixture[str]) -> Callable[[list[str]], Outcome]:
    """Runs ``main(args + ['--json'])``, parses what it printed and holds it to what every report promises: the
    published schema, the exit code of its verdict, and on every row a detail, and a code and a hint exactly when
    it does not pass (a skip has neither)."""
    def run(args: list[str]) -> Outcome:
        code = main([*args, "--json"])
        out, err = capsys.readouterr()
        report = json.loads(out)
        jsonschema.validate(report, JSON_SCHEMA, cls=jsonschema.Draft202012Validator)
        assert report["ok"] is (code == 0) and code in (0, 1), (code, out)
        for step in report["steps"]:
            assert isinstance(step["detail"], str) and step["detail"].strip(), step
            judged = step["status"] in ("warn", "fail")
            assert (isinstance(step["code"], str) and bool(step["code"])) is judged, step
            assert (isinstance(step["hint"], str) and bool(step["hint"].strip())) is judged, step
        return Outcome(code, report, out, err)

    return run


def days(n: float) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=n)
