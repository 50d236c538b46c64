"""Tier 3b: associations under the real CLI: two tracking domains, three sending domains.

up associates all three; a refresh sees an association removed out of band; the next up repairs it with
one PUT; destroy removes every association (and the tracking domains).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import PulumiProject

pytestmark = pytest.mark.engine

KEY = "association-cli-key-0123456789"
DOMAINS = [
    {"domain": "click.brand-a.com", "sendingDomains": ["brand-a.com", "news.brand-a.com"]},
    {"domain": "click.brand-b.com", "sendingDomains": ["brand-b.com"]},
]
EXPECTED = {"brand-a.com": "click.brand-a.com", "news.brand-a.com": "click.brand-a.com",
            "brand-b.com": "click.brand-b.com"}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        for sending in EXPECTED:
            emulator.add_sending_domain(sending)
        yield emulator


@pytest.fixture(scope="module")
def stack(cli_dir: Path, emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> PulumiProject:
    project = PulumiProject(tmp_path_factory.mktemp("association-stack"), cli_dir)
    project.init(emu.base_url, KEY, DOMAINS, verifyInterval="0", retryBackoff="0.05")
    return project


def associations(emu: Emulator) -> dict[str, str | None]:
    return {d["domain"]: d.get("tracking_domain") for d in emu.sending_domains()}


def test_up_associates_every_sending_domain_after_its_tracking_domain(stack: PulumiProject, emu: Emulator) -> None:
    stack.up()
    assert associations(emu) == EXPECTED
    puts = [r for r in emu.requests() if r.path.startswith("/api/v1/sending-domains/") and r.method == "PUT"]
    assert len(puts) == 3  # create = a read and one PUT each
    assert emu.count("GET", "/sending-domains/brand-a.com") == 1
    first_put = min(r.received_at for r in puts)
    verifies = [r.received_at for r in emu.requests() if r.path.endswith("/verify")]
    assert len(verifies) == 2 and max(verifies) <= first_put  # written only once the domains are verified


def test_unchanged_preview_asks_sparkpost_nothing(stack: PulumiProject, emu: Emulator) -> None:
    emu.clear_requests()
    stack.preview("--expect-no-changes")
    assert emu.count() == 0


def test_refresh_sees_an_out_of_band_removal_and_up_repairs_it(stack: PulumiProject, emu: Emulator) -> None:
    emu.associate("news.brand-a.com", "")
    emu.clear_requests()
    stack.run("refresh", "--yes", "--skip-preview")
    assert emu.count("GET", "/sending-domains/news.brand-a.com") == 1
    assert emu.count("GET", "/sending-domains/brand-a.com") == 1
    assert stack.preview("--expect-no-changes", check=False).returncode != 0
    emu.clear_requests()
    stack.up()
    assert associations(emu) == EXPECTED
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in emu.requests()] == [("GET", "news.brand-a.com"),
                                                                               ("PUT", "news.brand-a.com")]
    assert stack.preview("--expect-no-changes").returncode == 0


def test_destroy_removes_every_association(stack: PulumiProject, emu: Emulator) -> None:
    stack.retire("--skip-preview")
    assert associations(emu) == dict.fromkeys(EXPECTED)
    assert emu.domains() == []
