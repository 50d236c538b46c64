"""The migrations of a live tracking domain, declared as plans: the state of each host after each step.

A step is one reviewed change of the stack (one ``pulumi up``): for each host it touches, where its DNS record
points, which CDNs serve it (each with a certificate for it), and the SparkPost ``TrackingDomain`` inputs. The
link-replay lab applies the plans to its loopback world and replays sent links at every step; docs/migration.md
shows them as config changes (``python -m bench.link_replay --plans``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Final

from sparkpost_tracking.dynamic_providers.hosts import HOSTS

V1: Final[str] = HOSTS["us"].cdn_origin  # spgo.io: http only for a tracking host
V2: Final[str] = HOSTS["us"].managed_cname_target  # v2.spgo.io: SparkPost's managed HTTPS
CDN_A, CDN_B = "d111111abcdef8.cloudfront.net", "track.global.fastly.net"
#: SparkPost's guide: a DNS change can take 48 hours to reach every resolver.
DNS_PROPAGATION: Final[timedelta] = timedelta(hours=48)
#: SparkPost: a managed certificate is usually issued within 15 minutes of the request.
ISSUANCE: Final[timedelta] = timedelta(minutes=15)


@dataclass(frozen=True)
class Host:
    """One tracking host: its DNS record, the CDNs that serve it, and its SparkPost tracking domain."""

    dns: str | None = None
    """The CNAME target of the host, or None (no record)."""
    cdns: frozenset[str] = frozenset()
    """The CDNs configured for the host, each with a validated certificate for it."""
    sparkpost: dict[str, Any] | None = None
    """The ``TrackingDomain`` inputs (besides ``domain`` and ``api_url``), or None (no tracking domain)."""

    def with_(self, **changes: Any) -> Host:
        return replace(self, **changes)


@dataclass(frozen=True)
class Step:
    title: str
    hosts: dict[str, Host]
    """The hosts this step changes, in their new state."""
    wait: timedelta = timedelta(0)
    """How long to wait after this step, before the next (DNS propagation)."""


@dataclass(frozen=True)
class Migration:
    name: str
    summary: str
    before: dict[str, Host]
    steps: tuple[Step, ...]
    end_state: str
    certificate_step: int | None = None
    """The step whose ``pulumi up`` waits for SparkPost's managed certificate (None: a CDN's certificate)."""
    negative: bool = False
    """A naive plan the lab must catch breaking links (the negative control)."""
    new_host: str | None = field(default=None)

    def time_to_valid_certificate(self) -> timedelta | None:
        """Modelled: the waits of the steps before the certificate's, then its issuance."""
        if self.certificate_step is None:
            return None
        return sum((s.wait for s in self.steps[:self.certificate_step]), timedelta(0)) + ISSUANCE


CDN_SECURE: Final[dict[str, Any]] = {"secure": True, "default": True}


def plans(domain_of: dict[str, str]) -> tuple[Migration, ...]:
    """The three migrations and the naive control, for the hosts ``domain_of`` names (keys: ``cdn``,
    ``sibling``, ``spgo``, ``cdn2``, ``naive``)."""
    cdn, sibling, spgo, cdn2, naive = (domain_of[k] for k in ("cdn", "sibling", "spgo", "cdn2", "naive"))
    on_cdn = Host(dns=CDN_A, cdns=frozenset({CDN_A}), sparkpost=CDN_SECURE)
    return (
        Migration(
            "cdn-to-managed",
            "A host behind a CDN cannot switch in place: SparkPost's certificate is issued only once the CNAME "
            "points at V2, and until then https links to it would fail. So a sibling host gets managed HTTPS "
            "and all new mail; the old host keeps its CDN chain, protected.",
            before={cdn: on_cdn},
            steps=(
                # A resolver that asked for the new name before it existed caches "no such name" for a while:
                # new mail moves to it only after the record has propagated.
                Step("sibling host on managed HTTPS (a new name: no link points at it yet)",
                     {sibling: Host(dns=V2, sparkpost={"managed_certificate": True})}, wait=DNS_PROPAGATION),
                Step("new mail uses the sibling: default moved (and sending-domain associations)",
                     {sibling: Host(dns=V2, sparkpost={"managed_certificate": True, "default": True}),
                      cdn: on_cdn.with_(sparkpost={"secure": True, "default": False})}),
            ),
            end_state=f"{sibling} on managed HTTPS carries all new mail; {cdn} keeps its CDN chain for old links",
            certificate_step=0, new_host=sibling),
        Migration(
            "spgo-to-managed",
            "An http-only host on spgo.io moves to managed HTTPS on the same name: DNS first (http works on both "
            "endpoints), then the certificate; SparkPost turns secure on only once it is valid, so no https link "
            "is sent before it can be served.",
            before={spgo: Host(dns=V1, sparkpost={"secure": False, "default": True})},
            steps=(
                Step("CNAME to V2 (http links work on V1 and V2 alike)",
                     {spgo: Host(dns=V2, sparkpost={"secure": False, "default": True})}, wait=DNS_PROPAGATION),
                Step("managed HTTPS on; secure follows when tls_status is valid",
                     {spgo: Host(dns=V2, sparkpost={"managed_certificate": True, "default": True})}),
            ),
            end_state=f"{spgo} on V2 with a valid certificate, secure",
            certificate_step=1),
        Migration(
            "cdn-to-cdn",
            "The new CDN serves the host, with a certificate validated through DNS, before DNS moves; both chains "
            "serve while the change propagates; the old CDN lets the host go only after that.",
            before={cdn2: on_cdn},
            steps=(
                Step("new CDN configured, its certificate validated by DNS (the old CDN still serves)",
                     {cdn2: on_cdn.with_(cdns=frozenset({CDN_A, CDN_B}))}),
                Step("CNAME to the new CDN (both chains serve)",
                     {cdn2: on_cdn.with_(dns=CDN_B, cdns=frozenset({CDN_A, CDN_B}))}, wait=DNS_PROPAGATION),
                Step("old CDN lets the host go", {cdn2: on_cdn.with_(dns=CDN_B, cdns=frozenset({CDN_B}))}),
            ),
            end_state=f"{cdn2} on the new CDN"),
        Migration(
            "naive-cdn-to-managed",
            "The naive switch: the CDN host's CNAME straight to V2, managed HTTPS on, in one step.",
            before={naive: on_cdn},
            steps=(Step("CNAME to V2 and managed HTTPS on, at once",
                        {naive: Host(dns=V2, cdns=frozenset({CDN_A}),
                                     sparkpost={"managed_certificate": True, "default": True})}),),
            end_state=f"{naive} on V2", certificate_step=0, negative=True),
    )


def render(migration: Migration) -> str:
    """A plan as config changes, for docs/migration.md."""
    def host_yaml(name: str, host: Host) -> list[str]:
        lines = [f"  {name}:", f"    dns: {f'CNAME {host.dns}' if host.dns else 'none'}"]
        if host.cdns:
            lines.append(f"    cdns: [{', '.join(sorted(host.cdns))}]   # each with a certificate for {name}")
        if host.sparkpost is not None:
            inputs = ", ".join(f"{k}: {str(v).lower()}" for k, v in host.sparkpost.items())
            lines.append(f"    sparkpost: {{{inputs}}}")
        return lines

    out = [f"### {migration.name}", "", migration.summary, "", "```yaml", "before:"]
    for name, host in migration.before.items():
        out += host_yaml(name, host)
    for number, step in enumerate(migration.steps, 1):
        out.append(f"step {number}:   # {step.title}")
        for name, host in step.hosts.items():
            out += host_yaml(name, host)
        if step.wait:
            out.append(f"  # then wait {step.wait.total_seconds() / 3600:g} h (DNS propagation) before the next step")
    out += ["```", "", f"End state: {migration.end_state}."]
    return "\n".join(out)
