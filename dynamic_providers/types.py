"""Every type token this package registers, in one table: recovery, review, tests and docs read them here.

A SparkPost resource has two tokens: the Python dynamic resource's (``pulumi-python:dynamic/sparkpost:<Name>``,
which Pulumi derives from the ``module``/``name`` a dynamic ``Resource`` class declares) and the plugin's native
one (``sparkpost-tracking:index:<Name>``). The components are ``sparkpost-tracking:index:<ClassName>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: The Pulumi package name: the plugin's (``pulumi-resource-sparkpost-tracking``) and the components' tokens.
PACKAGE: Final[str] = "sparkpost-tracking"
#: The ``module`` of the Python dynamic resources (their token is ``pulumi-python:dynamic/<module>:<Name>``).
DYNAMIC_MODULE: Final[str] = "sparkpost"


def package_token(name: str) -> str:
    """``sparkpost-tracking:index:<name>``: a component's or a native resource's type token."""
    return f"{PACKAGE}:index:{name}"


@dataclass(frozen=True)
class ResourceType:
    """One SparkPost resource, under both of its type tokens."""

    name: str

    @property
    def dynamic(self) -> str:
        return f"pulumi-python:dynamic/{DYNAMIC_MODULE}:{self.name}"

    @property
    def native(self) -> str:
        return package_token(self.name)

    @property
    def tokens(self) -> tuple[str, str]:
        return self.dynamic, self.native


TRACKING_DOMAIN: Final[ResourceType] = ResourceType("TrackingDomain")
ASSOCIATION: Final[ResourceType] = ResourceType("TrackingDomainAssociation")
SENDING_DOMAIN: Final[ResourceType] = ResourceType("SendingDomain")
#: Every SparkPost resource type.
RESOURCE_TYPES: Final[tuple[ResourceType, ...]] = (TRACKING_DOMAIN, ASSOCIATION, SENDING_DOMAIN)
