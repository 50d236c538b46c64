"""Which interrupted tracking-domain creates may be adopted, for docs/recovery.md, on both engine paths.

A ``pulumi up`` that dies mid-create leaves a *pending create* in state for each resource it had started to
create. SparkPost may hold such a domain now, made by that create in any intermediate state, or made by someone
else (the create may have died before its POST). Nothing in SparkPost says which, so recovery reads each one and
proposes it only when it reads exactly as this resource's create would have left it, from the pending operation's
inputs (``ownership.left_by_create``):

- ``pulumi stack export | python -m sparkpost_tracking.recovery`` prints the proposed domains, comma-separated, for
  ``SPARKPOST_ADOPT`` (both the Python dynamic resource and the plugin's native one read it), and on stderr what it
  found for every pending create: proposed (and the residual risk that entails), absent, or not ours (with the
  choices and their commands);
- ``... | python -m sparkpost_tracking.recovery --import-pending-creates`` prints the arguments for
  ``pulumi refresh`` that would import the proposed native creates (``--import-pending-creates URN --import-pending-
  creates ID`` each): the engine's own route. Measured with Pulumi CLI 3.274, the engine drops such imports unread on
  both paths, so docs/recovery.md uses ``SPARKPOST_ADOPT``; this output is kept for engines that honour it.

The key and settings are the provider's: stack config (read with ``pulumi config --json --show-secrets`` in the
current directory, never printed) or the environment. It writes nothing to SparkPost.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TextIO

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.pending_creates import EXPORT_COMMAND, ExportError, PendingCreate, load, pending_creates

PROG = "python -m sparkpost_tracking.recovery"
Verdict = Literal["proposed", "absent", "not ours"]
#: Reads one domain for a pending create: SparkPost's object, or None when it is absent.
Reader = Callable[[PendingCreate, dict[str, Any]], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Finding:
    create: PendingCreate
    verdict: Verdict
    #: SparkPost's object (``None``: absent), and what in it no create of the resource makes.
    found: dict[str, Any] | None
    differences: list[str]


def checked_inputs(create: PendingCreate) -> dict[str, Any]:
    """The pending create's inputs as the provider's check leaves them; a bad one is malformed state."""
    from sparkpost_tracking.dynamic_providers.schema import TRACKING_DOMAIN

    declared = {k: v for k, v in create.inputs.items() if k in TRACKING_DOMAIN.inputs}
    inputs, failures = TRACKING_DOMAIN.check(declared)
    if failures:
        raise ExportError(f"{create.where}: the pending create of {create.urn} has inputs no create accepts "
                          f"({'; '.join(map(str, failures))})")
    return inputs


def judge(create: PendingCreate, inputs: dict[str, Any], found: Mapping[str, Any] | None) -> Finding:
    """What one pending create's domain, as read (``found``; ``None``: absent), means for recovery."""
    from sparkpost_tracking.dynamic_providers.lifecycle import Desired
    from sparkpost_tracking.dynamic_providers.ownership import create_path_differences

    if found is None:
        return Finding(create, "absent", None, [])
    differences = create_path_differences(found, Desired.from_inputs(inputs))
    return Finding(create, "not ours" if differences else "proposed", dict(found), differences)


# ---- reading SparkPost -----------------------------------------------------------------------------

def stack_config() -> dict[str, Any]:
    """The selected stack's config values (secrets in the clear, kept in memory); empty when the CLI or the stack
    is not there (then the environment alone gives the key)."""
    try:
        proc = subprocess.run(["pulumi", "config", "--json", "--show-secrets"], capture_output=True, text=True,
                              timeout=120)
        values = json.loads(proc.stdout) if proc.returncode == 0 else {}
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return {}
    if not isinstance(values, dict):
        return {}
    return {key: entry.get("value") for key, entry in values.items() if isinstance(entry, dict)}


def where_to_read(create: PendingCreate, inputs: dict[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """``inputs`` with ``api_url``/``region`` as the provider would fill them: the plugin's explicit provider
    resource or its stack config give a native resource's defaults."""
    if not create.native or inputs.get("api_url"):
        return inputs
    defaults = {"api_url": create.provider_inputs.get("apiUrl") or config.get(f"{create.namespace}:apiUrl"),
                "region": create.provider_inputs.get("region") or config.get(f"{create.namespace}:region")}
    given = {k: v for k, v in defaults.items() if isinstance(v, str) and v}
    if "region" in given and inputs.get("region") not in (None, "us"):
        given.pop("region")  # the resource's own region wins
    return {**inputs, **given}


def sparkpost_reader(config: Mapping[str, Any]) -> Reader:
    """Reads through the provider's own client, with its key sources and retries; nothing is written."""
    from sparkpost_tracking.dynamic_providers.settings import settings_from
    from sparkpost_tracking.dynamic_providers.tracking_domains import TrackingDomainService

    def read(create: PendingCreate, inputs: dict[str, Any]) -> dict[str, Any] | None:
        scoped = {k: v for k, v in config.items() if k.startswith(create.namespace + ":")}
        service = TrackingDomainService(settings_from(scoped, namespace=create.namespace))
        with service.client(where_to_read(create, inputs, config)) as client:
            try:
                return client.get_domain(create.domain)
            except errors.NotFound:
                return None

    return read


# ---- what the user is told ----------------------------------------------------------------------------

def _adopt_word(create: PendingCreate) -> str:
    return "adoptExisting: true" if create.native else "adopt_existing: True"


def describe(finding: Finding) -> str:
    from sparkpost_tracking.dynamic_providers.ownership import summary

    create, domain = finding.create, finding.create.domain
    head = f"- {domain} (resource {create.name!r}):"
    if finding.verdict == "absent":
        return f"{head} not in SparkPost; 'pulumi up' creates it."
    reads = summary(finding.found or {})
    if finding.verdict == "proposed":
        return (f"{head} proposed for adoption: it reads exactly as this resource's interrupted create would have "
                f"left it ({reads}).")
    return (f"{head} NOT OURS, not proposed. It exists, but no create of this resource makes it or leaves it like "
            f"this ({'; '.join(finding.differences)}; it reads {reads}): someone else made it. 'pulumi up' refuses it "
            "and writes nothing to it. Choose:\n"
            f"    leave it to its owner: remove resource {create.name!r} from the program (or give it another "
            "domain), then run pulumi up;\n"
            f"    or adopt it deliberately: set {_adopt_word(create)} on resource {create.name!r}, or for one run: "
            f"SPARKPOST_ADOPT={domain} pulumi up")


RESIDUAL = ("A proposed domain reads the same whether the interrupted create made it or someone else made it the "
            "same way since the create began: SparkPost records no owner and a tracking domain has no creation "
            "time. Adopt the proposed domains only if no one else creates these names.")


def report(findings: list[Finding]) -> str:
    lines = [f"{PROG}: {len(findings)} tracking-domain create(s) were pending:",
             *map(describe, findings)]
    if any(f.verdict == "proposed" for f in findings):
        lines.append(RESIDUAL)
    return "\n".join(lines)


def proposed(findings: list[Finding]) -> list[Finding]:
    """The proposed findings, once per domain, in order."""
    seen: set[str] = set()
    chosen = []
    for finding in findings:
        if finding.verdict == "proposed" and finding.create.domain not in seen:
            seen.add(finding.create.domain)
            chosen.append(finding)
    return chosen


# ---- the command --------------------------------------------------------------------------------------

def findings_of(document: Mapping[str, Any], reader: Reader) -> list[Finding]:
    found = []
    for create in pending_creates(document):
        inputs = checked_inputs(create)
        found.append(judge(create, inputs, reader(create, inputs)))
    return found


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
         stderr: TextIO = sys.stderr, reader: Reader | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=(
        "Read each tracking domain an interrupted 'pulumi up' was creating (from 'pulumi stack export' on stdin) "
        "and print those that read exactly as that create would have left them, for SPARKPOST_ADOPT."))
    parser.add_argument("--import-pending-creates", action="store_true",
                        help="print the 'pulumi refresh' arguments that import them (plugin path)")
    args = parser.parse_args(argv)
    try:
        document = load(stdin)
        findings = findings_of(document, reader or sparkpost_reader(stack_config()))
    except ExportError as exc:  # JSON nested too deeply for Python is one too (``pending_creates.load``)
        print(f"{PROG}: expected the JSON of '{EXPORT_COMMAND}' on stdin: {exc}", file=stderr)
        return 2
    except errors.SparkPostTrackingError as exc:
        print(f"{PROG}: could not read the pending domains from SparkPost, so none is proposed: {exc}", file=stderr)
        return 1
    chosen = proposed(findings)
    if args.import_pending_creates:
        # The flag takes one value per use: URN and id alternate.
        print(" ".join(f"--import-pending-creates {value}" for f in chosen if f.create.native
                       for value in (f.create.urn, f.create.domain)), file=stdout)
    else:
        print(",".join(f.create.domain for f in chosen), file=stdout)
    print(report(findings) if findings else f"{PROG}: no tracking-domain create was pending", file=stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
