"""What ``import --stack-config`` reads of each domain's DNS (the CDN, or why none is named), asked of the loopback DNS
server; and the files an import writes: replaced in one rename from beside the target, one file under any spelling."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from sparkpost_tracking.adopt.cdn_inference import Inference, cdn_of_target, infer_cdns
from sparkpost_tracking.adopt.files import same_file, write_replacing
from tests.check.fake_dns import FakeDns

RECORDS = {
    "cf.example.com": [("CNAME", "D111.CloudFront.NET")], "d111.cloudfront.net": [("A", "192.0.2.1")],
    "chain.example.com": [("CNAME", "edge.example.net")], "edge.example.net": [("CNAME", "t.sni.global.fastly.net")],
    "t.sni.global.fastly.net": [("A", "192.0.2.2")],
    "v2.example.com": [("CNAME", "v2.spgo.io")], "v2.spgo.io": [("A", "192.0.2.3")],
    "own.example.com": [("CNAME", "origin.example.net")], "origin.example.net": [("A", "192.0.2.4")],
    "proxied.example.com": [("A", "104.16.0.1")],
    "v6.example.com": [("AAAA", "2001:db8::1")],
    "broken.example.com": [("RCODE", "SERVFAIL")],
}


def test_each_domain_gets_its_cdn_or_what_dns_said_instead() -> None:
    names = ["cf.example.com", "chain.example.com", "v2.example.com", "own.example.com", "proxied.example.com",
             "v6.example.com", "broken.example.com", "gone.example.com"]
    with FakeDns(RECORDS) as dns:
        host, port = dns.address.split(":")
        found = infer_cdns(names, dns_server=(host, int(port)), timeout=5)
    assert found == {
        "cf.example.com": Inference("cf.example.com", "cloudfront", "CNAME d111.cloudfront.net"),
        # The first CDN host in the chain names the CDN; the chain is shown as DNS followed it.
        "chain.example.com": Inference("chain.example.com", "fastly",
                                       "CNAME edge.example.net -> t.sni.global.fastly.net"),
        "v2.example.com": Inference("v2.example.com", "managed", "CNAME v2.spgo.io"),
        "own.example.com": Inference("own.example.com", None, "CNAME origin.example.net"),
        "proxied.example.com": Inference("proxied.example.com", None,
                                         "no CNAME (an address record, or a proxied record that hides its CNAME)"),
        # An AAAA record alone answers the A question with no record: no CNAME, not a failure.
        "v6.example.com": Inference("v6.example.com", None,
                                    "no CNAME (an address record, or a proxied record that hides its CNAME)"),
        "broken.example.com": Inference("broken.example.com", None, "DNS lookup failed (NoNameservers)"),
        "gone.example.com": Inference("gone.example.com", None, "no such name in DNS (NXDOMAIN)"),
    }


def test_a_silent_dns_server_infers_nothing_within_the_timeout() -> None:
    with FakeDns({}, silent=True) as dns:
        host, port = dns.address.split(":")
        found = infer_cdns(["a.example.com", "b.example.com"], dns_server=(host, int(port)), timeout=0.3)
    assert found == {d: Inference(d, None, "DNS lookup failed (LifetimeTimeout)") for d in ("a.example.com",
                                                                                             "b.example.com")}


def test_nothing_to_ask_asks_nothing() -> None:
    assert infer_cdns([], dns_server=("127.0.0.1", 9), timeout=0.1) == {}


def test_without_dnspython_every_domain_is_left_to_fill_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sparkpost_tracking.check.dns_step", None)  # the 'check' extra is missing
    assert infer_cdns(["a.example.com"], dns_server=None, timeout=1) == {"a.example.com": Inference(
        "a.example.com", None, "not looked up: DNS lookups need the 'check' extra "
                               "(pip install 'sparkpost-tracking[check]')")}


@pytest.mark.parametrize(("target", "cdn"), [
    ("v2.spgo.io", "managed"), ("EU.V2.SPGO.IO.", "managed"), ("d1.cloudfront.net.", "cloudfront"),
    ("x.fastly.net", "fastly"), ("x.fastlylb.net", "fastly"), ("cloudfront.net", None), ("spgo.io", None),
    ("x.fastly.net.example.org", None),
])
def test_a_target_names_a_cdn_by_its_own_host(target: str, cdn: str | None) -> None:
    assert cdn_of_target(target) == cdn


def test_a_replacing_write_renames_from_beside_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file sits in the target's directory (a rename within one file system is atomic), named after
    the target, so one left by a crash says whose it is."""
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(source: str, destination: str) -> None:
        renames.append((str(source), str(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spy)
    target = tmp_path / "conf" / "Pulumi.prod.yaml"
    write_replacing(str(target), "config: {}\nname: é\n")
    [(source, destination)] = renames
    assert Path(destination) == target.resolve() and Path(source).parent == target.parent.resolve()
    assert Path(source).name.startswith(".Pulumi.prod.yaml.") and source.endswith(".tmp")
    assert target.read_bytes() == "config: {}\nname: é\n".encode()


def test_two_names_in_a_directory_not_made_yet_differ_only_in_case(tmp_path: Path) -> None:
    assert same_file(str(tmp_path / "new" / "dir" / "Out.json"), str(tmp_path / "new" / "dir" / "out.json"))
    assert not same_file(str(tmp_path / "new" / "a" / "out.json"), str(tmp_path / "new" / "b" / "out.json"))
