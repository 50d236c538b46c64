"""sparkpost_tracking.recovery: the domains an interrupted up was creating, from `pulumi stack export`."""

from __future__ import annotations

import io
import json
from typing import Any

from sparkpost_tracking.recovery import TRACKING_DOMAIN_TYPE, interrupted_creates, main


def operation(kind: str, type_: str, domain: str) -> dict[str, Any]:
    return {"type": kind, "resource": {"urn": f"urn:pulumi:s::p::{type_}::{domain}", "type": type_,
                                       "inputs": {"domain": domain, "api_url": "http://127.0.0.1:1/api/v1"}}}


EXPORT = {"version": 3, "deployment": {"resources": [], "pending_operations": [
    operation("creating", TRACKING_DOMAIN_TYPE, "Track1.Example.com"),
    operation("creating", "aws:acm/certificate:Certificate", "not-ours.example.com"),
    operation("updating", TRACKING_DOMAIN_TYPE, "updating.example.com"),
    operation("creating", TRACKING_DOMAIN_TYPE, "track2.example.com"),
    operation("creating", TRACKING_DOMAIN_TYPE, "track1.example.com"),
]}}


def test_only_pending_tracking_domain_creates_once_each_in_order() -> None:
    assert interrupted_creates(EXPORT) == ["track1.example.com", "track2.example.com"]


def test_nothing_pending() -> None:
    assert interrupted_creates({"deployment": {"resources": []}}) == []


def test_main_prints_the_list_for_sparkpost_adopt() -> None:
    out = io.StringIO()
    assert main(io.StringIO(json.dumps(EXPORT)), out) == 0
    assert out.getvalue() == "track1.example.com,track2.example.com\n"


def test_main_refuses_what_is_not_an_export() -> None:
    assert main(io.StringIO("not json"), io.StringIO()) == 2
