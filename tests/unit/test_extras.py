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


def test_on_first_use_imports_when_an_attribute_is_read() -> None:
    import sys

    from sparkpost_tracking.extras import OnFirstUse

    lazy = OnFirstUse("colorsys")  # a stdlib module this test suite never imports otherwise
    sys.modules.pop("colorsys", None)
    assert "colorsys" not in sys.modules
    assert lazy.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert "colorsys" in sys.modules


# A fresh interpreter where the CDN SDKs cannot be imported, as in a venv with no CDN extra: the components'
# classes import, and building one fails with the one-line MissingExtra of its SDK's extra.
_BUILD_WITHOUT_SDKS = """
import json, sys
import pulumi
class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("pulumi_aws", "pulumi_cloudflare", "pulumi_fastly"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Absent())
class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args): return args.name + "-id", dict(args.inputs)
    def call(self, args): return {}
pulumi.runtime.set_mocks(Mocks(), preview=True)
from sparkpost_tracking import components
found = {}
for name, args in (("CloudFrontTrackingDomain", {}), ("FastlyTrackingDomain", {}),
                   ("CloudflareTrackingDomain", {"zone_id": "0123456789abcdef0123456789abcdef"})):
    cls = getattr(components, name)
    try:
        pulumi.runtime.test(lambda: cls("t", {"domain": "track.example.com", **args}))()
        found[name] = None
    except Exception as exc:
        found[name] = [type(exc).__name__, str(exc)]
print(json.dumps(found))
"""


def test_a_component_without_its_sdk_fails_when_built_naming_the_extra() -> None:
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _BUILD_WITHOUT_SDKS], check=True, capture_output=True,
                         text=True).stdout
    found = json.loads(out.splitlines()[-1])
    for name, extra in (("CloudFrontTrackingDomain", "aws"), ("FastlyTrackingDomain", "fastly"),
                        ("CloudflareTrackingDomain", "cloudflare")):
        kind, message = found[name]
        assert kind == "MissingExtra", found
        assert message.endswith(f"Install it with: pip install 'sparkpost-tracking[{extra}]'"), message
