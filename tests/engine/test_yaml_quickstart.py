"""Tier 3b: docs/yaml-quickstart.md, every command as written, start to finish, in a fresh home directory.

The page builds the wheel in a clone, installs it with the ``emulator`` extra only (no CDN SDK) into a fresh venv
made by the system's ``python3 -m venv`` (so with the pip that Python ships), starts the emulator "in another
terminal", writes the page's ``Pulumi.yaml`` and runs every ``pulumi`` and ``curl`` command of the page. No block
may fail, and no output may hold a Python traceback. The one change to the page's text: the emulator's port 8787
becomes a free port, so that parallel runs do not collide. Needs PyPI for the wheel's dependencies, as CI has.
Run with ``-s`` to see the transcript.
"""

from __future__ import annotations

import ensurepip
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import ROOT, blocks
from tests.docs.session import DocSession

pytestmark = pytest.mark.engine

QUICKSTART = ROOT / "docs" / "yaml-quickstart.md"
DOC_PORT = "8787"


def free_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


@pytest.fixture
def session(yaml_cli_dir: Path, tmp_path: Path) -> Iterator[DocSession]:
    run = DocSession(tmp_path, yaml_cli_dir, substitutions={DOC_PORT: free_port()})
    try:
        yield run
    finally:
        run.close()
        print("\n" + run.show())


def test_the_quickstart_runs_as_written(session: DocSession) -> None:
    steps = [b for b in blocks(QUICKSTART) if b.is_shell or "file" in b.markers]
    assert not [b.where for b in steps if "needs" in b.markers or "not-run" in b.markers]
    port = session.substitutions[DOC_PORT]
    for block in steps:
        if "background" in block.markers:
            first = session.start(block)
            assert first.strip() == f"SparkPost emulator listening on http://127.0.0.1:{port}/api/v1"
            continue
        ran = session.run(block)
        assert ran.returncode == 0, f"{block.where} failed:\n{session.show()}"
        assert "Traceback" not in ran.output, f"{block.where}:\n{ran.output}"

    def output_of(command: str) -> str:
        """The output of the first block that runs ``command``."""
        return next(r.output for r in session.transcript if command in r.block.text)

    # The install brought the emulator's extra and no CDN SDK, with the pip the venv came with.
    site = next((session.home / "sparkpost-tracking" / "lib").glob("python3*/site-packages"))
    assert [p.name for p in site.glob("pip-*.dist-info")] == [f"pip-{ensurepip.version()}.dist-info"]
    assert (site / "werkzeug").is_dir()
    assert not [p.name for p in site.iterdir() if p.name.startswith(("pulumi_aws", "pulumi_cloudflare",
                                                                      "pulumi_fastly"))]
    # What the page says the commands show.
    preview = output_of("pulumi preview")  # step 5: preview, up, then an unchanged preview
    for resource in ("sparkpost-tracking:index:ManagedTrackingDomain", "sparkpost-tracking:index:TrackingDomain"):
        assert resource in preview
    assert "tracking-sparkpost" in preview
    up = preview
    assert "trackingVerified: true" in up and '"v2.spgo.io"' in up
    drift = output_of("/_emulator/mutate")
    assert "secure" in drift and "false => true" in drift
