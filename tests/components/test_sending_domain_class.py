"""The ``SendingDomain`` classes a Python program registers, dynamic and native, under Pulumi mocks: their type
tokens, protected unless told, and ``tracking_domain`` refused (a ``TrackingDomainAssociation`` is its one writer)."""

from __future__ import annotations

import pulumi
import pytest

from sparkpost_tracking.dynamic_providers import SendingDomain
from sparkpost_tracking.dynamic_providers.types import SENDING_DOMAIN
from sparkpost_tracking.dynamic_providers.validation import ResourceArgumentError
from sparkpost_tracking.plugin.resources import SendingDomain as NativeSendingDomain

D = "brand.example"
CLASSES = {"dynamic": SendingDomain, "native": NativeSendingDomain}


@pytest.mark.parametrize("path", CLASSES)
def test_registered_under_its_token_and_protected_unless_told(pulumi_run, path: str) -> None:
    cls = CLASSES[path]

    def program() -> None:
        cls("kept", {"domain": D})
        cls("free", {"domain": "mail.example.com", "dkim_key_length": 1024}, pulumi.ResourceOptions(protect=False))

    run = pulumi_run(program)
    kept, free = run.named("kept"), run.named("free")
    assert (kept.protect, free.protect) == (True, False)
    assert kept.type == (SENDING_DOMAIN.native if path == "native" else SENDING_DOMAIN.dynamic)
    assert kept.type == f"{'sparkpost-tracking:index' if path == 'native' else 'pulumi-python:dynamic/sparkpost'}" \
                        ":SendingDomain"


@pytest.mark.parametrize("path", CLASSES)
def test_tracking_domain_is_refused_naming_the_association_to_keep(pulumi_run_failing, path: str) -> None:
    args = {"domain": D, "tracking_domain": "click.brand.example"}
    error, registered = pulumi_run_failing(lambda: CLASSES[path]("s", args))  # type: ignore[arg-type]
    assert isinstance(error, ResourceArgumentError) and registered == []
    said = str(error)
    assert said.startswith("SendingDomain 's': tracking_domain: is not set on a sending domain: one resource writes")
    assert "Keep the association and drop tracking_domain here" in said.replace("trackingDomain", "tracking_domain")
