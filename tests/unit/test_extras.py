"""A missing optional dependency names the extra and the pip command, read from the installed metadata.

The real missing-SDK import is exercised in a clean venv by tests/engine/test_installed_wheel.py.
"""

from __future__ import annotations

import pulumi
import pytest

from sparkpost_tracking.extras import MissingExtra, extra_hint, extra_providing


@pytest.mark.parametrize(("module", "extra"), [
    ("pulumi_cloudflare", "cloudflare"), ("pulumi_aws", "aws"), ("pulumi_aws.route53", "aws"),
    ("pulumi_fastly", "fastly"), ("werkzeug", "emulator"), ("requests", None), ("pulumi", None),
])
def test_extra_of_each_optional_module(module: str, extra: str | None) -> None:
    assert extra_providing(module) == extra


def test_missing_optional_module_names_the_pip_command() -> None:
    with pytest.raises(MissingExtra) as info, extra_hint():
        raise ModuleNotFoundError("No module named 'pulumi_fastly'", name="pulumi_fastly")
    assert str(info.value) == ("No module named 'pulumi_fastly': it comes with the 'fastly' extra of "
                               "sparkpost-tracking. Install it with: pip install 'sparkpost-tracking[fastly]'")
    assert isinstance(info.value, ModuleNotFoundError) and isinstance(info.value, pulumi.RunError)
    assert info.value.name == "pulumi_fastly"


def test_other_import_failures_pass_unchanged() -> None:
    original = ModuleNotFoundError("No module named 'nothing_of_ours'", name="nothing_of_ours")
    with pytest.raises(ModuleNotFoundError) as info, extra_hint():
        raise original
    assert info.value is original
