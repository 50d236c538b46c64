"""Listing the whole account, as an import reads it: ``GET /tracking-domains`` and ``GET /sending-domains`` with
no header answer every scope's domains; a header narrows to one scope. The objects have the published examples'
shape (SparkPost's ``tracking-domains.apib`` and ``sending-domains.apib`` list samples)."""

from __future__ import annotations

from typing import Any

from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.emulator.testing import HttpApi

# The published list sample of tracking domains (the terse shape: no tls_status).
PUBLISHED_TRACKING_LIST: list[dict[str, Any]] = [
    {"port": 443, "domain": "example.domain.com", "secure": True, "default": True,
     "status": {"verified": False, "cname_status": "pending", "compliance_status": "pending"}},
    {"port": 80, "domain": "example2.domain.com", "secure": False, "default": False,
     "status": {"verified": True, "cname_status": "valid", "compliance_status": "valid"},
     "subaccount_id": 215},
]
# The fields of the published sending-domain list sample that an association depends on.
PUBLISHED_SENDING_LIST: list[dict[str, Any]] = [
    {"domain": "example1.com", "tracking_domain": "click.example1.com", "shared_with_subaccounts": False},
    {"domain": "example2.com", "shared_with_subaccounts": False},
]


def listed(api: HttpApi, path: str, *, sub: int | None = None) -> list[dict[str, Any]]:
    response = api("GET", path, sub=sub)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"results"} and isinstance(body["results"], list)
    return list(body["results"])


def test_the_published_tracking_domain_list_sample(api: HttpApi, emulator: Emulator) -> None:
    emulator.update_settings(omit_tls_status=True)
    emulator.add_domain("example.domain.com", secure=True, default=True, cname_status="pending")
    emulator.add_domain("example2.domain.com", subaccount_id=215, secure=False, verified=True)
    found = listed(api, "/tracking-domains")
    # The emulator adds the 2026 field uses_managed_certificate; everything published is there as published.
    assert [{k: v for k, v in item.items() if k != "uses_managed_certificate"} for item in found] \
        == PUBLISHED_TRACKING_LIST
    assert [item["domain"] for item in listed(api, "/tracking-domains", sub=0)] == ["example.domain.com"]
    assert [item["domain"] for item in listed(api, "/tracking-domains", sub=215)] == ["example2.domain.com"]


def test_the_published_sending_domain_list_sample(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_domain("click.example1.com")
    emulator.add_sending_domain("example1.com", tracking_domain="click.example1.com")
    emulator.add_sending_domain("example2.com")
    found = listed(api, "/sending-domains")
    assert [{k: item[k] for k in published} for item, published in zip(found, PUBLISHED_SENDING_LIST, strict=True)] \
        == PUBLISHED_SENDING_LIST
    assert "tracking_domain" not in found[1]  # absent, not empty, when none is associated
    assert all(item["status"]["ownership_verified"] is True for item in found)


def test_no_header_lists_every_scope_and_a_header_one(api: HttpApi, emulator: Emulator) -> None:
    emulator.add_sending_domain("a.example", tracking_domain="")
    emulator.add_sending_domain("b.example", subaccount_id=3)
    emulator.add_sending_domain("c.example", subaccount_id=4)
    assert [(d["domain"], d.get("subaccount_id")) for d in listed(api, "/sending-domains")] == [
        ("a.example", None), ("b.example", 3), ("c.example", 4)]
    assert [d["domain"] for d in listed(api, "/sending-domains", sub=0)] == ["a.example"]
    assert [d["domain"] for d in listed(api, "/sending-domains", sub=4)] == ["c.example"]
    assert listed(api, "/sending-domains", sub=9) == []
    first = emulator.requests()[0]
    assert (first.method, first.path, first.subaccount) == ("GET", "/api/v1/sending-domains", None)
