"""Typed errors for the SparkPost side. None of them ever carries the API key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class SparkPostTrackingError(Exception):
    """The root of every error this library raises. Both the Python dynamic provider and the plugin report it
    (and every subclass) as its message alone (``user_message``): our call stack says nothing a user can act on."""


def user_message(exc: BaseException) -> str:
    """What a user reads of one of our errors: its message, then each note added on the way up (what was left
    behind and how to recover it), one per line. Neither the class name nor a frame: they tell a user nothing."""
    return "\n".join([str(exc), *getattr(exc, "__notes__", ())])


class UserError(SparkPostTrackingError):
    """A mistake the user fixes (a bad input, a config value, a missing extra); the message says how."""


class ConfigurationError(UserError):
    """Something the user must set (a key, a config value) is missing or wrong."""


class SparkPostAPIError(SparkPostTrackingError):
    """SparkPost answered with an error status.

    ``errors`` is SparkPost's ``errors`` array as sent: dicts with ``message`` and optionally
    ``description``, ``param``, ``value`` and ``code`` (a string or a number).
    """

    def __init__(self, status: int, method: str, path: str, errors: Sequence[Mapping[str, Any]],
                 hint: str = "") -> None:
        self.status = status
        self.method = method
        self.path = path
        self.errors: list[dict[str, Any]] = [dict(e) for e in errors]
        message = f"SparkPost {method} {path} failed with HTTP {status}: {self.detail}"
        if hint:
            message += ("" if message.endswith(".") else ".") + " " + hint
        super().__init__(message)

    @property
    def detail(self) -> str:
        """SparkPost's own words: message and description joined, param/value named when present."""
        parts: list[str] = []
        for err in self.errors:
            text = " ".join(str(err[k]) for k in ("message", "description") if err.get(k))
            if err.get("param"):
                text += f" (param {err['param']!r}"
                text += f", value {err['value']!r})" if "value" in err else ")"
            if err.get("code") not in (None, ""):
                text += f" [code {err['code']}]"
            parts.append(text or "(no message)")
        return "; ".join(parts) or "(empty error body)"


class BadRequest(SparkPostAPIError):
    """400: the request was refused as malformed (also verify's 'HTTP request ... failed')."""


class Unauthorized(SparkPostAPIError):
    """401: the API key is wrong, revoked, or for the other region."""


class Forbidden(SparkPostAPIError):
    """403: the key lacks a grant, or (managed HTTPS) Let's Encrypt policy refuses the domain."""


class NotFound(SparkPostAPIError):
    """404: no such tracking domain in this account/subaccount."""


class Conflict(SparkPostAPIError):
    """409: the tracking domain already exists."""


class Unprocessable(SparkPostAPIError):
    """422: semantic validation failed (invalid domain, default on an unverified domain)."""


class RateLimited(SparkPostAPIError):
    """429 still returned after every retry allowed."""


class ServerError(SparkPostAPIError):
    """5xx still returned after every retry allowed."""


_BY_STATUS: dict[int, type[SparkPostAPIError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: Unprocessable,
    429: RateLimited,
}


def error_for_status(status: int, method: str, path: str, errors: Sequence[Mapping[str, Any]],
                     hint: str = "") -> SparkPostAPIError:
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else SparkPostAPIError)
    return cls(status, method, path, errors, hint)


class NotOurDomain(SparkPostTrackingError):
    """The name a create wanted exists, and nothing proves that this create made it: it was there before the
    create's read, it appeared after a read had shown the name free, or it reads back as no POST of ours makes it.

    ``found`` is SparkPost's object for it, when the create read it (``None``: not read).
    """

    def __init__(self, message: str, found: Mapping[str, Any] | None) -> None:
        super().__init__(message)
        self.found: dict[str, Any] | None = None if found is None else dict(found)


class NoLongerOurs(SparkPostTrackingError):
    """The object SparkPost shows under a name in state is not the one this stack last saw: the evidence says it
    was deleted and made again, or (an association) someone re-pointed it. Nothing is written to it until the user
    accepts it with the documented step."""


class OutcomeUnknown(SparkPostTrackingError):
    """A state-changing POST's answer was lost, and reading the state back failed too: it may have taken effect."""


class TransportError(SparkPostTrackingError):
    """The request could not be completed (connection refused or dropped, timeout) after retries."""


class Unreachable(TransportError):
    """SparkPost could not be reached at all (connection refused, DNS or TLS failure): nothing was sent."""


class VerificationFailed(SparkPostTrackingError):
    """SparkPost did not report the domain verified within the configured bound."""


class ManagedCertificateError(SparkPostTrackingError):
    """The SparkPost-managed certificate cannot be (or was not) issued."""
