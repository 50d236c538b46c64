"""The review as a reader gets it, whole: the Markdown of a pull-request comment (the table, each domain's details,
the notes, the closing hint) and the JSON of schema ``sparkpost-tracking/review/1``, from reviews built by hand
(what ``review`` decides is tested in test_review.py and test_review_rules.py)."""

from __future__ import annotations

import io
import os
import sys

import pytest

from sparkpost_tracking.components.serving import Link
from sparkpost_tracking.review import command
from sparkpost_tracking.review.report import render_json, render_markdown
from sparkpost_tracking.review.review import Change, DomainReview, Review
from sparkpost_tracking.review.verdicts import NO_CHANGE, Verdict

URN = "urn:pulumi:dev::sparkpost-tracking::sparkpost-tracking:index:CloudFrontTrackingDomain$"


def change(name: str, link: Link, op: str, why: str, verdict: Verdict, *, unprotects: bool = False) -> Change:
    return Change(f"{URN}aws:cloudfront/distribution:Distribution::{name}", link, op, why, verdict, unprotects)


BROKEN = DomainReview("cf.example.com", [
    change("cf-sparkpost", Link.SPARKPOST, "update", "updates a|b\nthen c", Verdict.SAFE, unprotects=True),
    change("cf-distribution", Link.CDN, "update", "the CDN no longer serves cf.example.com", Verdict.BREAKS_LINKS),
    change("cf-distribution", Link.CDN, "update", "SparkPost requires cache TTL at most 10 s", Verdict.RISKY),
    change("cf-host", Link.DNS, "same", NO_CHANGE, Verdict.SAFE),
    change("cf-cert", Link.CERTIFICATE, "same", "protection turned off", Verdict.SAFE, unprotects=True),
])
UNCHANGED = DomainReview("ma.example.com", [change("ma-host", Link.DNS, "same", NO_CHANGE, Verdict.SAFE)])
#: Risky with nothing to show: a finding on an unchanged resource.
QUIET_RISK = DomainReview("q.example.com", [change("q-host", Link.DNS, "same", NO_CHANGE, Verdict.RISKY)])


def test_the_markdown_of_a_review_whole() -> None:
    review = Review([BROKEN, QUIET_RISK, UNCHANGED], ["First note.", "Second note."])
    assert render_markdown(review) == "\n".join([
        "## sparkpost-tracking review: ⛔ **breaks-links**",
        "",
        "| Tracking domain | Verdict | Changes |",
        "|---|---|---|",
        "| cf.example.com | ⛔ breaks-links | 2 update, protection off on 2 |",
        "| q.example.com | ⚠️ risky | no change |",
        "| ma.example.com | ✅ safe | no change |",
        "",
        "### ⛔ cf.example.com: breaks-links",
        "",
        "| Link | Resource | Operation | Verdict | Why |",
        "|---|---|---|---|---|",
        "| SparkPost | `cf-sparkpost` | update | safe | updates a\\|b then c |",
        "| CDN | `cf-distribution` | update | breaks-links | the CDN no longer serves cf.example.com |",
        "| CDN | `cf-distribution` | update | risky | SparkPost requires cache TTL at most 10 s |",
        "| certificate | `cf-cert` | same | safe | protection turned off |",
        "",
        "1 resource(s) of its chain unchanged.",
        "",
        "### ⚠️ q.example.com: risky",
        "",
        "No change to its chain.",
        "",
        "> First note.",
        "",
        "> Second note.",
        "",
        "Links in mail already sent point at these domains. To retire one without breaking them, see "
        "docs/retiring.md.",
        ""])


def test_the_markdown_of_a_safe_review_and_of_one_without_domains() -> None:
    assert render_markdown(Review([UNCHANGED], [])) == "\n".join([
        "## sparkpost-tracking review: ✅ **safe**", "", "| Tracking domain | Verdict | Changes |", "|---|---|---|",
        "| ma.example.com | ✅ safe | no change |", ""])
    assert render_markdown(Review([], ["Nothing here."])) == "\n".join([
        "## sparkpost-tracking review: ✅ **safe**", "", "The preview has no tracking domain.", "", "> Nothing here.",
        ""])
    risky = Review([DomainReview("r.example.com", [
        change("r-a", Link.CDN, "create", "created", Verdict.SAFE),
        change("r-b", Link.CDN, "delete", "deleted: a setting", Verdict.RISKY),
        change("r-c", Link.CDN, "create", "created", Verdict.SAFE)])], [])
    text = render_markdown(risky)
    assert "| r.example.com | ⚠️ risky | 2 create, 1 delete |" in text.splitlines()
    assert "docs/retiring.md" not in text and "unchanged" not in text


def test_the_json_of_a_review_whole() -> None:
    review = Review([DomainReview("cf.example.com", [
        change("cf-sparkpost", Link.SPARKPOST, "update", "moves (region 'us' → 'eu')", Verdict.BREAKS_LINKS)])],
        ["A note."])
    assert render_json(review) == """{
  "schema": "sparkpost-tracking/review/1",
  "domains": [
    {
      "domain": "cf.example.com",
      "verdict": "breaks-links",
      "changes": [
        {
          "urn": "THE-URN",
          "link": "sparkpost",
          "op": "update",
          "why": "moves (region 'us' → 'eu')",
          "verdict": "breaks-links"
        }
      ]
    }
  ],
  "verdict": "breaks-links",
  "notes": [
    "A note."
  ]
}""".replace("THE-URN", review.domains[0].changes[0].urn)


def test_a_closed_pipe_points_standard_output_at_nothing_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """``review | head``: the write fails with a broken pipe; the output is pointed at the null device, so Python's
    flush at exit finds nothing to complain about, and nothing is raised."""
    read, write = os.pipe()
    os.close(read)

    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

        def fileno(self) -> int:
            return write

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    try:
        command._emit("report\n")
        assert os.path.samestat(os.fstat(write), os.stat(os.devnull))
        assert os.write(write, b"more") == 4  # writes go nowhere, without a broken pipe
    finally:
        os.close(write)


def test_a_safe_domain_s_details_show_its_changes_and_a_protect_flip() -> None:
    updated = DomainReview("u.example.com", [change("u-cdn", Link.CDN, "update", "updates priceClass", Verdict.SAFE)])
    flipped = DomainReview("p.example.com", [change("p-host", Link.DNS, "same", "protection turned off", Verdict.SAFE,
                                                    unprotects=True)])
    lines = render_markdown(Review([flipped, updated, UNCHANGED], [])).splitlines()
    assert "### ✅ u.example.com: safe" in lines and "| CDN | `u-cdn` | update | safe | updates priceClass |" in lines
    assert "### ✅ p.example.com: safe" in lines and "| DNS record | `p-host` | same | safe | protection turned off |" \
        in lines
    assert "| p.example.com | ✅ safe | protection off on 1 |" in lines
    assert "### ✅ ma.example.com: safe" not in lines
