"""Tier 2: what adopting writes, measured against the emulator for every kind of domain, on the core that both engine
paths call (``TrackingDomainService``, ``AssociationService``), and compared with what ``import`` announces.

- the plugin path: what ``pulumi import`` does (a read of the import id, the declaration it makes, the input check,
  the diff), then what the first ``up`` does with that diff;
- the Python path: the stack program's adopting create of each ``--stack-config`` entry.

A steady domain (SparkPost shows it as declared) gets no write on either path; every other gets exactly the calls
the import names for it (``adopt.writes``), and no more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
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
#: Every secure domain without a managed certificate whose DNS the seed leaves empty is shown behind CloudFront here,
#: so that each one has a stack entry to measure (the SparkPost side of a CDN's entry is what this tier can run).
CDN_DNS = {**{domain: [("CNAME", "d111111abcdef8.cloudfront.net")] for domain, (_, fields) in KINDS.items()
              if not fields.get("uses_managed_certificate") and domain not in UNSTEADY_DNS},
           "d111111abcdef8.cloudfront.net": [("A", "192.0.2.10")], **UNSTEADY_DNS}
DOC = Path(__file__).resolve().parents[2] / "docs" / "adopting.md"
TABLE = "<!-- adopting-writes: read by tests/adopt/test_adopting_writes.py -->\n"
LEFT_OUT = None


def documented() -> dict[str, dict[str, list[str] | None]]:
    """docs/adopting.md's table of what adopting writes: example domain -> each path's calls (None: left out)."""
    rows = DOC.read_text().split(TABLE, 1)[1].split("\n\n", 1)[0].splitlines()[2:]

    def calls(cell: str) -> list[str] | None:
        return LEFT_OUT if cell.startswith("left out") else re.findall(
            r"`(verify|certificate/check|certificate/enable)`", cell)

    table: dict[str, dict[str, list[str] | None]] = {}
    for row in rows:
        _, example, plugin, stack = (cell.strip() for cell in row.strip().strip("|").split("|"))
        table[example.strip("`")] = {"plugin": calls(plugin), "stack": calls(stack)}
    return table


EXPECTED = documented()


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


def calls(domain: str, names: list[str] | None) -> list[str]:
    return [f"POST /tracking-domains/{domain}/{name}" for name in names or []]


def test_the_table_documents_each_kind_with_a_domain_of_the_account() -> None:
    assert len(EXPECTED) == 13 and set(EXPECTED) <= set(KINDS)
    assert EXPECTED["m.example.com"] == {"plugin": ["verify"], "stack": ["verify"]}
    assert EXPECTED["legacy.example.com"] == {"plugin": [], "stack": LEFT_OUT}


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
    assert measured == list(announced) == calls(domain, EXPECTED.get(domain, {}).get("plugin"))
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
    assert measured == list(entry.writes.calls) == calls(domain, EXPECTED.get(domain, {}).get("stack"))
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
    left_out = {d for d, paths in EXPECTED.items() if paths["stack"] is LEFT_OUT}
    assert left_out == {"plain.brand-c.com", "legacy.example.com"} and not left_out & set(made)


@pytest.mark.parametrize("fields", [{}, {"shared_with_subaccounts": True, "dkim_key_length": 1024},
                                    {"verified": False, "generate_dkim": False}],
                         ids=["verified", "shared-1024", "unverified-no-key"])
def test_a_sending_domain_is_adopted_with_reads_only_on_the_plugin_path(emu: Emulator, fields: dict[str, Any]) -> None:
    """``pulumi import`` of a SendingDomain: the declaration is what SparkPost shows (its sharing, its key's length),
    so the first preview has no change and the first up writes nothing; import announces nothing for it."""
    from sparkpost_tracking.adopt.writes import SENDING_DOMAINS
    from sparkpost_tracking.dynamic_providers.sending_domains import SendingDomainService

    emu.add_sending_domain("own.example", subaccount_id=31, **fields)
    _, plan = account_plan(emu)
    found = next(s for s in plan.sending_domains if s.domain == "own.example")
    assert not first_up_writes(found, plugin_declaration(found, SENDING_DOMAINS), SENDING_DOMAINS)
    service = SendingDomainService()
    emu.clear_requests()
    imported = service.read(str(ImportId(found.domain, found.subaccount_id)), {}, {"api_url": emu.base_url})
    assert imported.inputs["subaccount_id"] == 31
    assert imported.inputs["shared_with_subaccounts"] is bool(fields.get("shared_with_subaccounts"))
    checked = service.check(imported.inputs)
    assert checked.failures == []
    diff = service.diff(imported.outputs, checked.inputs)
    assert not diff.changes and [r.method for r in emu.requests()] == ["GET"]
    if fields.get("dkim_key_length"):
        assert imported.outputs["dkim_key_length"] == 1024 == checked.inputs["dkim_key_length"]
