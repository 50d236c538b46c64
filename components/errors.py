"""The one error type components raise for bad arguments, before any resource is registered."""

from __future__ import annotations

from sparkpost_tracking.dynamic_providers.validation import ResourceArgumentError


class ComponentArgumentError(ResourceArgumentError):
    """A bad component argument: ``<Component> '<name>': <arg>: <reason>``.

    A ``ValueError`` (through ``InvalidInput``), so ``prop`` names the argument and ``reason`` says what to do;
    and a ``pulumi.RunError``, so Pulumi shows the message without a Python traceback.
    """

    def __init__(self, component: str, resource_name: str, prop: str, reason: str) -> None:
        super().__init__(component, resource_name, prop, reason)

    @property
    def component(self) -> str:
        return self.type_name
