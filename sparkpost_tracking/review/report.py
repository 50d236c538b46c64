"""A review as Markdown for a pull-request comment (a table, then the details), or as JSON.

The JSON schema ``sparkpost-tracking/review/1``::

    {"schema": "sparkpost-tracking/review/1",
     "domains": [{"domain": str, "verdict": "breaks-links|risky|safe",
                  "changes": [{"urn": str, "link": "sparkpost|association|dns|cdn|certificate",
                               "op": "create|update|replace|delete|same", "why": str,
                               "verdict": "breaks-links|risky|safe"}]}],
     "verdict": "breaks-links|risky|safe",
     "notes": [str]}

``notes`` says what the review could not see (e.g. a preview without ``--show-sames``, a plan the engine cut
short). In Markdown the Changes column counts resources by operation, and says where protection is turned off.
"""

from __future__ import annotations

import json
from typing import Any, Final

from .review import Change, DomainReview, Review
from .verdicts import NO_CHANGE, Verdict

SCHEMA: Final[str] = "sparkpost-tracking/review/1"
_MARK: Final[dict[Verdict, str]] = {Verdict.BREAKS_LINKS: "⛔", Verdict.RISKY: "⚠️", Verdict.SAFE: "✅"}
_LINK_TITLE: Final[dict[str, str]] = {"sparkpost": "SparkPost", "association": "SparkPost association",
                                      "dns": "DNS record", "cdn": "CDN", "certificate": "certificate"}


def as_dict(review: Review) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "domains": [{"domain": d.domain, "verdict": d.verdict.label,
                     "changes": [{"urn": c.urn, "link": c.link.value, "op": c.op, "why": c.why,
                                  "verdict": c.verdict.label} for c in d.changes]}
                    for d in review.domains],
        "verdict": review.verdict.label,
        "notes": review.notes,
    }


def render_json(review: Review) -> str:
    return json.dumps(as_dict(review), indent=2, ensure_ascii=False)


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _counts(domain: DomainReview) -> str:
    """Resources by operation (a resource with several findings counts once), and protection turned off."""
    ops: dict[str, set[str]] = {}
    for change in domain.changes:
        if change.op != "same":
            ops.setdefault(change.op, set()).add(change.urn)
    parts = [f"{len(ops[op])} {op}" for op in sorted(ops)]
    unprotected = {c.urn for c in domain.changes if c.unprotects}
    if unprotected:
        parts.append(f"protection off on {len(unprotected)}")
    return ", ".join(parts) or "no change"


def _details(domain: DomainReview) -> list[str]:
    shown: list[Change] = [c for c in domain.changes if c.op != "same" or c.why != NO_CHANGE]
    lines = [f"### {_MARK[domain.verdict]} {domain.domain}: {domain.verdict.label}", ""]
    if not shown:
        return [*lines, "No change to its chain.", ""]
    lines += ["| Link | Resource | Operation | Verdict | Why |", "|---|---|---|---|---|"]
    lines += [f"| {_LINK_TITLE[c.link.value]} | `{_cell(_name(c.urn))}` | {c.op} | {c.verdict.label} | "
              f"{_cell(c.why)} |" for c in shown]
    unchanged = len({c.urn for c in domain.changes} - {c.urn for c in shown})
    if unchanged:
        lines += ["", f"{unchanged} resource(s) of its chain unchanged."]
    return [*lines, ""]


def render_markdown(review: Review) -> str:
    lines = [f"## sparkpost-tracking review: {_MARK[review.verdict]} **{review.verdict.label}**", ""]
    if not review.domains:
        lines += ["The preview has no tracking domain.", ""]
    else:
        lines += ["| Tracking domain | Verdict | Changes |", "|---|---|---|"]
        lines += [f"| {_cell(d.domain)} | {_MARK[d.verdict]} {d.verdict.label} | {_counts(d)} |"
                  for d in review.domains]
        lines.append("")
        for domain in review.domains:
            if domain.verdict is not Verdict.SAFE or any(c.op != "same" or c.why != NO_CHANGE
                                                         for c in domain.changes):
                lines += _details(domain)
    lines += [f"> {note}\n" for note in review.notes]
    if review.verdict is Verdict.BREAKS_LINKS:
        lines.append("Links in mail already sent point at these domains. To retire one without breaking them, "
                     "see docs/retiring.md.")
    return "\n".join(lines).rstrip() + "\n"
