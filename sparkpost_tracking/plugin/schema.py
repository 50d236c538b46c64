"""The package schema the plugin serves (``pulumi package get-schema``), derived, never written by hand.

- the components: Pulumi's analyzer reads their args TypedDicts and output annotations (the same
  inference ``component_provider_host`` uses), which gives the tokens ``sparkpost-tracking:index:<ClassName>``;
  no CDN SDK is imported for this (a YAML program with only ``ManagedTrackingDomain`` installs none);
- each native resource (``native.NATIVE_RESOURCES``): types, required inputs, defaults and docs from its args
  and outputs TypedDicts, camelCase on the wire;
- the provider configuration (``config.CONFIG_PROPERTIES``), the API keys marked secret as stack config (not as an
  explicit provider resource's inputs: see ``config_schema``).

``docs/schema.json`` is this output (``python -m sparkpost_tracking.plugin schema``); a test keeps them equal.
"""

from __future__ import annotations

import json
import types
from typing import Annotated, Any, NotRequired, Union, get_args, get_origin

from pulumi import ComponentResource
from pulumi.provider.experimental.component import ComponentProvider

from sparkpost_tracking import __version__
from sparkpost_tracking.dynamic_providers.types import PACKAGE

from .config import CONFIG_PROPERTIES, RESOURCE_DEFAULTS
from .native import NATIVE_RESOURCES, NativeResource

_SCHEMA_TYPES: dict[type, str] = {bool: "boolean", int: "integer", float: "number", str: "string"}


def component_classes() -> list[type[ComponentResource]]:
    """The components ``sparkpost_tracking.components`` exports. Their modules load no CDN SDK (each loads its
    SDK when it makes its first resource), so the schema needs no extra and costs no SDK import."""
    from sparkpost_tracking import components

    found = (getattr(components, name) for name in components.__all__)
    return [c for c in found if isinstance(c, type) and issubclass(c, ComponentResource)
            and getattr(c, "hosted_by_plugin", True)]


def component_provider(classes: list[type[ComponentResource]] | None = None) -> ComponentProvider:
    """Pulumi's component provider for ``classes`` (default: all four): their schema and their ``construct``."""
    return ComponentProvider(classes if classes is not None else component_classes(), PACKAGE, version=__version__)


def _leaves(hint: Any) -> list[Any]:
    """The plain types inside an annotation: through Annotated, NotRequired, Input[...] (a Union) and ``| None``."""
    origin = get_origin(hint)
    if origin in (Annotated, NotRequired):
        return _leaves(get_args(hint)[0])
    if origin in (Union, types.UnionType):
        return [leaf for arg in get_args(hint) for leaf in _leaves(arg)]
    return [hint]


def _type_of(hint: Any) -> tuple[str, bool]:
    """(schema type, optional) of an annotation."""
    leaves = _leaves(hint)
    schema_type = next(_SCHEMA_TYPES[leaf] for leaf in leaves if leaf in _SCHEMA_TYPES)
    return schema_type, type(None) in leaves


def _output_doc(hint: Any) -> str:
    return next(str(m) for m in get_args(hint)[1:] if isinstance(m, str))


def resource_schema(resource: NativeResource) -> dict[str, Any]:
    wire = resource.names.wire
    hints = resource.args.__annotations__
    inputs: dict[str, Any] = {}
    for name, prop in resource.inputs.items():
        spec: dict[str, Any] = {"type": _type_of(hints[name])[0],
                                "description": f"{prop.doc} A change {prop.change.value}."}
        if prop.default is not None and name not in RESOURCE_DEFAULTS:
            spec["default"] = prop.default
        inputs[wire[name]] = spec
    required_inputs = [wire[n] for n in resource.inputs if n in resource.required]
    # State holds every input that is required or has a default (the provider fills defaults in), and the outputs.
    always = [wire[n] for n, p in resource.inputs.items()
              if n in resource.required or p.default is not None]
    outputs: dict[str, Any] = {}
    for name, hint in resource.outputs.__annotations__.items():
        schema_type, optional = _type_of(hint)
        outputs[wire[name]] = {"type": schema_type, "description": _output_doc(hint)}
        if not optional:
            always.append(wire[name])
    return {
        "description": resource.description,
        "inputProperties": inputs,
        "requiredInputs": required_inputs,
        "properties": {**{k: {key: v for key, v in spec.items() if key != "default"} for k, spec in inputs.items()},
                       **outputs},
        "required": sorted(always),
    }


def config_schema(*, mark_secrets: bool = True) -> dict[str, Any]:
    """The provider's configuration. An explicit provider resource's inputs leave the keys unmarked
    (``mark_secrets=False``): a YAML program or a generated SDK makes an input the schema marks secret a secret
    silently, literal text in the program included, and the plugin refuses a key that is not a secret."""
    return {name: {"type": prop.type, "description": prop.doc,
                   **({"secret": True} if prop.secret and mark_secrets else {})}
            for name, prop in CONFIG_PROPERTIES.items()}


def package_schema() -> dict[str, Any]:
    """The whole schema, as the plugin serves it."""
    schema: dict[str, Any] = json.loads(component_provider().schema or "{}")
    if not schema.get("dependencies"):
        schema.pop("dependencies", None)  # none: the CLI drops an empty list, so the published copy does too
    for spec in schema.get("resources", {}).values():
        if spec.get("requiredInputs") == []:
            del spec["requiredInputs"]  # likewise (a component whose arguments are all optional)
    schema["description"] = ("Secure SparkPost engagement-tracking domains: certificate, CDN, DNS and the SparkPost "
                             "tracking domain as one component, and the SparkPost tracking domain as a resource.")
    schema["resources"].update({r.token: resource_schema(r) for r in NATIVE_RESOURCES})
    schema["config"] = {"variables": config_schema()}
    schema["provider"] = {"description": "The SparkPost tracking provider: API keys and defaults.",
                          "inputProperties": config_schema(mark_secrets=False)}
    return schema
