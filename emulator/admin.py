"""The admin API under ``/_emulator/``: control and inspect a running emulator from another process.

No authentication (the emulator only listens on loopback, and the admin API refuses other peers);
admin requests are not recorded and get no latency or faults. Bodies and answers are JSON; success
is ``{"results": ...}`` (or 204), failure ``{"errors": [{"message": ...}]}``.

==========================================  =====================================================
``GET    /_emulator``                        base URL and settings (a readiness probe)
``GET    /_emulator/requests``               the request log (``RecordedRequest`` fields)
``DELETE /_emulator/requests``               clear the log
``GET    /_emulator/domains``                every stored domain (API GET shape)
``POST   /_emulator/domains``                add one out of band: ``{"domain", "subaccount_id"?, fields...}``
``GET    /_emulator/domains/{d}``            one stored domain, or 404
``PATCH  /_emulator/domains/{d}``            out-of-band change: the fields of ``Emulator.mutate``
``DELETE /_emulator/domains/{d}``            out-of-band deletion
``PUT    /_emulator/verification/{d}``       ``{"outcome": "valid"|"pending"|"fail"}``
``PUT    /_emulator/certificate/{d}``        ``{"eligibility": "eligible"|"ineligible"|"forbidden"}``
``GET    /_emulator/faults``                 ``{"faults": [...], "latency": s}``
``POST   /_emulator/faults``                 ``{"kind": K, ...}``, K one of ``fail_next``, ``delay_next``,
                                             ``drop_after_commit`` (with the keyword arguments of the
                                             Python method: ``n``, ``status``, ``seconds``, ``method``,
                                             ``path_suffix``) or ``latency`` (with ``seconds``)
``DELETE /_emulator/faults``                 forget pending faults, latency back to 0
``GET    /_emulator/settings``               the settings of ``state.SETTINGS``
``PUT    /_emulator/settings``               change some of them
``POST   /_emulator/reset``                  empty state, faults and log; default settings
==========================================  =====================================================
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Response

from .errors import ApiError
from .faults import FaultPlan
from .state import EmulatorState
from .wsgi import (
    JsonRequest,
    error_response,
    http_error_response,
    json_object,
    no_content,
    normalize_path,
    results,
)

ADMIN_PREFIX = "/_emulator"
ROUTES = Map([
    Rule("/", methods=["GET"], endpoint="info"),
    Rule("/requests", methods=["GET"], endpoint="requests"),
    Rule("/requests", methods=["DELETE"], endpoint="clear_requests"),
    Rule("/domains", methods=["GET"], endpoint="domains"),
    Rule("/domains", methods=["POST"], endpoint="add_domain"),
    Rule("/domains/<domain>", methods=["GET"], endpoint="domain"),
    Rule("/domains/<domain>", methods=["PATCH"], endpoint="mutate"),
    Rule("/domains/<domain>", methods=["DELETE"], endpoint="remove"),
    Rule("/verification/<domain>", methods=["PUT"], endpoint="verification"),
    Rule("/certificate/<domain>", methods=["PUT"], endpoint="certificate"),
    Rule("/faults", methods=["GET"], endpoint="faults"),
    Rule("/faults", methods=["POST"], endpoint="add_fault"),
    Rule("/faults", methods=["DELETE"], endpoint="clear_faults"),
    Rule("/settings", methods=["GET"], endpoint="settings"),
    Rule("/settings", methods=["PUT"], endpoint="update_settings"),
    Rule("/reset", methods=["POST"], endpoint="reset"),
], merge_slashes=False, strict_slashes=False)

FAULT_KINDS: dict[str, Callable[..., None]] = {
    "fail_next": FaultPlan.fail_next,
    "delay_next": FaultPlan.delay_next,
    "drop_after_commit": FaultPlan.drop_after_commit,
}


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def _invalid(exc: Exception) -> ApiError:
    return ApiError(400, str(exc).strip("'\""))


class AdminApp:
    """WSGI application for the admin API; mount it at :data:`ADMIN_PREFIX`."""

    def __init__(self, state: EmulatorState, base_url: Callable[[], str]) -> None:
        self.state = state
        self._base_url = base_url

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = JsonRequest(environ)
        try:
            if not _is_loopback(request.remote_addr):
                raise ApiError(403, "the admin API only answers loopback clients")
            endpoint, args = ROUTES.bind("emulator").match(normalize_path(request.path), request.method)
            response = getattr(self, f"_{endpoint}")(request, **args)
        except ApiError as exc:
            response = error_response(exc)
        except HTTPException as exc:
            response = http_error_response(exc)
        except (ValueError, TypeError) as exc:
            response = error_response(_invalid(exc))
        except KeyError:
            response = error_response(ApiError(404, "resource not found"))
        return response(environ, start_response)

    def _info(self, request: JsonRequest) -> Response:
        return results({"base_url": self._base_url(), "settings": self.state.settings()})

    def _requests(self, request: JsonRequest) -> Response:
        return results([record.to_json() for record in self.state.log.snapshot()])

    def _clear_requests(self, request: JsonRequest) -> Response:
        self.state.log.clear()
        return no_content()

    def _domains(self, request: JsonRequest) -> Response:
        return results(self.state.store.snapshot())

    def _add_domain(self, request: JsonRequest) -> Response:
        fields = json_object(request)
        domain = fields.pop("domain", None)
        if not isinstance(domain, str):
            raise ApiError(400, "domain (a string) is required")
        return results(self.state.store.add(domain, **fields))

    def _domain(self, request: JsonRequest, domain: str) -> Response:
        found = self.state.store.peek(domain)
        if found is None:
            raise KeyError(domain)
        return results(found)

    def _mutate(self, request: JsonRequest, domain: str) -> Response:
        return results(self.state.store.mutate(domain, **json_object(request)))

    def _remove(self, request: JsonRequest, domain: str) -> Response:
        if not self.state.store.remove(domain):
            raise KeyError(domain)
        return no_content()

    def _verification(self, request: JsonRequest, domain: str) -> Response:
        self.state.store.set_verification(domain, json_object(request).get("outcome"))  # type: ignore[arg-type]
        return no_content()

    def _certificate(self, request: JsonRequest, domain: str) -> Response:
        eligibility = json_object(request).get("eligibility")
        self.state.store.set_certificate_eligibility(domain, eligibility)  # type: ignore[arg-type]
        return no_content()

    def _faults(self, request: JsonRequest) -> Response:
        faults = self.state.faults
        return results({"faults": [fault.to_json() for fault in faults.pending()], "latency": faults.latency})

    def _add_fault(self, request: JsonRequest) -> Response:
        spec = json_object(request)
        kind = spec.pop("kind", None)
        if kind == "latency":
            self.state.faults.latency = spec.get("seconds", 0.0)
        elif isinstance(kind, str) and kind in FAULT_KINDS:
            FAULT_KINDS[kind](self.state.faults, **spec)
        else:
            raise ApiError(400, f"kind must be one of latency, {', '.join(FAULT_KINDS)}")
        return self._faults(request)

    def _clear_faults(self, request: JsonRequest) -> Response:
        self.state.faults.clear()
        return no_content()

    def _settings(self, request: JsonRequest) -> Response:
        return results(self.state.settings())

    def _update_settings(self, request: JsonRequest) -> Response:
        return results(self.state.update_settings(json_object(request)))

    def _reset(self, request: JsonRequest) -> Response:
        self.state.reset()
        return no_content()
