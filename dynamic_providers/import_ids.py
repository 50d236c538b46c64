"""Import ids: ``<domain>[,<subaccount id>]``, the form the Terraform provider uses (``Service.read`` parses them,
so every path that imports by id takes them; today that is the plugin's, since a dynamic resource cannot be
imported).

A tracking domain (or a sending domain, for an association) of a subaccount is reached only with that
subaccount's ``X-MSYS-SUBACCOUNT`` header, so the id carries the subaccount after a comma:
``pulumi import sparkpost-tracking:index:TrackingDomain click track.example.com,12``. Without it the domain must
belong to the primary account: SparkPost's header-less GET shows every scope's domain, so an import without
the subaccount checks the owner and says which id to give instead of adopting the domain into the wrong scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from . import errors
from .validation import InvalidInput, validate_domain, validate_hostname, validate_subaccount_id

if TYPE_CHECKING:
    from .client import SparkPostClient
    from .service import Service

SEPARATOR: Final[str] = ","
#: How each resource's id names its object (keyed by the schema's id property): the validator of the name, and
#: the read that shows the object with its owner (``subaccount_id``) when the client sends no subaccount header.
_OBJECTS: Final[dict[str, tuple[Callable[[Any, str], str], Callable[[SparkPostClient, str], dict[str, Any]]]]] = {
    "domain": (validate_domain, lambda client, name: client.get_domain(name)),
    "sending_domain": (validate_hostname, lambda client, name: client.get_sending_domain(name)),
}


class ImportIdError(errors.UserError, ValueError):
    """An import id that names no object the way SparkPost needs it; the message gives the id to use."""


@dataclass(frozen=True)
class ImportId:
    """One parsed id: the object's lower-cased name, and its subaccount (None: the primary account)."""

    name: str
    subaccount_id: int | None = None
    #: The property that holds the name (``domain``, or ``sending_domain`` for an association).
    id_key: str = "domain"
    #: What kind of object the name is, when the id key does not say (a sending domain's is ``domain`` too).
    kind: str = ""

    @classmethod
    def parse(cls, value: str, id_key: str = "domain", kind: str = "") -> ImportId:
        """``track.example.com`` or ``track.example.com,12``; ``ValueError`` says what a good id looks like."""
        validate_name = _OBJECTS[kind or id_key][0]
        name, comma, sub = value.strip().partition(SEPARATOR)
        example = "track.example.com,12" if (kind or id_key) == "domain" else "example.com,12"
        try:
            host = validate_name(name.strip(), id_key)
            if not comma:
                return cls(host, None, id_key, kind)
            if not sub.strip().isdigit():
                raise InvalidInput("subaccount_id", f"must be a whole number after the comma, got {sub!r}")
            # 0 is SparkPost's own name for the primary account (as a header), so it means no subaccount here too.
            number = int(sub)
            return cls(host, validate_subaccount_id(number) if number else None, id_key, kind)
        except InvalidInput as exc:
            raise ImportIdError(f"import id {value!r}: {exc}. Give <{id_key}>[,<subaccount id>], e.g. {example}, or "
                             f"just the name for the primary account") from None

    @staticmethod
    def name_of(resource_id: str) -> str:
        """The object's name in a resource id of state (an import id keeps its subaccount after the comma). Not
        validated: state holds what an earlier check or import accepted."""
        return resource_id.partition(SEPARATOR)[0].strip().lower()

    def __str__(self) -> str:
        return self.name if self.subaccount_id is None else f"{self.name}{SEPARATOR}{self.subaccount_id}"

    def state(self) -> dict[str, Any]:
        """The state an import starts from: the name, and the subaccount whose header reaches it."""
        return {self.id_key: self.name, **({} if self.subaccount_id is None else {"subaccount_id": self.subaccount_id})}


def check_owner(service: Service, inputs: dict[str, Any], target: ImportId) -> None:
    """Before importing ``target`` without a subaccount, make sure the primary account owns it (one GET).

    A subaccount's object is visible to the header-less read too; imported as the primary account's, every
    later write would go to the wrong scope. Nothing to check with a subaccount: its header scopes the read.
    """
    if target.subaccount_id is not None:
        return
    read = _OBJECTS[target.kind or target.id_key][1]
    try:
        with service.client({**inputs, "subaccount_id": None}) as client:
            owner = read(client, target.name).get("subaccount_id")
    except errors.NotFound:
        return  # the provider's own read reports it as not found
    if owner:
        raise ImportIdError(f"{target.name} belongs to SparkPost subaccount {owner}: import it with the id "
                         f"{ImportId(target.name, int(owner))} (<{target.id_key}>,<subaccount id>)")
