"""Tier 2: what adopting writes, measured against the emulator for every kind of domain, on the core that both engine
paths call (``TrackingDomainService``, ``AssociationService``), and compared with what ``import`` announces.

- the plugin path: what ``pulumi import`` does (a read of the import id, the declaration it makes, the input check,
  the diff), then what the first ``up`` does with that diff;
- the Python path: the stack program's adopting create of each ``--stack-config`` entry.

A steady domain (SparkPost shows it as declared) gets no write on either path; every other gets exactly the calls
the import names for it (``adopt.writes``), and no more.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sparkpost_tracking.adopt.account import Account, Selection, read_account
from sparkpost_tracking.adopt.cdn_inference import infer_cdns
from sparkpost_tracking.adopt.plan import Plan, plan_import
from sparkpost_tracking.adopt.stack_config import StackEntry, declaration, stack_entries
from sparkpost_tracking.adopt.writes import first_up_writes, plugin_declaration
from sparkpost_tracking.dynamic_providers.associations import AssociationService
from sparkpost_tracking.dynamic_providers.client import SparkPostClient
from sparkpost_tracking.dynamic_providers.import_ids import ImportId
from sparkpost_tracking.dynamic_providers.tracking_domains import TrackingDomainService
from sparkpost_tracking.emulator import Emulator
from tests.adopt.account_seed import DOMAINS, SENDING, UNSTEADY, UNSTEADY_DNS, seed_account, writes, writes_by_domain
from tests.check.fake_dns import FakeDns

KEY = "adopting-writes-key-0a1b2c3d4e5f"
KINDS = {**DOMAINS, **UNSTEADY}
#: Every secure domain of the account that DNS shows behind no CDN is shown behind CloudFront here, so that each one
#: has a stack entry to measure (the SparkPost side of a CDN's entry is what this tier can run).
CDN_DNS = {**{domain: [("CNAME", "d111111abcdef8.cloudfront.net")] for domain, (_, fields) in DOMAINS.items()
              if not fields.get("uses_managed_certificate")},
           "d111111abcdef8.cloudfront.net": [("A", "192.0.2.10")], **UNSTEADY_DNS}
#: What the first up sends for each kind that is not steady, as measured here (the docs' table says the same).
EXPECTED = {
    "m.example.com": {"plugin": ["verify"], "stack": ["verify"]},
    "click.brand-c.com": {"plugin": ["verify"], "stack": ["verify", "certificate/check", "certificate/enable"]},
    "expired.brand-c.com": {"plugin": ["certificate/check", "certificate/enable"],
                            "stack": ["certificate/check", "certificate/enable"]},
    "v2.brand-c.com": {"plugin": [], "stack": ["certificate/check", "certificate/enable"]},
    "v2new.brand-c.com": {"plugin": [], "stack": ["verify", "certificate/check", "certificate/enable"]},
}


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    for name, value in {"SPARKPOST_API_KEY": KEY, "SPARKPOST_VERIFY_INTERVAL": "0",
                        "SPARKPOST_RETRY_BACKOFF": "0.01"}.items():
        monkeypatch.setenv(name, value)
    with Emulator(api_keys=[KEY]) as emulator:
        seed_account(emulator, KINDS)
        yield emulator


def account_plan(emu: Emulator) -> tuple[Account, Plan]:
    with SparkPostClient(emu.base_url, KEY) as client:
        account = read_account(client)
    return account, plan_import(account, Selection())


def calls(domain: str, names: list[str]) -> list[str]:
    return [f"{'POST' if name != 'PUT' else 'PUT'} /tracking-domains/{domain}/{name}" for name in names]


@pytest.mark.parametrize("domain", sorted(KINDS))
def test_the_plugin_path_writes_only_what_import_announces(emu: Emulator, domain: str) -> None:
    _, plan = account_plan(emu)
    found = next(d for d in plan.domains if d.domain == domain)
    announced = first_up_writes(found, plugin_declaration(found)).calls
    service = TrackingDomainService()
    emu.clear_requests()
    # pulumi import: the read of the id, the declaration passing the check, and the diff of the first preview.
    imported = service.read(str(ImportId(found.domain, found.subaccount_id)), {}, {"api_url": emu.base_url})
    checked = service.check(imported.inputs)
    assert checked.failures == []
    assert writes(emu.requests()) == []
    diff = service.diff(imported.outputs, checked.inputs)
    assert diff.changed == [] and diff.replaces == []  # only drift: an update, never a replace
    if diff.changes:  # the first up
        service.update(imported.id, imported.outputs, checked.inputs)
    measured = writes_by_domain(emu.requests()).get(domain, [])
    assert measured == list(announced) == calls(domain, EXPECTED.get(domain, {}).get("plugin", []))
    assert len(writes(emu.requests())) == len(measured)


def entries(emu: Emulator) -> tuple[Plan, dict[str, StackEntry]]:
    _, plan = account_plan(emu)
    with FakeDns(CDN_DNS) as dns:
        host, port = dns.address.split(":")
        inferences = infer_cdns([d.domain for d in plan.domains if not d.uses_managed_certificate],
                                dns_server=(host, int(port)), timeout=5)
    made, _ = stack_entries(plan, inferences, None)
    return plan, {e.found.domain: e for e in made}


@pytest.mark.parametrize("domain", sorted(d for d, (_, fields) in KINDS.items() if fields.get("secure")))
def test_the_stack_path_writes_only_what_import_announces(emu: Emulator, domain: str) -> None:
    _, made = entries(emu)
    entry = made[domain]
    assert entry.entry is not None, entry.comments
    inputs = {**declaration(entry.entry), "api_url": emu.base_url}
    emu.clear_requests()
    TrackingDomainService().create(inputs)
    measured = writes_by_domain(emu.requests()).get(domain, [])
    assert measured == list(entry.writes.calls) == calls(domain, EXPECTED.get(domain, {}).get("stack", []))
    assert len(writes(emu.requests())) == len(measured)
    # The adopting create read the name and took the domain over: it never posted a create.
    assert not [r for r in emu.requests() if r.method == "POST" and r.path.endswith("/tracking-domains")]


def test_the_associations_are_adopted_with_reads_only_on_both_paths(emu: Emulator) -> None:
    plan, made = entries(emu)
    service = AssociationService()
    emu.clear_requests()
    for association in plan.associations:
        owner = made[association.tracking_domain].entry
        assert owner is not None and association.domain in owner.get("sendingDomains", [])
        inputs: dict[str, Any] = {"sending_domain": association.domain, "tracking_domain": association.tracking_domain,
                                  "api_url": emu.base_url, "adopt_existing": True}
        if association.subaccount_id:
            inputs["subaccount_id"] = association.subaccount_id
        service.create(inputs)  # the stack program's component
        imported = service.read(str(ImportId(association.domain, association.subaccount_id, "sending_domain")),
                                {}, {"api_url": emu.base_url})  # pulumi import
        assert not service.diff(imported.outputs, service.check(imported.inputs).inputs).changes
    assert len(plan.associations) == len(SENDING)
    assert writes(emu.requests()) == []


def test_a_secure_false_domain_with_a_managed_certificate_is_declared_as_it_serves(emu: Emulator) -> None:
    """The check refuses secure: false with managedCertificate: the plugin declares what serves (http), the stack
    leaves it out (its components serve https only); neither writes."""
    _, made = entries(emu)
    _, plan = account_plan(emu)
    found = next(d for d in plan.domains if d.domain == "plain.brand-c.com")
    declared = plugin_declaration(found)
    assert (declared["secure"], declared["managed_certificate"], declared["verify"]) == (False, False, True)
    assert "plain.brand-c.com" not in made
