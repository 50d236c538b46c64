"""The pure parts of ``import``: resource names, the CDN a CNAME target names, selection, and the plan's checks."""

from __future__ import annotations

from typing import Any

import pytest

from sparkpost_tracking.adopt.account import Account, FoundDomain, FoundSending, Selection
from sparkpost_tracking.adopt.cdn_inference import cdn_of_target
from sparkpost_tracking.adopt.names import association_name, domain_name
from sparkpost_tracking.adopt.plan import plan_import
from sparkpost_tracking.dynamic_providers.lifecycle import observed_from_api


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



def test_each_association_left_out_says_why_and_what_to_do() -> None:
    """The whole message of each reason, as the report prints it, and the scope it names."""
    account = Account(
        (domain("click.one.com"), domain("click.two.com", 7), domain("apex.com"), domain("track.three.com")),
        (FoundSending("one.com", 7, "click.one.com"), FoundSending("two.com", None, "click.two.com"),
         FoundSending("gone.com", None, "gone.one.com"), FoundSending("mail.apex.com", None, "apex.com"),
         FoundSending("bad_name.three.com", None, "track.three.com"), FoundSending("none.com", None, "")))
    plan = plan_import(account, Selection())
    sending = [(f.domain, f.message) for f in plan.left_out() if f.message.startswith("not a sending domain")]
    # The sending domain itself cannot be declared either: said once, apart from its association.
    assert sending == [("bad_name.three.com", "not a sending domain this library can declare (label 'bad_name' in "
                        "'bad_name.three.com' is invalid: use letters, digits and inner hyphens only (RFC 1123); no "
                        "underscores, and no hyphen at either end); manage it in SparkPost")]
    found = {f.domain: (f.message, f.where()) for f in plan.left_out() if (f.domain, f.message) not in sending}
    apex_message, _ = found.pop("apex.com")
    assert apex_message.startswith("not a tracking domain this library can declare (")
    assert apex_message.endswith("); manage it in SparkPost, or rename it there")
    assert found == {
        "one.com": ("association with click.one.com: the tracking domain belongs to the primary account and the "
                    "sending domain to the subaccount 7; SparkPost associates domains of one scope only: fix it in "
                    "SparkPost, then import again", "subaccount 7"),
        "two.com": ("association with click.two.com: the tracking domain belongs to the subaccount 7 and the "
                    "sending domain to the primary account; SparkPost associates domains of one scope only: fix it "
                    "in SparkPost, then import again", "primary account"),
        "gone.com": ("association with gone.one.com: the account's list shows no such tracking domain; fix the "
                     "association in SparkPost (or remove it), then import again", "primary account"),
        "mail.apex.com": ("association with apex.com: its tracking domain is left out (see above)",
                          "primary account"),
        "bad_name.three.com": ("association with track.three.com: the sending domain's name cannot be declared "
                               "(label 'bad_name' in 'bad_name.three.com' is invalid: use letters, digits and inner "
                               "hyphens only (RFC 1123); no underscores, and no hyphen at either end)",
                               "primary account"),
    }
    assert plan.associations == []  # a sending domain that names no tracking domain is no association at all
    assert [d.domain for d in plan.domains] == ["click.one.com", "track.three.com", "click.two.com"]


def test_a_sending_domain_as_listed() -> None:
    assert FoundSending.from_api({"domain": " News.Example.COM ", "subaccount_id": 7.0,
                                  "tracking_domain": "Click.Example.com"}) == FoundSending(
        "news.example.com", 7, "click.example.com")
    assert FoundSending.from_api({"domain": "news.example.com", "tracking_domain": None}).tracking_domain == ""
    assert FoundSending.from_api({"domain": "news.example.com"}).tracking_domain == ""


@pytest.mark.parametrize("item", [
    {"domain": "old.example.com"},  # listed without the flags SparkPost may leave out, and without the 2026 fields
    {"domain": "t.example.com", "secure": True, "default": True, "uses_managed_certificate": True,
     "status": {"verified": True, "tls_status": "valid"}},
    {"domain": "t.example.com", "secure": False, "default": False, "uses_managed_certificate": False, "status": {}},
], ids=["bare", "all-set", "all-false"])
def test_import_reads_a_listed_domain_as_the_core_reads_it(item: dict[str, Any]) -> None:
    """What import decides with (an entry's cdn, what it leaves out) is what the provider will see on its read."""
    found, seen = FoundDomain.from_api(item), observed_from_api(item)
    assert (found.secure, found.default, found.verified, found.uses_managed_certificate) == (
        seen["secure"], seen["default"], seen["verified"], seen["uses_managed_certificate"])


def test_a_domain_left_out_is_reported_in_its_own_scope_and_selected_with_its_associations() -> None:
    account = Account(
        (domain("example.org", 7), domain("click.one.com")),
        (FoundSending("one.com", 7, "click.one.com"),))
    plan = plan_import(account, Selection())
    assert [(f.domain, f.where()) for f in plan.left_out()] == [("example.org", "subaccount 7"),
                                                                ("one.com", "subaccount 7")]
    # An association goes with its tracking domain's scope: selecting the primary account reports the one of
    # subaccount 7 that names a primary domain; selecting subaccount 7 leaves it to that other run.
    assert [f.domain for f in plan_import(account, Selection((), frozenset({0}))).left_out()] == ["one.com"]
    assert [f.domain for f in plan_import(account, Selection((), frozenset({7}))).left_out()] == ["example.org"]
