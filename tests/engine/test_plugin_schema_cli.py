"""Tier 3b: ``pulumi package get-schema`` of the installed plugin: tokens, required inputs, secrets."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.engine.yaml_project import PLUGIN, plugin_dir

pytestmark = pytest.mark.engine

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "schema.json"


@pytest.fixture(scope="module")
def served(cli_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("schema-home")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "SPARKPOST_"))},
           "PULUMI_HOME": str(home), "PULUMI_SKIP_UPDATE_CHECK": "true"}
    proc = subprocess.run([str(cli_dir / "pulumi"), "package", "get-schema", str(plugin_dir() / PLUGIN)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def test_the_cli_gets_the_published_schema(served: dict[str, Any]) -> None:
    assert served == json.loads(PUBLISHED.read_text())


def test_tokens_and_required_inputs(served: dict[str, Any]) -> None:
    required = {token.rsplit(":", 1)[1]: spec.get("requiredInputs", []) for token, spec in served["resources"].items()}
    assert required == {
        "CloudflareTrackingDomain": ["domain", "zoneId"],
        "CloudFrontTrackingDomain": ["domain"],
        "FastlyTrackingDomain": ["domain"],
        "ManagedTrackingDomain": ["domain"],
        "CloudFrontTrackingPolicies": [],
        "TrackingDomain": ["domain"],
        "TrackingDomainAssociation": ["sendingDomain", "trackingDomain"],
        "SendingDomain": ["domain"],
        "SendingDomainVerification": ["sendingDomain"],
    }
    native = served["resources"]["sparkpost-tracking:index:TrackingDomain"]
    assert sorted(native["inputProperties"]) == sorted([
        "domain", "secure", "default", "subaccountId", "region", "apiUrl", "verify", "managedCertificate",
        "adoptExisting"])
    assert {"port", "verified", "cnameStatus", "complianceStatus", "tlsStatus", "usesManagedCertificate"} <= set(
        native["properties"])
    assert not native.get("isComponent")


def test_the_api_keys_are_secret(served: dict[str, Any]) -> None:
    assert {name for name, spec in served["config"]["variables"].items() if spec.get("secret")} == {
        "apiKey", "euApiKey"}
    # An explicit provider resource's key is not marked: YAML (and generated SDKs) would make a literal key secret
    # silently, and the plugin must see it plain to refuse it (tests/engine/test_ownership_seams_cli.py).
    inputs = served["provider"]["inputProperties"]
    assert {"apiKey", "euApiKey"} <= set(inputs) and not any(spec.get("secret") for spec in inputs.values())
    # No resource takes or reports a key.
    assert not any("apiKey" in spec.get("inputProperties", {}) or "apiKey" in spec.get("properties", {})
                   for spec in served["resources"].values())
