"""A missing optional dependency names the pip command that installs it.

The CDN SDKs and the emulator's web framework come with extras (``sparkpost-tracking[cloudflare]``, ``[aws]``,
``[fastly]``, ``[emulator]``). Which extra brings which distribution is read from this package's own installed
metadata, so pyproject.toml stays the one place that says it::

    with extra_hint():
        import pulumi_cloudflare as cloudflare

or, where the SDK is needed only once a component is built (so importing the component, or reading its schema,
costs nothing and works without the extra), ``cloudflare = OnFirstUse("pulumi_cloudflare")``.

Everything but the context manager runs on the failure path only: component imports stay cheap.
"""

from __future__ import annotations

import importlib
import re
from types import TracebackType
from typing import Any, Final

import pulumi

from sparkpost_tracking.dynamic_providers.errors import UserError

DISTRIBUTION: Final[str] = "sparkpost-tracking"
# "pulumi-cloudflare<7,>=6; extra == \"cloudflare\"" -> ("pulumi-cloudflare", "cloudflare")
_REQUIREMENT: Final[str] = r"^\s*([A-Za-z0-9._-]+)[^;]*;.*\bextra\s*==\s*['\"]([^'\"]+)['\"]"


class MissingExtra(ModuleNotFoundError, UserError, pulumi.RunError):
    """An optional dependency is not installed; the message gives the pip command.

    A ``ModuleNotFoundError`` for code that handles import failures, and a ``pulumi.RunError`` so that a Pulumi
    program reports the message alone, without a traceback.
    """


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def extra_providing(module: str) -> str | None:
    """The extra of this distribution that installs the top-level ``module``, if any."""
    from importlib import metadata

    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return None
    wanted = _normalize(module.partition(".")[0])
    matches = (re.match(_REQUIREMENT, requirement) for requirement in requirements)
    extras = sorted(m.group(2) for m in matches if m and _normalize(m.group(1)) == wanted)
    return extras[0] if extras else None


class extra_hint:  # lower-case: used like contextlib's context managers
    """Turn the import failure of an optional dependency into ``MissingExtra`` naming its extra."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if not isinstance(exc, ModuleNotFoundError) or isinstance(exc, MissingExtra):
            return
        extra = extra_providing(exc.name or "")
        if extra is not None:
            raise MissingExtra(
                f"No module named {exc.name!r}: it comes with the '{extra}' extra of {DISTRIBUTION}. "
                f"Install it with: pip install '{DISTRIBUTION}[{extra}]'", name=exc.name) from exc


class OnFirstUse:
    """A module imported when one of its attributes is first read, through ``extra_hint``.

    A CDN component's module holds ``aws = OnFirstUse("pulumi_aws")`` (and, for type checkers, the real import
    under ``TYPE_CHECKING``): the SDK loads when the component creates its first resource, and a missing SDK
    fails there, naming its extra, instead of when the component's class is imported or described.
    """

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        with extra_hint():
            module = importlib.import_module(self._module)
        value = getattr(module, name)
        setattr(self, name, value)  # later reads skip this (a fleet reads them thousands of times)
        return value

    def __repr__(self) -> str:
        return f"OnFirstUse({self._module!r})"
