"""Tier 3b: the README's Quickstart, every block as written, from an empty directory in a fresh home.

The reader starts in a clone of this repository with the system's ``python3`` and no venv activated: the first
block makes the program's venv (``python3 -m venv``, so with the pip Python ships) and installs the package with the
``emulator`` extra from the clone, and takes the Pulumi CLI from ``scripts/get-pulumi`` (the machine's cached build:
the home is fresh, the build cache is not). Then ``~/tracking`` (which did not exist) gets the page's two files, the
emulator runs "in another terminal", and the stack is made, pointed at the emulator with ``sparkpost:apiUrl``,
previewed and brought up. No block may fail or print a traceback. The one change to the page's text: the
emulator's port 8787 becomes a free port. Needs PyPI for the package's dependencies, as CI has. Run with ``-s`` to
see the transcript.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import ROOT, Block, blocks
from tests.docs.session import DocSession

pytestmark = pytest.mark.engine

README = ROOT / "README.md"
DOC_PORT = "8787"
DOMAIN = "track.example.com"


def free_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def quickstart() -> list[Block]:
    """The Quickstart's blocks that this test runs, in order."""
    return [b for b in blocks(README) if "tests/engine/test_quickstart.py" in b.markers.get("run-by", "")]


@pytest.fixture
def session(cli_dir: Path, tmp_path: Path) -> Iterator[DocSession]:
    run = DocSession(tmp_path, cli_dir, substitutions={DOC_PORT: free_port()})
    try:
        yield run
    finally:
        run.close()
        print("\n" + run.show())


def sparkpost_says(port: str, path: str) -> dict[str, object]:
    """What the emulator the page started answers, with the page's key."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", headers={"Authorization": "demo-key"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return dict(json.load(answer)["results"])


def test_the_quickstart_runs_as_written_from_an_empty_directory(session: DocSession) -> None:
    steps = quickstart()
    kinds = [("file" if "file" in b.markers else "background" if "background" in b.markers else "shell")
             for b in steps]
    assert kinds == ["shell", "shell", "file", "file", "background", "shell"], kinds
    assert not [b.where for b in steps if "needs" in b.markers]
    project = session.home / "tracking"
    assert not project.exists()
    port = session.substitutions[DOC_PORT]
    for block in steps:
        if "background" in block.markers:
            first = session.start(block)
            assert first.strip() == f"SparkPost emulator listening on http://127.0.0.1:{port}/api/v1"
            continue
        ran = session.run(block)
        assert ran.returncode == 0, f"{block.where} failed:\n{session.show()}"
        assert "Traceback" not in ran.output, f"{block.where}:\n{ran.output}"
    assert session.cwd == project
    # The directory holds the two files the page wrote, the venv, the state and the stack's config (and Python's
    # bytecode cache of the program): nothing else.
    made = sorted(p.name for p in project.iterdir() if p.name != "__pycache__")
    assert made == [".state", ".venv", "Pulumi.dev.yaml", "Pulumi.yaml", "__main__.py"]
    last = session.transcript[-1].output
    assert "verified          : true" in last or re.search(r"verified\s*:\s*true", last), last
    assert '"v2.spgo.io"' in last
    found = sparkpost_says(port, f"/tracking-domains/{DOMAIN}")
    assert found["default"] is True and found["uses_managed_certificate"] is True
    assert found["status"]["verified"] is True and found["status"]["tls_status"] == "valid"  # type: ignore[index]
    # The key went in as a secret (the stack file holds ciphertext), and the API base is in the resource's inputs.
    assert "demo-key" not in (project / "Pulumi.dev.yaml").read_text()
    exported = session.run(Block(README, 0, "sh", "pulumi stack export"))
    assert f'"api_url": "http://127.0.0.1:{port}/api/v1"' in exported.output
    # What the page says to do with the stack afterwards works as written.
    forget = re.search(r"`(pulumi stack rm dev --force --yes)`", README.read_text())
    assert forget, "the Quickstart no longer says how to forget the stack"
    assert session.run(Block(README, 0, "sh", forget.group(1) + "\n")).returncode == 0
