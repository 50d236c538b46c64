"""What "this resource still serves ``domain`` for SparkPost" means: the words every serving declaration uses.

Each way of serving declares, beside its component, what each of its resources must hold for links already sent
through a tracking domain to keep working (``cloudfront_serving``, ``fastly_serving``, ``cloudflare_serving``,
``managed_serving``, ``dns_serving``, ``sparkpost_serving``). ``review``, the policy pack and ``check`` read those
declarations (``declarations()``) and never restate them.

A resource joins by being declared: a new way of serving is a ``Way`` in a ``<name>_serving.py`` module listed in
``WAY_MODULES``; a resource every way shares (a DNS strategy's record, a SparkPost resource such as a future
``SendingDomain``) is a ``Serving`` in ``dns_serving`` or ``sparkpost_serving``, with the part it plays
(``Carries``: a delete or replace of what carries links breaks them) and the input that ties it to its tracking
domain outside a component. ``review`` needs no other change.

A declaration judges a resource's inputs as the engine holds them: native resources' camelCase names, our
dynamic resources' snake_case ones (``Inputs`` reads either). A requirement either holds, fails with the reason
a reviewer reads, or cannot be judged because a value it reads is unknown in the preview (``CannotSee``). No
provider SDK and no Pulumi is imported here: ``review`` must stay fast.
"""

from __future__ import annotations

import enum
import functools
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sparkpost_tracking.dynamic_providers.types import PACKAGE

#: SparkPost's advice for every CDN: cache a click's answer at most this long (longer hides repeat clicks).
MAX_CACHE_TTL_SECONDS: Final[int] = 10
#: The engine's placeholder for a value not known until the update runs (Pulumi's ``rpc.UNKNOWN``).
UNKNOWN: Final[str] = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


class CannotSee(Exception):
    """A value a requirement reads is not known: ``computed`` during the update (the preview shows a placeholder),
    or not shown at all (what a policy or a partial preview cannot see); ``what`` names it."""

    def __init__(self, what: str, *, computed: bool = True) -> None:
        super().__init__(what)
        self.what = what
        self.computed = computed

    def __str__(self) -> str:
        if self.computed:
            return f"{self.what} is computed during the update"
        return f"the preview does not show {self.what}"


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value == UNKNOWN


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class Inputs:
    """A resource's inputs, read by snake_case path (``Inputs.get("custom_origin_config", "http_port")``); a read
    of an unknown value raises ``CannotSee``, so a requirement never judges what the preview does not show."""

    def __init__(self, values: Mapping[str, Any] | None, what: str = "") -> None:
        self.values: Mapping[str, Any] = values if isinstance(values, Mapping) else {}
        self.what = what

    def get(self, *path: str, default: Any = None, whole: bool = True) -> Any:
        """The value at ``path`` (``default`` when absent); with ``whole``, any unknown inside it is unseen too."""
        value: Any = self.values
        where = self.what
        for key in path:
            where = f"{where}.{_camel(key)}" if where else _camel(key)
            if is_unknown(value):
                raise CannotSee(where)
            if not isinstance(value, Mapping):
                return default
            value = value[key] if key in value else value.get(_camel(key), None)
            if value is None:
                return default
        if is_unknown(value) or (whole and _holds_unknown(value)):
            raise CannotSee(where or "the inputs")
        return value

    def at(self, *path: str) -> Inputs:
        """The object at ``path`` (empty when absent), read the same way; an unknown inside it is unseen only
        where a requirement reads it."""
        return Inputs(self.get(*path, default={}, whole=False), self._where(path))

    def items(self, *path: str) -> list[Inputs]:
        """The objects of a list input (``origins``, ``backends``), each readable the same way."""
        value = self.get(*path, default=[], whole=False)
        where = self._where(path)
        return [Inputs(v, f"{where}[{i}]") for i, v in enumerate(value if isinstance(value, list) else [])
                if isinstance(v, Mapping)]

    def _where(self, path: tuple[str, ...]) -> str:
        return ".".join([*([self.what] if self.what else []), *(_camel(p) for p in path)])

    def names(self, *path: str) -> set[str]:
        """A list of host names (or one), as domains: lower-case, no trailing dot."""
        value = self.get(*path, default=[])
        return {host(v) for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)}


def _holds_unknown(value: Any, depth: int = 0) -> bool:
    if is_unknown(value):
        return True
    if depth > 32:  # inputs this deep are not the engine's: judge them as they are
        return False
    if isinstance(value, Mapping):
        return any(_holds_unknown(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_holds_unknown(v, depth + 1) for v in value)
    return False


#: The requirement every CDN's cache settings share.
CACHE_TTL: Final[str] = f"cache TTL at most {MAX_CACHE_TTL_SECONDS} s"


def ttl_longer(what: str, value: Any) -> str | None:
    """``<what> is N s`` when a cache TTL is longer than SparkPost advises, else None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > MAX_CACHE_TTL_SECONDS:
        return f"{what} is {value:g} s"
    return None


def first_fault(*checks: Callable[[], str | None]) -> str | None:
    """The first fault any check finds. A check that reads an unknown value leaves the requirement unseen only when
    no other check finds a fault: a value the preview cannot know must not hide a known violation beside it."""
    unseen: CannotSee | None = None
    for check in checks:
        try:
            fault = check()
        except CannotSee as exc:
            unseen = unseen or exc
            continue
        if fault:
            return fault
    if unseen is not None:
        raise unseen
    return None


def host(value: Any) -> str:
    """A host name as a domain: lower-case, without the trailing dot DNS providers add."""
    return str(value or "").strip().rstrip(".").lower()


def covers(names: Iterable[str], domain: str) -> bool:
    """Whether a certificate for ``names`` is valid for ``domain`` (a wildcard covers one label)."""
    parent = domain.split(".", 1)[1] if "." in domain else ""
    return any(n == domain or (n.startswith("*.") and n[2:] == parent) for n in map(host, names))


class Link(enum.Enum):
    """A link of the chain, in the order a reviewer reads them."""

    SPARKPOST = "sparkpost"
    ASSOCIATION = "association"
    DNS = "dns"
    CDN = "cdn"
    CERTIFICATE = "certificate"


class Severity(enum.Enum):
    #: Links already sent stop working when it fails.
    SERVES = "serves"
    #: SparkPost requires it, but links still work without it (counts, caching, http through https).
    ADVISED = "advised"


@dataclass(frozen=True)
class Chain:
    """What a judgment knows of the chain a resource serves in: the links it must keep working.

    A set that is None is not known (a policy sees no outputs; a resource being replaced has none yet): a
    requirement reading it cannot be judged.
    """

    #: The tracking host the links point at.
    domain: str
    #: The SparkPost hosts of the domain's account a CDN may forward to (``spgo.io``, ``eu.spgo.io``, a tenant's).
    origins: frozenset[str] | None = None
    #: Where the host's DNS record may point to reach the chain (a V2 host, the CDN's address).
    host_targets: frozenset[str] | None = None
    #: Certificates (ARNs) known to be the domain's own.
    certificates: frozenset[str] | None = None


def known(value: frozenset[str] | None, what: str) -> frozenset[str]:
    if value is None:
        raise CannotSee(what, computed=False)
    return value


@dataclass(frozen=True)
class Requirement:
    """One thing a resource must hold; ``check`` returns why it does not (None when it holds)."""

    name: str
    severity: Severity
    check: Callable[[Inputs, Chain], str | None]


@dataclass(frozen=True)
class Fault:
    requirement: Requirement
    why: str

    def __str__(self) -> str:
        return f"{self.requirement.name}: {self.why}"


@dataclass(frozen=True)
class Judgement:
    faults: tuple[Fault, ...] = ()
    #: The requirements that read a value the preview does not know, each with what it was.
    unseen: tuple[tuple[Requirement, CannotSee], ...] = ()

    def failing(self, severity: Severity) -> list[Fault]:
        return [f for f in self.faults if f.requirement.severity is severity]


class Carries(enum.Enum):
    """What a resource is to the links already sent through its tracking domain."""

    #: Deleted or replaced, the links break (a distribution, a service, the host's record, the SparkPost domain).
    LINKS = "links"
    #: Where new mail's links point (a sending domain's association): a change moves mail, sent links still work.
    MAIL = "mail"
    #: The certificate the CDN serves https with: replaced in the wrong order, https links break meanwhile.
    CERTIFICATE = "certificate"
    #: Settings the CDN reads (policies, rules): a delete or change is judged by its requirements.
    SETTINGS = "settings"
    #: Needed only to renew or validate (a certificate's validation record, the validation itself).
    RENEWAL = "renewal"
    #: Mail is sent from it (a sending domain): deleted or replaced, SparkPost fails that mail; no link is involved.
    SENDING = "sending"


@dataclass(frozen=True)
class Serving:
    """The declaration of one resource type in one way of serving."""

    type: str
    link: Link
    carries: Carries
    requirements: tuple[Requirement, ...] = ()
    #: For types that also play another part (a DNS record is the host's, or a certificate's validation record):
    #: whether these inputs are this part's. None: always.
    applies: Callable[[Inputs, Chain], bool] | None = None
    #: The names this resource serves the domain at, from its outputs (a distribution's ``domainName``).
    serves_at: Callable[[Inputs], set[str]] | None = None
    #: Certificates this resource is, from its outputs, when its inputs cover the domain.
    certificate_ids: Callable[[Inputs, Inputs, str], set[str]] | None = None
    #: Outside a component, the input that names the tracking domain it belongs to (``domain`` for the
    #: SparkPost domain itself, ``tracking_domain`` for an association).
    domain_input: str | None = None
    #: The SparkPost tracking domain itself: it names the chain's domain, region and account.
    is_tracking_domain: bool = False

    def judge(self, inputs: Inputs, chain: Chain) -> Judgement:
        faults: list[Fault] = []
        unseen: list[tuple[Requirement, CannotSee]] = []
        for requirement in self.requirements:
            try:
                why = requirement.check(inputs, chain)
            except CannotSee as exc:
                unseen.append((requirement, exc))
                continue
            if why:
                faults.append(Fault(requirement, why))
        return Judgement(tuple(faults), tuple(unseen))

    def is_for(self, inputs: Inputs, chain: Chain | None) -> bool:
        if self.applies is None:
            return True
        if chain is None:
            return False
        try:
            return self.applies(inputs, chain)
        except CannotSee:
            return True  # cannot tell which part it plays: judged as the one that serves


@dataclass(frozen=True)
class Way:
    """One way of serving a tracking domain: the stack program's ``cdn`` name and what it declares."""

    name: str
    #: The component's class name (its type token is ``sparkpost-tracking:index:<component>``).
    component: str
    resources: tuple[Serving, ...]
    #: Components whose resources every domain of this way may share (CloudFront's policies): a change to one is
    #: judged under each domain that uses it.
    shared_components: tuple[str, ...] = ()
    #: Where the host's record points when the way fixes it (managed HTTPS: the region's V2 host).
    host_target: Callable[[str], str] | None = None
    #: Public DNS shows the CDN's own addresses, never the CNAME to the target (Cloudflare's proxied record).
    proxied_dns: bool = False
    #: The CDN replaces SparkPost's ``server: msys-http`` with its own, so its absence proves nothing.
    rewrites_server: bool = False
    #: SparkPost serves the host itself with its managed certificate: a plain CNAME to the region's V2 host, and
    #: CAA records that allow Let's Encrypt.
    managed_certificate: bool = False


@dataclass(frozen=True)
class Declarations:
    """Every declaration, by way and by resource type."""

    ways: Mapping[str, Way]
    #: Resources of the DNS strategies and of the SparkPost side: part of every way.
    common: tuple[Serving, ...]
    by_type: Mapping[str, tuple[Serving, ...]] = field(default_factory=dict)

    def for_type(self, type_: str) -> tuple[Serving, ...]:
        return self.by_type.get(type_, ())

    def way_of_component(self, type_: str) -> Way | None:
        """The way a component of this type serves by (``sparkpost-tracking:index:<component>``)."""
        package, _, name = type_.rpartition(":")
        if not package.startswith(f"{PACKAGE}:"):
            return None
        return next((w for w in self.ways.values() if w.component == name), None)

    def way_sharing(self, type_: str) -> Way | None:
        """The way whose domains share the resources of a component of this type."""
        package, _, name = type_.rpartition(":")
        if not package.startswith(f"{PACKAGE}:"):
            return None
        return next((w for w in self.ways.values() if name in w.shared_components), None)

    def serving(self, type_: str, way: Way | None, inputs: Inputs, chain: Chain | None) -> Serving | None:
        """The declaration that judges a resource of ``type_`` with these inputs: the way's own first, then those
        every way shares (the DNS strategies', SparkPost's), the first whose part these inputs play."""
        own = [s for s in way.resources if s.type == type_] if way else []
        pool = own or [s for s in self.common if s.type == type_] or (
            [] if way else list(self.for_type(type_)))
        return next((s for s in pool if s.is_for(inputs, chain)), pool[0] if pool else None)


#: The modules that declare a way of serving, beside their component (``components/<name>_serving.py``).
WAY_MODULES: Final[tuple[str, ...]] = ("managed", "cloudfront", "cloudflare", "fastly")
COMMON_MODULES: Final[tuple[str, ...]] = ("sparkpost", "dns")


@functools.cache
def declarations() -> Declarations:
    """Every way of serving, read from the modules beside the components (no provider SDK is imported)."""
    package = __name__.rsplit(".", 1)[0]
    ways = {}
    for name in WAY_MODULES:
        way: Way = importlib.import_module(f"{package}.{name}_serving").WAY
        ways[way.name] = way
    common = tuple(s for name in COMMON_MODULES
                   for s in importlib.import_module(f"{package}.{name}_serving").RESOURCES)
    by_type: dict[str, list[Serving]] = {}
    for serving in [*(s for w in ways.values() for s in w.resources), *common]:
        by_type.setdefault(serving.type, []).append(serving)
    return Declarations(ways, common, {t: tuple(s) for t, s in by_type.items()})

