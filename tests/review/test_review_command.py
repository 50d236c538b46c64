"""``sparkpost-tracking review`` as a command: stdin or --file, Markdown or --json, exit codes by --fail-on, exit 2
with a clear message on bad input. Run as a user runs it, in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.review.previews import cloudfront, document, sames, step

A = "track.example.com"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sparkpost_tracking", "review", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def breaking() -> dict[str, Any]:
    chain = cloudfront(A)
    [distribution] = [r for r in chain if r.name.endswith("-distribution")]
    return document(sames(chain, but={distribution.name: step("delete", distribution, None)}))


@pytest.mark.parametrize(("fail_on", "code"), [(None, 0), ("breaks-links", 1), ("risky", 1)])
def test_exit_code_follows_fail_on(fail_on: str | None, code: int) -> None:
    done = run("--json", *(["--fail-on", fail_on] if fail_on else []), stdin=json.dumps(breaking()))
    assert done.returncode == code, done.stderr
    report = json.loads(done.stdout)
    assert report["schema"] == "sparkpost-tracking/review/1" and report["verdict"] == "breaks-links"


def test_a_safe_preview_passes_fail_on_risky(tmp_path: Path) -> None:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(document(sames(cloudfront(A)))))
    done = run("--file", str(path), "--fail-on", "risky")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("## sparkpost-tracking review: ✅ **safe**")


def test_bad_input_exits_2_with_a_message_and_no_report(tmp_path: Path) -> None:
    done = run("--fail-on", "breaks-links", stdin="Previewing update (dev):\n")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("sparkpost-tracking review: the input is not JSON")
    assert "pulumi preview --json --show-sames" in done.stderr
    missing = run("--file", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr


def test_a_bad_fail_on_level_is_a_usage_error() -> None:
    done = run("--fail-on", "safe", stdin="{}")
    assert done.returncode == 2 and "--fail-on" in done.stderr
