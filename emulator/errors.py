"""SparkPost's error responses: one exception type and the exact messages SparkPost documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Messages as SparkPost's API reference words them, so tests and clients can match them.
NOT_FOUND = "resource not found"
UNAUTHORIZED = "Unauthorized."
ALREADY_EXISTS = "The tracking domain already exists"
INVALID_DOMAIN = "domain must be valid"
MUST_BE_VERIFIED_FOR_CERTIFICATE = "Domain must be verified before enabling managed certificates"
CHECK_NOT_ELIGIBLE = "Domain is not eligible for managed certificates due to Let's Encrypt policies"
ENABLE_NOT_ELIGIBLE = "Managed certificates cannot be issued for this domain due to Let's Encrypt policies"
DNS_BLACKLIST = "domain is on a DNS blacklist"
ELIGIBILITY_CHECK_FAILED = "Certificate eligibility check failed"
# The reference quotes the 503s only as "...timed out"; this completes the sentence.
ELIGIBILITY_CHECK_TIMED_OUT = "Certificate eligibility check timed out"



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


def coded(status: int, message: str, description: str, code: str) -> ApiError:
    """An error in the ``message``/``description``/``code`` shape of the sending-domains reference."""
    error = ApiError(status, message)
    error.errors[0].update(description=description, code=code)
    return error


# ---- sending domains: the documented answers, and the emulator's choices in the same shape ----------------------

def sending_not_found(domain: str) -> ApiError:
    """The documented 404 of a sending domain (code 1600)."""
    return coded(404, NOT_FOUND, f"Domain '{domain}' does not exist", "1600")


def sending_conflict(domain: str) -> ApiError:
    """A create of a name the account holds already. Undocumented for sending domains: the API's 409 for a
    duplicate (code 1602, as its inbound domains answer it)."""
    return coded(409, "resource conflict", f"Domain '{domain}' already exists", "1602")


def invalid_params(description: str, code: str = "1200") -> ApiError:
    """400 "invalid params": documented with code 1200 (tracking domain) and 1300 (DKIM keys); other uses are the
    emulator's choice of the same shape."""
    return coded(400, "invalid params", description, code)


def dkim_not_verified(domain: str, reason: str) -> ApiError:
    """The documented 400 (code 1404) of a ``PUT`` whose new DKIM key does not verify against DNS."""
    return coded(400, "request to remote endpoint failed", f"Unable to verify DKIM record of {domain}. {reason}",
                 "1404")


def missing_field(description: str) -> ApiError:
    """422 "required field is missing" (code 1400), the API's answer for an absent required field."""
    return coded(422, "required field is missing", description, "1400")


DOMAIN_IN_USE = ("Domain in use by another account",
                 "Please contact SparkPost support to check about this org-domain availability.", "7004")
RESTRICTED_DOMAIN = ("Restricted domain",
                     "Please contact SparkPost support to get this domain authorized for your account.", "7000")


def domain_in_use() -> ApiError:
    """The documented 400 (code 7004) of a create whose domain (or a parent or subdomain) another account holds."""
    return coded(400, *DOMAIN_IN_USE)


def invalid_param(param: str, message: str, value: Any, status: int = 422) -> ApiError:
    """A validation error in the ``param``/``message``/``value`` shape (422 for a body, 400 for a path)."""
    return ApiError(status, message, param=param, value=value)


def bad_request(message: str, *, param: str | None = None, value: Any = None) -> ApiError:
    return ApiError(400, message, param=param, value=value)


@dataclass(frozen=True)
class DocumentedError:
    """An error SparkPost documents for one endpoint, which the emulator answers only when injected."""

    status: int
    message: str
    method: str
    path_suffix: str
    param: str | None = None  # the failing body field; its value is taken from the request
    description: str | None = None
    code: str | None = None

    def api_error(self, value: Any = None) -> ApiError:
        error = ApiError(self.status, self.message, param=self.param, value=value)
        if self.code is not None:
            error.errors[0].update(description=self.description, code=self.code)
        return error


#: Name -> the documented error ``reject_next`` injects.
DOCUMENTED_ERRORS: dict[str, DocumentedError] = {
    "dns_blacklist": DocumentedError(400, DNS_BLACKLIST, "POST", "/tracking-domains", param="domain"),
    "eligibility_check_failed": DocumentedError(400, ELIGIBILITY_CHECK_FAILED, "POST", "/certificate/check"),
    "check_timed_out": DocumentedError(503, ELIGIBILITY_CHECK_TIMED_OUT, "POST", "/certificate/check"),
    "enable_timed_out": DocumentedError(503, ELIGIBILITY_CHECK_TIMED_OUT, "POST", "/certificate/enable"),
    # The compliance blocks of a sending domain's create (400 with a code and a reason).
    "restricted_domain": DocumentedError(400, RESTRICTED_DOMAIN[0], "POST", "/sending-domains",
                                         description=RESTRICTED_DOMAIN[1], code=RESTRICTED_DOMAIN[2]),
    "domain_in_use": DocumentedError(400, DOMAIN_IN_USE[0], "POST", "/sending-domains",
                                     description=DOMAIN_IN_USE[1], code=DOMAIN_IN_USE[2]),
}
