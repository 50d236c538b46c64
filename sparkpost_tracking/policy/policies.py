"""The policy pack itself (pulumi-policy): each policy calls one rule of ``rules``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from sparkpost_tracking.components.serving import UNKNOWN

from . import rules

NAME = "sparkpost-tracking"


def _known(value: Any, depth: int = 0) -> Any:
    """The values as the serving declarations read them: pulumi-policy raises on reading an unknown one, so it
    becomes the engine's placeholder, which a requirement reading it leaves unjudged."""
    if depth > 64:
        return UNKNOWN
    if isinstance(value, Mapping):
        known: dict[str, Any] = {}
        for key in list(value.keys()):
            try:
                known[key] = _known(value[key], depth + 1)
            except UnknownValueError:
                known[key] = UNKNOWN
        return known
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = []
        for index in range(len(value)):
            try:
                items.append(_known(value[index], depth + 1))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


def _declared(resource: Any) -> rules.Declared:
    """A policy's view of a resource (``PolicyResource`` or ``ResourceValidationArgs``)."""
    opts = getattr(resource, "opts", None)
    parent = getattr(opts, "parent", None) or getattr(resource, "parent", None)
    parent_urn = getattr(parent, "urn", parent)
    return rules.Declared(urn=resource.urn, type=resource.resource_type, parent=parent_urn,
                          props=_known(resource.props or {}), protect=bool(getattr(opts, "protect", False)))


def _protected(args: StackValidationArgs, report: ReportViolation) -> None:
    for violation in rules.unprotected_live_chain(_declared(r) for r in args.resources):
        report(violation.message, violation.urn)


def _serves(args: StackValidationArgs, report: ReportViolation) -> None:
    for violation in rules.chain_serves(_declared(r) for r in args.resources):
        report(violation.message, violation.urn)


def _cdn(args: StackValidationArgs, report: ReportViolation) -> None:
    for violation in rules.cdn_requirements(_declared(r) for r in args.resources):
        report(violation.message, violation.urn)


def _secure(args: ResourceValidationArgs, report: ReportViolation) -> None:
    message = rules.insecure_behind_cdn(_declared(args))
    if message:
        report(message, None)


def _verify(args: ResourceValidationArgs, report: ReportViolation) -> None:
    message = rules.verification_off(_declared(args))
    if message:
        report(message, None)


POLICIES = [
    StackValidationPolicy(name="sparkpost-live-chain-protected", validate=_protected,
                          enforcement_level=EnforcementLevel.MANDATORY,
                          description="Resources that serve links already sent carry protect."),
    StackValidationPolicy(name="sparkpost-chain-serves", validate=_serves,
                          enforcement_level=EnforcementLevel.MANDATORY,
                          description="Each resource of a tracking domain's chain still serves the domain for "
                                      "SparkPost (components/*_serving.py)."),
    ResourceValidationPolicy(name="sparkpost-secure-behind-cdn", validate=_secure,
                             enforcement_level=EnforcementLevel.MANDATORY,
                             description="A tracking domain behind a CDN has secure: true."),
    StackValidationPolicy(name="sparkpost-cdn-requirements", validate=_cdn,
                          enforcement_level=EnforcementLevel.MANDATORY,
                          description="CDN settings SparkPost asks for: cache TTL at most 10 s, User-Agent "
                                      "forwarded, http served as well as https."),
    ResourceValidationPolicy(name="sparkpost-verify-on", validate=_verify,
                             enforcement_level=EnforcementLevel.ADVISORY,
                             description="Tracking domains are verified by SparkPost."),
]


def serve() -> None:
    """Start the pack (the engine runs this through ``pack/__main__.py``)."""
    PolicyPack(name=NAME, policies=list(POLICIES))
