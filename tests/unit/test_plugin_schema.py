"""The plugin's package schema is derived from the declarations, and docs/schema.json is exactly what it serves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_type_hints

from sparkpost_tracking.dynamic_providers.schema import (
    INPUTS,
    OUTPUT_KEYS,
    REQUIRED_KEYS,
    TrackingDomainAssociationAttributes,
    TrackingDomainAttributes,
)
from sparkpost_tracking.dynamic_providers.settings import TUNABLES
from sparkpost_tracking.plugin.native import (
    ASSOCIATION,
    NATIVE_RESOURCES,
    SENDING_DOMAIN,
    SENDING_DOMAIN_VERIFICATION,
    TRACKING_DOMAIN,
)
from sparkpost_tracking.plugin.resources import TrackingDomain, TrackingDomainAssociation
from sparkpost_tracking.plugin.schema import resource_schema
from sparkpost_tracking.plugin.server import schema_json

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "schema.json"
CAMEL = {"subaccount_id": "subaccountId", "api_url": "apiUrl", "managed_certificate": "managedCertificate",
         "adopt_existing": "adoptExisting", "cname_status": "cnameStatus", "compliance_status": "complianceStatus",
         "tls_status": "tlsStatus", "uses_managed_certificate": "usesManagedCertificate",
         "certificate_issued_at": "certificateIssuedAt", "certificate_expires_at": "certificateExpiresAt",
         "certificate_error": "certificateError"}


def wire(name: str) -> str:
    return CAMEL.get(name, name)


def test_the_published_schema_is_what_the_plugin_serves() -> None:
    assert PUBLISHED.read_text() == schema_json(), (
        "docs/schema.json is stale: regenerate it with 'python -m sparkpost_tracking.plugin schema > "
        "docs/schema.json'")


def test_tokens_are_the_components_and_the_native_resource() -> None:
    schema = json.loads(schema_json())
    assert schema["name"] == "sparkpost-tracking"
    assert sorted(schema["resources"]) == [f"sparkpost-tracking:index:{name}" for name in (
        "CloudFrontTrackingDomain", "CloudFrontTrackingPolicies", "CloudflareTrackingDomain", "FastlyTrackingDomain",
        "ManagedTrackingDomain", "SendingDomain", "SendingDomainVerification", "TrackingDomain",
        "TrackingDomainAssociation")]
    components = {k.rsplit(":", 1)[1] for k, v in schema["resources"].items() if v.get("isComponent")}
    assert components == {"CloudFrontTrackingDomain", "CloudFrontTrackingPolicies", "CloudflareTrackingDomain",
                          "FastlyTrackingDomain", "ManagedTrackingDomain"}
    assert all(r["requiredInputs"][0] == "domain" for name, r in schema["resources"].items()
               if name.endswith("TrackingDomain"))


def test_the_native_resource_is_derived_from_the_declarations() -> None:
    spec = resource_schema(TRACKING_DOMAIN)
    assert list(spec["inputProperties"]) == [wire(name) for name in INPUTS]  # the camelCase wire names
    assert spec["requiredInputs"] == [wire(name) for name in REQUIRED_KEYS]
    types = {"domain": "string", "secure": "boolean", "default": "boolean", "subaccount_id": "integer",
             "region": "string", "api_url": "string", "verify": "boolean", "managed_certificate": "boolean",
             "adopt_existing": "boolean"}
    for name, prop in INPUTS.items():
        declared = spec["inputProperties"][wire(name)]
        assert declared["type"] == types[name]
        assert declared["description"].startswith(prop.doc)
        # region/apiUrl default from the provider's config, so the schema gives no default an SDK would send.
        expected_default = None if name in ("region", "api_url") else prop.default
        assert declared.get("default") == expected_default, name
    assert list(spec["properties"]) == [*spec["inputProperties"], *map(wire, OUTPUT_KEYS)]
    assert {"port", "verified", "usesManagedCertificate", "domain", "secure"} <= set(spec["required"])
    assert not {"subaccountId", "apiUrl", "tlsStatus", "cnameStatus"} & set(spec["required"])


def test_secrets_are_marked_and_config_follows_the_settings() -> None:
    schema = json.loads(schema_json())
    variables = schema["config"]["variables"]
    assert variables["apiKey"]["secret"] is True and variables["euApiKey"]["secret"] is True
    assert {k for k, v in variables.items() if v.get("secret")} == {"apiKey", "euApiKey"}
    tunables = {"".join([n.split("_")[0], *(w.title() for w in n.split("_")[1:])]) for n in TUNABLES}
    assert set(variables) == {"apiKey", "euApiKey", "region", "apiUrl"} | tunables
    # An explicit provider resource's key is not marked secret by the schema: a YAML program (or a generated SDK)
    # would otherwise make a literal key a secret silently, and the plugin could not refuse it.
    provider_inputs = schema["provider"]["inputProperties"]
    assert not any(v.get("secret") for v in provider_inputs.values())
    assert provider_inputs == {k: {f: v for f, v in spec.items() if f != "secret"} for k, spec in variables.items()}
    assert all(v["type"] == "number" for k, v in variables.items() if k in tunables)


def test_every_native_resource_has_a_python_class_with_its_attributes() -> None:
    assert NATIVE_RESOURCES == (TRACKING_DOMAIN, ASSOCIATION, SENDING_DOMAIN, SENDING_DOMAIN_VERIFICATION)
    # The native classes share their typed attributes with the dynamic ones (one declaration, in schema).
    assert issubclass(TrackingDomain, TrackingDomainAttributes)
    assert issubclass(TrackingDomainAssociation, TrackingDomainAssociationAttributes)
    assert set(get_type_hints(TrackingDomainAttributes)) == set(INPUTS) | set(OUTPUT_KEYS)
    assert set(get_type_hints(TrackingDomainAssociationAttributes)) == set(ASSOCIATION.inputs)


def test_the_native_classes_type_their_outputs_for_pulumi() -> None:
    from pulumi._types import resource_types

    assert resource_types(TrackingDomain)["port"] is int
    assert resource_types(TrackingDomainAssociation)["tracking_domain"] is str


def test_every_component_takes_the_protect_switch() -> None:
    """The plugin's components take ``protect`` (from the components' declared args), so YAML and other
    languages turn protection off with the same switch."""
    resources = json.loads(schema_json())["resources"]
    components = {token: r for token, r in resources.items() if r.get("isComponent")}
    assert len(components) >= 4
    for token, resource in components.items():
        if token.endswith("Policies"):
            continue
        assert resource["inputProperties"]["protect"]["type"] == "boolean", token


# A fresh interpreter where the CDN SDKs cannot be imported, as in a venv with no CDN extra.
_WITHOUT_SDKS = """
import json, sys
SDKS = ("pulumi_aws", "pulumi_cloudflare", "pulumi_fastly")
class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in SDKS:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Absent())
from sparkpost_tracking.plugin.server import schema_json
schema = schema_json()
print(json.dumps({"loaded": sorted(m for m in sys.modules if m.partition(".")[0] in SDKS), "schema": schema}))
"""


def test_the_schema_needs_no_cdn_sdk() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _WITHOUT_SDKS], check=True, capture_output=True, text=True,
                         cwd=PUBLISHED.parent).stdout
    found = json.loads(out.splitlines()[-1])
    assert found["loaded"] == []
    assert found["schema"] == PUBLISHED.read_text()
