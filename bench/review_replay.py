"""``review`` against replayed links: generated edits of a stack of every chain kind, each previewed, reviewed,
then applied in the cloud lab while links already sent are followed. ``python -m bench.review_replay`` (options:
``--edits N``, ``--seed S``, ``--show-false-alarms``).

The stack (``SPEC``): managed HTTPS (with a sending domain and the default; in the EU; in a subaccount),
CloudFront (Route 53 and Cloudflare DNS, shared policies), Fastly, Cloudflare, protected and not, and a
``TrackingDomain`` with its own DNS record outside any component. The edits: deleting a domain, renaming it with
and without aliases, moving a domain into or out of a component with and without aliases, a CDN switch, the region,
the subaccount, protection, the default, associations, and every input of every resource the chains register
(each leaf of each input, given another value of its kind), alone and combined.

For each edit: the preview document (``tests/review/engine_plan``, the engine's plan from what the programs
register under mocks), ``review`` of it, then the lab (``bench.cloud_lab``) loaded with the stack as state says,
the ``up`` replayed step by step (the lab's clouds refusing what they refuse, the ``up`` stopping there), and every
link already sent followed through fresh and stale DNS after each step and once DNS has propagated. A domain
whose link failed but whose verdict is ``safe`` or ``risky`` is an unsafe verdict; a ``breaks-links`` verdict on a
domain whose links all kept working is a false alarm, counted by class.
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
import logging
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, Final

import pulumi

from sparkpost_tracking.review import read_preview, review
from sparkpost_tracking.review.review import DOCUMENT
from sparkpost_tracking.stack import StackConfigError, build, plan_domains
from tests.components.cloud_answers import FASTLY_TLS_CNAME, GET_TLS_CONFIGURATION, INVOKE_ANSWERS
from tests.review.engine_plan import STACK_URN, Plan, Resource, record, urn_of
from tests.review.engine_plan import plan as engine_plan

from .cloud_lab import REDIRECTED, Browser, Cloud, Link, Refused, Zone

HOSTED_ZONE = "Z0123456789ABCDEFGHIJ"
ZONE = "0123456789abcdef0123456789abcdef"
OTHER_HOSTED_ZONE = "Z9999999999OTHERZONE"
APEX = "example.com"
R53 = {"dns": "route53", "dnsZoneId": HOSTED_ZONE}
CF_DNS = {"dns": "cloudflare", "dnsZoneId": ZONE}
DNS_OF = {"managed": R53, "cloudfront": R53, "fastly": CF_DNS}
RAW = "raw.example.com"
IMPORTED_OWN = "arn:aws:acm:us-east-1:123456789012:certificate/imported-own"
IMPORTED_OTHER = "arn:aws:acm:us-east-1:123456789012:certificate/imported-other"
MANAGED_COMPONENT = "sparkpost-tracking:index:ManagedTrackingDomain"

#: The stack of every chain kind: the stack program's entries, and one raw ``TrackingDomain`` with its record.
SPEC: dict[str, Any] = {
    "domains": [
        {"domain": "ma.example.com", "cdn": "managed", **R53, "sendingDomains": ["brand.com"], "makeDefault": True},
        {"domain": "eu.example.com", "cdn": "managed", **R53, "region": "eu"},
        {"domain": "sub.example.com", "cdn": "managed", **R53, "subaccountId": 7, "protect": False},
        {"domain": "cf.example.com", "cdn": "cloudfront", **R53, "sendingDomains": ["mail.cf-brand.com"]},
        {"domain": "cf2.example.com", "cdn": "cloudfront", **CF_DNS, "protect": False},
        {"domain": "fa.example.com", "cdn": "fastly", **CF_DNS},
        {"domain": "cl.example.com", "cdn": "cloudflare", "zoneId": ZONE, "cacheRule": True, "protect": False},
    ],
    "raw": [{"name": "raw", "domain": RAW, "protect": True}],
}


# ---- the program ----------------------------------------------------------------------------------------


#: The ids the shared CloudFront policies get (what the stack program passes every CloudFront domain).
SHARED_POLICY_IDS = {"cachePolicyId": "cloudfront-policies-cache-policy-id",
                     "originRequestPolicyId": "cloudfront-policies-origin-request-policy-id"}


def units(spec: dict[str, Any]) -> list[tuple[str, Callable[[], Any]]]:
    """The program of ``spec`` in independent parts (each recorded, and remembered, on its own): each domain of
    the stack config through the stack program's logic, the shared CloudFront policies, and each raw domain.
    Raises ``StackConfigError`` for a config the stack program refuses."""
    from sparkpost_tracking.components.cloudfront import CloudFrontTrackingPolicies

    spec = copy.deepcopy(spec)
    plan_domains(spec["domains"])  # every check across domains, as the stack program makes them
    found: list[tuple[str, Callable[[], Any]]] = []
    shares = False
    for entry in spec["domains"]:
        if entry.get("cdn") == "cloudfront" and not all(entry.get(k) for k in SHARED_POLICY_IDS):
            shares = True
            entry = {**entry, **SHARED_POLICY_IDS}
        found.append((json.dumps(entry, sort_keys=True), functools.partial(_one_domain, entry)))
    if shares:
        found.insert(0, ("shared policies", functools.partial(CloudFrontTrackingPolicies, "cloudfront-policies", {})))
    for raw in spec.get("raw", []):
        found.append((json.dumps(raw, sort_keys=True), functools.partial(_raw, raw)))
    return found


def _one_domain(entry: dict[str, Any]) -> None:
    build(plan_domains([entry]))


def program(spec: dict[str, Any]) -> Callable[[], Any]:
    """The whole program of ``spec`` (its parts one after the other)."""
    parts = units(spec)
    return lambda: [part() for _key, part in parts]


def _raw(raw: dict[str, Any]) -> None:
    from pulumi_aws import route53

    from sparkpost_tracking.components import ManagedTrackingDomain
    from sparkpost_tracking.dynamic_providers import TrackingDomain

    name, domain = raw["name"], raw["domain"]
    if raw.get("component"):  # moved into a component, its children aliased to the raw resources (or not)
        def alias_children(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
            old = {"pulumi-python:dynamic/sparkpost:TrackingDomain": name, "aws:route53/record:Record":
                   f"{name}-host"}.get(args.type_)
            if not raw.get("aliases") or old is None:
                return None
            aliases = [*(args.opts.aliases or []), pulumi.Alias(name=old, parent=pulumi.ROOT_STACK_RESOURCE)]
            return pulumi.ResourceTransformationResult(args.props, pulumi.ResourceOptions.merge(
                args.opts, pulumi.ResourceOptions(aliases=aliases)))

        ManagedTrackingDomain(name, {"domain": domain, "dns": "route53", "dns_zone_id": HOSTED_ZONE,
                                     "protect": raw.get("protect", True)},
                              pulumi.ResourceOptions(transformations=[alias_children]))
        return
    from_component = raw.get("from_component")
    parent_alias = ([pulumi.Alias(parent=urn_of(from_component, MANAGED_COMPONENT, STACK_URN))]
                    if from_component and raw.get("aliases") else None)
    record = route53.Record(f"{name}-host", zone_id=HOSTED_ZONE, name=domain, type="CNAME", ttl=3600,
                            records=["v2.spgo.io"], opts=pulumi.ResourceOptions(
                                protect=raw.get("protect", True), aliases=parent_alias))
    TrackingDomain(raw.get("td_name", name), {"domain": domain, "managed_certificate": True},
                   pulumi.ResourceOptions(protect=raw.get("protect", True), depends_on=[record],
                                          aliases=parent_alias))


# ---- the edits ------------------------------------------------------------------------------------------

@dataclass
class Edit:
    title: str
    spec: dict[str, Any]
    registrations: list[Change] = field(default_factory=list)


class EditsConflict(LookupError):
    """One part of a combined edit changes a domain that another part deleted or renamed."""


def _entry(spec: dict[str, Any], domain: str) -> dict[str, Any]:
    for entry in spec["domains"]:
        if entry["domain"] == domain:
            return entry
    raise EditsConflict(domain)


Mutation = Callable[[dict[str, Any]], None]


def _entry_edit(domain: str, change: Mutation) -> Mutation:
    def mutate(spec: dict[str, Any]) -> None:
        change(_entry(spec, domain))
    return mutate


def _fields(**fields: Any) -> Mutation:
    def change(entry: dict[str, Any]) -> None:
        entry.update(copy.deepcopy(fields))
        for key in [k for k, v in entry.items() if v is None]:
            del entry[key]
    return change


def _toggled(key: str, values: tuple[Any, Any]) -> Mutation:
    """The other of two values (the first when absent)."""
    def change(entry: dict[str, Any]) -> None:
        entry[key] = values[1] if entry.get(key, values[0]) == values[0] else values[0]
        if entry[key] is None:
            del entry[key]
    return change


def _deleted(domain: str) -> Mutation:
    def mutate(spec: dict[str, Any]) -> None:
        spec["domains"] = [e for e in spec["domains"] if e["domain"] != domain]
    return mutate


def _other_dns(entry: dict[str, Any]) -> None:
    entry.update(CF_DNS if entry.get("dns") == "route53" else R53)


def _switched(cdn: str) -> Mutation:
    return lambda entry: _switch(entry, cdn)


def config_edits(spec: dict[str, Any]) -> Iterator[tuple[str, Mutation]]:
    """Changes of the stack's config (and of the raw domain's program), each as a mutation of ``spec``."""
    for entry in spec["domains"]:
        domain, cdn = entry["domain"], entry["cdn"]
        name = domain.replace(".", "-")
        yield f"delete {domain}", _deleted(domain)
        for title, change in (
                ("rename {} without aliases", _fields(name="renamed")),
                ("rename {} with aliases", _fields(name="renamed", aliases=[name])),
                ("rename {} adopting it", _fields(name="renamed", adoptExisting=True)),
                ("{} becomes another domain", _fields(domain="new-" + domain, name=name)),
                ("{} region", _toggled("region", ("us", "eu"))),
                ("{} subaccount", _toggled("subaccountId", (None, 9))),
                ("{} protection off", _fields(protect=False)),
                ("{} default", _toggled("makeDefault", (False, True))),
                ("{} sending domains", _toggled("sendingDomains", (None, ["new-brand.com"]))),
                ("{} verify off", _fields(verify=False)),
                *((f"{{}} switches to {other}", _switched(other))
                  for other in ("managed", "cloudfront", "fastly", "cloudflare") if other != cdn),
                *((("{} DNS in the other provider", _other_dns),) if "dns" in entry else ())):
            yield title.format(domain), _entry_edit(domain, change)
    yield f"{RAW} into a component with aliases", lambda s: s["raw"][0].update(component=True, aliases=True)
    yield f"{RAW} into a component without aliases", lambda s: s["raw"][0].update(component=True)
    yield f"delete {RAW}", lambda s: s.update(raw=[])
    yield f"{RAW} renamed", lambda s: s["raw"][0].update(td_name="raw-renamed")
    yield "ma.example.com out of its component with aliases", lambda s: _out_of_component(s, True)
    yield "ma.example.com out of its component without aliases", lambda s: _out_of_component(s, False)


def _switch(entry: dict[str, Any], cdn: str) -> None:
    for key in ("dns", "dnsZoneId", "zoneId", "cacheRule"):
        entry.pop(key, None)
    entry["cdn"] = cdn
    if cdn == "cloudflare":
        entry["zoneId"] = ZONE
    else:
        entry.update(DNS_OF[cdn])


def _out_of_component(spec: dict[str, Any], aliases: bool) -> None:
    spec["domains"] = [e for e in spec["domains"] if e["domain"] != "ma.example.com"]
    spec["raw"].append({"name": "ma-example-com", "td_name": "ma-example-com-sparkpost",
                        "domain": "ma.example.com", "from_component": "ma-example-com", "aliases": aliases})


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key in sorted(value):
            if not str(key).startswith("__"):
                yield from _leaves(value[key], (*path, key))
    elif isinstance(value, list):
        yield path, value
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


#: Other values of a kind: host names (SparkPost's other hosts, a sibling, a stranger), ports, TTLs, modes.
HOSTS = ["eu.spgo.io", "spgo.io", "other.example.net", "cf2.example.com", "v2.spgo.io", "d222222abcdef8.cloudfront.net",
         "k.sni.us-eu.fastly.net"]
STRINGS = {"viewerProtocolPolicy": ["https-only", "redirect-to-https"],
           "originProtocolPolicy": ["https-only", "http-only"], "headerBehavior": ["none", "allViewer"],
           "queryStringBehavior": ["none", "all"], "type": ["A", "TXT"], "acmCertificateArn": [IMPORTED_OWN,
                                                                                             IMPORTED_OTHER],
           "region": ["eu", "us"], "zoneId": [OTHER_HOSTED_ZONE], "ssl": ["strict", "flexible"],
           "certificateAuthority": ["globalsign"], "configurationId": ["tls-config-other"],
           "keyAlgorithm": ["EC_prime256v1"], "targetOriginId": ["elsewhere"], "originPath": ["/track"]}


def _alternatives(path: tuple[Any, ...], value: Any) -> list[Any]:
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int | float):
        return [value + 8080 if "ort" in key else 3600.0, 0]
    if isinstance(value, list):
        return [[], value[:-1]] if value else [["other.example.net"]]
    if isinstance(value, str):
        if key in STRINGS:
            return [v for v in STRINGS[key] if v != value]
        if "." in value and " " not in value:
            return [h for h in HOSTS if h != value][:4]
        return [value + " (edited)"]
    return []


#: The types whose inputs are edited one leaf at a time.
EDITED_TYPES = ("aws:cloudfront/distribution:Distribution", "aws:cloudfront/cachePolicy:CachePolicy",
                "aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "aws:acm/certificate:Certificate",
                "aws:route53/record:Record", "cloudflare:index/dnsRecord:DnsRecord",
                "cloudflare:index/ruleset:Ruleset", "fastly:index/serviceVcl:ServiceVcl",
                "fastly:index/tlsSubscription:TlsSubscription", "pulumi-python:dynamic/sparkpost:TrackingDomain")


def input_edits(resources: list[Resource]) -> Iterator[tuple[str, Change]]:
    """Every leaf of every input of every resource of the chains, given each other value of its kind."""
    for resource in resources:
        if resource.type not in EDITED_TYPES:
            continue
        for path, value in _leaves(resource.inputs):
            for alternative in _alternatives(path, value):
                yield (f"{resource.name}.{'.'.join(map(str, path))} = {json.dumps(alternative)[:40]}",
                       _set(resource.name, path, alternative))
        if resource.type in ("aws:acm/certificate:Certificate", "fastly:index/tlsSubscription:TlsSubscription"):
            key = "keyAlgorithm" if resource.type.startswith("aws") else "configurationId"
            yield (f"{resource.name} replaced, deleted first",
                   _both(_set(resource.name, (key,), STRINGS[key][0]), _option(resource.name,
                                                                               delete_before_replace=True)))
        if resource.protect:
            yield f"{resource.name} protect off", _option(resource.name, protect=False)


@dataclass(frozen=True)
class Change:
    """An edit of what a program registers for the resources named ``targets``."""

    title: str
    targets: frozenset[str]
    apply: Callable[[Resource], None]

    def __call__(self, resources: list[Resource]) -> list[Resource]:
        for resource in resources:
            if resource.name in self.targets:
                self.apply(resource)
        return resources


def _set(name: str, path: tuple[Any, ...], value: Any) -> Change:
    def apply(resource: Resource) -> None:
        target: Any = resource.inputs
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = copy.deepcopy(value)
        resource.literal_paths.append(path)  # written by hand: the preview shows it, whatever feeds its siblings
    return Change(f"{name}.{path}={value!r}", frozenset({name}), apply)


def _option(name: str, **values: Any) -> Change:
    def apply(resource: Resource) -> None:
        for key, value in values.items():
            setattr(resource, key, value)
    return Change(f"{name} {values!r}", frozenset({name}), apply)


def _both(*changes: Change) -> Change:
    def apply(resource: Resource) -> None:
        for change in changes:
            change([resource])
    return Change(" and ".join(c.title for c in changes), frozenset().union(*(c.targets for c in changes)), apply)


def generate(seed: int, olds: list[Resource]) -> Iterator[Edit]:
    """Every single edit once (in a seeded order), then seeded combinations of two or three, without end."""
    rng = random.Random(seed)
    singles: list[Edit] = []
    for title, mutate in config_edits(SPEC):
        spec = copy.deepcopy(SPEC)
        mutate(spec)
        singles.append(Edit(title, spec))
    for title, change in input_edits(olds):
        singles.append(Edit(title, copy.deepcopy(SPEC), [change]))
    rng.shuffle(singles)
    yield from singles
    while True:
        parts = rng.sample(singles, rng.choice((2, 3)))
        spec = copy.deepcopy(SPEC)
        try:
            for title, mutate in config_edits(spec):
                if any(p.title == title for p in parts):
                    mutate(spec)
        except EditsConflict:
            continue  # e.g. a domain deleted, then its default changed: not one edit a user could make
        yield Edit(" + ".join(p.title for p in parts), spec, [c for p in parts for c in p.registrations])


# ---- one edit, reviewed and replayed --------------------------------------------------------------------


class Programs:
    """Records programs part by part (``units``), and remembers each part's registrations: an edit re-runs only
    the parts it changes."""

    def __init__(self, olds: list[Resource] | None = None) -> None:
        self.olds = olds or []
        self._runs: dict[tuple[str, tuple[str, ...]], list[Resource]] = {}

    def registrations(self, spec: dict[str, Any], changes: list[Change] | None = None) -> list[Resource]:
        found: list[Resource] = []
        for key, part in units(spec):
            plain = self._run(key, part, [])
            names = {r.name for r in plain}
            relevant = [c for c in changes or [] if c.targets & names]
            found += self._run(key, part, relevant) if relevant else plain
        return copy.deepcopy(found)

    def _run(self, key: str, part: Callable[[], Any], changes: list[Change]) -> list[Resource]:
        cached = (key, tuple(c.title for c in changes))
        if cached not in self._runs:
            def edit(resources: list[Resource]) -> list[Resource]:
                for change in changes:
                    resources = change(resources)
                return resources
            self._runs[cached] = record(part, self.olds, edit)
        return self._runs[cached]


@dataclass
class Outcome:
    edit: Edit
    verdicts: dict[str, str]
    failed: dict[str, str]
    refused: str | None
    skipped: str | None = None
    #: Why review says a domain breaks links (its breaks-links findings).
    breaking: dict[str, list[str]] = field(default_factory=dict)

    def unsafe(self) -> list[str]:
        # A domain with no entry of its own is covered only by what review says of the preview as a whole (the
        # deletes an engine that stopped early never listed).
        whole = self.verdicts.get(DOCUMENT, "safe")
        return [d for d in self.failed if self.verdicts.get(d, whole) != "breaks-links"]

    def false_alarms(self) -> list[str]:
        return [d for d, v in self.verdicts.items() if v == "breaks-links" and d in BASE_DOMAINS
                and d not in self.failed]


BASE_DOMAINS = {e["domain"] for e in SPEC["domains"]} | {r["domain"] for r in SPEC["raw"]}


def links(olds: list[Resource]) -> list[Link]:
    """Mail already sent: an https and an http link per domain, from the account that sent it."""
    found = []
    for resource in olds:
        if resource.type == "pulumi-python:dynamic/sparkpost:TrackingDomain":
            inputs = resource.inputs
            region, sub = str(inputs.get("region") or "us"), inputs.get("subaccount_id")
            domain = str(inputs["domain"])
            found += [Link("https", domain, f"/f/{domain}-old-https", region, sub),
                      Link("http", domain, f"/q/{domain}-old-http", region, sub)]
    return found


class Replay:
    def __init__(self, stack: ExitStack) -> None:
        # A program an edit breaks fails in its event loop; the edit is then skipped, its traceback not printed.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        INVOKE_ANSWERS[GET_TLS_CONFIGURATION]  # the Fastly TLS configuration the components read
        fastly = [r["recordValue"] for r in INVOKE_ANSWERS[GET_TLS_CONFIGURATION]["dnsRecords"]
                  if r["recordType"] == "CNAME"]
        self.cloud = Cloud(stack, [Zone(HOSTED_ZONE, "route53", APEX), Zone(ZONE, "cloudflare", APEX),
                                   Zone(OTHER_HOSTED_ZONE, "route53", "example.org")], [FASTLY_TLS_CNAME, *fastly],
                           {IMPORTED_OWN: {"cf.example.com", "cf2.example.com"},
                            IMPORTED_OTHER: {"other.example.net"}})
        self.olds = Programs().registrations(SPEC)
        self.programs = Programs(self.olds)
        self.cloud.load(self.olds)
        self.browser = Browser(self.cloud)
        self.links = links(self.olds)
        self.hosts = {link.host for link in self.links}
        broken = self.failures(stale=True)
        assert not broken, f"the stack as it is already fails links: {broken}"

    def failures(self, *, stale: bool, hosts: set[str] | None = None) -> dict[str, str]:
        """The links that fail now, through every DNS view that differs (fresh and stale, IPv4 and IPv6)."""
        self.browser.moment()
        failed: dict[str, str] = {}
        for label, view in self.cloud.views(stale=stale):
            for link in self.links:
                if link.host in failed or (hosts is not None and link.host not in hosts):
                    continue
                answer = self.browser.follow(view, link)
                if answer != REDIRECTED:
                    failed[link.host] = f"{link}: {answer} ({label})"
        return failed

    def run(self, edit: Edit) -> Outcome:
        try:
            plan = engine_plan(self.olds, self.programs.registrations(edit.spec, edit.registrations))
        except (StackConfigError, Exception) as exc:  # an edit the program refuses is no edit
            return Outcome(edit, {}, {}, None, skipped=f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}")
        result = review(read_preview(json.dumps(plan.document)))
        verdicts = {d.domain: d.verdict.label for d in result.domains}
        breaking = {d.domain: [c.why for c in d.changes if c.verdict.label == "breaks-links"] for d in result.domains}
        return Outcome(edit, verdicts, *self.replay(plan), breaking=breaking)

    def replay(self, plan: Plan) -> tuple[dict[str, str], str | None]:
        self.cloud.reset()
        failed: dict[str, str] = {}
        refused = None
        for step in plan.run:
            try:
                self.cloud.apply(step)
            except Refused as exc:
                resource = step.new or step.old
                refused = f"{step.op} {resource.name if resource else '?'}: {exc}"
                break
            if step.op != "same":
                hosts = self.cloud.touched(step, self.hosts - set(failed))
                if hosts:
                    for domain, why in self.failures(stale=True, hosts=hosts).items():
                        failed.setdefault(domain, why)
        self.cloud.propagate()
        for domain, why in self.failures(stale=False).items():
            failed.setdefault(domain, why)
        return failed, refused


#: A false alarm's class: what stopped the ``up`` before anything broke (the lab's refusal), else what review
#: judged (its reason) that the lab's clouds serve all the same. Named in docs/pull-requests.md.
REFUSED_CLASSES: Final[tuple[tuple[str, str], ...]] = (
    ("already exists in this SparkPost account", "the up stops first: SparkPost refuses to create a domain that "
                                                 "exists (a rename or CDN switch without aliases)"),
    ("did not verify|is an apex|must be a subdomain|cannot be false|is not a valid",
     "the up stops first: SparkPost refuses or cannot verify the replacement domain"),
    ("must be between|must be a whole number",
     "the up stops first: the input check refuses the replacement's new value"),
    ("record named .* already exists", "the up stops first: the DNS provider refuses a second record of a name"),
    ("no such zone", "the up stops first: the DNS zone does not exist"),
    ("is in use", "the up stops first: AWS refuses to delete what a distribution still uses"),
    ("CNAMEAlreadyExists", "the up stops first: CloudFront refuses an alias another distribution holds"),
    ("never validates", "the up stops first: the new certificate never validates"),
)
JUDGED_CLASSES: Final[tuple[tuple[str, str], ...]] = (
    ("is not a certificate the preview shows", "a certificate from outside the stack that does cover the domain"),
    ("where the chain does not serve", "the host's record points at another name that reaches the same chain"),
    ("not SparkPost's", "the CDN's origin is another SparkPost host that also answers the domain's clicks"),
    ("a A record|a AAAA record", "a proxied record changes type and Cloudflare still proxies the host"),
)


def false_alarm_class(outcome: Outcome, domain: str) -> str:
    if outcome.refused:
        for pattern, name in REFUSED_CLASSES:
            if re.search(pattern, outcome.refused):
                return name
        return f"the up stops first: {outcome.refused[:80]}"
    reasons = " | ".join(outcome.breaking.get(domain, []))
    for pattern, name in JUDGED_CLASSES:
        if re.search(pattern, reasons):
            return name
    return f"other: {reasons[:100]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.review_replay", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=500, help="how many edits (default 500)")
    parser.add_argument("--seed", type=int, default=23, help="the generator's seed (default 23)")
    parser.add_argument("--show-false-alarms", action="store_true", help="list each false alarm")
    options = parser.parse_args(argv)
    started = time.monotonic()
    unsafe: list[tuple[Outcome, str]] = []
    alarms: Counter[str] = Counter()
    skipped = 0
    with ExitStack() as stack:
        replay = Replay(stack)
        outcomes: list[Outcome] = []
        for edit in generate(options.seed, replay.olds):
            if len(outcomes) >= options.edits:
                break
            outcome = replay.run(edit)
            if outcome.skipped:
                skipped += 1
                continue
            outcomes.append(outcome)
            unsafe += [(outcome, d) for d in outcome.unsafe()]
            for domain in outcome.false_alarms():
                alarms[false_alarm_class(outcome, domain)] += 1
                if options.show_false_alarms:
                    print(f"false alarm: {domain}: {outcome.edit.title} (lab: {outcome.refused or 'no refusal'})")
    for outcome, domain in unsafe:
        print(f"UNSAFE: {outcome.edit.title}: review says {outcome.verdicts.get(domain, 'nothing')} for {domain}, "
              f"but {outcome.failed[domain]}")
    print(f"edits the programs refused (not counted): {skipped}")
    print(f"edits that broke links: {sum(1 for o in outcomes if o.failed)}")
    for reason, count in alarms.most_common():
        print(f"  false alarm x{count}: {reason}")
    print(f"review vs replay: {len(outcomes)} edits, {len(unsafe)} unsafe verdicts, {sum(alarms.values())} false "
          f"alarms ({time.monotonic() - started:.0f} s)")
    return 0 if not unsafe else 1


if __name__ == "__main__":
    sys.exit(main())
