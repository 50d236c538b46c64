"""What one planned step does to the links already sent through its tracking domain.

Each rule reads the step's old state (what exists) and new state (what the program declares) and gives one or
more findings, each a verdict and the reason a reviewer reads. The verdicts, worst last: ``safe`` (a new domain,
outputs only, nothing), ``risky`` (the default moves, an association moves or goes, verification is turned
off, a CDN setting SparkPost requires stops holding) and ``breaks-links`` (a live chain's SparkPost domain, host
DNS record or CDN is deleted or replaced, ``secure`` is turned off on a live domain, the region or subaccount
changes).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sparkpost_tracking.dynamic_providers.settings import camel_case

from .links import Link, Role, host_name
from .preview import State, Step
from .requirements import violations


class Verdict(enum.IntEnum):
    SAFE = 0
    RISKY = 1
    BREAKS_LINKS = 2

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")

    @classmethod
    def named(cls, label: str) -> Verdict:
        return cls[label.upper().replace("-", "_")]


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    link: Link
    why: str


NO_CHANGE: Final[str] = "no change"
#: Properties whose change moves the domain to another account, or rebuilds it: SparkPost replaces it.
_WHERE: Final[tuple[str, ...]] = ("region", "subaccount_id", "api_url")
#: The account a domain lives in. Against one API base (an emulator, a tenant) a region change is an update,
#: but the links sent still belong to the old account.
_MOVES: Final[tuple[str, ...]] = ("region", "subaccount_id")


def prop(props: Mapping[str, Any], key: str) -> Any:
    """A property by its snake_case name, from a dynamic resource's state (snake_case) or a native one's (camel)."""
    return props[key] if key in props else props.get(camel_case(key))


def _declared(state: State | None) -> Mapping[str, Any]:
    return state.inputs if state else {}


def _reported(state: State | None) -> Mapping[str, Any]:
    return {**state.inputs, **state.outputs} if state else {}


def is_live(state: State | None) -> bool:
    """Verified in SparkPost, or serving https with SparkPost's managed certificate, as the state says."""
    outputs = _reported(state)
    return bool(prop(outputs, "verified")) or prop(outputs, "tls_status") == "valid"


def _changed(step: Step) -> list[str]:
    """The inputs that differ between the state and the program (our own bookkeeping left out)."""
    old, new = _declared(step.old), _declared(step.new)
    return sorted(k for k in set(old) | set(new) if not k.startswith("__") and old.get(k) != new.get(k))


def _protect_note(step: Step) -> str | None:
    if step.old and step.new and step.old.protect != step.new.protect:
        return "protection turned " + ("on" if step.new.protect else "off")
    return None


def _quiet(step: Step, link: Link) -> Iterator[Finding]:
    """A step that changes no input: a protect flip, outputs only, or nothing."""
    note = _protect_note(step)
    if note:
        yield Finding(Verdict.SAFE, link, note)
    else:
        yield Finding(Verdict.SAFE, link, "outputs only" if step.op == "update" else NO_CHANGE)


def _refused(step: Step) -> str:
    return " (the engine refused it: the resource is protected)" if step.refused else ""


def _reasons(step: Step) -> str:
    reasons = [r for r in step.replace_reasons if not r.startswith("__")]
    moves = [f"{r} {prop(_declared(step.old), r)!r} → {prop(_declared(step.new), r)!r}" for r in reasons]
    return f" because {', '.join(moves)} changes" if moves else ""


def tracking_domain(step: Step, domain: str) -> Iterator[Finding]:
    link = Link.SPARKPOST
    old, new = _reported(step.old), _declared(step.new)
    if step.op == "create":
        yield Finding(Verdict.SAFE, link, "a new tracking domain")
        return
    if step.op == "delete":
        yield Finding(Verdict.BREAKS_LINKS, link, f"deleted: every link sent through {domain} stops "
                                                  f"working{_refused(step)}")
        return
    if step.op == "replace":
        where = [k for k in _WHERE if prop(old, k) != prop(new, k) and (prop(old, k) or prop(new, k))]
        because = f" because its {' and '.join(where)} changes" if where else _reasons(step)
        yield Finding(Verdict.BREAKS_LINKS, link, f"replaced{because}: SparkPost deletes it first, and links "
                                                  f"sent through {domain} break{_refused(step)}")
        return
    found = False
    moved = [k for k in _MOVES if prop(old, k) != prop(new, k)]
    if moved:
        found = True
        change = ", ".join(f"{k} {prop(old, k)!r} → {prop(new, k)!r}" for k in moved)
        yield Finding(Verdict.BREAKS_LINKS, link, f"moves to another SparkPost account ({change}): links sent "
                                                  f"through {domain} are unknown there")
    if prop(old, "secure") is True and prop(new, "secure") is False:
        found = True
        if is_live(step.old):
            yield Finding(Verdict.BREAKS_LINKS, link, "secure turned off on a live domain: links sent as https "
                                                      "stop working")
        else:
            yield Finding(Verdict.RISKY, link, "secure turned off (the domain is not live yet)")
    if bool(prop(old, "default")) != bool(prop(new, "default")) and prop(new, "default") is not None:
        found = True
        yield Finding(Verdict.RISKY, link, "becomes the default tracking domain" if prop(new, "default")
                      else "stops being the default tracking domain: mail of sending domains without their own "
                           "tracking domain moves to another")
    if prop(old, "verify") is not False and prop(new, "verify") is False:
        found = True
        yield Finding(Verdict.RISKY, link, "verification turned off")
    other = [k for k in _changed(step) if k not in ("secure", "default", "verify", *_MOVES)]
    if other:
        found = True
        yield Finding(Verdict.SAFE, link, f"updates {', '.join(other)}")
    if not found:
        yield from _quiet(step, link)


def association(step: Step, domain: str) -> Iterator[Finding]:
    link = Link.ASSOCIATION
    old, new = _declared(step.old), _declared(step.new)
    sending = prop(old, "sending_domain") or prop(new, "sending_domain")
    if step.op == "create":
        yield Finding(Verdict.SAFE, link, f"sending domain {sending} starts using {prop(new, 'tracking_domain')}")
    elif step.op in ("delete", "replace"):
        yield Finding(Verdict.RISKY, link, f"sending domain {sending} stops using {prop(old, 'tracking_domain')}: "
                                           f"its mail falls back to the default tracking domain{_refused(step)}")
    elif prop(old, "tracking_domain") != prop(new, "tracking_domain"):
        yield Finding(Verdict.RISKY, link, f"sending domain {sending} moves from {prop(old, 'tracking_domain')} "
                                           f"to {prop(new, 'tracking_domain')}")
    else:
        yield from _quiet(step, link)


def _host_name(state: State | None) -> str:
    return host_name(_declared(state))


def _target(state: State | None) -> Any:
    props = _declared(state)
    return prop(props, "content") or prop(props, "records") or prop(props, "aliases")


def dns_record(step: Step, domain: str) -> Iterator[Finding]:
    if domain and domain not in (_host_name(step.old), _host_name(step.new)):
        # A certificate-validation record: losing it stops the certificate from renewing, not the links.
        yield from _other(step, Link.CERTIFICATE, "its certificate can no longer renew")
        return
    proxied_before = bool(prop(_declared(step.old), "proxied"))
    link = Link.CDN if proxied_before or prop(_declared(step.new), "proxied") else Link.DNS
    what = "the proxied host record (Cloudflare's CDN)" if link is Link.CDN else "the host's DNS record"
    if step.op in ("delete", "replace"):
        yield Finding(Verdict.BREAKS_LINKS, link, f"{what} is {step.op}d: {domain or 'the host'} stops "
                                                  f"resolving to its chain{_refused(step)}")
    elif step.op == "create":
        yield Finding(Verdict.SAFE, link, f"{what} is created")
    elif proxied_before and prop(_declared(step.new), "proxied") is False:
        yield Finding(Verdict.BREAKS_LINKS, link, "proxying turned off: nothing serves https for the host")
    elif _target(step.old) != _target(step.new):
        yield Finding(Verdict.RISKY, link, f"the host moves from {_target(step.old)} to {_target(step.new)}")
    else:
        yield from _other(step, link, "")


def cdn(step: Step, domain: str, *, serves: bool) -> Iterator[Finding]:
    link = Link.CDN
    if serves and step.op in ("delete", "replace"):
        yield Finding(Verdict.BREAKS_LINKS, link, f"the CDN in front of {domain} is {step.op}d{_refused(step)}")
        return
    if step.op == "delete":
        yield Finding(Verdict.RISKY, link, "a setting SparkPost requires is deleted")
        return
    type_ = step.type
    before = {str(v) for v in violations(type_, _declared(step.old))} if step.old else set()
    broken = [v for v in violations(type_, _declared(step.new)) if str(v) not in before] if step.new else []
    for violation in broken:
        yield Finding(Verdict.RISKY, link, f"SparkPost requires {violation}")
    if not broken:
        yield from _other(step, link, "")


def _other(step: Step, link: Link, lost: str) -> Iterator[Finding]:
    if step.op == "delete" and lost:
        yield Finding(Verdict.RISKY, link, f"deleted: {lost}")
    elif step.op in ("create", "replace", "delete"):
        yield Finding(Verdict.SAFE, link, f"{step.op}d")
    elif _changed(step):
        yield Finding(Verdict.SAFE, link, f"updates {', '.join(_changed(step))}")
    else:
        yield from _quiet(step, link)


RULES: Final[Mapping[Role, Callable[[Step, str], Iterator[Finding]]]] = {
    Role.TRACKING_DOMAIN: tracking_domain,
    Role.ASSOCIATION: association,
    Role.DNS_RECORD: dns_record,
    Role.CDN_SERVICE: lambda step, domain: cdn(step, domain, serves=True),
    Role.CDN_SETTINGS: lambda step, domain: cdn(step, domain, serves=False),
    Role.CERTIFICATE: lambda step, domain: _other(step, Link.CERTIFICATE, "the CDN loses its certificate"),
}


def findings(step: Step, role: Role, domain: str) -> list[Finding]:
    rule = RULES.get(role)
    return list(rule(step, domain)) if rule else []
