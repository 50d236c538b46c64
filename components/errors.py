"""The one error type components raise for bad arguments, before any resource is registered."""

from __future__ import annotations

from sparkpost_tracking.dynamic_providers.validation import InvalidInput


class ComponentArgumentError(InvalidInput):
    """A bad component argument: ``<Component> '<name>': <arg>: <reason>``.

    A ``ValueError`` (through ``InvalidInput``), so ``prop`` names the argument and ``reason`` says what to do.
    """

    def __init__(self, component: str, resource_name: str, prop: str, reason: str) -> None:
        super().__init__(prop, reason)
        self.component = component
        self.resource_name = resource_name
        self.args = (f"{component} '{resource_name}': {prop}: {reason}",)

    def __str__(self) -> str:
        return str(self.args[0])
