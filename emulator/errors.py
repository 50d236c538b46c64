"""SparkPost's error responses: one exception type and the exact messages SparkPost documents."""

from __future__ import annotations

from typing import Any

# Messages as SparkPost's API reference words them, so tests and clients can match them.
NOT_FOUND = "resource not found"
UNAUTHORIZED = "Unauthorized."
ALREADY_EXISTS = "The tracking domain already exists"
INVALID_DOMAIN = "domain must be valid"
MUST_BE_VERIFIED_FOR_CERTIFICATE = "Domain must be verified before enabling managed certificates"
# SparkPost quotes the 403 only as "Domain is not eligible ... Let's Encrypt policies"; this fills the gap.
NOT_ELIGIBLE_FOR_CERTIFICATE = "Domain is not eligible for a managed certificate under Let's Encrypt policies"


def unverified_message(domain: str) -> str:
    """The 422 message for ``PUT {"default": true}`` on an unverified domain."""
    return f"Tracking domain '{domain}' unverified."


def verify_failed_message(domain: str, secure: bool) -> str:
    """The 400 message of a failed verification (note the two spaces after "failed.", as documented)."""
    target = f"https://{domain}:443" if secure else f"http://{domain}:80"
    return (f"HTTP request to {target} failed.  Please verify that your redirect is functioning "
            "and that your SSL certificate is valid.")


class ApiError(Exception):
    """An API failure: an HTTP status plus SparkPost's ``{"errors": [...]}`` list."""

    def __init__(self, status: int, message: str, *, param: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.status = status
        error: dict[str, Any] = {}
        if param is not None:
            error["param"] = param
        error["message"] = message
        if param is not None:
            error["value"] = value
        self.errors: list[dict[str, Any]] = [error]

    @property
    def body(self) -> dict[str, Any]:
        return {"errors": self.errors}


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND)


def invalid_param(param: str, message: str, value: Any) -> ApiError:
    """A 422 validation error in the ``param``/``message``/``value`` shape."""
    return ApiError(422, message, param=param, value=value)


def bad_request(message: str, *, param: str | None = None, value: Any = None) -> ApiError:
    return ApiError(400, message, param=param, value=value)
