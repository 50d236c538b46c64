"""Tier 3b: the plugin loads only what a program uses.

The plugin runs with the CDN SDKs made unimportable (a ``sitecustomize`` on its ``PYTHONPATH``, as in a venv
with no CDN extra). A YAML program with ``ManagedTrackingDomain`` and ``TrackingDomain`` previews; one with
``CloudFrontTrackingDomain`` fails when that component is constructed, with one line naming the extra and the pip
command, and no Python traceback.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from sparkpost_tracking.emulator import Emulator
from tests.engine.yaml_project import YamlProject

pytestmark = pytest.mark.engine

KEY = "missing-extra-key-0f9e8d7c"
ABSENT = textwrap.dedent('''
    import sys

    class Absent:
        """The CDN SDKs cannot be imported, as in a venv without their extras."""

        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in ("pulumi_aws", "pulumi_cloudflare", "pulumi_fastly"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    sys.meta_path.insert(0, Absent())
    ''')


def project(tmp_path: Path, cli_dir: Path, emu: Emulator, resources: dict[str, Any]) -> YamlProject:
    (tmp_path / "no-sdks").mkdir()
    (tmp_path / "no-sdks" / "sitecustomize.py").write_text(ABSENT)
    made = YamlProject(tmp_path / "program", cli_dir, resources, stack="dev")
    made.env["PYTHONPATH"] = str(tmp_path / "no-sdks")  # the plugin's Python reads it (the engine passes env on)
    made.init(emu.base_url, KEY, verifyInterval="0")
    return made


def test_managed_and_native_resources_need_no_cdn_sdk(yaml_cli_dir: Path, emu: Emulator, tmp_path: Path) -> None:
    program = project(tmp_path, yaml_cli_dir, emu, {
        "tracking": {"type": "sparkpost-tracking:ManagedTrackingDomain", "properties": {"domain": "t.example.com"}},
        "links": {"type": "sparkpost-tracking:TrackingDomain", "properties": {"domain": "l.example.com"}},
    })
    preview = program.preview()
    assert "tracking-sparkpost" in preview.text and "Traceback" not in preview.text


def test_a_cdn_component_without_its_sdk_fails_in_one_line(yaml_cli_dir: Path, emu: Emulator,
                                                           tmp_path: Path) -> None:
    program = project(tmp_path, yaml_cli_dir, emu, {
        "cdn": {"type": "sparkpost-tracking:CloudFrontTrackingDomain", "properties": {"domain": "t.example.com"}},
    })
    emu.clear_requests()
    result = program.preview(check=False)
    print(f"\n$ pulumi preview  # exit {result.returncode}\n{result.text}")
    assert result.returncode != 0 and emu.count() == 0
    assert "Traceback" not in result.text
    expected = ("No module named 'pulumi_aws': it comes with the 'aws' extra of sparkpost-tracking. "
                "Install it with: pip install 'sparkpost-tracking[aws]'")
    assert expected in result.text
