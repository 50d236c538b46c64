"""Replay sent links through each migration of a live tracking domain, and count every answer that is not
SparkPost's redirect: ``python -m bench.link_replay`` (``--links N`` old links per domain; ``--plans`` prints the
plans as config changes, as docs/migration.md shows them).

For each migration (``bench.migrations``), the lab sets up the world before it, sends old links (http and https
as the host served them), and replays every link sent so far through every DNS view at every moment: before,
after each part of each step (CDN, DNS, SparkPost, CDN retired), after DNS propagation, and at the end state.
New mail sent at each moment adds links to its current default host, in the scheme SparkPost writes (``secure``).
A naive migration is run as a negative control: the lab must see it break links.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta

from sparkpost_tracking.dynamic_providers.errors import SparkPostTrackingError

from .link_lab import REDIRECTED, Link, World
from .migrations import Migration, plans, render

DOMAINS = {"cdn": "track.example.com", "sibling": "click.example.com", "spgo": "track.example.net",
           "cdn2": "track.example.org", "naive": "track.example.info"}
NEW_PER_MOMENT = 5


@dataclass
class Tally:
    links: list[Link] = field(default_factory=list)
    answers: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    moments: int = 0
    failed_ups: list[str] = field(default_factory=list)
    """Steps whose ``pulumi up`` failed (what SparkPost answered)."""

    @property
    def failed(self) -> int:
        return sum(self.failures.values())


def replay(world: World, tally: Tally, hosts: list[str], moment: str) -> None:
    """Mail sent now adds its links; then every link so far is followed through every DNS view."""
    sending = world.sending_host(hosts)
    if sending is not None:
        start = len(tally.links)
        tally.links += [Link(sending.scheme, sending.host, f"/{'fq'[i % 2]}/new-{start + i}")
                        for i in range(NEW_PER_MOMENT)]
    world.client.reset()
    tally.moments += 1
    for view in world.views():
        for link in tally.links:
            tally.answers += 1
            answer = world.client.follow(view, link)
            if answer != REDIRECTED:
                tally.failures[f"{answer} [{moment}, {view.name} DNS]"] += 1


def old_links(name: str, secure: bool, count: int) -> list[Link]:
    """Mail sent before the migration: an https host also has older http links (sent before it was secure)."""
    schemes = ["https", "http"] if secure else ["http"]
    return [Link(schemes[i % len(schemes)], name, f"/{'fq'[i % 2]}/old-{i}") for i in range(count)]


def run(world: World, migration: Migration, links_per_domain: int) -> Tally:
    tally = Tally()
    hosts = [*migration.before, *(h for s in migration.steps for h in s.hosts if h not in migration.before)]
    for name, host in migration.before.items():  # the world as it has been for a while
        world.add_cdns(name, host)
        world.point_dns(name, host)
        world.converge_sparkpost(name, host)
        world.settle(name, host)
        tally.links += old_links(name, bool(host.sparkpost and host.sparkpost.get("secure")), links_per_domain)
    world.propagate()
    replay(world, tally, hosts, "before")
    for number, step in enumerate(migration.steps, 1):
        for part, apply in (("CDN", world.add_cdns), ("DNS", world.point_dns),
                            ("SparkPost", world.converge_sparkpost), ("CDN retired", world.remove_cdns)):
            try:
                changed = [apply(name, host) for name, host in step.hosts.items()]
            except SparkPostTrackingError as exc:
                tally.failed_ups.append(f"step {number}: {exc}")
                changed = [True]
            if any(changed):
                replay(world, tally, hosts, f"step {number} {part}")
        for name, host in step.hosts.items():
            world.settle(name, host)
        if step.wait and world.propagate():
            replay(world, tally, hosts, f"step {number} propagated")
    world.propagate()
    replay(world, tally, hosts, "after")
    return tally


def hours(delta: timedelta | None) -> str:
    if delta is None:
        return "the CDN's own certificate, validated by DNS before the switch"
    total = int(delta.total_seconds() // 60)
    return f"{total // 60} h {total % 60:02d} min"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.link_replay", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=350, help="old links per domain (default 350)")
    parser.add_argument("--plans", action="store_true", help="print the plans as config changes and exit")
    options = parser.parse_args(argv)
    migrations = plans(DOMAINS)
    if options.plans:
        print("\n\n".join(render(m) for m in migrations if not m.negative))
        return 0
    results: list[tuple[Migration, Tally]] = []
    with ExitStack() as stack:
        world = World(stack)
        for migration in migrations:
            tally = run(world, migration, options.links)
            results.append((migration, tally))
            label = "negative control" if migration.negative else f"migration {migration.name}"
            print(f"{label}: {tally.answers} links, {tally.failed} not redirected"
                  + ("" if migration.negative else f", {len(migration.steps)} steps"))
            print(f"  {len(tally.links)} links sent (old and new), replayed at {tally.moments} moments; "
                  f"modelled time to a valid certificate: {hours(migration.time_to_valid_certificate())}")
            for reason, count in tally.failures.most_common(5):
                print(f"  {count} x {reason}")
            for failure in tally.failed_ups:
                print(f"  pulumi up failed at {failure}")
    real = [(m, t) for m, t in results if not m.negative]
    negative = [t for m, t in results if m.negative]
    print("\n| migration | steps | links sent | answers | not redirected | modelled time to a valid certificate |")
    print("|---|---|---|---|---|---|")
    for migration, tally in results:
        name = f"{migration.name}{' (negative control)' if migration.negative else ''}"
        print(f"| {name} | {len(migration.steps)} | {len(tally.links)} | {tally.answers} | {tally.failed} | "
              f"{hours(migration.time_to_valid_certificate())} |")
    answers, failed = sum(t.answers for _, t in real), sum(t.failed for _, t in real)
    print(f"\nlink replay: {answers} links, {failed} not redirected")
    failed_ups = sum(len(t.failed_ups) for _, t in real)
    return 0 if failed == failed_ups == 0 and all(t.failed > 0 for t in negative) else 1


if __name__ == "__main__":
    sys.exit(main())
