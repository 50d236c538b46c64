"""Resource names of an import: derived from the domain alone, so a second run (or another stack's run over another
part of the account) names the same object the same way.

A domain is lower-case letters, digits, hyphens and dots, so writing each dot as ``_`` is one-to-one and valid in
every Pulumi language's generated code. An association adds ``__association``, a sending domain ``__sending_domain``
(a domain never has two dots in a row, so no tracking domain's name can end either way).
"""

from __future__ import annotations

from typing import Final

ASSOCIATION_SUFFIX: Final[str] = "__association"
SENDING_DOMAIN_SUFFIX: Final[str] = "__sending_domain"


def domain_name(domain: str) -> str:
    return domain.lower().replace(".", "_")


def association_name(sending_domain: str) -> str:
    return domain_name(sending_domain) + ASSOCIATION_SUFFIX


def sending_domain_name(sending_domain: str) -> str:
    return domain_name(sending_domain) + SENDING_DOMAIN_SUFFIX
