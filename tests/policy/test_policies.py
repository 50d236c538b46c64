"""The pack's policies as pulumi-policy calls them, in process: each reports what its rule finds, on the resource
it names; a resource's parent and ``protect`` are read from where pulumi-policy puts them; values the preview
cannot know (pulumi-policy raises on reading them) reach the rules as the engine's placeholder, at any depth up to
a bound. (test_pack_verdicts.py asks the pack's own process over gRPC; this file is what a mutation run sees.)"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from sparkpost_tracking.components.serving import UNKNOWN
from sparkpost_tracking.policy import policies, rules
from tests.policy.test_rules import changed, every_chain, named

Reports = list[tuple[str, str | None]]


def options(*, protect: bool, parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect=protect, ignore_changes=[], delete_before_replace=None, aliases=[],
                                 custom_timeouts=PolicyCustomTimeouts(0, 0, 0), additional_secret_outputs=[],
                                 parent=parent)


def policy_resource(resource: rules.Declared, parents: dict[str, PolicyResource]) -> PolicyResource:
    """As the pack sees a stack's resource: its parent as a resource (the options name none)."""
    parent = None
    if resource.parent:
        parent = parents.get(resource.parent) or PolicyResource(
            "pulumi:pulumi:Stack", {}, resource.parent, resource.parent.rsplit("::")[-1], options(protect=False), None,
            None, [], {})
    return PolicyResource(resource.type, unknown_checking_proxy(dict(resource.props)), resource.urn,
                          resource.urn.rsplit("::")[-1], options(protect=resource.protect), None, parent, [], {})


def stack(resources: list[rules.Declared]) -> StackValidationArgs:
    parents: dict[str, PolicyResource] = {}
    made = []
    for resource in resources:  # registered parents first
        made.append(policy_resource(resource, parents))
        parents[resource.urn] = made[-1]
    return StackValidationArgs(made)


def validation(resource: rules.Declared) -> ResourceValidationArgs:
    """As the pack sees one resource: its parent's URN in its options."""
    return ResourceValidationArgs(resource.type, unknown_checking_proxy(dict(resource.props)), resource.urn,
                                  resource.urn.rsplit("::")[-1], options(protect=resource.protect,
                                                                         parent=resource.parent), None)


def reported(policy: Any, args: Any) -> Reports:
    found: Reports = []
    policy(args, lambda message, urn=None: found.append((message, urn)))
    return found


@pytest.mark.parametrize("protect", [True, False])
def test_a_resource_is_read_with_its_parent_and_protect_from_either_place(protect: bool) -> None:
    resources = every_chain(protect=protect)
    distribution = named(resources, "cf-distribution")
    assert distribution.parent and distribution.protect is protect
    from_stack = [policies._declared(r) for r in stack(resources).resources]
    assert from_stack == [rules.Declared(r.urn, r.type, r.parent, r.props, r.protect) for r in resources]
    from_one = policies._declared(validation(distribution))
    assert from_one == rules.Declared(distribution.urn, distribution.type, distribution.parent, distribution.props,
                                      protect)


def test_a_resource_without_options_is_unprotected_and_keeps_its_parent() -> None:
    class Bare:
        urn, resource_type, props, parent = "urn:pulumi:dev::p::t::n", "t", {"a": 1}, "urn:pulumi:dev::p::c::parent"

    assert policies._declared(Bare()) == rules.Declared("urn:pulumi:dev::p::t::n", "t", "urn:pulumi:dev::p::c::parent",
                                                        {"a": 1}, False)


def test_each_policy_reports_what_its_rule_finds_on_the_resource_it_names() -> None:
    resources = changed(changed(every_chain(protect=False), "cf-cache-policy", maxTtl=11), "cl-record",
                        proxied=False)
    args = stack(resources)
    protected = reported(policies._protected, args)
    assert protected == [(v.message, v.urn) for v in rules.unprotected_live_chain(resources)] and len(protected) == 12
    serves = reported(policies._serves, args)
    assert serves == [(v.message, v.urn) for v in rules.chain_serves(resources)]
    assert [urn for _message, urn in serves] == [named(resources, "cl-record").urn]
    assert reported(policies._cdn, args) == [("SparkPost requires cache TTL at most 10 s: max TTL is 11 s",
                                              named(resources, "cf-cache-policy").urn)]


def test_the_resource_policies_report_on_the_resource_they_validate() -> None:
    insecure = changed(every_chain(), "cf-sparkpost", secure=False, verify=False)
    domain = named(insecure, "cf-sparkpost")
    assert reported(policies._secure, validation(domain)) == [(rules.insecure_behind_cdn(domain), None)]
    assert reported(policies._verify, validation(domain)) == [(rules.verification_off(domain), None)]
    assert rules.insecure_behind_cdn(domain) and rules.verification_off(domain)
    fine = named(every_chain(), "cf-sparkpost")
    assert reported(policies._secure, validation(fine)) == [] and reported(policies._verify, validation(fine)) == []


def test_the_pack_is_served_under_its_name_with_every_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[tuple[str, list[Any]]] = []
    monkeypatch.setattr(policies, "PolicyPack", lambda name, policies: served.append((name, policies)))
    policies.serve()
    assert served == [("sparkpost-tracking", policies.POLICIES)]
    assert served[0][1] is not policies.POLICIES  # a copy: the pack cannot change the module's list


# ---- values the preview cannot know ------------------------------------------------------------------------


def test_unknown_values_become_the_placeholder_wherever_they_are() -> None:
    props = {"name": UNKNOWN_STRING_VALUE, "ttl": 10,
             "items": ["a", UNKNOWN_STRING_VALUE, {"port": UNKNOWN_NUMBER_VALUE}],
             "nested": {"inner": UNKNOWN_NUMBER_VALUE, "kept": "x"}, "text": "abc"}
    assert policies._known(unknown_checking_proxy(props)) == {
        "name": UNKNOWN, "ttl": 10, "items": ["a", UNKNOWN, {"port": UNKNOWN}],
        "nested": {"inner": UNKNOWN, "kept": "x"}, "text": "abc"}


def nested(depth: int, leaf: Any, *, kind: str) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_values_are_read_64_levels_deep_and_deeper_ones_are_left_unknown(kind: str) -> None:
    """The bound keeps a hostile document from exhausting the stack; no provider's inputs nest that deep."""
    assert policies._known(nested(64, "leaf", kind=kind)) == nested(64, "leaf", kind=kind)
    assert policies._known(nested(65, "leaf", kind=kind)) == nested(65, UNKNOWN, kind=kind)
    mixed = {"k": nested(63, "leaf", kind=kind)}
    assert policies._known(mixed) == mixed


def test_an_unknown_origin_is_left_unjudged_and_never_reported_as_a_value() -> None:
    """An origin the preview cannot know is passed over; a known one off SparkPost is reported."""
    def origin(value: str) -> list[rules.Declared]:
        resources = every_chain()
        distribution = named(resources, "cf-distribution")
        origins = [{**o, "domainName": value} for o in distribution.props["origins"]]
        return changed(resources, "cf-distribution", origins=origins)

    assert reported(policies._serves, stack(origin(UNKNOWN_STRING_VALUE))) == []
    [(message, urn)] = reported(policies._serves, stack(origin("example.net")))
    assert "example.net" in message and urn == named(every_chain(), "cf-distribution").urn


def test_a_resource_without_a_parent_is_read_as_one() -> None:
    """pulumi-policy gives a resource validation no ``parent`` of its own, only its options'."""
    domain = rules.Declared("urn:pulumi:dev::p::pulumi-python:dynamic/sparkpost:TrackingDomain::td",
                            "pulumi-python:dynamic/sparkpost:TrackingDomain", None, {"domain": "td.example.com"}, True)
    assert policies._declared(validation(domain)) == domain
