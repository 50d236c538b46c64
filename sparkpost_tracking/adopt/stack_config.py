"""``--stack-config``: ``sparkpost-tracking:domains`` entries for this repository's stack program.

What to declare: each entry adopts a domain as SparkPost shows it (``adoptExisting``): the scope, the default,
``verify: false`` for a domain not verified yet, and the sending domains that name it. ``cdn`` is ``managed`` when
SparkPost manages the domain's certificate, or the CDN that the domain's CNAME names. The first ``up`` then writes
nothing to SparkPost, except what each entry's comment and the report announce (``writes``). Every entry passes the
``TrackingDomain`` input check: the file never holds a combination that ``pulumi preview`` refuses.

- A domain whose CDN nothing shows is written **commented out**, with a ``TODO`` that says what each choice of
  ``cdn`` needs: the stack runs without it until someone decides.
- A domain the stack's components cannot declare as it is (``secure: false``: they serve https only) is reported
  and left out.

Where: the entries are merged into the file (``merge``), keeping every other key, comment and value as it was
(``encryptionsalt``, secure values, other namespaces, entries already there). A file that cannot be merged safely
is refused and left unchanged.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from typing import Any, Final

from sparkpost_tracking.config import DOMAINS_KEY, STACK_PROJECT
from sparkpost_tracking.dynamic_providers.hosts import DEFAULT_REGION

from .account import FoundDomain
from .cdn_inference import Inference
from .plan import Finding, Plan
from .writes import Writes, first_up_writes

TODO: Final[str] = "TODO"
KEY: Final[str] = f"{STACK_PROJECT}:{DOMAINS_KEY}"
HEADER: Final[str] = (
    "Written by `sparkpost-tracking import --stack-config`: the account's tracking domains as entries of this\n"
    "repository's stack program, each adopted as SparkPost shows it. Fill in every TODO and review (docs/adopting.md).")
ADDED: Final[str] = ("Added by `sparkpost-tracking import --stack-config`: each entry adopts a domain as SparkPost "
                     "shows it; fill in every TODO and review (docs/adopting.md).")
#: Indentation of a new file (mapping, sequence, dash offset): keys two spaces in, entries' dashes two spaces under
#: their key, as Pulumi writes its stack files.
NEW_FILE_STYLE: Final[tuple[int, int, int]] = (2, 4, 2)


class StackFileError(ValueError):
    """The existing file cannot be merged safely; it is left as it was."""


@dataclass
class StackEntry:
    """One domain's entry: ``entry`` is None when it is written commented out (``draft``) for the user to finish."""

    found: FoundDomain
    comments: list[str]
    entry: dict[str, Any] | None
    draft: dict[str, Any] = field(default_factory=dict)
    writes: Writes = field(default_factory=Writes)


def cdn_for(found: FoundDomain, inference: Inference | None) -> tuple[str | None, list[str]]:
    """The entry's ``cdn`` (None: for the user to choose) and its comment lines: what showed it, and what to do.

    A domain whose certificate SparkPost manages is ``managed`` by SparkPost's own word (the certificate exists only
    while the host CNAMEs to SparkPost's V2 target); any other needs DNS to name a CDN's host.
    """
    seen = inference.seen if inference else "DNS not asked"
    if found.uses_managed_certificate:
        if inference and inference.cdn not in (None, "managed"):
            return None, [f"{TODO}: SparkPost manages its certificate, but DNS shows {seen}. Check which one serves "
                          "the host, set cdn, then uncomment the entry"]
        return "managed", [f"SparkPost manages its certificate; {seen}"]
    cdn = inference.cdn if inference else None
    if cdn is None:
        verify = (" and drop verify: false (managed HTTPS needs a verified domain: the first up then verifies it and "
                  "enables a certificate)" if not found.verified else " (the first up then enables a certificate)")
        return None, [f"{TODO}: DNS names no CDN this stack knows ({seen}). Set cdn to cloudflare, cloudfront or "
                      "fastly with its options (docs/components.md), or to managed once its CNAME points at "
                      f"SparkPost's V2 host{verify}; then uncomment the entry"]
    if cdn == "managed":
        return cdn, [f"{seen}: managed HTTPS, and SparkPost manages no certificate for it yet"]
    return cdn, [f"{TODO} {seen}: the stack builds its own {cdn} configuration for the host; give its options, and "
                 "move the live host onto it without a gap (docs/migration.md)"]


def entry_for(found: FoundDomain, sending: list[str], cdn: str | None, region: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"domain": found.domain}
    if cdn:
        entry["cdn"] = cdn
    if region and region != DEFAULT_REGION:
        entry["region"] = region
    if found.subaccount_id:
        entry["subaccountId"] = found.subaccount_id
    entry["adoptExisting"] = True
    if found.default:
        entry["makeDefault"] = True
    elif not found.verified and cdn != "managed":
        # As found: the first up does not wait for a verification nobody asked for. A default needs one, and so
        # does managed HTTPS (the input check refuses verify: false with either): their verify is announced.
        entry["verify"] = False
    if sending:
        entry["sendingDomains"] = sending
    return entry


def declaration(entry: dict[str, Any]) -> dict[str, Any]:
    """The ``TrackingDomain`` inputs that the stack program's component declares for an entry: https always, a
    managed certificate for ``cdn: managed`` (``components.chain.read_common``)."""
    inputs: dict[str, Any] = {"domain": entry["domain"], "secure": True, "default": bool(entry.get("makeDefault")),
                              "verify": entry.get("verify") is not False,
                              "managed_certificate": entry.get("cdn") == "managed",
                              "adopt_existing": bool(entry.get("adoptExisting"))}
    for key, prop in (("subaccountId", "subaccount_id"), ("region", "region")):
        if entry.get(key) is not None:
            inputs[prop] = entry[key]
    return inputs


def stack_entries(plan: Plan, inferences: dict[str, Inference],
                  region: str | None) -> tuple[list[StackEntry], list[Finding]]:
    """Each domain's entry with its comment lines, and what is left out (the merge reports the rest)."""
    entries: list[StackEntry] = []
    findings: list[Finding] = []
    for found in plan.domains:
        if not found.secure:
            managed = " (though SparkPost manages a certificate for it)" if found.uses_managed_certificate else ""
            findings.append(Finding(found.domain, found.subaccount_id,
                                    f"secure: false in SparkPost{managed}, and the stack's components serve https "
                                    "only: adopting it would switch its links to https. Build its HTTPS chain first "
                                    "(docs/migration.md), or keep it out of this stack"))
            continue
        cdn, comments = cdn_for(found, inferences.get(found.domain))
        sending = [s.domain for s in plan.associations if s.tracking_domain == found.domain]
        entry = entry_for(found, sending, cdn, region)
        if cdn is None:  # the merge says where its draft went
            entries.append(StackEntry(found, comments, None, entry))
            continue
        writes = first_up_writes(found, declaration(entry))  # every entry_for is one the check accepts
        if writes:  # the merge announces it, if the entry is added
            comments.append(f"adopting writes: {writes.sentence()}")
        entries.append(StackEntry(found, comments, entry, writes=writes))
    return entries, findings


# ---- the file -------------------------------------------------------------------------------------------------


def _yaml(style: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML  # round-trip: comments, key order, quotes and styles stay as the file has them

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long value onto a second line
    mapping, sequence, offset = style
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _load(text: str, name: str) -> tuple[Any, tuple[int, int, int]]:
    """The document, and the file's own indentation (a dump in another one would rewrite every line)."""
    from ruamel.yaml import YAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        _, sequence, offset = load_yaml_guess_indent(text)
        mapping = next((len(line) - len(line.lstrip(" ")) for line in text.splitlines()
                        if line.startswith(" ") and not line.lstrip().startswith(("#", "-"))), NEW_FILE_STYLE[0])
        style = (mapping, sequence, offset) if offset is not None else (mapping, *NEW_FILE_STYLE[1:])
        document = _yaml(style).load(text)
    except YAMLError as exc:
        raise StackFileError(f"{name} is not YAML that can be merged ({type(exc).__name__}: "
                             f"{str(exc).splitlines()[0]}); fix it, or give another file") from None
    return document, style


@dataclass(frozen=True)
class Merged:
    """A merge's outcome: the file's new text (None: nothing to add, the file stays as it is), how many entries
    it added, and what it reports (entries already in the file, drafts)."""

    text: str | None
    added: int
    findings: list[Finding]


def merge(existing: str | None, entries: list[StackEntry], name: str) -> Merged:
    """The entries merged into the file's text (``existing``; None when there is no file yet). An entry for a
    domain that the file declares already is not added: the file's own is kept as it is written.

    Raises ``StackFileError`` when the file is not a mapping with a ``config`` mapping and a list of domains.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    findings: list[Finding] = []
    fresh = existing is None or not existing.strip()
    if fresh:
        document: Any = CommentedMap()
        document.yaml_set_start_comment(HEADER)
        style = NEW_FILE_STYLE
    else:
        document, style = _load(str(existing), name)
        if not isinstance(document, CommentedMap):
            raise StackFileError(f"{name} is not a Pulumi stack file (its top level is not a mapping of keys); "
                                 "give the stack's Pulumi.<stack>.yaml or a new file")
    if document.get("config") is None:  # absent, or a key with nothing under it
        document["config"] = CommentedMap()
    config = document["config"]
    if not isinstance(config, CommentedMap):
        raise StackFileError(f"{name}: 'config' is not a mapping of config keys; fix it, or give another file")
    domains = config.get(KEY)
    if domains is not None and not isinstance(domains, CommentedSeq):
        raise StackFileError(f"{name}: {KEY} is not a list of domain entries; fix it, or give another file")
    declared = {domain.strip().lower(): item for item in domains or []
                if isinstance(item, CommentedMap) and isinstance(domain := item.get("domain"), str)}
    for kept in (e for e in entries if e.found.domain in declared):
        adopts = any(declared[kept.found.domain].get(key) is True for key in ("adoptExisting", "adopt_existing"))
        findings.append(Finding(kept.found.domain, kept.found.subaccount_id, (
            f"already declared in {name}: kept as written there, not written again" + ("" if adopts else
            " (without adoptExisting: true, the first up refuses to take the existing domain over)")),
            left_out=False))
    active = [e for e in entries if e.entry is not None and e.found.domain not in declared]
    drafts = [e for e in entries if e.entry is None and e.found.domain not in declared]
    where = (f"written commented out in {name}, for you to finish" if active else
             f"not written ({name} is left as it was: no other entry of this run could be added)")
    findings += [Finding(d.found.domain, d.found.subaccount_id, f"{where}: {d.comments[-1].removeprefix(TODO + ': ')}")
                 for d in drafts]
    findings += [Finding(e.found.domain, e.found.subaccount_id, e.writes.sentence(), left_out=False,
                         writes=e.writes.calls) for e in active if e.writes]
    if not active:
        return Merged(None, 0, findings)
    if domains is None:
        domains = config[KEY] = CommentedSeq()
    column = style[0] + style[2]  # the column of an item's dash, under config's keys
    # Above the first entry added: where it came from (in a file of the user's), then the drafts.
    lines = [*([] if fresh else [ADDED]), *(_draft(d, style) for d in drafts)]
    for item in active:
        lines += [f"{item.found.domain}: {comment}" for comment in item.comments]
        domains.append(CommentedMap(item.entry))
        domains.yaml_set_comment_before_after_key(len(domains) - 1, before="\n".join(lines), indent=column)
        lines = []
    out = io.StringIO()
    _yaml(style).dump(document, out)
    text = out.getvalue()
    _check_kept(existing, text, [dict(e.entry or {}) for e in active], name)
    return Merged(text, len(active), findings)


def _check_kept(before: str | None, after: str, added: list[dict[str, Any]], name: str) -> None:
    """The merge's promise, checked on the values as Pulumi reads them: the file holds what it held, and the list
    of domains only grew by the entries added."""
    import yaml

    try:
        expected = (yaml.safe_load(before) if before else None) or {}
        merged = yaml.safe_load(after)
    except yaml.YAMLError:
        merged, expected = None, {}
    config = expected["config"] = expected.get("config") or {}
    config[KEY] = [*(config.get(KEY) or []), *added]
    if merged != expected:
        raise StackFileError(f"merging into {name} would change what it holds; it is left as it was")


def _draft(entry: StackEntry, style: tuple[int, int, int]) -> str:
    """A commented-out entry: its comment lines, then the entry as YAML (in the file's indentation) to uncomment
    once it is complete."""
    out = io.StringIO()
    _yaml(style).dump([entry.draft], out)
    body = textwrap.dedent(out.getvalue()).splitlines()  # a top-level list is indented by its offset
    return "\n".join([*(f"{entry.found.domain}: {c}" for c in entry.comments), *body])
