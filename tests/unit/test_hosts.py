"""hosts: SparkPost hosts per region and Enterprise tenant (pure functions)."""

from __future__ import annotations

import pytest

from sparkpost_tracking.dynamic_providers import InvalidInput
from sparkpost_tracking.dynamic_providers.hosts import bounce_cname_target, cdn_origin, managed_cname_target
from sparkpost_tracking.dynamic_providers.validation import validate_enterprise_tenant


def test_cdn_origins():
    assert cdn_origin("us") == "spgo.io"
    assert cdn_origin("eu") == "eu.spgo.io"
    assert cdn_origin("us", "acme") == "acme.et.e.sparkpost.com"


def test_managed_targets():
    assert managed_cname_target("us") == "v2.spgo.io"
    assert managed_cname_target("eu") == "eu.v2.spgo.io"


def test_bounce_targets():
    assert bounce_cname_target("us") == "sparkpostmail.com"
    assert bounce_cname_target("eu") == "eu.sparkpostmail.com"
    assert bounce_cname_target("eu", "acme") == "acme.mail.e.sparkpost.com"


@pytest.mark.parametrize("value", ["acme", "ACME", "acme.et.e.sparkpost.com", "acme.et.e.sparkpost.com."])
def test_enterprise_tenant_forms(value):
    assert validate_enterprise_tenant(value) == "acme"


@pytest.mark.parametrize(("value", "reason"), [
    ("", "tenant name"), (None, "tenant name"), ("a.b", "one DNS label"), ("-acme", "RFC 1123"),
    ("ac_me", "underscores"), (7, "tenant name"),
])
def test_bad_enterprise_tenants(value, reason):
    with pytest.raises(InvalidInput) as info:
        validate_enterprise_tenant(value)
    assert info.value.prop == "enterprise_tenant"
    assert reason in info.value.reason
