"""``sparkpost-tracking review`` as a command: stdin or --file, Markdown or --json, exit codes by --fail-on, exit 2
with a clear message on bad input, and on its edges: a closed pipe ends it quietly, deep or huge input is a clear
error, and no input whatever makes it print a traceback. Run as a user runs it, in a fresh process, and the
generated inputs in process."""

from __future__ import annotations

import argparse
import copy
import io
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.components.serving import UNKNOWN
from sparkpost_tracking.review import command
from tests.review.previews import CF, inputs, planned, without

STDIN_HINT = "pulumi preview --json --show-sames --show-replacement-steps"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sparkpost_tracking", "review", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def breaking() -> dict[str, Any]:
    return planned(edit=inputs("cf-example-com-distribution", lambda i: i.update(enabled=False)))


@pytest.mark.parametrize(("fail_on", "code"), [(None, 0), ("breaks-links", 1), ("risky", 1)])
def test_exit_code_follows_fail_on(fail_on: str | None, code: int) -> None:
    done = run("--json", *(["--fail-on", fail_on] if fail_on else []), stdin=json.dumps(breaking()))
    assert done.returncode == code, done.stderr
    report = json.loads(done.stdout)
    assert report["schema"] == "sparkpost-tracking/review/1" and report["verdict"] == "breaks-links"


def test_a_safe_preview_passes_fail_on_risky(tmp_path: Path) -> None:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(planned()))
    done = run("--file", str(path), "--fail-on", "risky")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("## sparkpost-tracking review: ✅ **safe**")


def test_a_refused_preview_is_reviewed_not_refused() -> None:
    done = run("--fail-on", "breaks-links", stdin=json.dumps(planned(without(CF))))
    assert done.returncode == 1, done.stderr
    assert "⛔ **breaks-links**" in done.stdout and "--ignore-protect" in done.stdout


def test_bad_input_exits_2_with_a_message_and_no_report(tmp_path: Path) -> None:
    done = run("--fail-on", "breaks-links", stdin="Previewing update (dev):\n")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("sparkpost-tracking review: the input is not JSON")
    assert STDIN_HINT in done.stderr
    missing = run("--file", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr


def test_a_bad_fail_on_level_is_a_usage_error() -> None:
    done = run("--fail-on", "safe", stdin="{}")
    assert done.returncode == 2 and "--fail-on" in done.stderr


def test_a_closed_pipe_ends_it_quietly(tmp_path: Path) -> None:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(breaking()))
    done = subprocess.run(f"{sys.executable} -m sparkpost_tracking review --json --file {path} | head -c 10",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout == '{\n  "schem'
    assert done.stderr == ""


def test_deeply_nested_json_is_a_clear_error_in_a_fresh_process() -> None:
    done = run(stdin="[" * 200_000 + "]" * 200_000)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "nested deeper than any preview" in done.stderr


def in_process(text: str | bytes, *args: str, limit: int | None = None,
               monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    raw = text.encode() if isinstance(text, str) else text
    stdin = io.TextIOWrapper(io.BytesIO(raw))
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, out, err
    try:
        if limit is not None and monkeypatch is not None:
            monkeypatch.setattr(command, "MAX_BYTES", limit)
        code = command.run(parser.parse_args(list(args)))
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


def test_huge_input_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = in_process(json.dumps(breaking()), limit=1000, monkeypatch=monkeypatch)
    assert (code, out) == (2, "") and "larger than" in err and STDIN_HINT in err


def _mutate(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """The document with random parts replaced by values of the wrong kind, dropped or nested oddly."""
    odd = [None, 0, -1, 1.5, True, "", "x", [], {}, [None], {"": None}, "urn:pulumi:a::b::c::d", UNKNOWN]
    if rng.random() < 0.04:
        return rng.choice(odd)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if rng.random() < 0.03:
                continue
            out[key] = _mutate(item, rng, depth + 1)
        return out
    if isinstance(value, list):
        return [_mutate(item, rng, depth + 1) for item in value if rng.random() > 0.02]
    return value


@pytest.mark.parametrize("seed", range(40))
def test_no_input_makes_it_print_a_traceback(seed: int) -> None:
    rng = random.Random(seed)
    base = [planned(), breaking(), planned(without(CF))][seed % 3]
    doc = _mutate(copy.deepcopy(base), rng)
    code, out, err = in_process(json.dumps(doc), "--json" if seed % 2 else "--fail-on=risky")
    assert code in (0, 1, 2)
    assert "Traceback" not in err and "could not read this preview" not in err, err
    assert (code == 2) == (out == "")
