"""The parts of ``import`` that decide what is written, in process (fast, and what mutation testing runs): the
selection options, one file under two names, the write that replaces a file, the writes a declaration costs, the
stack entries, and the merge into a stack file."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from sparkpost_tracking.adopt.account import FoundDomain, FoundSending
from sparkpost_tracking.adopt.bulk_file import OutFileError, announcements, bulk_import, check_replaceable
from sparkpost_tracking.adopt.cdn_inference import Inference
from sparkpost_tracking.adopt.files import same_file, write_replacing
from sparkpost_tracking.adopt.options import UsageError, add_arguments, options_from
from sparkpost_tracking.adopt.plan import Plan
from sparkpost_tracking.adopt.stack_config import (
    ADDED,
    HEADER,
    KEY,
    StackEntry,
    StackFileError,
    cdn_for,
    declaration,
    entry_for,
    merge,
    stack_entries,
)
from sparkpost_tracking.adopt.writes import RefusedDeclaration, first_up_writes, plugin_declaration
from sparkpost_tracking.dynamic_providers.validation import MAX_SUBACCOUNT_ID


def found(name: str, sub: int | None = None, *, secure: bool = True, verified: bool = True, default: bool = False,
          managed: bool = False, tls: str | None = None) -> FoundDomain:
    status: dict[str, Any] = {"verified": verified}
    if tls is not None:
        status["tls_status"] = tls
    item: dict[str, Any] = {"domain": name, "secure": secure, "default": default, "status": status,
                            "uses_managed_certificate": managed}
    if sub:
        item["subaccount_id"] = sub
    return FoundDomain.from_api(item)


# ---- options ----------------------------------------------------------------------------------------------------


def options(*argv: str) -> Any:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return options_from(parser.parse_args(argv))


def test_selections_are_read_from_every_spelling() -> None:
    chosen = options("--out", "a.json", "--subaccount", "12, 31", "--subaccount", "0", "--domains", "M.*,click.*",
                     "--domains", "x.example.com")
    assert chosen.subaccounts == frozenset({0, 12, 31})
    assert chosen.domains == ("m.*", "click.*", "x.example.com")
    assert options("--out", "a.json").subaccounts == frozenset() and options("--out", "a.json").domains == ()


@pytest.mark.parametrize("argv", [("--subaccount", ""), ("--subaccount", ","), ("--subaccount", " , 12"),
                                  ("--domains", ""), ("--domains", "a.*,"), ("--domains", "a.*", "--domains", " ")])
def test_an_empty_value_in_a_selection_is_refused(argv: tuple[str, ...]) -> None:
    option = argv[0]
    with pytest.raises(UsageError) as refused:
        options("--out", "a.json", *argv)
    message = str(refused.value)
    assert message.startswith(f"{option}: an empty value selects nothing") and f"Leave {option} out" in message
    assert ("every scope" if option == "--subaccount" else "every domain") in message


def test_out_and_stack_config_naming_one_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--out and --stack-config name the same file"):
        options("--out", str(tmp_path / "x.yaml"), "--stack-config", str(tmp_path / "X.yaml"))
    assert options("--out", str(tmp_path / "x.json"), "--stack-config", str(tmp_path / "x.yaml")).out


# ---- files ------------------------------------------------------------------------------------------------------


def test_same_file_in_every_spelling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "sub")
    os.link(tmp_path / "a.yaml", tmp_path / "sub" / "hard.yaml")
    for other in ("a.yaml", "./a.yaml", str(tmp_path / "a.yaml"), "sub/../a.yaml", "A.yaml", "sub/hard.yaml"):
        assert same_file("a.yaml", other) and same_file(other, "a.yaml"), other
    assert same_file("sub/new.yaml", "link/NEW.yaml")  # not there yet: one directory, one name in another case
    for other in ("b.yaml", "sub/a.yaml", "a.yml", "a.yaml.bak"):
        assert not same_file("a.yaml", other), other
    assert not same_file("sub/new.yaml", "other/new.yaml")


def test_a_replacing_write_keeps_the_mode_and_the_link_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "real" / "stack.yaml"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o640)
    (tmp_path / "link.yaml").symlink_to(target)
    write_replacing(str(tmp_path / "link.yaml"), "new")
    assert target.read_text() == "new" and (tmp_path / "link.yaml").is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["stack.yaml"]
    umask = os.umask(0o027)
    try:
        write_replacing(str(tmp_path / "deep" / "new.yaml"), "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "deep" / "new.yaml").stat().st_mode) == 0o640
    with pytest.raises(UnicodeEncodeError):
        write_replacing(str(target), "\ud800")  # a write that fails leaves the file as it was, and no litter
    assert target.read_text() == "new" and sorted(p.name for p in target.parent.iterdir()) == ["stack.yaml"]


def test_out_replaces_only_a_bulk_import_file(tmp_path: Path) -> None:
    check_replaceable(str(tmp_path / "absent.json"))
    for text in ("", "  \n", '{"resources": []}', '{"resources": [{"type": "t", "name": "n", "id": "i"}]}'):
        (tmp_path / "f.json").write_text(text)
        check_replaceable(str(tmp_path / "f.json"))
    for text in ("config:\n  a: 1\n", "[]", '{"resources": [], "other": 1}', '{"name": "x"}', "not json"):
        (tmp_path / "f.json").write_text(text)
        with pytest.raises(OutFileError) as refused:
            check_replaceable(str(tmp_path / "f.json"))
        assert str(refused.value) == (f"--out: {tmp_path / 'f.json'} exists and is not a Pulumi bulk-import file; it "
                                      "is left as it was. Give a new file (or delete that one first)")


# ---- what a declaration writes ----------------------------------------------------------------------------------


def calls(domain: str, *names: str) -> tuple[str, ...]:
    return tuple(f"POST /tracking-domains/{domain}/{name}" for name in names)


@pytest.mark.parametrize(("kind", "plugin", "stack"), [
    (found("a.example.com"), (), ()),
    (found("a.example.com", verified=False), (), ()),
    (found("a.example.com", default=True), (), ()),
    (found("a.example.com", managed=True, tls="valid"), (), ()),
    (found("a.example.com", managed=True, tls="pending"), (), ()),  # on its way: a wait, no write
    (found("a.example.com", managed=True, tls="valid", verified=False), ("verify",), ("verify",)),
    (found("a.example.com", default=True, verified=False), ("verify",), ("verify",)),
    (found("a.example.com", managed=True, tls="expired"), ("certificate/check", "certificate/enable"),
     ("certificate/check", "certificate/enable")),
    (found("a.example.com", managed=True, tls="failed", verified=False),
     ("verify", "certificate/check", "certificate/enable"), ("verify", "certificate/check", "certificate/enable")),
])
def test_the_writes_of_each_kind(kind: FoundDomain, plugin: tuple[str, ...], stack: tuple[str, ...]) -> None:
    assert first_up_writes(kind, plugin_declaration(kind)).calls == calls(kind.domain, *plugin)
    entry = entry_for(kind, [], "managed" if kind.uses_managed_certificate else "cloudfront", None)
    assert first_up_writes(kind, declaration(entry)).calls == calls(kind.domain, *stack)


def test_writes_say_why_and_a_changed_setting_is_one_put() -> None:
    lapsed = first_up_writes(found("m.example.com", managed=True, tls="valid", verified=False),
                             {"domain": "m.example.com", "managed_certificate": True})
    assert lapsed.sentence() == ("the first up sends POST /tracking-domains/m.example.com/verify (SparkPost shows it "
                                 "unverified, and a managed certificate is renewed only for a verified domain)")
    default = first_up_writes(found("d.example.com", default=True, verified=False),
                              {"domain": "d.example.com", "default": True})
    assert default.reasons == ("SparkPost shows it unverified, and SparkPost keeps only a verified domain as the "
                               "default",)
    plain = first_up_writes(found("p.example.com", verified=False), {"domain": "p.example.com"})
    assert plain.reasons == ("SparkPost shows it unverified, and it is declared with verify: true",)
    renewal = first_up_writes(found("r.example.com", managed=True, tls="expired"),
                              {"domain": "r.example.com", "managed_certificate": True})
    assert renewal.reasons == ("its managed certificate is expired: it is requested again",)
    enable = first_up_writes(found("e.example.com"), {"domain": "e.example.com", "managed_certificate": True})
    assert enable.reasons == ("it is declared with managed HTTPS, and SparkPost manages no certificate for it yet",)
    both = first_up_writes(found("s.example.com", secure=False), {"domain": "s.example.com", "secure": True,
                                                                   "default": True})
    assert both.calls == ("PUT /tracking-domains/s.example.com",)
    assert both.reasons == ("SparkPost shows secure: false", "SparkPost shows default: false")
    assert not first_up_writes(found("q.example.com"), {"domain": "q.example.com"})


@pytest.mark.parametrize("declared", [{"managed_certificate": True, "verify": False},
                                      {"default": True, "verify": False},
                                      {"managed_certificate": True, "secure": False}])
def test_a_declaration_the_check_refuses_is_never_written(declared: dict[str, Any]) -> None:
    with pytest.raises(RefusedDeclaration):
        first_up_writes(found("a.example.com"), {"domain": "a.example.com", **declared})


def test_the_plugin_declares_a_managed_certificate_only_where_it_serves() -> None:
    http = plugin_declaration(found("h.example.com", secure=False, managed=True, tls="valid"))
    assert (http["secure"], http["managed_certificate"], http["verify"]) == (False, False, True)
    lapsed = plugin_declaration(found("m.example.com", managed=True, tls="valid", verified=False))
    assert (lapsed["managed_certificate"], lapsed["verify"]) == (True, True)
    assert plugin_declaration(found("n.example.com", verified=False))["verify"] is False


def test_out_announces_each_domain_that_writes_and_the_one_declared_other_than_found() -> None:
    plan = Plan([found("a.example.com"), found("m.example.com", managed=True, tls="valid", verified=False),
                 found("h.example.com", 7, secure=False, managed=True, tls="valid")],
                [FoundSending("example.com", None, "a.example.com")])
    said = {f.domain: f for f in announcements(plan)}
    assert set(said) == {"m.example.com", "h.example.com"} and not any(f.left_out for f in said.values())
    assert said["m.example.com"].writes == calls("m.example.com", "verify")
    assert said["m.example.com"].message.startswith("after pulumi import -f, the first up sends POST")
    assert said["h.example.com"].writes == () and "secure: false without managedCertificate" in said[
        "h.example.com"].message
    assert said["h.example.com"].subaccount_id == 7 and said["m.example.com"].subaccount_id is None
    assert said["h.example.com"].left_out is False and said["m.example.com"].left_out is False
    assert said["h.example.com"].message == (
        "SparkPost manages a certificate for it, but it is secure: false (its links are written http): it is declared "
        "as it is, secure: false without managedCertificate (the check refuses the two together). To serve its links "
        "over https: secure: true and managedCertificate: true (the next up sends PUT /tracking-domains/h.example.com)")
    [lapsed] = announcements(Plan([found("m.brand.com", 12, managed=True, tls="valid", verified=False)]))
    assert (lapsed.subaccount_id, lapsed.writes) == (12, calls("m.brand.com", "verify"))
    assert bulk_import(plan)["resources"] == [
        {"type": "sparkpost-tracking:index:TrackingDomain", "name": "a_example_com", "id": "a.example.com"},
        {"type": "sparkpost-tracking:index:TrackingDomain", "name": "m_example_com", "id": "m.example.com"},
        {"type": "sparkpost-tracking:index:TrackingDomain", "name": "h_example_com", "id": "h.example.com,7"},
        {"type": "sparkpost-tracking:index:TrackingDomainAssociation", "name": "example_com__association",
         "id": "example.com"}]
    plan.associations = [FoundSending("brand.com", 7, "h.example.com")]
    assert bulk_import(plan)["resources"][-1] == {"type": "sparkpost-tracking:index:TrackingDomainAssociation",
                                                  "name": "brand_com__association", "id": "brand.com,7"}


# ---- stack entries ----------------------------------------------------------------------------------------------


def test_the_cdn_of_an_entry_and_what_to_fill_in() -> None:
    managed = found("m.example.com", managed=True)
    assert cdn_for(managed, None) == ("managed", ["SparkPost manages its certificate; DNS not asked"])
    assert cdn_for(managed, Inference("m.example.com", "managed", "CNAME v2.spgo.io"))[0] == "managed"
    cdn, comments = cdn_for(managed, Inference("m.example.com", "fastly", "CNAME x.fastly.net"))
    assert cdn is None and comments[0].startswith("TODO: SparkPost manages its certificate, but DNS shows CNAME")
    cdn, comments = cdn_for(found("n.example.com", verified=False), Inference("n.example.com", None, "no CNAME"))
    assert cdn is None and "(no CNAME)" in comments[0] and "drop verify: false" in comments[0]
    assert "or to managed once its CNAME points at SparkPost's V2 host" in comments[0]
    cdn, comments = cdn_for(found("v.example.com"), None)
    assert cdn is None and "drop verify" not in comments[0] and "enables a certificate" in comments[0]
    assert cdn_for(found("v.example.com"), Inference("v.example.com", "managed", "CNAME v2.spgo.io")) == (
        "managed", ["CNAME v2.spgo.io: managed HTTPS, and SparkPost manages no certificate for it yet"])
    cdn, comments = cdn_for(found("c.example.com"), Inference("c.example.com", "cloudfront", "CNAME d.cloudfront.net"))
    assert cdn == "cloudfront" and comments[0].startswith("TODO CNAME d.cloudfront.net: the stack builds its own "
                                                          "cloudfront configuration")


def test_an_entry_declares_what_was_found() -> None:
    assert entry_for(found("a.example.com", 12, default=True), ["brand.com"], "managed", "eu") == {
        "domain": "a.example.com", "cdn": "managed", "region": "eu", "subaccountId": 12, "adoptExisting": True,
        "makeDefault": True, "sendingDomains": ["brand.com"]}
    assert entry_for(found("a.example.com", verified=False), [], "fastly", "us") == {
        "domain": "a.example.com", "cdn": "fastly", "adoptExisting": True, "verify": False}
    assert "verify" not in entry_for(found("a.example.com", verified=False), [], "managed", None)
    assert "verify" not in entry_for(found("a.example.com", verified=False, default=True), [], "fastly", None)
    assert entry_for(found("a.example.com"), [], None, None) == {"domain": "a.example.com", "adoptExisting": True}
    assert declaration({"domain": "a.example.com", "cdn": "managed", "subaccountId": 3, "region": "eu",
                        "makeDefault": True, "adoptExisting": True}) == {
        "domain": "a.example.com", "secure": True, "default": True, "verify": True, "managed_certificate": True,
        "adopt_existing": True, "subaccount_id": 3, "region": "eu"}
    assert declaration({"domain": "b.example.com", "cdn": "fastly", "verify": False}) == {
        "domain": "b.example.com", "secure": True, "default": False, "verify": False, "managed_certificate": False,
        "adopt_existing": False}


def plan_of(*domains: FoundDomain) -> Plan:
    return Plan(list(domains), [FoundSending("brand.com", 12, "m.brand.com")])


def test_stack_entries_leave_out_http_draft_the_undecided_and_announce_writes() -> None:
    plan = plan_of(found("http.example.com", secure=False), found("hm.example.com", secure=False, managed=True),
                   found("m.brand.com", 12, managed=True, tls="valid", verified=False), found("n.example.com"))
    entries, findings = stack_entries(plan, {}, None)
    assert [(e.found.domain, e.entry is None) for e in entries] == [("m.brand.com", False), ("n.example.com", True)]
    said = {f.domain: f for f in findings}
    assert said["http.example.com"].left_out and "secure: false in SparkPost, and" in said["http.example.com"].message
    assert "(though SparkPost manages a certificate for it)" in said["hm.example.com"].message
    assert set(said) == {"http.example.com", "hm.example.com"}  # the merge says what it adds, drafts, announces
    assert entries[0].writes.calls == calls("m.brand.com", "verify")
    merged = {f.domain: f for f in merge(None, entries, "s.yaml").findings}
    assert merged["m.brand.com"].writes == calls("m.brand.com", "verify") and merged["m.brand.com"].left_out is False
    assert merged["m.brand.com"].message == entries[0].writes.sentence() and merged["m.brand.com"].subaccount_id == 12
    assert merged["n.example.com"].left_out
    # Declared in the file already: the file's own entry stands, and nothing is announced for ours.
    existing = merge(f"config:\n  {KEY}:\n    - domain: m.brand.com\n", entries, "s.yaml").findings
    assert [(f.domain, f.writes) for f in existing] == [("m.brand.com", ()), ("n.example.com", ())]
    lapsed = entries[0]
    assert lapsed.entry == {"domain": "m.brand.com", "cdn": "managed", "subaccountId": 12, "adoptExisting": True,
                            "sendingDomains": ["brand.com"]}
    assert lapsed.comments[-1].startswith("adopting writes: the first up sends POST /tracking-domains/m.brand.com/")
    assert entries[1].draft == {"domain": "n.example.com", "adoptExisting": True}


# ---- the merge --------------------------------------------------------------------------------------------------


def entry(name: str, *comments: str) -> StackEntry:
    domain = found(name, managed=True)
    return StackEntry(domain, list(comments), {"domain": name, "cdn": "managed", "adoptExisting": True})


def draft(name: str) -> StackEntry:
    domain = found(name)
    return StackEntry(domain, ["TODO: choose"], None, {"domain": name, "adoptExisting": True,
                                                        "sendingDomains": ["x.com"]})


def domains_of(text: str) -> list[Any]:
    return list(yaml.safe_load(text)["config"][KEY])


def test_a_new_file_has_the_header_and_the_drafts_before_the_entries() -> None:
    merged = merge(None, [entry("a.example.com", "shown"), draft("d.example.com"), entry("b.example.com")], "f.yaml")
    assert merged.text is not None and merged.added == 2
    assert merged.text.startswith("".join(f"# {line}\n" for line in HEADER.splitlines()) + "config:\n  " + KEY)
    assert ADDED not in merged.text
    assert domains_of(merged.text) == [{"domain": "a.example.com", "cdn": "managed", "adoptExisting": True},
                                       {"domain": "b.example.com", "cdn": "managed", "adoptExisting": True}]
    assert ("    # d.example.com: TODO: choose\n    # - domain: d.example.com\n    #   adoptExisting: true\n"
            "    #   sendingDomains:\n    #     - x.com\n    # a.example.com: shown\n    - domain: a.example.com\n"
            ) in merged.text
    [said] = merged.findings
    assert (said.domain, said.left_out) == ("d.example.com", True)
    assert said.message == "written commented out in f.yaml, for you to finish: choose"


@pytest.mark.parametrize("existing", [None, "", "  \n", "config:\n", "config: null\n", "encryptionsalt: s\n"])
def test_a_run_with_only_drafts_writes_nothing(existing: str | None) -> None:
    merged = merge(existing, [draft("d.example.com")], "f.yaml")
    assert (merged.text, merged.added) == (None, 0)
    assert merged.findings[0].message.startswith("not written (f.yaml is left as it was")


@pytest.mark.parametrize("existing", ["config:\n", "config: null\n", "encryptionsalt: s\n"])
def test_a_file_without_config_gains_it(existing: str) -> None:
    merged = merge(existing, [entry("a.example.com")], "f.yaml")
    assert merged.text is not None and domains_of(merged.text) == [
        {"domain": "a.example.com", "cdn": "managed", "adoptExisting": True}]
    assert ADDED in merged.text


def test_an_existing_style_is_kept_and_declared_domains_are_not_written_again() -> None:
    existing = ("config:\n    sparkpost-tracking:domains:\n    -   domain: A.example.com\n        cdn: managed\n"
                "        adopt_existing: true\n    -   domain: b.example.com\n        cdn: managed\n")
    merged = merge(existing, [entry("a.example.com"), entry("b.example.com"), entry("c.example.com")], "s.yaml")
    assert merged.text == existing + (f"    # {ADDED}\n    -   domain: c.example.com\n        cdn: managed\n"
                                      "        adoptExisting: true\n")
    assert [d["domain"] for d in domains_of(merged.text)] == ["A.example.com", "b.example.com", "c.example.com"]
    said = {f.domain: f.message for f in merged.findings}
    assert said["a.example.com"] == "already declared in s.yaml: kept as written there, not written again"
    assert said["b.example.com"].endswith("(without adoptExisting: true, the first up refuses to take the existing "
                                          "domain over)")
    assert merged.added == 1


@pytest.mark.parametrize(("existing", "words"), [
    ("a: [", "s.yaml is not YAML that can be merged (ParserError"),
    ("- a\n", "s.yaml is not a Pulumi stack file"),
    ("just text\n", "s.yaml is not a Pulumi stack file"),
    ("config: [a]\n", "s.yaml: 'config' is not a mapping"),
    (f"config:\n  {KEY}: 5\n", f"s.yaml: {KEY} is not a list of domain entries"),
    ("config:\n  a: 1\n  a: 2\n", "s.yaml is not YAML that can be merged (DuplicateKeyError"),
    # A round-trip that would change a value as Pulumi reads it (YAML 1.1's octal) is refused too.
    ("%YAML 1.1\n---\nconfig:\n  x:mode: 010\n", "merging into s.yaml would change what it holds"),
    # A value that only a round-trip carries, which a plain reader cannot check, is refused as well.
    ("config:\n  x:t: !!python/tuple [1, 2]\n", "merging into s.yaml would change what it holds"),
])
def test_a_file_that_cannot_be_merged_safely_is_refused(existing: str, words: str) -> None:
    with pytest.raises(StackFileError) as refused:
        merge(existing, [entry("a.example.com")], "s.yaml")
    assert str(refused.value).startswith(words)


# ---- what mutation testing asked for: each rule pinned where it can be seen ---------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    ((), "give --out FILE (a bulk-import file for pulumi import -f) and/or --stack-config FILE (entries for this "
         "repository's stack program)"),
    (("--out", "a", "--api-url", "ftp://x"), "--api-url"),
    # An unset shell variable (--api-url "$EMULATOR") is refused: it would otherwise read SparkPost's own API.
    (("--out", "a", "--api-url", ""), "--api-url: must be a URL string such as 'https://api.sparkpost.com/api/v1', "
                                        "got ''"),
    (("--out", "a", "--timeout", "0"), "--timeout: must be a positive number of seconds, got 0"),
    (("--out", "a", "--timeout", "-1"), "--timeout: must be a positive number of seconds, got -1"),
    (("--out", "a", "--no-dns", "--dns-server", "127.0.0.1"), "--dns-server: means nothing with --no-dns"),
    (("--out", "a", "--subaccount", "abc"), f"--subaccount: must be a subaccount id 1-{MAX_SUBACCOUNT_ID}, or 0 "
                                            "for the primary account; got 'abc'"),
    (("--out", "a", "--subaccount", "-3"), "--subaccount: must be a subaccount id"),
    (("--out", "a", "--subaccount", str(MAX_SUBACCOUNT_ID + 1)), "--subaccount: must be a subaccount id"),
    (("--out", "a", "--subaccount", "12", "--subaccount", ""),
     "--subaccount: an empty value selects nothing and is refused (given '12', ''; is a shell variable unset?). "
     "Leave --subaccount out to select every scope"),
])
def test_every_bad_option_is_named(argv: tuple[str, ...], message: str) -> None:
    with pytest.raises(UsageError) as refused:
        options(*argv)
    assert str(refused.value).startswith(message), str(refused.value)


def test_good_options_are_kept() -> None:
    chosen = options("--stack-config", "s.yaml", "--region", "eu", "--api-url", "https://x.example/api/v1",
                     "--timeout", "0.5", "--dns-server", "127.0.0.1:5353", "--subaccount", str(MAX_SUBACCOUNT_ID),
                     "--json")
    assert (chosen.out, chosen.stack_config, chosen.region, chosen.api_url) == (
        None, "s.yaml", "eu", "https://x.example/api/v1")
    assert (chosen.timeout, chosen.dns_server, chosen.dns, chosen.json) == (0.5, ("127.0.0.1", 5353), True, True)
    assert chosen.subaccounts == frozenset({MAX_SUBACCOUNT_ID})
    assert options("--out", "a", "--no-dns").dns is False
    assert (options("--out", "a").region, options("--out", "a").api_url) == (None, None)


def test_deep_new_files_get_the_mode_open_would_give(tmp_path: Path) -> None:
    umask = os.umask(0o002)
    try:
        write_replacing(str(tmp_path / "a" / "b" / "new.yaml"), "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "a" / "b" / "new.yaml").stat().st_mode) == 0o664


def test_a_binary_file_is_no_bulk_import_file(tmp_path: Path) -> None:
    (tmp_path / "f.bin").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(OutFileError, match="is not a Pulumi bulk-import file"):
        check_replaceable(str(tmp_path / "f.bin"))


def test_the_words_of_writes() -> None:
    both = first_up_writes(found("b.example.com", verified=False, managed=True, tls="expired"),
                           {"domain": "b.example.com", "managed_certificate": True})
    assert both.sentence() == (
        "the first up sends POST /tracking-domains/b.example.com/verify, POST /tracking-domains/b.example.com/"
        "certificate/check, POST /tracking-domains/b.example.com/certificate/enable (SparkPost shows it unverified, "
        "and a managed certificate is renewed only for a verified domain; its managed certificate is expired: it is "
        "requested again)")
    off = first_up_writes(found("s.example.com", default=True), {"domain": "s.example.com", "secure": False,
                                                                  "default": True})
    assert off.reasons == ("SparkPost shows secure: true",)
    with pytest.raises(RefusedDeclaration) as refused:
        first_up_writes(found("a.example.com"), {"domain": "a.example.com", "default": True, "verify": False,
                                                 "secure": False, "managed_certificate": True})
    assert str(refused.value) == (
        "secure: cannot be false with managed_certificate: true; SparkPost serves a managed-certificate domain over "
        "https only. Drop 'secure' or the managed certificate; verify: cannot be false with managed_certificate: true; "
        "SparkPost issues a managed certificate only for a verified domain; default: needs verify: true; SparkPost "
        "accepts only a verified domain as the default")


KNOWN_CALLS = {"verify", "certificate/check", "certificate/enable"}


@pytest.mark.parametrize("secure", [True, False])
@pytest.mark.parametrize("verified", [True, False])
@pytest.mark.parametrize("default", [True, False])
@pytest.mark.parametrize(("managed", "tls"), [(False, None), (True, "valid"), (True, "pending"), (True, "failed"),
                                              (True, "expired"), (True, None)])
def test_every_state_of_a_domain_has_a_declaration_the_check_accepts(
        secure: bool, verified: bool, default: bool, managed: bool, tls: str | None) -> None:
    """Whatever SparkPost shows, neither output declares a combination the input check refuses (first_up_writes
    would raise), and adopting never sends a PUT: secure and default are declared as found."""
    kind = found("a.example.com", 5, secure=secure, verified=verified, default=default, managed=managed, tls=tls)
    said = [first_up_writes(kind, plugin_declaration(kind))]
    entries, _ = stack_entries(plan_of(kind), {}, None)
    if entries and entries[0].entry is not None:
        said.append(first_up_writes(kind, declaration(entries[0].entry)))
    assert bool(entries) is secure
    for writes in said:
        assert {call.rsplit("/a.example.com/", 1)[1] for call in writes.calls} <= KNOWN_CALLS


def test_the_words_of_the_stack_entries() -> None:
    managed = found("m.example.com", managed=True)
    assert cdn_for(managed, Inference("m.example.com", "fastly", "CNAME x.fastly.net"))[1] == [
        "TODO: SparkPost manages its certificate, but DNS shows CNAME x.fastly.net. Check which one serves the host, "
        "set cdn, then uncomment the entry"]
    assert cdn_for(found("n.example.com", verified=False), None)[1] == [
        "TODO: DNS names no CDN this stack knows (DNS not asked). Set cdn to cloudflare, cloudfront or fastly with its "
        "options (docs/components.md), or to managed once its CNAME points at SparkPost's V2 host and drop verify: "
        "false (managed HTTPS needs a verified domain: the first up then verifies it and enables a certificate); then "
        "uncomment the entry"]
    assert cdn_for(found("v.example.com"), None)[1][0].endswith(
        "or to managed once its CNAME points at SparkPost's V2 host (the first up then enables a certificate); then "
        "uncomment the entry")
    assert cdn_for(found("c.example.com"), Inference("c.example.com", "fastly", "CNAME x.fastly.net"))[1] == [
        "TODO CNAME x.fastly.net: the stack builds its own fastly configuration for the host; give its options, and "
        "move the live host onto it without a gap (docs/migration.md)"]
    _, [http] = stack_entries(plan_of(found("hm.example.com", secure=False, managed=True)), {}, None)
    assert http.message == (
        "secure: false in SparkPost (though SparkPost manages a certificate for it), and the stack's components serve "
        "https only: adopting it would switch its links to https. Build its HTTPS chain first (docs/migration.md), or "
        "keep it out of this stack")
    entries, findings = stack_entries(plan_of(found("h.example.com", 4, secure=False),
                                              found("m.brand.com", 12, managed=True, tls="valid", verified=False)),
                                      {}, "eu")
    assert [e.entry for e in entries] == [{"domain": "m.brand.com", "cdn": "managed", "region": "eu",
                                           "subaccountId": 12, "adoptExisting": True,
                                           "sendingDomains": ["brand.com"]}]
    assert [(f.domain, f.subaccount_id, f.left_out) for f in findings] == [("h.example.com", 4, True)]
    assert findings[0].message == (
        "secure: false in SparkPost, and the stack's components serve https only: adopting it would switch its links "
        "to https. Build its HTTPS chain first (docs/migration.md), or keep it out of this stack")


def test_the_merge_keeps_quotes_and_long_values_and_writes_the_drafts_once() -> None:
    long = " ".join(["word"] * 40)
    existing = (f"config:\n  x:quoted: 'single'\n  x:double: \"double\"\n  x:long: {long}\n"
                f"  {KEY}:\n    - domain: a.example.com\n      adoptExisting: true\n")
    merged = merge(existing, [entry("a.example.com"), draft("d.example.com"), entry("b.example.com"),
                              entry("c.example.com")], "s.yaml")
    assert merged.text is not None and merged.text.startswith(existing)
    assert merged.text.count("# - domain: d.example.com") == 1 and merged.text.count(ADDED) == 1
    assert merged.text.index(ADDED) < merged.text.index("d.example.com") < merged.text.index("b.example.com")
    kept = merged.findings[0]
    assert (kept.domain, kept.left_out, kept.message) == (
        "a.example.com", False, "already declared in s.yaml: kept as written there, not written again")
    assert merged.findings[1].message.startswith("written commented out in s.yaml, for you to finish: choose")


def test_a_file_that_is_not_yaml_is_named_with_what_the_parser_said() -> None:
    with pytest.raises(StackFileError) as refused:
        merge("config:\n  a: [1,\n", [entry("a.example.com")], "s.yaml")
    assert str(refused.value).startswith("s.yaml is not YAML that can be merged (ParserError: while parsing a flow "
                                         "node); fix it, or give another file")


@pytest.mark.parametrize(("existing", "merged"), [
    # No indented line: a new config takes the new file's indentation, and its list Pulumi's.
    ("encryptionsalt: s\n", "encryptionsalt: s\nconfig:\n  {key}:\n    # {added}\n    - domain: a.example.com\n"),
    # Keys but no list: the list as Pulumi writes it, under the file's own keys.
    ("config:\n   x:a: 1\n", "config:\n   x:a: 1\n   {key}:\n     # {added}\n     - domain: a.example.com\n"),
    # A comment or a list item that comes first says nothing of the keys' indentation.
    ("    # note\nhosts:\n    - a\nconfig:\n  x:a: 1\n",
     "    # note\nhosts:\n    - a\nconfig:\n  x:a: 1\n  {key}:\n      # {added}\n      - domain: a.example.com\n"),
])
def test_a_merge_writes_in_the_files_own_indentation(existing: str, merged: str) -> None:
    one = StackEntry(found("a.example.com"), [], {"domain": "a.example.com"})
    assert merge(existing, [one], "s.yaml").text == merged.format(key=KEY, added=ADDED)


def test_kept_and_drafted_domains_keep_their_scope_and_a_bad_file_says_what_to_give() -> None:
    kept = StackEntry(found("a.example.com", 12, managed=True), [], {"domain": "a.example.com"})
    later = StackEntry(found("d.example.com", 31), ["TODO: choose"], None, {"domain": "d.example.com"})
    existing = f"config:\n  {KEY}:\n    - domain: a.example.com\n      adoptExisting: true\n"
    merged = merge(existing, [kept, later, entry("b.example.com")], "s.yaml")
    assert [(f.domain, f.subaccount_id) for f in merged.findings] == [("a.example.com", 12), ("d.example.com", 31)]
    with pytest.raises(StackFileError) as refused:
        merge("[1]\n", [kept], "s.yaml")
    assert str(refused.value) == ("s.yaml is not a Pulumi stack file (its top level is not a mapping of keys); give "
                                  "the stack's Pulumi.<stack>.yaml or a new file")
