"""The admin API under ``/_emulator``: the emulator's control surface (``control.Control``) over HTTP.

``GET /_emulator`` answers the base URL and settings (a readiness probe). ``POST /_emulator/<method>`` calls
that public method of ``Control`` with the JSON body as keyword arguments and answers ``{"results": ...}``
(records and faults in their ``to_json`` form); failures answer ``{"errors": [{"message": ...}]}``: 404 for an
unknown method or domain, 400 for bad arguments. There is no authentication: the emulator listens on loopback
only and the admin API refuses other peers. Admin calls are not recorded and get no latency or faults.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Response

from .control import METHODS, Control, invoke
from .errors import ApiError
from .wsgi import JsonRequest, error_response, http_error_response, json_object, normalize_path, results

ADMIN_PREFIX = "/_emulator"
ROUTES = Map([
    Rule("/", methods=["GET"], endpoint="info"),
    Rule("/<method>", methods=["POST"], endpoint="call"),
], merge_slashes=False, strict_slashes=False)


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def to_json(value: Any) -> Any:
    """A control method's result as JSON: dataclasses (records, faults) become objects."""
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


class AdminApp:
    """WSGI application for the admin API; mount it at :data:`ADMIN_PREFIX`."""

    def __init__(self, control: Control, base_url: Callable[[], str]) -> None:
        self.control = control
        self._base_url = base_url

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = JsonRequest(environ)
        try:
            if not _is_loopback(request.remote_addr):
                raise ApiError(403, "the admin API only answers loopback clients")
            endpoint, args = ROUTES.bind("emulator").match(normalize_path(request.path), request.method)
            if endpoint == "info":
                response = results({"base_url": self._base_url(), "settings": self.control.settings()})
            else:
                response = self._call(args["method"], json_object(request))
        except ApiError as exc:
            response = error_response(exc)
        except HTTPException as exc:
            response = http_error_response(exc)
        return response(environ, start_response)

    def _call(self, method: str, kwargs: dict[str, Any]) -> Response:
        if method not in METHODS:
            raise ApiError(404, f"no such control method {method!r}; known: {', '.join(sorted(METHODS))}")
        try:
            return results(to_json(invoke(self.control, method, kwargs)))
        except KeyError as exc:
            raise ApiError(404, f"resource not found: {exc.args[0] if exc.args else ''}") from None
        except (ValueError, TypeError) as exc:
            raise ApiError(400, str(exc).strip("'\"")) from None
