"""SendingDomainVerification against the emulator, whose DNS check asks the loopback DNS server the test publishes
records into: the bounded, explained wait for DKIM and CNAME, the default bounce domain, and what each costs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.dynamic_providers.dkim import DkimRecord
from sparkpost_tracking.dynamic_providers.progress import WaitStatus
from sparkpost_tracking.dynamic_providers.sending_verification import SCHEMA, SendingDomainVerificationService
from sparkpost_tracking.dynamic_providers.settings import settings_from
from sparkpost_tracking.emulator import Emulator
from tests.check.fake_dns import FakeDns

KEY = "sending-verification-key-0123"
D, BOUNCE = "brand.example", "bounce.brand.example"


@pytest.fixture
def dns_server() -> Iterator[FakeDns]:
    with FakeDns({}) as server:
        yield server


@pytest.fixture
def emu(dns_server: FakeDns, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.delenv("SPARKPOST_EU_API_KEY", raising=False)
    monkeypatch.setenv("SPARKPOST_API_KEY", KEY)
    with Emulator(api_keys=[KEY]) as emulator:
        emulator.update_settings(dns_server=dns_server.address, dns_timeout=2)
        emulator.add_sending_domain(D, verified=False)
        emulator.add_sending_domain(BOUNCE, verified=False)
        yield emulator


class FakeTime:
    """A clock that moves only when the wait sleeps; ``on_sleep`` runs at each sleep (e.g. publishes a record)."""

    def __init__(self, on_sleep: Any = None) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep:
            self.on_sleep()

    def clock(self) -> float:
        return self.now


def service(time: FakeTime, timeout: float = 60) -> SendingDomainVerificationService:
    settings = settings_from({"sparkpost:verifyTimeout": str(timeout), "sparkpost:verifyInterval": "5"}, {})
    return SendingDomainVerificationService(settings, sleep=time.sleep, clock=time.clock)


def dkim_of(emu: Emulator, domain: str = D) -> DkimRecord:
    key = emu.get_sending_domain(domain)["dkim"]  # type: ignore[index]
    return DkimRecord.for_key(key["selector"], domain, key["public"])


def publish_dkim(emu: Emulator, dns_server: FakeDns, domain: str = D) -> None:
    record = dkim_of(emu, domain)
    dns_server.records[record.name] = [("TXT", record.quoted)]


def inputs(emu: Emulator, **more: Any) -> dict[str, Any]:
    checked, failures = SCHEMA.check({"sending_domain": D, "api_url": emu.base_url, **more})
    assert failures == []
    return checked


def verifies(emu: Emulator) -> int:
    return emu.count("POST", "/verify")


def test_published_dkim_is_verified_with_one_call(emu: Emulator, dns_server: FakeDns) -> None:
    publish_dkim(emu, dns_server)
    time = FakeTime()
    created = service(time).create(inputs(emu, dkim=True))
    assert created.id == D and created.outputs["dkim_status"] == "valid"
    assert verifies(emu) == 1 and time.sleeps == []
    assert emu.get_sending_domain(D)["status"]["dkim_status"] == "valid"  # type: ignore[index]


def test_a_record_that_arrives_later_is_waited_for_with_progress(emu: Emulator, dns_server: FakeDns) -> None:
    time = FakeTime(on_sleep=lambda: publish_dkim(emu, dns_server))
    heard: list[WaitStatus] = []
    created = service(time).create(inputs(emu, dkim=True), heard.append)
    assert created.outputs["dkim_status"] == "valid" and verifies(emu) == 2 and time.sleeps == [5]
    [status] = heard
    assert status.awaited == f"verifying sending domain {D}" and "DKIM" in status.answer and status.limit == 60


def test_a_record_never_published_fails_at_the_deadline_saying_what_to_publish(emu: Emulator) -> None:
    time = FakeTime()
    with pytest.raises(errors.VerificationFailed) as caught:
        service(time, timeout=30).create(inputs(emu, dkim=True))
    message = str(caught.value)
    assert f"did not verify sending domain {D!r} within 30s" in message
    assert "no TXT record" in message and "dkim_record_value" in message and "--dkim" in message
    assert time.now == 30 and sum(time.sleeps) == 30  # bounded: never past the deadline
    assert time.sleeps[:3] == [5, 10, 15]  # the tracking domains' doubling intervals


def test_the_bounce_domain_is_verified_by_cname_then_made_the_default(emu: Emulator, dns_server: FakeDns) -> None:
    dns_server.records[BOUNCE] = [("CNAME", "sparkpostmail.com")]
    dns_server.records["sparkpostmail.com"] = [("A", "192.0.2.25")]
    time = FakeTime()
    created = service(time).create(inputs(emu, sending_domain=BOUNCE, cname=True, default_bounce_domain=True))
    assert created.outputs["cname_status"] == "valid" and created.outputs["is_default_bounce_domain"] is True
    stored = emu.get_sending_domain(BOUNCE)
    assert stored["is_default_bounce_domain"] is True  # type: ignore[index]
    assert emu.count("PUT") == 1
    # Again (an update after the records changed): the default is kept without another write.
    updated = service(time).update(BOUNCE, created.outputs, inputs(emu, sending_domain=BOUNCE, cname=True,
                                                                   default_bounce_domain=True, records="x"))
    assert updated["is_default_bounce_domain"] is True and emu.count("PUT") == 1


def test_a_cname_to_another_host_is_explained(emu: Emulator, dns_server: FakeDns) -> None:
    dns_server.records[BOUNCE] = [("CNAME", "elsewhere.example.net")]
    dns_server.records["elsewhere.example.net"] = [("A", "192.0.2.26")]
    with pytest.raises(errors.VerificationFailed) as caught:
        service(FakeTime(), timeout=5).create(inputs(emu, sending_domain=BOUNCE, cname=True))
    assert "not to sparkpostmail.com" in str(caught.value) and "CNAME record" in str(caught.value)
    assert emu.count("PUT") == 0


def test_default_bounce_without_cname_is_refused_before_any_call(emu: Emulator) -> None:
    _, failures = SCHEMA.check({"sending_domain": BOUNCE, "cname": False, "default_bounce_domain": True})
    assert [f.prop for f in failures] == ["default_bounce_domain"] and "cname: true" in failures[0].reason
    assert emu.count() == 0


def test_an_unknown_domain_says_to_create_it_first(emu: Emulator) -> None:
    with pytest.raises(errors.UserError) as caught:
        service(FakeTime()).create(inputs(emu, sending_domain="nobody.example", dkim=True))
    assert "does not exist in SparkPost" in str(caught.value)


def test_read_reports_the_statuses_and_a_removed_domain_as_gone(emu: Emulator, dns_server: FakeDns) -> None:
    publish_dkim(emu, dns_server)
    verification = service(FakeTime())
    created = verification.create(inputs(emu, dkim=True))
    found = verification.read(D, created.outputs)
    assert found.id == D and found.outputs["dkim_status"] == "valid"
    emu.remove_sending_domain(D)
    assert verification.read(D, created.outputs).id == ""
    assert verification.delete(D, created.outputs) is None and emu.count("DELETE") == 0


def test_a_refresh_says_why_a_sending_domain_is_gone(emu: Emulator) -> None:
    """SparkPost's two-week removal of an unverified domain: the refresh says so, and Pulumi forgets the domain
    (the next up makes it again, with a new key to publish); one deleted after it was verified is said otherwise."""
    from sparkpost_tracking.dynamic_providers.sending_domains import SendingDomainService

    sending = SendingDomainService(settings_from({}, {}))
    created = sending.create({"domain": "new.brand.example", "api_url": emu.base_url})
    assert emu.expire_unverified() == [D, BOUNCE, "new.brand.example"]
    gone = sending.read("new.brand.example", created.outputs)
    assert gone.id == "" and "removes a sending domain that stays unverified for two weeks" in gone.warning
    assert "new DKIM key" in gone.warning
    verified = sending.read("new.brand.example", {**created.outputs, "ownership_verified": True})
    assert verified.id == "" and "it was verified, so someone deleted it" in verified.warning
    assert sending.read("new.brand.example", {}, {"api_url": emu.base_url}).warning is None  # an import: nothing to say


# ---- both paths: the dynamic provider and the plugin's native resource ----------------------------------------------

@pytest.fixture(params=["dynamic", "native"])
def deployment(request: pytest.FixtureRequest, emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Any:
    from sparkpost_tracking.dynamic_providers.sending_verification import SendingDomainVerificationProvider
    from sparkpost_tracking.plugin.native import SENDING_DOMAIN_VERIFICATION
    from tests.provider.deployments import FAST, DynamicDeployment, NativeDeployment

    if request.param == "native":
        monkeypatch.delenv("SPARKPOST_API_KEY")
        native = NativeDeployment(emu.base_url, KEY)
        native.RESOURCES = {**NativeDeployment.RESOURCES, "verification": SENDING_DOMAIN_VERIFICATION}
        return native
    for name, value in FAST.items():
        monkeypatch.setenv(f"SPARKPOST_{name.upper()}", value)
    dynamic = DynamicDeployment()
    dynamic.providers["verification"] = SendingDomainVerificationProvider()
    warned: list[str] = []
    monkeypatch.setattr("pulumi.log.warn", lambda message, *args, **kwargs: warned.append(message))
    dynamic.warnings = warned
    return dynamic


def test_both_paths_verify_and_make_the_default_bounce_domain(deployment: Any, emu: Emulator,
                                                              dns_server: FakeDns) -> None:
    publish_dkim(emu, dns_server)
    dns_server.records[BOUNCE] = [("CNAME", "sparkpostmail.com")]
    outs = deployment.create("verification", {"sending_domain": D, "dkim": True, "api_url": emu.base_url})
    assert outs["dkim_status"] == "valid" and outs["is_default_bounce_domain"] is False
    bounce = deployment.create("verification", {"sending_domain": BOUNCE, "cname": True,
                                                "default_bounce_domain": True, "api_url": emu.base_url})
    assert bounce["cname_status"] == "valid" and bounce["is_default_bounce_domain"] is True
    assert emu.get_sending_domain(BOUNCE)["is_default_bounce_domain"] is True  # type: ignore[index]
    assert deployment.read("verification", D, outs)["dkim_status"] == "valid"


def test_both_paths_fail_an_unpublished_record_with_what_to_publish(deployment: Any, emu: Emulator) -> None:
    with pytest.raises(Exception) as caught:  # the plugin carries the same message in its own error type
        deployment.create("verification", {"sending_domain": D, "dkim": True, "api_url": emu.base_url})
    assert f"did not verify sending domain {D!r}" in str(caught.value) and "no TXT record" in str(caught.value)
    assert emu.count("PUT") == 0


def test_both_paths_say_why_a_sending_domain_is_gone(deployment: Any, emu: Emulator) -> None:
    made = deployment.create("sending_domain", {"domain": "new.brand.example", "api_url": emu.base_url})
    emu.expire_unverified("new.brand.example")
    assert deployment.read("sending_domain", "new.brand.example", made) is None
    [warning] = deployment.warnings
    assert "SparkPost removes a sending domain that stays unverified for two weeks" in warning
