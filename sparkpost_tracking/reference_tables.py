"""The argument and output tables of the docs, generated from the declarations, never written by hand.

- the SparkPost resources: each input's ``Property`` (doc, default, change rule) and each output's annotation in
  ``dynamic_providers.schema``;
- the components: their args TypedDicts (``components.args`` and each CDN's own) and output annotations, with the
  docstring written under each attribute.

In a page, a table sits between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``.
``python -m sparkpost_tracking.reference_tables [ROOT]`` rewrites those regions of the pages in ``PAGES`` (ROOT
defaults to the current directory, a checkout); a test keeps the pages equal to this output.
"""

from __future__ import annotations

import ast
import collections.abc
import inspect
import re
import sys
import textwrap
import types
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Final, ForwardRef, NotRequired, Required, Union, get_args, get_origin, is_typeddict

import pulumi

from sparkpost_tracking.dynamic_providers.schema import (
    Property,
    SendingDomainArgs,
    SendingDomainOutputs,
    TrackingDomainArgs,
    TrackingDomainAssociationArgs,
    TrackingDomainOutputs,
)

#: The components, in the order the docs list them.
COMPONENTS: Final[tuple[str, ...]] = ("CloudflareTrackingDomain", "CloudFrontTrackingDomain", "FastlyTrackingDomain",
                                      "ManagedTrackingDomain", "CloudFrontTrackingPolicies")
_NAMES: Final[dict[type, str]] = {str: "str", bool: "bool", int: "int", float: "float"}


def _type_text(hint: Any) -> str:
    """A reader's type: ``str``, ``list[str]``, ``str (or Output)``; ``| None`` and wrappers left out."""
    origin = get_origin(hint)
    if origin in (Annotated, NotRequired, Required):
        return _type_text(get_args(hint)[0])
    if origin in (Union, types.UnionType):
        parts = [a for a in get_args(hint) if a is not type(None)]
        # pulumi.Input[T] is T | Awaitable[T] | Output[T]
        outputs = [a for a in parts if get_origin(a) is pulumi.Output
                   or (isinstance(a, ForwardRef) and a.__forward_arg__.startswith("Output"))]
        plain = [a for a in parts if a not in outputs and get_origin(a) is not collections.abc.Awaitable]
        text = " or ".join(dict.fromkeys(_type_text(a) for a in plain))
        return f"{text} (or Output)" if outputs else text
    if origin is pulumi.Output:
        return _type_text(get_args(hint)[0])
    if origin is list:
        return f"list[{_type_text(get_args(hint)[0])}]"
    return _NAMES.get(hint, getattr(hint, "__name__", str(hint)))


def _lineage(cls: type) -> list[type]:
    """``cls`` and its bases, farthest first. A TypedDict keeps its bases only in ``__orig_bases__``."""
    if is_typeddict(cls):
        # Python 3.11 keeps no trace of a TypedDict's bases at run time: read them from its class statement.
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        names = [n.id for n in tree.body[0].bases if isinstance(n, ast.Name)] if tree.body else []  # type: ignore[attr-defined]
        scope = vars(sys.modules[cls.__module__])
        bases = [scope[n] for n in names if n in scope and is_typeddict(scope[n])]
        return [*dict.fromkeys(k for base in bases for k in _lineage(base)), cls]
    return list(reversed(cls.__mro__))


def attribute_docs(cls: type) -> dict[str, str]:
    """The docstring under each annotated attribute of ``cls`` and its bases (the nearest class's wins)."""
    docs: dict[str, str] = {}
    for klass in _lineage(cls):
        if klass.__module__ in ("builtins", "typing") or klass.__module__.startswith("pulumi"):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in zip(body, [*body[1:], None], strict=True):
            if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str)):
                docs[node.target.id] = " ".join(after.value.value.split())
    return docs


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def resource_inputs_table(args: type) -> str:
    """A SparkPost resource's inputs: name, type, default, what a change does, meaning."""
    hints = args.__annotations__
    rows = []
    for name, hint in hints.items():
        prop = next(m for m in get_args(_unwrap_required(hint))[1:] if isinstance(m, Property))
        default = "required" if name in getattr(args, "__required_keys__", ()) else (
            "none" if prop.default is None else f"`{prop.default!r}`".replace("True", "true").replace("False", "false"))
        rows.append([f"`{name}`", _type_text(hint), default, f"a change {prop.change.value}", prop.doc])
    return _table(["input", "type", "default", "change", "meaning"], rows)


def _unwrap_required(hint: Any) -> Any:
    return get_args(hint)[0] if get_origin(hint) in (NotRequired, Required) else hint


def resource_outputs_table(outputs: type) -> str:
    rows = [[f"`{name}`", _type_text(hint), str(get_args(hint)[1])] for name, hint in outputs.__annotations__.items()]
    return _table(["output", "type", "meaning"], rows)


def component_tables() -> str:
    """Per component: its arguments (required or not, type, meaning) and its outputs."""
    from sparkpost_tracking import components

    parts = []
    for name in COMPONENTS:
        component = getattr(components, name)
        args = inspect.get_annotations(component.__init__)["args"]
        arg_docs = attribute_docs(args)
        hints = dict(args.__annotations__)  # a TypedDict's own hold its bases' too, theirs first
        arg_rows = [[f"`{key}`", _type_text(hints[key]), "yes" if key in args.__required_keys__ else "",
                     arg_docs.get(key, "")] for key in hints]
        out_docs = attribute_docs(component)
        outs = {k: v for klass in reversed(component.__mro__)
                for k, v in inspect.get_annotations(klass).items()
                if not k.startswith("_") and get_origin(v) is pulumi.Output}
        out_rows = [[f"`{key}`", _type_text(hint), out_docs.get(key, "")] for key, hint in outs.items()]
        parts.append(f"#### `{name}`\n\n" + _table(["argument", "type", "required", "meaning"], arg_rows)
                     + "\n\n" + _table(["output", "type", "meaning"], out_rows))
    return "\n\n".join(parts)


#: What a resource's delete or replace does, by the part it plays (``Carries``).
_GONE: Final[dict[str, tuple[str, str]]] = {
    "links": ("carries the links: deleted or replaced", "breaks-links"),
    "certificate": ("the certificate https is served with: deleted, or replaced deleting the old one first",
                    "breaks-links (risky when the order is not shown)"),
    "settings": ("settings the CDN reads: deleted", "risky"),
    "renewal": ("renews a certificate: deleted", "risky"),
    "mail": ("where new mail's links point: deleted, replaced or moved", "risky"),
    "sending": ("mail is sent from it: deleted or replaced", "breaks-links"),
}


def serving_table() -> str:
    """What each way of serving declares (``components/*_serving.py``): per resource, the part it plays and each
    requirement, and what ``review`` says when it stops holding."""
    from sparkpost_tracking.components.serving import Severity, declarations
    from sparkpost_tracking.dynamic_providers.hosts import REGIONS

    declared = declarations()
    rows = []
    for way in [*declared.ways.values(), None]:
        resources = way.resources if way else declared.common
        where = f"`{way.name}`" if way else "every way"
        if way and way.host_target:
            targets = " / ".join(f"`{way.host_target(region)}` ({region.upper()})" for region in REGIONS)
            rows.append([where, "the host's DNS record", f"points at {targets}", "breaks-links"])
        for serving in resources:
            gone, verdict = _GONE[serving.carries.value]
            rows.append([where, f"`{serving.type}`", gone, verdict])
            for requirement in serving.requirements:
                verdict = "breaks-links" if requirement.severity is Severity.SERVES else "risky"
                rows.append([where, f"`{serving.type}`", requirement.name, verdict])
    return _table(["way of serving", "resource", "must hold (or what it is)", "review says, when it does not"],
                  rows)


#: table name → how to make it
TABLES: Final[dict[str, Callable[[], str]]] = {
    "serving-declarations": serving_table,
    "tracking-domain-inputs": lambda: resource_inputs_table(TrackingDomainArgs),
    "tracking-domain-outputs": lambda: resource_outputs_table(TrackingDomainOutputs),
    "association-inputs": lambda: resource_inputs_table(TrackingDomainAssociationArgs),
    "sending-domain-inputs": lambda: resource_inputs_table(SendingDomainArgs),
    "sending-domain-outputs": lambda: resource_outputs_table(SendingDomainOutputs),
    "component-arguments-and-outputs": component_tables,
}
#: page → the tables it holds
PAGES: Final[dict[str, tuple[str, ...]]] = {
    "docs/tracking-domain.md": ("tracking-domain-inputs", "tracking-domain-outputs"),
    "docs/sending-domains.md": ("association-inputs", "sending-domain-inputs", "sending-domain-outputs"),
    "docs/components.md": ("component-arguments-and-outputs",),
    "docs/pull-requests.md": ("serving-declarations",),
}


def region(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- generated: {re.escape(name)} -->\n)(.*?)(<!-- end generated: {re.escape(name)} -->)",
                      re.S)


def regenerated(text: str, names: tuple[str, ...]) -> str:
    """``text`` with each named region holding its table now; a missing region is an error."""
    for name in names:
        pattern = region(name)
        if not pattern.search(text):
            raise ValueError(f"no region '<!-- generated: {name} -->' ... '<!-- end generated: {name} -->'")
        table = TABLES[name]()
        text = pattern.sub(lambda m, t=table: f"{m.group(1)}{t}\n{m.group(3)}", text)  # type: ignore[misc]
    return text


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path(".")
    for page, names in PAGES.items():
        path = root / page
        path.write_text(regenerated(path.read_text(), names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
