"""sparkpost_tracking.recovery: which interrupted creates it proposes for adoption (only those whose domain reads as
that create would have left it), what it says about the others, and one clear error for a malformed export, on
both paths' resource types. SparkPost's side is a reader given to ``main`` here; the provider tier reads the
emulator (tests/provider/test_recovery_reads.py) and the engine tier runs it after a real kill -9."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from sparkpost_tracking.dynamic_providers.types import TRACKING_DOMAIN
from sparkpost_tracking.emulator.store import DomainStore
from sparkpost_tracking.pending_creates import PendingCreate, pending_creates
from sparkpost_tracking.recovery import PROG, main

API_URL = "http://127.0.0.1:1/api/v1"


def domain(name: str, **fields: Any) -> dict[str, Any]:
    """A domain as SparkPost's GET shows it."""
    sub = fields.pop("subaccount_id", None)
    return DomainStore().add(name, subaccount_id=sub, **fields)


def operation(kind: str, type_: str, name: str, **inputs: Any) -> dict[str, Any]:
    return {"type": kind, "resource": {"urn": f"urn:pulumi:s::p::{type_}::{name}", "type": type_,
                                       "inputs": {"domain": name, "api_url": API_URL, **inputs}}}


def export(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"version": 3, "deployment": {"resources": [], "pending_operations": list(operations)}}


def run(document: Any, found: dict[str, dict[str, Any]], *argv: str) -> tuple[int, str, str]:
    """``main`` on ``document``; the reader answers from ``found`` (domain -> GET shape; absent: 404)."""
    out, err = io.StringIO(), io.StringIO()
    text = document if isinstance(document, str) else json.dumps(document)
    code = main(list(argv), io.StringIO(text), out, err, reader=lambda create, _: found.get(create.domain))
    return code, out.getvalue(), err.getvalue()


# ---- what is proposed ------------------------------------------------------------------------------

@pytest.mark.parametrize("token", TRACKING_DOMAIN.tokens)
def test_only_pending_tracking_domain_creates_once_each_in_order(token: str) -> None:
    document = export(operation("creating", token, "Track1.Example.com"),
                      operation("creating", "aws:acm/certificate:Certificate", "not-ours.example.com"),
                      operation("updating", token, "updating.example.com"),
                      operation("creating", token, "track2.example.com"),
                      operation("creating", token, "track1.example.com"))
    fresh = {name: domain(name, secure=True) for name in ("track1.example.com", "track2.example.com",
                                                          "not-ours.example.com", "updating.example.com")}
    code, out, err = run(document, fresh)
    assert (code, out) == (0, "track1.example.com,track2.example.com\n")
    assert "3 tracking-domain create(s) were pending" in err


def test_a_colleagues_live_domain_is_not_proposed_and_the_choices_are_given() -> None:
    """Case 1 of the issue: our create died before its POST, and the name is a colleague's verified http
    default."""
    document = export(operation("creating", TRACKING_DOMAIN.dynamic, "shared.example.com"),
                      operation("creating", TRACKING_DOMAIN.dynamic, "ours.example.com"))
    found = {"shared.example.com": domain("shared.example.com", secure=False, default=True, verified=True),
             "ours.example.com": domain("ours.example.com", secure=True)}
    code, out, err = run(document, found)
    assert (code, out) == (0, "ours.example.com\n")
    said = " ".join(err.split())
    assert "shared.example.com (resource 'shared.example.com'): NOT OURS, not proposed" in said
    assert "secure is False, and this resource's create posts secure=True" in said
    assert "it is the default, and this resource is not" in said
    assert "remove resource 'shared.example.com' from the program" in said
    assert "set adopt_existing: True on resource 'shared.example.com'" in said
    assert "SPARKPOST_ADOPT=shared.example.com pulumi up" in said
    assert "ours.example.com (resource 'ours.example.com'): proposed for adoption" in said
    assert "Adopt the proposed domains only if no one else creates these names" in said  # the residual, named


def test_the_native_resource_speaks_its_own_words() -> None:
    document = export(operation("creating", TRACKING_DOMAIN.native, "shared.example.com"))
    code, out, err = run(document, {"shared.example.com": domain("shared.example.com", secure=False, verified=True)})
    assert (code, out) == (0, "\n")
    assert "set adoptExisting: true on resource 'shared.example.com'" in err
    assert "Adopt the proposed" not in err  # the residual is named only when something is proposed


@pytest.mark.parametrize(("declared", "state", "proposed"), [
    ({}, {"secure": True}, True),  # the POST's result
    ({}, {"secure": True, "verified": True}, True),  # died waiting for nothing else
    ({"verify": False}, {"secure": True, "verified": True}, False),  # this create never verifies
    ({"default": True}, {"secure": True, "verified": True, "default": True}, True),  # its last step
    ({}, {"secure": True, "verified": True, "default": True}, False),
    ({"secure": False}, {"secure": False}, True),
    ({"secure": False}, {"secure": True}, False),
    ({"managed_certificate": True}, {"secure": False}, True),  # managed HTTPS posts http first
    ({"managed_certificate": True}, {"secure": False, "verified": True, "uses_managed_certificate": True}, True),
    ({"managed_certificate": True}, {"secure": True, "verified": True, "uses_managed_certificate": True}, True),
    ({"managed_certificate": True}, {"secure": True}, False),  # secure without a certificate: not our path
    ({}, {"secure": True, "verified": True, "uses_managed_certificate": True}, False),
    ({}, {"secure": True, "subaccount_id": 5}, False),
    ({"subaccount_id": 5}, {"secure": True, "subaccount_id": 5}, True),
])
def test_proposed_exactly_when_the_domain_is_on_the_creates_path(declared: dict[str, Any], state: dict[str, Any],
                                                                 proposed: bool) -> None:
    document = export(operation("creating", TRACKING_DOMAIN.dynamic, "track.example.com", **declared))
    _, out, err = run(document, {"track.example.com": domain("track.example.com", **state)})
    assert out == ("track.example.com\n" if proposed else "\n"), err


def test_an_absent_domain_is_left_to_up() -> None:
    code, out, err = run(export(operation("creating", TRACKING_DOMAIN.dynamic, "track.example.com")), {})
    assert (code, out) == (0, "\n")
    assert err == (f"{PROG}: 1 tracking-domain create(s) were pending:\n- track.example.com (resource "
                   "'track.example.com'): not in SparkPost; 'pulumi up' creates it.\n")  # no residual to name


def test_nothing_pending() -> None:
    code, out, err = run({"deployment": {"resources": []}}, {})
    assert (code, out) == (0, "\n") and err == f"{PROG}: no tracking-domain create was pending\n"


def test_the_engine_route_lists_proposed_native_creates_only() -> None:
    native = export(operation("creating", TRACKING_DOMAIN.native, "Track1.Example.com"),
                    operation("creating", TRACKING_DOMAIN.native, "shared.example.com"),
                    operation("creating", TRACKING_DOMAIN.dynamic, "dynamic.example.com"))
    found = {"track1.example.com": domain("track1.example.com", secure=True),
             "shared.example.com": domain("shared.example.com", secure=False, verified=True),
             "dynamic.example.com": domain("dynamic.example.com", secure=True)}
    _, out, _ = run(native, found, "--import-pending-creates")
    assert out.split() == ["--import-pending-creates", f"urn:pulumi:s::p::{TRACKING_DOMAIN.native}::Track1.Example.com",
                           "--import-pending-creates", "track1.example.com"]


def test_a_native_create_is_read_where_its_provider_points() -> None:
    """The plugin's resources may leave apiUrl to their provider: an explicit one in state, else stack config."""
    from sparkpost_tracking.recovery import where_to_read

    urn, name = "urn:pulumi:s::p::t::x", {"domain": "x.example.com"}
    create = PendingCreate(urn, TRACKING_DOMAIN.native, name, "w", provider_inputs={"apiUrl": "http://explicit/api/v1",
                                                                                   "region": "eu"})
    config = {"sparkpost-tracking:apiUrl": "http://config/api/v1", "sparkpost-tracking:region": "us"}
    assert where_to_read(create, name, config) == {**name, "api_url": "http://explicit/api/v1", "region": "eu"}
    bare = PendingCreate(urn, TRACKING_DOMAIN.native, name, "w")
    assert where_to_read(bare, name, config) == {**name, "api_url": "http://config/api/v1", "region": "us"}
    assert where_to_read(bare, name, {"sparkpost-tracking:region": "eu"}) == {**name, "region": "eu"}
    assert where_to_read(bare, name, {"sparkpost-tracking:apiUrl": ""}) == name  # an empty value is none
    own = {**name, "api_url": "http://own/api/v1"}
    assert where_to_read(bare, own, config) == own  # its own apiUrl wins over every default
    eu = {**name, "region": "eu"}
    assert where_to_read(bare, eu, config) == {**eu, "api_url": "http://config/api/v1"}  # its own region wins
    us = {**name, "region": "us"}  # the default region, as check fills it in: the provider's region applies
    assert where_to_read(bare, us, {"sparkpost-tracking:region": "eu"}) == {**name, "region": "eu"}
    dynamic = PendingCreate(urn, TRACKING_DOMAIN.dynamic, name, "w")
    assert where_to_read(dynamic, name, {"sparkpost:apiUrl": "http://x/api/v1", "sparkpost-tracking:apiUrl": "y"}) == (
        name)  # the dynamic resource takes no default from config


def test_wire_names_of_a_native_pending_create_are_read() -> None:
    document = export(operation("creating", TRACKING_DOMAIN.native, "track.example.com", subaccountId=5,
                                managedCertificate=True))
    [create] = pending_creates(document)
    assert create.inputs["subaccount_id"] == 5 and create.inputs["managed_certificate"] is True


# ---- a malformed state: one clear error, never a traceback ------------------------------------------------

def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


GOOD = operation("creating", TRACKING_DOMAIN.dynamic, "track.example.com")
OP = "deployment.pending_operations[0]"
MALFORMED: dict[str, tuple[Any, str]] = {
    "a list": ([GOOD], "the document: expected an object, found a list"),
    "no deployment": ({"version": 3}, "deployment: expected an object, found null"),
    "deployment a string": ({"deployment": "x"}, "deployment: expected an object, found a string"),
    "deployment a boolean": ({"deployment": True}, "deployment: expected an object, found a boolean"),
    "operations an object": ({"deployment": {"pending_operations": {"a": 1}}},
                             "deployment.pending_operations: expected a list, found an object"),
    "operation a string": ({"deployment": {"pending_operations": ["creating"]}},
                           f"{OP}: expected an object, found a string"),
    "resource missing": ({"deployment": {"pending_operations": [{"type": "creating"}]}},
                         f"{OP}.resource: expected an object, found null"),
    "inputs a list": (export({"type": "creating", "resource": {**GOOD["resource"], "inputs": ["x"]}}),
                      f"{OP}.resource.inputs: expected an object, found a list"),
    "urn missing": (export({"type": "creating", "resource": {k: v for k, v in GOOD["resource"].items()
                                                             if k != "urn"}}),
                    f"{OP}.resource.urn: expected a non-empty string, found null"),
    "domain a number": (export(operation("creating", TRACKING_DOMAIN.dynamic, "x", domain=7)),
                        f"{OP}.resource.inputs.domain: expected a non-empty string, found a number"),
    "secure a string": (export(operation("creating", TRACKING_DOMAIN.dynamic, "track.example.com", secure="yes")),
                        f"{OP}.resource.inputs: the pending create of urn:pulumi:s::p::{TRACKING_DOMAIN.dynamic}::"
                        "track.example.com has inputs no create accepts (secure: must be true or false (a boolean), "
                        "got 'yes')"),
    "resources an object": ({"deployment": {"resources": {"a": 1}}},
                            "deployment.resources: expected a list, found an object"),
    "a resource a number": ({"deployment": {"resources": [7]}},
                            "deployment.resources[0]: expected an object, found a number"),
    "a provider without urn": ({"deployment": {"resources": [{"type": "pulumi:providers:sparkpost-tracking"}]}},
                               "deployment.resources[0].urn: expected a non-empty string, found null"),
    "a provider's inputs a string": ({"deployment": {"resources": [{"type": "pulumi:providers:sparkpost-tracking",
                                                                    "urn": "u", "inputs": "x"}]}},
                                     "deployment.resources[0].inputs: expected an object, found a string"),
    "nested past recursion": (nested(100_000), "nested too deeply to be a stack export"),
    "operations nested in themselves": ({"deployment": {"pending_operations": [[[[]]]]}},
                                        f"{OP}: expected an object, found a list"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_export_is_one_clear_error(case: str) -> None:
    document, problem = MALFORMED[case]
    code, out, err = run(document, {})
    assert (code, out) == (2, "")
    assert err == f"{PROG}: expected the JSON of 'pulumi stack export' on stdin: {problem}\n"


def test_what_is_not_json_is_one_clear_error() -> None:
    code, out, err = run("not json", {})
    assert (code, out) == (2, "")
    assert err == (f"{PROG}: expected the JSON of 'pulumi stack export' on stdin: not JSON (Expecting value: line 1 "
                   "column 1 (char 0))\n")


def test_a_create_that_holds_only_its_id_and_a_provider_without_inputs() -> None:
    """What recovery needs may be missing from a create that died early: the id names the domain, and a provider
    resource without inputs gives no default."""
    document = {"deployment": {
        "resources": [{"type": "pulumi:providers:sparkpost-tracking", "urn": "urn:p", "id": "1"}],
        "pending_operations": [{"type": "creating", "resource": {
            "urn": f"urn:pulumi:s::p::{TRACKING_DOMAIN.native}::x", "type": TRACKING_DOMAIN.native,
            "id": "Track.Example.com", "provider": "urn:p::1"}}]}}
    [create] = pending_creates(document)
    assert create.domain == "track.example.com" and create.provider_inputs == {} and create.name == "x"
    assert create.where == "deployment.pending_operations[0].resource.inputs"


def test_a_document_with_a_cycle_is_one_clear_error() -> None:
    """JSON cannot hold a cycle, but a caller handing ``pending_creates`` an object can."""
    from sparkpost_tracking.pending_creates import ExportError

    loop: dict[str, Any] = {}
    loop["deployment"] = {"pending_operations": [loop]}
    with pytest.raises(ExportError, match=r"deployment.pending_operations\[0\].resource: expected an object"):
        pending_creates(loop)
    cyclic_inputs: dict[str, Any] = {"domain": "track.example.com"}
    cyclic_inputs["secure"] = cyclic_inputs
    document = export(operation("creating", TRACKING_DOMAIN.dynamic, "track.example.com"))
    document["deployment"]["pending_operations"][0]["resource"]["inputs"] = cyclic_inputs
    from sparkpost_tracking.recovery import findings_of

    with pytest.raises(ExportError, match="has inputs no create accepts"):
        findings_of(document, lambda create, inputs: None)


def test_a_failed_read_proposes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    from sparkpost_tracking.dynamic_providers.errors import ConfigurationError

    def no_key(create: PendingCreate, inputs: dict[str, Any]) -> None:
        raise ConfigurationError("No SparkPost API key: set SPARKPOST_API_KEY.")

    out, err = io.StringIO(), io.StringIO()
    code = main([], io.StringIO(json.dumps(export(GOOD))), out, err, reader=no_key)
    assert (code, out.getvalue()) == (1, "")
    assert err.getvalue() == (f"{PROG}: could not read the pending domains from SparkPost, so none is proposed: "
                              "No SparkPost API key: set SPARKPOST_API_KEY.\n")


def test_the_example_in_the_docs_is_what_it_prints() -> None:
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "recovery.md").read_text()
    example = re.search(r"```text\n(python -m sparkpost_tracking\.recovery: 2 .*?)```", page, re.DOTALL)
    assert example, "docs/recovery.md lost its example"
    document = export(operation("creating", TRACKING_DOMAIN.dynamic, "track0.example.com"),
                      operation("creating", TRACKING_DOMAIN.dynamic, "shared.example.com"))
    found = {"track0.example.com": domain("track0.example.com", secure=True),
             "shared.example.com": domain("shared.example.com", **{"secure": False, "default": True,
                                                                   "verified": True})}
    _, out, err = run(document, found)
    assert out == "track0.example.com\n"
    assert " ".join(example.group(1).split()) == " ".join(err.split())


def test_every_bad_input_of_a_pending_create_is_named() -> None:
    document = export(operation("creating", TRACKING_DOMAIN.dynamic, "track.example.com", secure="yes", verify=1))
    _, _, err = run(document, {})
    assert err.endswith("has inputs no create accepts (secure: must be true or false (a boolean), got 'yes'; verify: "
                        "must be true or false (a boolean), got 1)\n")


def test_help_says_what_it_reads_and_prints(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert " ".join(capsys.readouterr().out.split()).endswith(
        "Read each tracking domain an interrupted 'pulumi up' was creating (from 'pulumi stack export' on stdin) and "
        "print those that read exactly as that create would have left them, for SPARKPOST_ADOPT. options: -h, --help "
        "show this help message and exit --import-pending-creates print the 'pulumi refresh' arguments that import "
        "them (plugin path)")
