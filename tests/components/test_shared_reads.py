"""A fleet in one zone reads the zone once: components that ask a provider the same question (a Cloudflare zone's
facts, a Fastly TLS configuration) share one read per program, per provider. Each component still judges the
answer for its own host, and a new program reads again."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_cloudflare as cloudflare
import pulumi_fastly as fastly

from sparkpost_tracking.components import CloudflareTrackingDomain, FastlyTrackingDomain
from tests.components.cloud_answers import GET_TLS_CONFIGURATION, GET_ZONE, GET_ZONE_SETTING

ZONE = "0123456789abcdef0123456789abcdef"
OTHER_ZONE = "fedcba9876543210fedcba9876543210"
DEEP_CHECKS = ("cloudflare:index/getTotalTls:getTotalTls", "cloudflare:index/getCertificatePacks:getCertificatePacks")


def tokens(invokes: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [token for token, _ in invokes]


def cloudflare_fleet(n: int, zone: str = ZONE, **args: Any) -> list[CloudflareTrackingDomain]:
    return [CloudflareTrackingDomain(f"cf{i}", {"domain": f"t{i}.example.com", "zone_id": zone, **args})
            for i in range(n)]


def test_many_domains_in_one_zone_read_it_once(pulumi_run: Any) -> None:
    run = pulumi_run(lambda: cloudflare_fleet(5))
    assert tokens(run.invokes).count(GET_ZONE) == 1 and tokens(run.invokes).count(GET_ZONE_SETTING) == 1
    assert len(run.of_type("cloudflare:index/dnsRecord:DnsRecord")) == 5  # every domain is still built


def test_each_zone_and_each_provider_is_read_on_its_own(pulumi_run: Any) -> None:
    def program() -> None:
        cloudflare_fleet(2)
        cloudflare_fleet(2, OTHER_ZONE)
        other = cloudflare.Provider("other-account", api_token="t" * 40)
        CloudflareTrackingDomain("own-provider", {"domain": "o.example.com", "zone_id": ZONE},
                                 pulumi.ResourceOptions(providers=[other]))

    run = pulumi_run(program)
    zones = sorted((args["zoneId"], token) for token, args in run.invokes if token == GET_ZONE)
    assert zones == [(ZONE, GET_ZONE), (ZONE, GET_ZONE), (OTHER_ZONE, GET_ZONE)]


def test_a_new_program_reads_again(pulumi_run: Any) -> None:
    for _ in range(2):
        assert tokens(pulumi_run(lambda: cloudflare_fleet(2)).invokes).count(GET_ZONE) == 1


def test_each_host_is_still_judged_on_its_own(pulumi_run: Any) -> None:
    # Only the host two levels below the zone needs its own certificate, so only it reads Total TLS and packs.
    def program() -> None:
        CloudflareTrackingDomain("shallow", {"domain": "track.example.com", "zone_id": ZONE})
        CloudflareTrackingDomain("deep-1", {"domain": "click.email.example.com", "zone_id": ZONE})
        CloudflareTrackingDomain("deep-2", {"domain": "go.email.example.com", "zone_id": ZONE})

    run = pulumi_run(program, invokes={DEEP_CHECKS[0]: {"enabled": True}})
    assert [tokens(run.invokes).count(t) for t in (GET_ZONE, *DEEP_CHECKS)] == [1, 1, 1]


def test_an_unknown_zone_id_is_read_by_each_component(pulumi_run: Any) -> None:
    # An Output zone id cannot be a key: each component reads for itself, as before.
    def program() -> None:
        zone = pulumi.Output.from_input(ZONE)
        for i in range(2):
            CloudflareTrackingDomain(f"cf{i}", {"domain": f"t{i}.example.com", "zone_id": zone})

    assert tokens(pulumi_run(program).invokes).count(GET_ZONE) == 2


def test_fastly_domains_behind_one_tls_configuration_read_it_once(pulumi_run: Any) -> None:
    def program() -> None:
        for i in range(3):
            FastlyTrackingDomain(f"fa{i}", {"domain": f"t{i}.example.com"})
        for i in range(2):
            FastlyTrackingDomain(f"own{i}", {"domain": f"o{i}.example.com", "tls_configuration_id": "cfg2"})
        other = fastly.Provider("other-account", api_key="k" * 32)
        FastlyTrackingDomain("other", {"domain": "x.example.com"}, pulumi.ResourceOptions(providers=[other]))

    run = pulumi_run(program)
    assert sorted(str(args) for token, args in run.invokes if token == GET_TLS_CONFIGURATION) == [
        "{'default': True}", "{'default': True}", "{'id': 'cfg2'}"]
