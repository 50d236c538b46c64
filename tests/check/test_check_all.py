"""``--from-stack`` reads the chains from a stack's state; ``--all`` checks each; the scheduled CI example runs it.

The real CLI and three kinds of program are in tests/engine/test_check_from_stack.py; here the pure parts.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from sparkpost_tracking.__main__ import build_parser, main
from sparkpost_tracking.check.from_stack import domains_in_state
from sparkpost_tracking.check.options import UsageError, options_from

ROOT = Path(__file__).resolve().parents[2]
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}


def state(*resources: dict) -> dict:
    return {"version": 3, "deployment": {"resources": list(resources)}}


def test_python_and_plugin_resources_with_their_components() -> None:
    found = domains_in_state(state(
        {"urn": "u:cf", "type": "sparkpost-tracking:index:CloudFrontTrackingDomain",
         "outputs": {"cname_target": "d111.cloudfront.net"}},
        {"urn": "u:td1", "type": "pulumi-python:dynamic/sparkpost:TrackingDomain", "parent": "u:cf",
         "outputs": {"domain": "Track.Example.com", "region": "us", "api_url": "http://127.0.0.1:1/api/v1",
                     "subaccount_id": 7}},
        {"urn": "u:fa", "type": "sparkpost-tracking:index:FastlyTrackingDomain",
         "outputs": {"cnameTarget": "t.sni.global.fastly.net"}},
        {"urn": "u:td2", "type": "sparkpost-tracking:index:TrackingDomain", "parent": "u:fa",
         "outputs": {"domain": "click.example.com", "region": "eu", "subaccountId": 3}},
        # a bare resource: managed certificate gives the region's host; otherwise no target is known
        {"urn": "u:td3", "type": "sparkpost-tracking:index:TrackingDomain", "parent": "u:stack",
         "outputs": {"domain": "m.example.com", "region": "eu", "managedCertificate": True}},
        {"urn": "u:td4", "type": "pulumi-python:dynamic/sparkpost:TrackingDomain",
         "outputs": {"domain": "links.example.com", "api_url": SECRET}},
        # pending deletion, and something else entirely: not listed
        {"urn": "u:old", "type": "sparkpost-tracking:index:TrackingDomain", "delete": True,
         "outputs": {"domain": "old.example.com"}},
        {"urn": "u:other", "type": "aws:acm/certificate:Certificate", "outputs": {"domain": "x.example.com"}},
    ))
    summary = [(d.domain, d.cname_target, d.cdn, d.region, d.api_url, d.subaccount_id) for d in found]
    assert summary == [
        ("track.example.com", "d111.cloudfront.net", "cloudfront", "us", "http://127.0.0.1:1/api/v1", 7),
        ("click.example.com", "t.sni.global.fastly.net", "fastly", "eu", None, 3),
        ("m.example.com", "eu.v2.spgo.io", None, "eu", None, None),
        ("links.example.com", None, None, None, None, None),
    ]


def test_an_empty_or_strange_state_lists_nothing() -> None:
    assert domains_in_state(None) == [] and domains_in_state({}) == [] and domains_in_state(state()) == []


def test_each_domain_is_read_from_what_the_state_holds_of_it() -> None:
    found = domains_in_state(state(
        # no domain (nor a string one): not a domain to check, and the next one is still read
        {"urn": "u:none", "type": "sparkpost-tracking:index:TrackingDomain", "outputs": {"region": "us"}},
        {"urn": "u:number", "type": "sparkpost-tracking:index:TrackingDomain", "outputs": {"domain": 42}},
        # a resource whose outputs lack the domain (a create that failed half way): its inputs give it
        {"urn": "u:inputs", "type": "pulumi-python:dynamic/sparkpost:TrackingDomain",
         "inputs": {"domain": "in.example.com", "region": "eu"}, "outputs": {}},
        # the Python resource's snake_case managed certificate: the region's V2 host is the target
        {"urn": "u:py", "type": "pulumi-python:dynamic/sparkpost:TrackingDomain",
         "outputs": {"domain": "py.example.com", "managed_certificate": True}},
        # a team's own component is no CDN of ours: its outputs are not trusted as a target
        {"urn": "u:own", "type": "acme:index:Tracking", "outputs": {"cnameTarget": "their.example.net"}},
        {"urn": "u:child", "type": "sparkpost-tracking:index:TrackingDomain", "parent": "u:own",
         "outputs": {"domain": "child.example.com"}},
    ))
    assert [(d.domain, d.cname_target, d.cdn, d.region) for d in found] == [
        ("in.example.com", None, None, "eu"),
        ("py.example.com", "v2.spgo.io", None, None),
        ("child.example.com", None, None, None),
    ]


@pytest.mark.parametrize(("argv", "message"), [
    (["check", "--all"], "--all: checks every tracking domain of a stack, so it needs --from-stack"),
    (["check", "--all", "--from-stack", "track.example.com"], "leave out DOMAIN (track.example.com)"),
    (["check", "--all", "--from-stack", "--expect-target", "x.example.com"], "--expect-target"),
    (["check"], "DOMAIN: give the tracking domain to check"),
])
def test_usage_errors_name_the_option(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    with pytest.raises(UsageError):
        options_from(build_parser().parse_args(argv))


def test_the_scheduled_ci_example_runs_check_all_daily() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "check-daily.yml").read_text())
    assert workflow[True]["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]  # YAML reads `on` as True
    commands = [line.strip() for job in workflow["jobs"].values() for step in job["steps"]
                for line in str(step.get("run", "")).splitlines() if "sparkpost-tracking check" in line]
    [command] = commands
    argv = shlex.split(command.split(">")[0].replace('"$STACK"', "prod"))[1:]
    options = options_from(build_parser().parse_args(argv))
    assert options.all_domains and options.from_stack and options.json and options.stack == "prod"


def test_the_all_report_follows_its_json_schema() -> None:
    import jsonschema

    from sparkpost_tracking.check.report import ALL_JSON_SCHEMA, all_to_json
    from sparkpost_tracking.check.result import Report, failed, passed, skipped

    steps = [passed("dns", "CNAME -> v2.spgo.io, as expected"),
             *(skipped(s, "skipped", required=False) for s in ("tls.chain", "tls.name", "tls.expiry", "https",
                                                               "http", "sparkpost"))]
    good = Report("a.example.com", tuple(steps), "v2.spgo.io", "stack", "managed")
    bad = Report("b.example.com", (failed("dns", "no record", "no_record", "create it"), *steps[1:]), None, None)
    document = all_to_json([good, bad])
    jsonschema.Draft202012Validator.check_schema(ALL_JSON_SCHEMA)
    jsonschema.validate(document, ALL_JSON_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert document["ok"] is False and [d["ok"] for d in document["domains"]] == [True, False]
