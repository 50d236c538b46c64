"""Click traffic as SparkPost's tracking hosts answer it: 302 from msys-http for a registered host, over http
always and over https only while the host's managed certificate is valid; otherwise SparkPost's 404 or a TLS
failure, as a client sees it (real TLS, verified against a test CA)."""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.testing import HttpApi

KEY = "click-test-key"
HOST = "track.example.com"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def emu(ca: trustme.CA) -> Iterator[Emulator]:
    def context_for(host: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(host).configure_cert(context)
        return context

    with Emulator(api_keys=[KEY], click_tls=context_for) as emulator:
        emulator.update_settings(tls_pending_reads=0)
        yield emulator


def click(emu: Emulator, host: str, *, https: bool = False, ca: trustme.CA | None = None,
          path: str = "/f/abc123") -> tuple[int, str | None]:
    """One click as a browser sends it: connect to the endpoint, TLS with the host's name, GET with its Host."""
    port = emu.click_https_port if https else emu.port
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock: socket.socket = raw
    if https:
        assert ca is not None
        context = ssl.create_default_context()
        ca.configure_trust(context)
        sock = context.wrap_socket(raw, server_hostname=host)
    connection = http.client.HTTPConnection(host, timeout=5)
    connection.sock = sock
    try:
        connection.request("GET", path, headers={"User-Agent": "Mozilla/5.0 (link replay)"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("server")
    finally:
        connection.close()


def managed(emu: Emulator, host: str = HOST) -> None:
    api = HttpApi(emu.base_url, KEY)
    try:
        api.create(host)
        api.verify(host)
        assert api("POST", f"/tracking-domains/{host}/certificate/enable").status_code == 200
        assert api.get(host).json()["results"]["status"]["tls_status"] == "valid"
    finally:
        api.close()


@pytest.mark.parametrize("path", ["/f/abc123", "/q/open-pixel"])
def test_a_registered_host_is_redirected_over_http(emu: Emulator, path: str) -> None:
    emu.add_domain(HOST, secure=False, verified=True)
    assert click(emu, HOST, path=path) == (302, "msys-http")


def test_an_unknown_host_gets_sparkposts_404(emu: Emulator) -> None:
    assert click(emu, "nobody.example.com") == (404, "msys-http")


def test_clicks_are_not_api_requests(emu: Emulator) -> None:
    emu.add_domain(HOST, verified=True)
    click(emu, HOST)
    assert emu.count() == 0


def test_https_works_only_while_the_managed_certificate_is_valid(emu: Emulator, ca: trustme.CA) -> None:
    emu.add_domain(HOST, secure=False, verified=True)
    with pytest.raises(ssl.SSLCertVerificationError):  # no certificate for the host yet: V2's own one
        click(emu, HOST, https=True, ca=ca)
    managed(emu, "other.example.com")
    assert click(emu, "other.example.com", https=True, ca=ca) == (302, "msys-http")
    assert click(emu, "other.example.com") == (302, "msys-http")  # and http as ever
    emu.mutate("other.example.com", tls_status="expired")
    with pytest.raises(ssl.SSLCertVerificationError):
        click(emu, "other.example.com", https=True, ca=ca)
    assert click(emu, "other.example.com") == (302, "msys-http")


def test_without_click_tls_there_is_no_https_port(tmp_path: Path) -> None:
    with Emulator(api_keys=[KEY]) as emulator, pytest.raises(RuntimeError, match="click_tls"):
        _ = emulator.click_https_port
