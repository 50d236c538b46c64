"""What one planned step does to the links already sent through its tracking domain.

The SparkPost side is judged by what SparkPost does with the change (a new name, account or region replaces the
domain; ``secure`` off stops https links; the default and associations move new mail). Every other resource is
judged by its serving declaration (``components/*_serving.py``) on the new inputs: a requirement that links
need and no longer holds is ``breaks-links``; one SparkPost asks for but links survive without is ``risky``; a
value the preview does not know yet is ``risky`` (never ``safe`` about what it cannot see). A delete or replace
of what carries the links breaks them; a certificate replaced with the old one deleted first breaks https links
until the new one is issued, and one replaced in an order the document does not show is ``risky``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sparkpost_tracking.components.serving import (
    Carries,
    Chain,
    Inputs,
    Judgement,
    Link,
    Serving,
    Severity,
)

from .chains import prop
from .preview import PIPELINE, State, Step


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
_DEFAULTS: Final[Mapping[str, Any]] = {"region": "us", "secure": True, "default": False, "verify": True}


def _declared(state: State | None) -> Mapping[str, Any]:
    return state.inputs if state else {}


def _reported(state: State | None) -> Mapping[str, Any]:
    return {**state.inputs, **state.outputs} if state else {}


def _value(props: Mapping[str, Any], key: str) -> Any:
    value = prop(props, key)
    return _DEFAULTS.get(key) if value is None else value


def is_live(state: State | None) -> bool:
    """Verified in SparkPost, or serving https with SparkPost's managed certificate, as the state says."""
    outputs = _reported(state)
    return bool(prop(outputs, "verified")) or prop(outputs, "tls_status") == "valid"


def changed_inputs(step: Step) -> list[str]:
    """The inputs that differ between the state and the program (our own bookkeeping left out)."""
    old, new = _declared(step.old), _declared(step.new)
    return sorted(k for k in set(old) | set(new) if not k.startswith("__") and old.get(k) != new.get(k))


def protect_note(step: Step) -> str | None:
    if step.old and step.new and step.old.protect != step.new.protect:
        return "protection turned " + ("on" if step.new.protect else "off")
    return None


def quiet(step: Step, link: Link) -> Iterator[Finding]:
    """A step that changes no input: a protect flip, outputs only, or nothing."""
    note = protect_note(step)
    if note:
        yield Finding(Verdict.SAFE, link, note)
    else:
        yield Finding(Verdict.SAFE, link, "outputs only" if step.op == "update" else NO_CHANGE)


def refused(step: Step) -> str:
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
                                                  f"working{refused(step)}")
        return
    if step.op == "replace":
        where = [k for k in _WHERE if _value(old, k) != _value(new, k) and (prop(old, k) or prop(new, k))]
        because = f" because its {' and '.join(where)} changes" if where else _reasons(step)
        yield Finding(Verdict.BREAKS_LINKS, link, f"replaced{because}: SparkPost deletes it first, and links "
                                                  f"sent through {domain} break{refused(step)}")
        return
    found = False
    moved = [k for k in _MOVES if _value(old, k) != _value(new, k)]
    if moved:
        found = True
        change = ", ".join(f"{k} {prop(old, k)!r} → {prop(new, k)!r}" for k in moved)
        yield Finding(Verdict.BREAKS_LINKS, link, f"moves to another SparkPost account ({change}): links sent "
                                                  f"through {domain} are unknown there")
    if _value(old, "secure") is True and prop(new, "secure") is False:
        found = True
        yield Finding(Verdict.RISKY, link, "secure turned off: SparkPost writes http links in new mail; links "
                                           "already sent stay https, served as long as the chain serves https")
    if bool(prop(old, "default")) != bool(prop(new, "default")) and prop(new, "default") is not None:
        found = True
        yield Finding(Verdict.RISKY, link, "becomes the default tracking domain" if prop(new, "default")
                      else "stops being the default tracking domain: mail of sending domains without their own "
                           "tracking domain moves to another")
    if prop(old, "verify") is not False and prop(new, "verify") is False:
        found = True
        yield Finding(Verdict.RISKY, link, "verification turned off")
    other = [k for k in changed_inputs(step) if k not in ("secure", "default", "verify", *_MOVES)]
    if other:
        found = True
        yield Finding(Verdict.SAFE, link, f"updates {', '.join(other)}")
    if not found:
        yield from quiet(step, link)


def association(step: Step, domain: str) -> Iterator[Finding]:
    link = Link.ASSOCIATION
    old, new = _declared(step.old), _declared(step.new)
    sending = prop(old, "sending_domain") or prop(new, "sending_domain")
    if step.op == "create":
        yield Finding(Verdict.SAFE, link, f"sending domain {sending} starts using {prop(new, 'tracking_domain')}")
    elif step.op in ("delete", "replace"):
        yield Finding(Verdict.RISKY, link, f"sending domain {sending} stops using {prop(old, 'tracking_domain')}: "
                                           f"its mail falls back to the default tracking domain{refused(step)}")
    elif prop(old, "tracking_domain") != prop(new, "tracking_domain"):
        yield Finding(Verdict.RISKY, link, f"sending domain {sending} moves from {prop(old, 'tracking_domain')} "
                                           f"to {prop(new, 'tracking_domain')}")
    else:
        yield from quiet(step, link)


def sending_domain(step: Step) -> Iterator[Finding]:
    """A SparkPost sending domain: the mail sent from it needs it (and its DKIM key) to exist."""
    link = Link.SPARKPOST
    old, new = _declared(step.old), _declared(step.new)
    name = prop(old, "domain") or prop(new, "domain") or (step.old.id if step.old else "") or "the sending domain"
    if step.op == "create":
        yield Finding(Verdict.SAFE, link, f"a new sending domain {name}")
    elif step.op == "delete":
        yield Finding(Verdict.BREAKS_LINKS, link, f"sending domain {name} is deleted: mail sent from it fails "
                                                  f"(SparkPost's delete warning){refused(step)}")
    elif step.op == "replace":
        yield Finding(Verdict.BREAKS_LINKS, link, f"sending domain {name} is replaced{_reasons(step)}: SparkPost "
                                                  "deletes it first, mail sent from it fails, and its new DKIM key "
                                                  f"must be published and verified again{refused(step)}")
    else:
        changed = changed_inputs(step)
        if changed:
            yield Finding(Verdict.SAFE, link, f"sending domain {name} updates {', '.join(changed)}")
        else:
            yield from quiet(step, link)


def _judged(serving: Serving, state: State | None, chain: Chain) -> Judgement:
    return serving.judge(Inputs(_declared(state)), chain) if state else Judgement()


def _new_inputs(step: Step, serving: Serving, chain: Chain, *, live: bool, what: str) -> Iterator[Finding]:
    """An update (or a replacement whose new resource exists first) judged on the program's inputs."""
    link = serving.link
    after, before = _judged(serving, step.new, chain), _judged(serving, step.old, chain)
    held_before = {str(f) for f in before.faults}
    found = False
    for fault in after.failing(Severity.SERVES):
        found = True
        if str(fault) in held_before:
            yield Finding(Verdict.RISKY, link, f"{fault} (already so before: review cannot tell how the chain "
                                               "serves)")
        elif live:
            yield Finding(Verdict.BREAKS_LINKS, link, f"{what} no longer serves {chain.domain}: {fault}")
        else:
            yield Finding(Verdict.RISKY, link, f"{fault} (the domain is not live yet)")
    for requirement, unseen in after.unseen:
        found = True
        yield Finding(Verdict.RISKY, link, f"cannot see whether {requirement.name}: {unseen}")
    for fault in after.failing(Severity.ADVISED):
        if str(fault) not in held_before:
            found = True
            yield Finding(Verdict.RISKY, link, f"SparkPost requires {fault}")
    if not found and step.op == "update":
        changed = changed_inputs(step)
        if changed:
            yield Finding(Verdict.SAFE, link, f"updates {', '.join(changed)}")
        else:
            yield from quiet(step, link)
    elif not found:
        yield Finding(Verdict.SAFE, link, f"{step.op}d, the new one first")


def _what(serving: Serving) -> str:
    return {Link.CDN: "the CDN", Link.DNS: "the host's DNS record", Link.CERTIFICATE: "the certificate",
            Link.SPARKPOST: "SparkPost", Link.ASSOCIATION: "the association"}[serving.link]


def served(step: Step, serving: Serving, chain: Chain, *, live: bool, in_use: bool) -> Iterator[Finding]:
    """Any resource with a serving declaration: the CDN, the host's record, certificates, settings, validation.

    ``in_use``: for a certificate, whether the chain's CDN may still serve with it after the plan.
    """
    link, what = serving.link, _what(serving)
    breaks = Verdict.BREAKS_LINKS if live else Verdict.RISKY
    not_live = "" if live else " (the domain is not live yet)"
    if step.op == "same":
        yield from quiet(step, link)
    elif step.op == "create":
        yield Finding(Verdict.SAFE, link, "created")
    elif serving.carries is Carries.LINKS and step.op in ("delete", "replace"):
        yield Finding(breaks, link, f"{what} of {chain.domain} is {step.op}d: its links stop reaching "
                                    f"SparkPost{refused(step)}{not_live}")
    elif serving.carries is Carries.CERTIFICATE and step.op == "delete":
        if in_use:
            yield Finding(breaks, link, f"{what} https links to {chain.domain} are served with is deleted"
                                        f"{refused(step)}{not_live}")
        else:
            yield Finding(Verdict.SAFE, link, "deleted: the CDN no longer serves with it")
    elif serving.carries is Carries.CERTIFICATE and step.op == "replace" and step.order != "create-first":
        if step.order == "delete-first":
            yield Finding(breaks, link, f"{what} is deleted before its replacement exists: https links to "
                                        f"{chain.domain} fail until the new one is issued{not_live}")
        else:
            yield Finding(Verdict.RISKY, link, f"{what} is replaced in an order the preview does not show (run "
                                               f"`{PIPELINE}`): deleted first, https links would fail until the "
                                               "new one is issued")
        yield from (f for f in _new_inputs(step, serving, chain, live=live, what=what) if f.verdict > Verdict.SAFE)
    elif serving.carries in (Carries.RENEWAL,) and step.op == "delete":
        yield Finding(Verdict.RISKY, link, f"deleted: its certificate can no longer renew{refused(step)}")
    elif serving.carries is Carries.SETTINGS and step.op == "delete":
        yield Finding(Verdict.RISKY, link, f"deleted: a setting SparkPost requires goes with it{refused(step)}")
    elif serving.carries is Carries.RENEWAL:
        yield Finding(Verdict.SAFE, link, f"{step.op}d")
    else:
        yield from _new_inputs(step, serving, chain, live=live, what=what)


def unknown_type(step: Step) -> Iterator[Finding]:
    if step.op == "same":
        yield from quiet(step, Link.CDN)
    else:
        yield Finding(Verdict.RISKY, Link.CDN, f"a {step.type} under the tracking domain's component, which review "
                                               f"does not know: what its {step.op} does to the chain is not judged")
