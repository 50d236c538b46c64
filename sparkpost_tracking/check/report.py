"""The report, for people (a table) or for scripts (``--json``).

JSON output (one object; ``JSON_SCHEMA`` below is its JSON Schema, and docs/check.md shows it)::

    {
      "schema": "sparkpost-tracking/check/1",
      "domain": "track.example.com",
      "ok": true,                          # every required step passed or only warned; exit code 0 iff true
      "expected_target": "d111.cloudfront.net",   # or null
      "target_source": "stack",            # "--expect-target", "stack", "region" (managed HTTPS) or null
      "cdn": "cloudfront",                 # or null
      "steps": [                           # always these nine, in this order:
        {"step": "dns",                    # dns, caa, tls.chain, tls.name, tls.expiry, https, http, sparkpost, dkim
         "status": "pass",                 # pass | warn | fail | skip
         "required": true,                 # false: skipped on request, or not asked for; never fails the run
         "detail": "CNAME -> d111.cloudfront.net, as expected",
         "code": null,                     # a stable name of the problem when not a pass, e.g. "wrong_target"
         "hint": null,                     # one line: what to fix
         "data": {"cnames": ["d111.cloudfront.net"], ...}}   # step-specific facts
      ]
    }

A new field may appear in a later version of the same schema; a changed meaning gets a new ``schema`` value.
"""

from __future__ import annotations

import json
from typing import Any, Final

from .result import Report, Status

SCHEMA_ID: Final[str] = "sparkpost-tracking/check/1"
STEP_NAMES: Final[tuple[str, ...]] = ("dns", "caa", "tls.chain", "tls.name", "tls.expiry", "https", "http", "sparkpost",
                                      "dkim")

_NULLABLE_TEXT: Final[dict[str, Any]] = {"type": ["string", "null"]}
JSON_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "sparkpost-tracking check report",
    "type": "object",
    "required": ["schema", "domain", "ok", "expected_target", "target_source", "cdn", "steps"],
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "domain": {"type": "string"},
        "ok": {"type": "boolean", "description": "every required step passed (or warned); the exit code is 0 iff true"},
        "expected_target": _NULLABLE_TEXT,
        "target_source": {"enum": ["--expect-target", "stack", "region", None]},
        "cdn": _NULLABLE_TEXT,
        "steps": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["step", "status", "required", "detail", "code", "hint", "data"],
                "properties": {
                    "step": {"enum": list(STEP_NAMES)},
                    "status": {"enum": [s.value for s in Status]},
                    "required": {"type": "boolean"},
                    "detail": {"type": "string"},
                    "code": {**_NULLABLE_TEXT, "description": "stable name of the problem, null on a pass"},
                    "hint": {**_NULLABLE_TEXT, "description": "what to fix, one line"},
                    "data": {"type": "object", "description": "step-specific facts"},
                },
            },
        },
    },
}


def to_json(report: Report) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "domain": report.domain,
        "ok": report.ok,
        "expected_target": report.expected_target,
        "target_source": report.target_source,
        "cdn": report.cdn,
        "steps": [{"step": s.step, "status": s.status.value, "required": s.required, "detail": s.detail,
                   "code": s.code, "hint": s.hint, "data": s.data} for s in report.steps],
    }


def render_json(report: Report) -> str:
    return json.dumps(to_json(report), indent=2)


def render_table(report: Report) -> str:
    target = report.expected_target or "none given"
    source = f" (from {report.target_source})" if report.target_source in ("stack", "region") else ""
    lines = [f"check {report.domain}: expected target {target}{source}"
             + (f", cdn {report.cdn}" if report.cdn else "")]
    width = max(len("STEP"), *(len(s.step) for s in report.steps))
    lines.append(f"{'STEP':<{width}}  RESULT  DETAIL")
    for step in report.steps:
        lines.append(f"{step.step:<{width}}  {step.status.value:<6}  {step.detail}")
        if step.hint and step.status in (Status.FAIL, Status.WARN):
            lines.append(f"{'':<{width}}  {'':<6}  hint: {step.hint}")
    lines.append(_verdict(report))
    return "\n".join(lines)


def _verdict(report: Report) -> str:
    required = [s for s in report.steps if s.required]
    broken = [s.step for s in required if not s.ok]
    if not broken:
        warned = [s.step for s in required if s.status is Status.WARN]
        return f"PASS: all {len(required)} required steps passed" + (
            f" ({', '.join(warned)} with a warning)" if warned else "")
    return f"FAIL: {len(broken)} of {len(required)} required steps did not pass: {', '.join(broken)}"


ALL_SCHEMA_ID: Final[str] = "sparkpost-tracking/check-all/1"
#: ``--all --json``: one report per tracking domain of the stack, each as ``JSON_SCHEMA`` says.
ALL_JSON_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "sparkpost-tracking check --all report",
    "type": "object",
    "required": ["schema", "ok", "domains"],
    "properties": {
        "schema": {"const": ALL_SCHEMA_ID},
        "ok": {"type": "boolean", "description": "every domain's report is ok; the exit code is 0 iff true"},
        "domains": {"type": "array", "items": {k: v for k, v in JSON_SCHEMA.items() if k != "$schema"}},
    },
}


def all_to_json(reports: list[Report]) -> dict[str, Any]:
    """``--all --json``: ``{"schema", "ok", "domains": [<one report each, as above>]}``; ok iff every domain's is."""
    return {"schema": ALL_SCHEMA_ID, "ok": all(r.ok for r in reports), "domains": [to_json(r) for r in reports]}


def _cell(report: Report, name: str) -> str:
    """A step's status in the ``--all`` table; ``-`` for one not required (or not in the report)."""
    step = next((s for s in report.steps if s.step == name), None)
    return step.status.value if step is not None and step.required else "-"


def render_all_json(reports: list[Report]) -> str:
    return json.dumps(all_to_json(reports), indent=2)


def render_all_table(reports: list[Report]) -> str:
    """One row per domain, one column per step; then the hints of what failed, and one verdict line."""
    header = ["DOMAIN", "TARGET", "CDN", *STEP_NAMES, "RESULT"]
    rows = [[r.domain, r.expected_target or "-", r.cdn or "-",
             *(_cell(r, name) for name in STEP_NAMES),
             "PASS" if r.ok else "FAIL"] for r in reports]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    for report in reports:
        for step in report.steps:
            if step.required and step.status is Status.FAIL:
                lines.append(f"{report.domain} {step.step}: {step.detail}" + (f" (hint: {step.hint})"
                                                                              if step.hint else ""))
    broken = [r.domain for r in reports if not r.ok]
    lines.append(f"PASS: all {len(reports)} tracking domains passed" if not broken else
                 f"FAIL: {len(broken)} of {len(reports)} tracking domains did not pass: {', '.join(broken)}")
    return "\n".join(lines)
