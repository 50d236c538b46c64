"""An Enterprise tenant's chain serves from the tenant's own tracking host, which ``review`` learns from what the
chain's CDN forwarded to before (CloudFront's origins, Fastly's backends, a proxied Cloudflare record's content):
an update that keeps that host is safe, one that moves to another tenant's host breaks links."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.review.previews import STACK, ZONE, inputs, planned, reasons, verdicts

ENT = "ent.example.com"
TENANT = {"domain": ENT, "enterpriseTenant": "acme", "apiUrl": "https://acme.api.e.sparkpost.com/api/v1"}
CDNS: dict[str, tuple[dict[str, Any], str, Callable[[dict[str, Any], str], None], Callable[[dict[str, Any]], None]]] = {
    "fastly": ({"cdn": "fastly", "dns": "cloudflare", "dnsZoneId": ZONE}, "ent-example-com-service",
               lambda i, to: i["backends"][0].update(address=to), lambda i: i.update(comment="tracking")),
    "cloudflare": ({"cdn": "cloudflare", "zoneId": ZONE}, "ent-example-com-record",
                   lambda i, to: i.update(content=to), lambda i: i.update(comment="tracking")),
}


@pytest.mark.parametrize("cdn", sorted(CDNS))
def test_an_update_that_keeps_the_tenant_s_host_is_safe(cdn: str) -> None:
    entry, name, _move, harmless = CDNS[cdn]
    before = (*STACK, {**TENANT, **entry})
    doc = planned(edit=inputs(name, harmless), before=before)
    assert [s["op"] for s in doc["steps"] if s["urn"].endswith(f"::{name}")] == ["update"]
    assert verdicts(doc)[ENT] == "safe", reasons(doc, ENT)
    # a resource created in the chain, listed before the CDN, does not stop review reading what served before
    created = copy.deepcopy(next(s for s in doc["steps"] if s["urn"].endswith(f"::{name}")))
    created.update(op="create", urn=created["urn"] + "-extra")
    created.pop("oldState")
    created["newState"]["urn"] = created["urn"]
    doc = {**doc, "steps": [doc["steps"][0], created, *doc["steps"][1:]]}
    doc["changeSummary"] = {**doc["changeSummary"], "create": doc["changeSummary"].get("create", 0) + 1}
    assert verdicts(doc)[ENT] == "safe", reasons(doc, ENT)


@pytest.mark.parametrize("cdn", sorted(CDNS))
def test_moving_to_another_tenant_s_host_breaks_links(cdn: str) -> None:
    entry, name, move, _harmless = CDNS[cdn]
    doc = planned(edit=inputs(name, lambda i: move(i, "other.et.e.sparkpost.com")),
                  before=(*STACK, {**TENANT, **entry}))
    assert verdicts(doc)[ENT] == "breaks-links"
    assert any("'other.et.e.sparkpost.com', not SparkPost's acme.et.e.sparkpost.com or spgo.io" in why
               for _l, _o, v, why in reasons(doc, ENT) if v == "breaks-links"), reasons(doc, ENT)
