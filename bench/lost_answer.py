"""The lost-answer matrix: a create whose answer is lost, against a domain that is someone else's or our own.

``python -m bench.lost_answer`` prints, per case and with and without ``adopt_existing``, the requests the
provider sent, how the create ended, and the domain as SparkPost holds it afterwards. The declared domain is
``secure: true``, ``default: false``, ``verify: true``; the emulator processes the create and then closes the
connection unanswered (for an existing domain that answer would have been a 409).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from sparkpost_tracking.dynamic_providers import SparkPostTrackingError, TrackingDomainProvider
from sparkpost_tracking.emulator import Emulator

from .api_requests import DOMAIN, KEY, _fast_env, _inputs

CASES: list[tuple[str, Callable[[Emulator], object]]] = [
    ("foreign, verified default, secure false",
     lambda emu: emu.add_domain(DOMAIN, secure=False, default=True, verified=True)),
    ("foreign, unverified, secure false",
     lambda emu: emu.add_domain(DOMAIN, secure=False)),
    ("our own create, answer lost", lambda emu: None),
    ("our own create, answer lost, verification fails", lambda emu: emu.set_verification(DOMAIN, "fail")),
]


def _describe(found: dict[str, Any] | None) -> str:
    if found is None:
        return "absent"
    return (f"secure={found['secure']}, default={found['default']}, "
            f"verified={found['status']['verified']}")


def measure() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    saved = os.environ.get("SPARKPOST_VERIFY_TIMEOUT")
    os.environ["SPARKPOST_VERIFY_TIMEOUT"] = "0"  # a failing verification fails at once
    try:
        with _fast_env(), Emulator(api_keys=[KEY]) as emu:
            _run_cases(emu, rows)
    finally:
        if saved is None:
            os.environ.pop("SPARKPOST_VERIFY_TIMEOUT", None)
        else:
            os.environ["SPARKPOST_VERIFY_TIMEOUT"] = saved
    return rows


def _run_cases(emu: Emulator, rows: list[dict[str, str]]) -> None:
    for label, seed in CASES:
        for adopt in (False, True):
            emu.reset()
            seed(emu)
            before = _describe(emu.get(DOMAIN))
            emu.drop_after_commit(1, "POST", "/tracking-domains")
            try:
                outs = TrackingDomainProvider().create(_inputs(emu, adopt_existing=adopt)).outs or {}
                outcome = f"created (state: secure={outs['secure']}, default={outs['default']})"
            except SparkPostTrackingError as exc:
                outcome = ("refused: adopt_existing error" if "adopt_existing" in str(exc)
                           else f"failed: {type(exc).__name__}, domain left in place"
                           if emu.get(DOMAIN) else f"failed: {type(exc).__name__}")
            sent = ", ".join(f"{r.method} {r.path.rsplit('/', 1)[-1]}" + (" (lost)" if r.dropped else "")
                             + ("" if r.body is None else f" {r.body}") for r in emu.requests())
            rows.append({"case": label, "adopt_existing": str(adopt).lower(), "before": before,
                         "requests": f"{emu.count()}: {sent}", "outcome": outcome,
                         "after": _describe(emu.get(DOMAIN))})


def render(rows: list[dict[str, str]]) -> str:
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row[c] for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def main() -> int:
    logging.getLogger("sparkpost_tracking").setLevel(logging.ERROR)  # the table says what the warnings would
    print(render(measure()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
