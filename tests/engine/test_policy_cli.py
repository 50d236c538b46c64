"""Tier 3b: the policy pack under the real CLI, offline: ``pulumi preview --policy-pack`` of the repository's stack
passes when live chains are protected, and fails (mandatory) when protection is off; a raw tracking domain with
``secure: false`` fails too. (A CDN dropping User-Agent needs a cloud plugin this machine cannot get: the same
rule is tested on the components' real registrations in tests/policy.)"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.pulumi_cli import REPO, STACK_PROGRAM, STACK_PROGRAM_NAME, PulumiProject

#: The block of the docs this test runs as written.
BLOCK = re.compile(r"<!-- run-by: tests/engine/test_policy_cli\.py.*?-->\s*```sh\n(.*?)```",
                   re.DOTALL)

pytestmark = pytest.mark.engine

KEY = "policy-cli-key-1a2b3c4d5e6f"
DOMAINS = [{"domain": "track.example.com", "cdn": "managed", "sendingDomains": ["brand-a.com"]}]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        emulator.add_sending_domain("brand-a.com")
        yield emulator


@pytest.fixture(scope="module")
def pack() -> str:
    """The pack's folder, as the documented command prints it."""
    return subprocess.run([sys.executable, "-m", "sparkpost_tracking.policy"], check=True, capture_output=True,
                          text=True).stdout.strip()


def test_a_protected_stack_passes_and_an_unprotected_one_fails(cli_dir: Path, emu: Emulator, pack: str,
                                                             tmp_path: Path) -> None:
    stack = PulumiProject(tmp_path, cli_dir, stack="dev", source=STACK_PROGRAM, name=STACK_PROGRAM_NAME)
    stack.init(emu.base_url, KEY, DOMAINS, verifyInterval="0")
    emu.clear_requests()
    passed = stack.preview("--policy-pack", pack, check=False)
    assert passed.returncode == 0, passed.text[-3000:]
    assert "Loading policy packs" in passed.text and "sparkpost-live-chain-protected" not in passed.text

    stack.run("config", "set", f"{STACK_PROGRAM_NAME}:protect", "false")
    # The command of docs/pull-requests.md, as written there.
    block = re.search(BLOCK.pattern, (REPO / "docs" / "pull-requests.md").read_text(),
                      re.DOTALL)
    assert block, "docs/pull-requests.md lost its policy block"
    done = subprocess.run(["bash", "-c", block.group(1)], cwd=stack.workdir, env=stack.env, capture_output=True,
                          text=True, timeout=600)
    text = done.stdout + done.stderr
    assert done.returncode != 0
    assert "mandatory" in text and "sparkpost-live-chain-protected" in text
    for name in ("track-example-com-sparkpost", "track-example-com-sending-brand-a-com"):
        assert f"{name} serves links already sent" in text, text[-3000:]
    assert emu.count() == 0


def test_a_tracking_domain_with_secure_off_fails(cli_dir: Path, emu: Emulator, pack: str, tmp_path: Path) -> None:
    raw = PulumiProject(tmp_path, cli_dir)
    raw.init(emu.base_url, KEY, [{"domain": "raw.example.com", "secure": False}], verifyInterval="0")
    failed = raw.preview("--policy-pack", pack, check=False)
    assert failed.returncode != 0
    assert "sparkpost-secure-behind-cdn" in failed.text and "raw.example.com: secure is false" in failed.text
