"""What importing a component module loads of ours, in a fresh interpreter: the argument types, the DNS strategies
and the chain, and not the provider's schema, its certificate outputs or its hosts table (they load when the first
component is built). A program's first line and the plugin describing its schema pay only for what they use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

DEFERRED = ("sparkpost_tracking.dynamic_providers.schema", "sparkpost_tracking.dynamic_providers.certificate_outputs",
            "sparkpost_tracking.dynamic_providers.certificate_errors", "sparkpost_tracking.dynamic_providers.resource")
PROGRAM = """
import json, sys
import {module}
before = sorted(m for m in sys.modules if m.startswith("sparkpost_tracking"))
import pulumi
from pulumi.runtime.mocks import MockMonitor
class M(pulumi.runtime.Mocks):
    def new_resource(self, a): return a.name + "-id", dict(a.inputs)
    def call(self, a): return {{}}, []
pulumi.runtime.set_mocks(M(), preview=False, monitor=MockMonitor(M()))
from sparkpost_tracking.components import ManagedTrackingDomain
pulumi.runtime.test(lambda: ManagedTrackingDomain("m", {{"domain": "t.example.com"}}))()
print(json.dumps([before, sorted(m for m in sys.modules if m.startswith("sparkpost_tracking"))]))
"""


@pytest.mark.parametrize("module", ["sparkpost_tracking.components.managed", "sparkpost_tracking.components.cloudfront",
                                    "sparkpost_tracking.components.fastly"])
def test_a_component_module_defers_the_provider_s_schema(module: str) -> None:
    out = subprocess.run([sys.executable, "-c", PROGRAM.format(module=module)], check=True, capture_output=True,
                         text=True).stdout
    imported, built = json.loads(out.strip().splitlines()[-1])
    assert "sparkpost_tracking.components.chain" in imported
    assert not set(DEFERRED) & set(imported), sorted(set(DEFERRED) & set(imported))
    assert set(DEFERRED) <= set(built)  # building a component loads them
