"""A brand's whole identity through this repository's stack program under the real CLI: its tracking domain
(managed HTTPS), its sending domain with DKIM, its bounce domain made the default, and the association, with the
manual DNS strategy. The emulator verifies DKIM and the bounce CNAME against a loopback DNS server, into which the
test publishes the records the stack asks a person to create, as a person would, while ``up`` waits for them.
It runs docs/sending-domains.md's ``pulumi up`` and, after SparkPost's two-week removal, ``pulumi up --refresh``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sparkpost_tracking.dynamic_providers.dkim import DkimRecord
from sparkpost_tracking.emulator import Emulator
from tests.check.fake_dns import FakeDns
from tests.engine.pulumi_cli import STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject

pytestmark = pytest.mark.engine

KEY = "sending-identity-key-4a5b6c7d8e9f"
TRACKING, SENDING, BOUNCE = "click.brand-a.com", "brand-a.com", "bounce.brand-a.com"
IDENTITY = {"domain": SENDING, "trackingDomain": TRACKING, "bounceSubdomain": "bounce", "defaultBounceDomain": True}


@pytest.fixture(scope="module")
def dns_server() -> Iterator[FakeDns]:
    # The bounce CNAME's value is known before the run; the DKIM key only once SparkPost made the domain.
    with FakeDns({BOUNCE: [("CNAME", "sparkpostmail.com")]}) as server:
        yield server


class Publisher:
    """Publishes the sending domain's DKIM TXT record into the loopback DNS as soon as SparkPost has its key."""

    def __init__(self, emu: Emulator, dns_server: FakeDns, replacing: str | None = None) -> None:
        self.emu, self.dns_server, self.replacing = emu, dns_server, replacing
        self.stop = threading.Event()
        self.published: DkimRecord | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(0.05):
            found = self.emu.get_sending_domain(SENDING)
            if found and found.get("dkim") and found["dkim"]["public"] != self.replacing:
                record = DkimRecord.for_key(found["dkim"]["selector"], SENDING, found["dkim"]["public"])
                self.dns_server.records[record.name] = [("TXT", record.quoted)]
                self.published = record
                return


@pytest.fixture(scope="module")
def stack(cli_dir: Path, emu: Emulator, dns_server: FakeDns,
          tmp_path_factory: pytest.TempPathFactory) -> PulumiProject:
    emu.update_settings(dns_server=dns_server.address, dns_timeout=2)
    project = PulumiProject(tmp_path_factory.mktemp("sending-identity"), cli_dir, stack="brand",
                            source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
    project.init(emu.base_url, KEY, [{"domain": TRACKING, "cdn": "managed"}], verifyInterval="0",
                 verifyTimeout="120", certificateTimeout="30")
    stack_file = project.workdir / "Pulumi.brand.yaml"
    settings = yaml.safe_load(stack_file.read_text())
    settings["config"][f"{STACK_PROGRAM_NAME}:sendingIdentities"] = [IDENTITY]
    stack_file.write_text(yaml.safe_dump(settings, sort_keys=True))
    return project


def up_publishing(stack: PulumiProject, publisher: Publisher, *extra: str) -> str:
    """``pulumi up`` while ``publisher`` publishes the DKIM record once SparkPost has the key; its output."""
    publisher.thread.start()
    try:
        return stack.up(*extra).text
    finally:
        publisher.stop.set()
        publisher.thread.join()


def test_up_ends_with_the_brand_verified_and_associated(stack: PulumiProject, emu: Emulator,
                                                        dns_server: FakeDns) -> None:
    publisher = Publisher(emu, dns_server)
    text = up_publishing(stack, publisher)
    sending, bounce = emu.get_sending_domain(SENDING), emu.get_sending_domain(BOUNCE)
    assert sending is not None and bounce is not None and publisher.published is not None
    assert sending["status"]["dkim_status"] == "valid"
    assert sending["tracking_domain"] == TRACKING
    assert bounce["status"]["cname_status"] == "valid" and bounce["is_default_bounce_domain"] is True
    # The records a person creates by hand were said, the DKIM value in zone-file form.
    assert f"{publisher.published.name} TXT {publisher.published.quoted}" in text
    assert f"{BOUNCE} CNAME sparkpostmail.com" in text


def test_the_next_preview_asks_sparkpost_nothing(stack: PulumiProject, emu: Emulator) -> None:
    before = emu.count()
    result = stack.preview("--diff")
    assert emu.count() == before
    summary = result.stdout.split("Resources:", 1)[1]
    assert "9 unchanged" in summary  # the stack, the tracking domain's two, the identity's six
    assert not any(word in summary for word in ("to create", "to update", "to replace", "to delete"))


def test_a_domain_sparkpost_removed_unverified_is_made_again_and_its_record_republished(
        stack: PulumiProject, emu: Emulator, dns_server: FakeDns) -> None:
    old = emu.get_sending_domain(SENDING)
    assert old is not None
    emu.mutate_sending_domain(SENDING, verified=False)
    assert emu.expire_unverified(SENDING) == [SENDING]  # SparkPost's two-week removal, now
    publisher = Publisher(emu, dns_server, replacing=old["dkim"]["public"])
    text = up_publishing(stack, publisher, "--refresh")
    assert "SparkPost removes a sending domain that stays unverified for two weeks" in text
    again = emu.get_sending_domain(SENDING)
    assert again is not None and publisher.published is not None
    assert again["dkim"]["public"] != old["dkim"]["public"]  # a new key, published again
    assert f"{publisher.published.name} TXT {publisher.published.quoted}" in text
    assert again["status"]["dkim_status"] == "valid" and again["tracking_domain"] == TRACKING
    bounce = emu.get_sending_domain(BOUNCE)
    assert bounce is not None and bounce["is_default_bounce_domain"] is True  # untouched
