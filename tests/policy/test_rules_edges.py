"""The policy rules at their edges: a resource is tied to its component by its parent, whatever its name; a chain
whose SparkPost domain is not in the program has its settings judged but not whether it serves a domain it does
not name; CloudFront policies shared by several domains are judged once; a resource of a type the pack does not
know, under a component, is passed over without stopping the judgement of the rest of its chain."""

from __future__ import annotations

import copy
from typing import Any

from sparkpost_tracking.policy import rules
from sparkpost_tracking.stack import build, plan_domains
from tests.components.conftest import run_program
from tests.policy.test_rules import changed, declared, every_chain, named

NOT_PROTECTED = ("{name} serves links already sent through {domain} but is not protected: deleting it would break "
                 "them (keep protect on; see docs/retiring.md to retire a domain)")


def renamed(resources: list[rules.Declared], name: str, to: str) -> list[rules.Declared]:
    """One resource registered under another name (its parent and type unchanged)."""
    resource = named(resources, name)
    edited = rules.Declared(resource.urn.rsplit("::", 1)[0] + "::" + to, resource.type, resource.parent,
                            resource.props, resource.protect)
    return [edited if r is resource else r for r in resources]


def test_a_resource_belongs_to_the_component_its_parent_names_whatever_its_own_name() -> None:
    resources = renamed(every_chain(protect=False), "cf-distribution", "edge")
    [edge] = [v for v in rules.unprotected_live_chain(resources) if v.urn.endswith("::edge")]
    assert edge.message == NOT_PROTECTED.format(name="edge", domain="cf.example.com")
    broken = changed(resources, "edge", aliases=["other.example.com"])
    assert [v.message.split(": ")[0] for v in rules.chain_serves(broken)] == ["edge no longer serves cf.example.com"]


def without_sparkpost_domain(**extra: Any) -> list[rules.Declared]:
    return [r for r in every_chain(**extra) if not r.urn.endswith("::cf-sparkpost")]


def test_a_chain_without_its_sparkpost_domain_is_still_asked_for_protection_and_its_settings() -> None:
    resources = without_sparkpost_domain(protect=False)
    [distribution] = [v for v in rules.unprotected_live_chain(resources) if v.urn.endswith("::cf-distribution")]
    assert distribution.message == NOT_PROTECTED.format(name="cf-distribution", domain="its tracking domain")
    [ttl] = rules.cdn_requirements(changed(without_sparkpost_domain(), "cf-cache-policy", maxTtl=11))
    assert ttl.message == "SparkPost requires cache TTL at most 10 s: max TTL is 11 s"
    assert ttl.urn.endswith("::cf-cache-policy")


def test_a_chain_without_its_sparkpost_domain_is_not_judged_on_serving_a_domain_it_does_not_name() -> None:
    broken = changed(without_sparkpost_domain(), "cf-distribution", aliases=["other.example.com"], enabled=False)
    assert rules.chain_serves(broken) == []
    # the same change with the domain in the program is a violation (the rule is not simply off)
    assert len(rules.chain_serves(changed(every_chain(), "cf-distribution", aliases=["other.example.com"]))) == 1


def test_cloudfront_policies_shared_by_two_domains_are_judged_once() -> None:
    entries = [{"domain": domain, "cdn": "cloudfront", "dns": "route53", "dnsZoneId": "Z0123456789ABCDEFGHIJ"}
               for domain in ("cf.example.com", "cf2.example.com")]
    resources = declared(run_program(lambda: build(plan_domains(copy.deepcopy(entries)))).registrations)
    [policy] = [r for r in resources if r.type == "aws:cloudfront/cachePolicy:CachePolicy"]
    assert rules.cdn_requirements(resources) == [] and rules.chain_serves(resources) == []
    resources = [rules.Declared(r.urn, r.type, r.parent, {**r.props, "maxTtl": 3600}, r.protect) if r is policy
                 else r for r in resources]
    assert rules.cdn_requirements(resources) == [
        rules.Violation(policy.urn, "SparkPost requires cache TTL at most 10 s: max TTL is 3600 s")]
    assert rules.unprotected_live_chain(resources) == []  # shared settings carry no links


WORKER = "cloudflare:index/workersScript:WorkersScript"


def test_a_type_the_pack_does_not_know_is_passed_over_and_the_rest_of_its_chain_judged() -> None:
    resources = changed(every_chain(), "cl-record", proxied=False)
    component = named(resources, "cl")
    worker = rules.Declared(f"{component.urn.rsplit('::', 1)[0]}${WORKER}::cl-worker", WORKER, component.urn,
                            {"content": "addEventListener(...)"}, False)
    first = [worker, *resources]  # judged before the record it sits beside
    assert [v.urn for v in rules.chain_serves(first)] == [named(resources, "cl-record").urn]
    assert rules.cdn_requirements(first) == []
    assert worker.urn not in {v.urn for v in rules.unprotected_live_chain(first)}
