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

from . import rules

NAME = "sparkpost-tracking"


def _known(value: Any) -> Any:
    """The values known at preview: pulumi-policy raises on reading an unknown one, so those are left out."""
    if isinstance(value, Mapping):
        known: dict[str, Any] = {}
        for key in list(value.keys()):
            try:
                known[key] = _known(value[key])
            except UnknownValueError:
                continue
        return known
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = []
        for index in range(len(value)):
            try:
                items.append(_known(value[index]))
            except UnknownValueError:
                continue
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


def _secure(args: ResourceValidationArgs, report: ReportViolation) -> None:
    message = rules.insecure_behind_cdn(_declared(args))
    if message:
        report(message, None)


def _cdn(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for message in rules.cdn_requirements(_declared(args)):
        report(message, None)


def _verify(args: ResourceValidationArgs, report: ReportViolation) -> None:
    message = rules.verification_off(_declared(args))
    if message:
        report(message, None)


POLICIES = [
    StackValidationPolicy(name="sparkpost-live-chain-protected", validate=_protected,
                          enforcement_level=EnforcementLevel.MANDATORY,
                          description="Resources that serve links already sent carry protect."),
    ResourceValidationPolicy(name="sparkpost-secure-behind-cdn", validate=_secure,
                             enforcement_level=EnforcementLevel.MANDATORY,
                             description="A tracking domain behind a CDN has secure: true."),
    ResourceValidationPolicy(name="sparkpost-cdn-requirements", validate=_cdn,
                             enforcement_level=EnforcementLevel.MANDATORY,
                             description="CDN settings SparkPost requires: cache TTL at most 10 s, Host and "
                                         "User-Agent forwarded, port 80 served."),
    ResourceValidationPolicy(name="sparkpost-verify-on", validate=_verify,
                             enforcement_level=EnforcementLevel.ADVISORY,
                             description="Tracking domains are verified by SparkPost."),
]


def serve() -> None:
    """Start the pack (the engine runs this through ``pack/__main__.py``)."""
    PolicyPack(name=NAME, policies=list(POLICIES))
