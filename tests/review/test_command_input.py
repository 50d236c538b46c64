"""``review``'s input and output, in process: standard input or ``--file`` (``-`` is standard input), both read up to
the size bound and no further, the bound's message in whole MB, bytes that are not UTF-8 read all the same, a
terminal on standard input refused with what to pipe, and ``--json`` printed as one document and one newline."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from sparkpost_tracking.review import command
from tests.review.previews import planned
from tests.review.test_review_command import STDIN_HINT, in_process

MIB = 1024 * 1024


def padded(size: int) -> bytes:
    """A preview of exactly ``size`` bytes (spaces, then the engine's document: its last byte closes it)."""
    text = json.dumps(planned()).encode()
    assert len(text) <= size
    return b" " * (size - len(text)) + text


@pytest.mark.parametrize("via", ["stdin", "file", "dash"])
def test_input_of_exactly_the_bound_is_read_and_one_byte_more_is_refused(
        via: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 2 * MIB

    def review(data: bytes) -> tuple[int, str, str]:
        if via == "file":
            path = tmp_path / "preview.json"
            path.write_bytes(data)
            return in_process(b"", "--file", str(path), limit=limit, monkeypatch=monkeypatch)
        return in_process(data, *(["--file", "-"] if via == "dash" else []), limit=limit, monkeypatch=monkeypatch)

    code, out, err = review(padded(limit))
    assert (code, err) == (0, "") and out.startswith("## sparkpost-tracking review: ✅ **safe**")
    code, out, err = review(padded(limit + 1))
    assert (code, out) == (2, "")
    assert err == (f"sparkpost-tracking review: the input is larger than 2 MB, more than a preview of any stack it "
                   f"reviews: give it the output of `{STDIN_HINT}`\n")


def test_bytes_that_are_not_utf_8_are_read_all_the_same() -> None:
    doc = planned()
    [first, *_] = [s for s in doc["steps"] if "inputs" in s.get("oldState", {})]
    first["oldState"]["inputs"]["comment"] = "@@"
    data = json.dumps(doc).encode().replace(b"@@", b"\xff\xfe")
    code, out, err = in_process(data, "--json")
    assert (code, err) == (0, "") and json.loads(out)["verdict"] == "safe"


def test_json_is_one_document_and_one_newline() -> None:
    code, out, _err = in_process(json.dumps(planned()), "--json")
    assert code == 0 and out.endswith("}\n") and not out.endswith("\n\n")
    assert json.loads(out)["schema"] == "sparkpost-tracking/review/1"
    code, out, _err = in_process(json.dumps(planned()))
    assert code == 0 and out.startswith("## sparkpost-tracking review:")


def test_a_missing_file_is_named_with_the_system_s_reason(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    assert in_process("", "--file", str(missing)) == (
        2, "", f"sparkpost-tracking review: --file {missing}: No such file or directory\n")


def test_a_terminal_on_standard_input_is_refused_with_what_to_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"")))
    with pytest.raises(ValueError) as refused:
        command.read_input(None)
    assert str(refused.value) == f"no input: pipe `{STDIN_HINT}` into it, or give --file PATH"
