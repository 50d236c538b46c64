"""sparkpost_tracking.recovery: the domains an interrupted up was creating, from `pulumi stack export`, for both
the Python dynamic resource and the plugin's native one."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.types import TRACKING_DOMAIN
from sparkpost_tracking.recovery import importable_creates, interrupted_creates, main


def operation(kind: str, type_: str, domain: str) -> dict[str, Any]:
    return {"type": kind, "resource": {"urn": f"urn:pulumi:s::p::{type_}::{domain}", "type": type_,
                                       "inputs": {"domain": domain, "api_url": "http://127.0.0.1:1/api/v1"}}}


def export(token: str) -> dict[str, Any]:
    return {"version": 3, "deployment": {"resources": [], "pending_operations": [
        operation("creating", token, "Track1.Example.com"),
        operation("creating", "aws:acm/certificate:Certificate", "not-ours.example.com"),
        operation("updating", token, "updating.example.com"),
        operation("creating", token, "track2.example.com"),
        operation("creating", token, "track1.example.com"),
    ]}}


@pytest.mark.parametrize("token", TRACKING_DOMAIN.tokens)
def test_only_pending_tracking_domain_creates_once_each_in_order(token: str) -> None:
    assert interrupted_creates(export(token)) == ["track1.example.com", "track2.example.com"]


def test_nothing_pending() -> None:
    assert interrupted_creates({"deployment": {"resources": []}}) == []


@pytest.mark.parametrize("token", TRACKING_DOMAIN.tokens)
def test_main_prints_the_list_for_sparkpost_adopt(token: str) -> None:
    out = io.StringIO()
    assert main([], io.StringIO(json.dumps(export(token))), out) == 0
    assert out.getvalue() == "track1.example.com,track2.example.com\n"


def test_the_engine_route_lists_native_creates_only() -> None:
    # A dynamic resource's pending create cannot be imported (the engine drops it unread): not listed.
    assert importable_creates(export(TRACKING_DOMAIN.dynamic)) == []
    native = export(TRACKING_DOMAIN.native)
    assert importable_creates(native) == [(f"urn:pulumi:s::p::{TRACKING_DOMAIN.native}::Track1.Example.com",
                                           "track1.example.com"),
                                          (f"urn:pulumi:s::p::{TRACKING_DOMAIN.native}::track2.example.com",
                                           "track2.example.com")]
    out = io.StringIO()
    assert main(["--import-pending-creates"], io.StringIO(json.dumps(native)), out) == 0
    assert out.getvalue().split() == [part for pair in importable_creates(native)
                                      for value in pair for part in ("--import-pending-creates", value)]


def test_main_refuses_what_is_not_an_export() -> None:
    assert main([], io.StringIO("not json"), io.StringIO()) == 2
