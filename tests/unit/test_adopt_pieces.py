"""The pure parts of ``import``: resource names, the CDN a CNAME target names, selection, and the plan's checks."""

from __future__ import annotations

import pytest

from sparkpost_tracking.adopt.account import Account, FoundDomain, FoundSending, Selection
from sparkpost_tracking.adopt.cdn_inference import cdn_of_target
from sparkpost_tracking.adopt.names import association_name, domain_name
from sparkpost_tracking.adopt.plan import plan_import


def test_names_are_one_to_one_and_never_collide_across_types() -> None:
    domains = ["a-b.example.com", "a.b-example.com", "a.b.example.com", "ab.example.com", "x--y.example.com"]
    names = [domain_name(d) for d in domains] + [association_name(d) for d in domains]
    assert len(set(names)) == len(names)
    assert domain_name("Track.Example.com") == "track_example_com"
    assert association_name("example.com") == "example_com__association"
    # A tracking domain's name cannot end like an association's: a domain has no two dots in a row.
    assert not any(domain_name(d).endswith("__association") for d in ("association.example.com", "a.association"))


@pytest.mark.parametrize(("target", "cdn"), [
    ("v2.spgo.io", "managed"), ("eu.v2.spgo.io.", "managed"), ("d111111abcdef8.cloudfront.net", "cloudfront"),
    ("t.sni.global.fastly.net", "fastly"), ("dualstack.x.fastlylb.net", "fastly"),
    ("spgo.io", None), ("example.cloudfront.net.evil.example", None), ("track.example.com", None),
])
def test_the_cdn_a_cname_target_names(target: str, cdn: str | None) -> None:
    assert cdn_of_target(target) == cdn


def domain(name: str, sub: int | None = None, **fields: object) -> FoundDomain:
    return FoundDomain.from_api({"domain": name, "subaccount_id": sub, "secure": True,
                                 "status": {"verified": True}, **fields})


def test_selection_by_pattern_and_scope() -> None:
    found = [domain("a.one.com"), domain("b.one.com", 3), domain("a.two.com", 3)]
    assert [d.domain for d in Selection(("a.*",)).of(found)] == ["a.one.com", "a.two.com"]
    assert [d.domain for d in Selection((), frozenset({0})).of(found)] == ["a.one.com"]
    assert [d.domain for d in Selection(("*.one.com",), frozenset({3})).of(found)] == ["b.one.com"]


def test_an_association_across_scopes_or_to_an_unknown_domain_is_left_out_with_its_reason() -> None:
    account = Account(
        (domain("click.one.com"), domain("click.two.com", 7)),
        (FoundSending("one.com", None, "click.one.com"), FoundSending("two.com", None, "click.two.com"),
         FoundSending("three.com", 7, "gone.three.com"), FoundSending("four.com", 7, "")))
    plan = plan_import(account, Selection())
    assert [s.domain for s in plan.associations] == ["one.com"]
    reasons = {f.domain: f.message for f in plan.left_out()}
    assert set(reasons) == {"two.com", "three.com"}
    assert "subaccount 7" in reasons["two.com"] and "one scope only" in reasons["two.com"]
    assert "no such tracking domain" in reasons["three.com"]
    # Selecting the other scope takes its domain; the association goes with its tracking domain, and is reported.
    plan = plan_import(account, Selection((), frozenset({7})))
    assert [d.domain for d in plan.domains] == ["click.two.com"] and plan.associations == []
