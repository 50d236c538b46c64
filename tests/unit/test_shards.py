"""The fleet file, which stack each domain goes to, and the sums of the stacks' verdicts (no engine here; the
stacks themselves run in tests/engine/test_shards_cli.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.__main__ import main
from sparkpost_tracking.config import StackConfigError
from sparkpost_tracking.shards.fleet import Fleet, FleetError, Sharding, read_fleet
from sparkpost_tracking.shards.plan import bucket, plan, shard_named, stack_name
from sparkpost_tracking.shards.summary import BadResult, shard_document, summarize

API = "http://127.0.0.1:9/api/v1"


def write(tmp_path: Path, **document: Any) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: sparkpost-tracking\nruntime: python\n")
    document.setdefault("backend", "file://./state")
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def entries(n: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"domain": f"t{i}.example.com", "cdn": "managed", **extra} for i in range(n)]


def fleet_of(tmp_path: Path, domains: list[dict[str, Any]], **shards: Any) -> Fleet:
    return read_fleet(write(tmp_path, domains=domains, shards=shards or None,
                            config={"sparkpost-tracking:apiUrl": API}))


# ---- the fleet file ------------------------------------------------------------------------------------------


def test_relative_backend_and_project_are_read_from_the_file_s_directory(tmp_path: Path) -> None:
    fleet = read_fleet(write(tmp_path, domains=entries(1)), environ={})
    assert fleet.backend == f"file://{tmp_path.resolve()}/state"
    assert fleet.project == tmp_path.resolve()
    assert fleet.sharding == Sharding("subaccount", None, "fleet")


def test_backend_falls_back_to_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, domains=entries(1), backend=None)
    assert read_fleet(path, environ={"PULUMI_BACKEND_URL": "s3://bucket/state"}).backend == "s3://bucket/state"
    with pytest.raises(FleetError, match="backend: is required"):
        read_fleet(path, environ={})


@pytest.mark.parametrize(("document", "message"), [
    ({"shards": {"by": "hash"}}, "shards.count: is required with by: hash"),
    ({"shards": {"by": "region"}}, "shards.by: must be one of subaccount, hash"),
    ({"shards": {"count": 0}}, "shards.count: must be a whole number"),
    ({"shards": {"count": True}}, "shards.count: must be a whole number"),
    ({"shards": {"prefix": "has space"}}, "shards.prefix: must start a stack name"),
    ({"shards": {"sise": 3}}, "shards.sise: is not a setting"),
    ({"shards": [1]}, "shards: must be an object"),
    ({"config": {"sparkpost:apiKey": "k"}}, "config.sparkpost:apiKey: is a secret"),
    ({"config": {"sparkpost:euApiKey": "k"}}, "is a secret"),
    ({"config": {"region": "us"}}, "config.region: must be a full config key"),
    ({"config": {"sparkpost-tracking:domains": []}}, "the domains are the fleet's top-level"),
    ({"config": ["x"]}, "config: must be an object"),
    ({"domains": []}, "domains: must be a non-empty list"),
    ({"stacks": 3}, "stacks: is not a fleet setting"),
])
def test_a_bad_fleet_file_names_the_key(tmp_path: Path, document: dict[str, Any], message: str) -> None:
    document.setdefault("domains", entries(1))
    with pytest.raises(FleetError, match=message.replace("(", r"\(")):
        read_fleet(write(tmp_path, **document))


def test_a_project_without_pulumi_yaml_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, domains=entries(1), project="elsewhere")
    with pytest.raises(FleetError, match=r"project: .*elsewhere has no Pulumi\.yaml"):
        read_fleet(path)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(FleetError, match="No such file"):
        read_fleet(tmp_path / "absent.yaml")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(FleetError, match="not valid JSON"):
        read_fleet(tmp_path / "bad.json")
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(FleetError, match="must be an object"):
        read_fleet(tmp_path / "list.yaml")


# ---- which stack ------------------------------------------------------------------------------------------


def test_buckets_are_stable_and_spread() -> None:
    # SHA-256, not Python's salted hash(): every machine and run agrees.
    assert [bucket(d, 3) for d in ("track.example.com", "t2.example.com", "a.example.com")] == [0, 1, 2]
    counts = [0, 0, 0, 0]
    for i in range(4000):
        counts[bucket(f"t{i}.example.com", 4)] += 1
    assert all(900 < c < 1100 for c in counts), counts


def test_stack_names() -> None:
    by_hash = Sharding("hash", 4, "f")
    assert stack_name(by_hash, "t1.example.com", "us", API, 7) == f"f-{bucket('t1.example.com', 4)}"
    per_sub = Sharding("subaccount", None, "f")
    assert stack_name(per_sub, "x", "us", API, None) == "f-us-primary"
    assert stack_name(per_sub, "x", "eu", API, 42) == "f-eu-sub42"
    grouped = Sharding("subaccount", 5, "f")
    assert stack_name(grouped, "a", "us", API, 42) == stack_name(grouped, "b", "us", API, 42) == \
        f"f-{bucket(f'{API} 42', 5)}"
    # The same subaccount number in another account is another customer.
    assert bucket(f"{API} 42", 1000) != bucket("https://api.eu.sparkpost.com/api/v1 42", 1000)


def test_by_subaccount_keeps_each_subaccount_in_one_stack(tmp_path: Path) -> None:
    domains = [{"domain": f"t{i}.example.com", "cdn": "managed", **({"subaccountId": i % 3} if i % 3 else {})}
               for i in range(9)]
    shards = plan(fleet_of(tmp_path, domains))
    assert [(s.stack, sorted(d["domain"] for d in s.domains)) for s in shards] == [
        ("fleet-us-primary", ["t0.example.com", "t3.example.com", "t6.example.com"]),
        ("fleet-us-sub1", ["t1.example.com", "t4.example.com", "t7.example.com"]),
        ("fleet-us-sub2", ["t2.example.com", "t5.example.com", "t8.example.com"]),
    ]
    assert shard_named(shards, "fleet-us-sub1") is shards[1]
    with pytest.raises(LookupError, match="no such stack; its stacks are fleet-us-primary, fleet-us-sub1"):
        shard_named(shards, "fleet-9")


def test_by_hash_puts_every_domain_in_exactly_one_stack(tmp_path: Path) -> None:
    domains = entries(30)
    shards = plan(fleet_of(tmp_path, domains, by="hash", count=3, prefix="web"))
    assert [s.stack for s in shards] == ["web-0", "web-1", "web-2"]
    placed = [d["domain"] for s in shards for d in s.domains]
    assert sorted(placed) == sorted(d["domain"] for d in domains)
    for shard in shards:
        assert all(bucket(d["domain"], 3) == int(shard.stack[-1]) for d in shard.domains)
    # Entries go to their stack as written, in the fleet's order.
    assert list(shards[0].domains) == [d for d in domains if bucket(d["domain"], 3) == 0]


def test_rules_that_span_domains_hold_across_stacks(tmp_path: Path) -> None:
    domains = entries(6)
    domains[1]["makeDefault"] = domains[4]["makeDefault"] = True
    domains[5]["domain"] = domains[0]["domain"].upper()
    with pytest.raises(StackConfigError) as caught:
        plan(fleet_of(tmp_path, domains, by="hash", count=3))
    text = str(caught.value)
    assert "makeDefault is set on more than one domain" in text and "declared more than once" in text
    assert "sparkpost-tracking:domains[1]" in text and "sparkpost-tracking:domains[4]" in text


def test_the_fleet_config_sets_the_defaults_of_every_domain(tmp_path: Path) -> None:
    path = write(tmp_path, domains=entries(2), config={"sparkpost-tracking:region": "eu",
                                                        "sparkpost-tracking:apiUrl": API})
    assert [s.stack for s in plan(read_fleet(path))] == ["fleet-eu-primary"]


# ---- sums ---------------------------------------------------------------------------------------------------


def review_result(*verdicts: str) -> dict[str, Any]:
    order = ["safe", "risky", "breaks-links"]
    return {"schema": "sparkpost-tracking/review/1", "verdict": max(verdicts, key=order.index, default="safe"),
            "domains": [{"domain": f"d{i}.example.com", "verdict": v, "changes": []} for i, v in enumerate(verdicts)],
            "notes": []}


def check_result(*oks: bool) -> dict[str, Any]:
    return {"schema": "sparkpost-tracking/check-all/1", "ok": all(oks),
            "domains": [{"domain": f"c{i}.example.com", "ok": ok} for i, ok in enumerate(oks)]}


def test_review_sums_to_the_worst_verdict_and_names_what_is_flagged() -> None:
    summary = summarize([shard_document("a", "review", review_result("safe", "risky")),
                         shard_document("b", "review", review_result("safe")),
                         shard_document("c", "review", review_result("breaks-links", "safe"))], ["a", "b", "c"])
    assert summary.verdict == "breaks-links" and summary.domains == 5
    assert summary.to_json()["flagged"] == [{"stack": "a", "domain": "d1.example.com", "outcome": "risky"},
                                            {"stack": "c", "domain": "d0.example.com", "outcome": "breaks-links"}]
    assert summarize([shard_document("a", "review", review_result("safe"))], ["a"]).verdict == "safe"
    text = summary.markdown()
    assert "## Fleet review: breaks-links" in text and "| c | d0.example.com | breaks-links |" in text


def test_a_stack_the_sum_cannot_see_is_never_safe() -> None:
    missing = summarize([shard_document("a", "review", review_result("safe"))], ["a", "b"])
    assert missing.verdict == "incomplete" and [s.stack for s in missing.unseen] == ["b"]
    failed = summarize([shard_document("a", "review", review_result("safe")),
                        shard_document("b", "review", None, "the preview could not be reviewed")], ["a", "b"])
    assert failed.verdict == "incomplete" and failed.stacks[1].error == "the preview could not be reviewed"
    assert "| b | 0 | failed: the preview could not be reviewed |" in failed.markdown()
    check = summarize([shard_document("a", "check", check_result(True))], ["a", "b"])
    assert check.verdict == "incomplete"
    # A run that says it failed is not summed on whatever partial result it carries.
    partial = summarize([shard_document("a", "check", check_result(True), "check stopped half way")], ["a"])
    assert partial.verdict == "incomplete" and partial.stacks[0].error == "check stopped half way"


def test_check_sums_pass_only_when_every_domain_of_every_stack_passed() -> None:
    passed = summarize([shard_document("a", "check", check_result(True, True)),
                        shard_document("b", "check", check_result(True))], ["a", "b"])
    assert passed.verdict == "pass" and passed.domains == 3
    failed = summarize([shard_document("a", "check", check_result(True, False)),
                        shard_document("b", "check", check_result(True))], ["a", "b"])
    assert failed.verdict == "fail" and failed.to_json()["flagged"] == [
        {"stack": "a", "domain": "c1.example.com", "outcome": "fail"}]
    # A result whose own verdict is not ok fails even if no domain is listed as failing.
    odd = summarize([shard_document("a", "check", {"ok": False, "domains": []})], ["a"])
    assert odd.verdict == "fail"


def test_results_that_do_not_belong_are_refused() -> None:
    with pytest.raises(BadResult, match="not a shard result"):
        summarize([review_result("safe")], ["a"])
    with pytest.raises(BadResult, match="different kinds"):
        summarize([shard_document("a", "review", review_result()), shard_document("b", "check", check_result())],
                  ["a", "b"])
    # A stack beyond the plan (an orphaned one, which ``list`` names) is summed, and the missing planned one shows.
    beyond = summarize([shard_document("z", "review", review_result())], ["a"])
    assert [(s.stack, s.outcome) for s in beyond.stacks] == [("a", "missing"), ("z", "safe")]
    with pytest.raises(BadResult, match="unknown result kind"):
        summarize([shard_document("a", "audit", {})], ["a"])


# ---- the command, without a stack ------------------------------------------------------------------------------


def test_sum_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, domains=entries(12), shards={"by": "hash", "count": 3},
                 config={"sparkpost-tracking:apiUrl": API})
    files = []
    for stack, verdict in (("fleet-0", "safe"), ("fleet-1", "risky"), ("fleet-2", "safe")):
        files.append(tmp_path / f"{stack}.json")
        files[-1].write_text(json.dumps(shard_document(stack, "review", review_result(verdict))))
    assert main(["shards", "sum", str(path), *map(str, files), "--fail-on", "breaks-links"]) == 0
    assert "## Fleet review: risky" in capsys.readouterr().out
    assert main(["shards", "sum", str(path), *map(str, files), "--fail-on", "risky"]) == 1
    assert main(["shards", "sum", str(path), *map(str, files)]) == 0
    capsys.readouterr()
    assert main(["shards", "sum", str(path), *map(str, files[:2]), "--json"]) == 2
    out = capsys.readouterr()
    assert json.loads(out.out)["verdict"] == "incomplete"
    assert "no usable result from fleet-2" in out.err
    assert main(["shards", "sum", str(path), str(tmp_path / "absent.json")]) == 2
    assert "absent.json" in capsys.readouterr().err
    checks = []
    for stack, ok in (("fleet-0", True), ("fleet-1", False), ("fleet-2", True)):
        checks.append(tmp_path / f"check-{stack}.json")
        checks[-1].write_text(json.dumps(shard_document(stack, "check", check_result(True, ok))))
    assert main(["shards", "sum", str(path), *map(str, checks)]) == 1
    assert main(["shards", "sum", str(path), *map(str, checks[::2]), str(checks[0])]) == 2


def test_a_bad_domain_or_fleet_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, domains=[{"domain": "x", "cdn": "managed"}], config={"sparkpost-tracking:apiUrl": API})
    assert main(["shards", "plan", str(path)]) == 2
    assert "sparkpost-tracking:domains[0].domain" in capsys.readouterr().err
    assert main(["shards", "up", str(tmp_path / "absent.yaml"), "--shard", "x"]) == 2
    assert "absent.yaml" in capsys.readouterr().err
    for action in ("review", "up"):  # only check takes options after --
        with pytest.raises(SystemExit) as refused:
            main(["shards", action, str(path), "--shard", "x", "--", "--json"])
        assert refused.value.code == 2 and "unrecognized arguments: -- --json" in capsys.readouterr().err
