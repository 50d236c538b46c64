"""The emulated SparkPost API: routing and handlers for ``/api/v1/tracking-domains`` and ``/api/v1/sending-domains``,
plus fault injection and request recording around every call.

Per request: a matching *create* fault (someone else's domain appears as the request arrives); latency and
a matching *delay* fault; a matching *fail* fault, or a storm failure, answers at
once (even before authentication, like a rate limiter in front of the API) and changes nothing; otherwise
authentication, the ``X-MSYS-SUBACCOUNT`` header, routing, a matching *reject* fault (a documented
SparkPost error, nothing changed) or the handler; the request is recorded; finally a matching *drop* fault
or a storm drop closes the connection without sending the (committed) answer.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Response

from sparkpost_tracking.dynamic_providers.secrets import REDACTED

from . import errors
from .auth import KeyChecker
from .errors import ApiError
from .recording import RecordedRequest
from .sending import BOOL_FILTERS, ENUM_FILTERS, UPDATED, parse_create
from .state import EmulatorState
from .store import PRIMARY
from .validation import (
    SUBACCOUNT_HEADER,
    is_valid_domain,
    parse_bool_query,
    parse_id_list,
    parse_subaccount_header,
    require_bool,
)
from .wsgi import (
    JsonRequest,
    error_response,
    http_error_response,
    json_object,
    json_or_none,
    no_content,
    normalize_path,
    results,
)

API_PREFIX = "/api/v1"
_DOMAINS = f"{API_PREFIX}/tracking-domains"
_SENDING = f"{API_PREFIX}/sending-domains"
ROUTES = Map([
    Rule(_DOMAINS, methods=["GET"], endpoint="list"),
    Rule(_DOMAINS, methods=["POST"], endpoint="create"),
    Rule(f"{_DOMAINS}/<domain>", methods=["GET"], endpoint="retrieve"),
    Rule(f"{_DOMAINS}/<domain>", methods=["PUT"], endpoint="update"),
    Rule(f"{_DOMAINS}/<domain>", methods=["DELETE"], endpoint="delete"),
    Rule(f"{_DOMAINS}/<domain>/verify", methods=["POST"], endpoint="verify"),
    Rule(f"{_DOMAINS}/<domain>/certificate/check", methods=["POST"], endpoint="check_certificate"),
    Rule(f"{_DOMAINS}/<domain>/certificate/enable", methods=["POST"], endpoint="enable_certificate"),
    Rule(_SENDING, methods=["GET"], endpoint="list_sending"),
    Rule(_SENDING, methods=["POST"], endpoint="create_sending"),
    Rule(f"{_SENDING}/<domain>", methods=["GET"], endpoint="retrieve_sending"),
    Rule(f"{_SENDING}/<domain>", methods=["PUT"], endpoint="update_sending"),
    Rule(f"{_SENDING}/<domain>", methods=["DELETE"], endpoint="delete_sending"),
    Rule(f"{_SENDING}/<domain>/verify", methods=["POST"], endpoint="verify_sending"),
], merge_slashes=False, strict_slashes=False)

Handler = Callable[..., Response]


class ConnectionDropped(ConnectionAbortedError):
    """Raised after the socket was shut down on purpose; Werkzeug treats it as a dropped connection."""


def drop_connection(environ: dict[str, Any]) -> None:
    """Close the client connection without a response (needs Werkzeug's server, which exposes the socket)."""
    sock = environ.get("werkzeug.socket")
    if sock is None:
        raise RuntimeError("dropping a connection needs the werkzeug.socket environ key (Werkzeug's server)")
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionDropped("connection dropped after commit (injected fault)")


def without_private_keys(body: Any) -> Any:
    """A request body as the log keeps it: a DKIM private key (``dkim.private``) is a secret, so it shows as
    ``***`` (that one was sent stays visible)."""
    if isinstance(body, dict) and isinstance(body.get("dkim"), dict) and "private" in body["dkim"]:
        return {**body, "dkim": {**body["dkim"], "private": REDACTED}}
    return body


def _valid_name(domain: str) -> str:
    """GET, PUT and DELETE of a name that is no domain answer 400 naming the parameter (not 404)."""
    if not is_valid_domain(domain):
        raise errors.invalid_param("domain", errors.INVALID_DOMAIN, domain, status=400)
    return domain


def _write_scope(header: int | None) -> int:
    """PUT/DELETE/verify/certificate without the header act on the primary account."""
    return PRIMARY if header is None else header


class ApiApp:
    """WSGI application serving the tracking-domains API of one :class:`EmulatorState`."""

    def __init__(self, state: EmulatorState, api_keys: Iterable[str]) -> None:
        self.state = state
        self._keys = KeyChecker(api_keys)
        self._handlers: dict[str, Handler] = {
            "list": self._list,
            "create": self._create,
            "retrieve": self._retrieve,
            "update": self._update,
            "delete": self._delete,
            "verify": self._verify,
            "check_certificate": self._check_certificate,
            "enable_certificate": self._enable_certificate,
            "list_sending": self._list_sending,
            "create_sending": self._create_sending,
            "retrieve_sending": self._retrieve_sending,
            "update_sending": self._update_sending,
            "delete_sending": self._delete_sending,
            "verify_sending": self._verify_sending,
        }

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        received_at = time.time()
        request = JsonRequest(environ)
        method, path = request.method, normalize_path(request.path)
        faults = self.state.faults
        self.state.log.enter()
        try:
            self._arrive(method, path)
            faults.sleep(faults.latency)
            delay = faults.take("delay", method, path)
            if delay is not None:
                faults.hold(delay)
            return self._answer(environ, start_response, request, received_at)
        finally:
            self.state.log.leave()

    def _arrive(self, method: str, path: str) -> None:
        """A matching *create* fault: someone else's domain appears just as this request arrives."""
        racing = self.state.faults.take("create", method, path)
        if racing is not None and racing.domain is not None:
            adders: dict[str, Callable[..., Any]] = {"tracking-domains": self.state.store.add,
                                                     "sending-domains": self.state.sending.add}
            add = adders[racing.collection]
            with contextlib.suppress(ValueError):  # the name exists already: their create would have failed
                add(racing.domain, subaccount_id=racing.subaccount_id, **(racing.fields or {}))

    def _answer(self, environ: dict[str, Any], start_response: Any, request: JsonRequest,
                received_at: float) -> Iterable[bytes]:
        method, path = request.method, normalize_path(request.path)
        faults = self.state.faults
        failure = faults.take("fail", method, path)
        storm = faults.blow() if failure is None else None
        status: int | None = None
        if failure is not None:
            status = failure.status or 500
        elif storm is not None and storm[0] == "fail":
            status = storm[1]
        dropped = False
        if status is not None:
            said = failure.message if failure is not None and failure.message else None
            response = error_response(ApiError(status, said or HTTP_STATUS_CODES.get(status, "Error")))
            if failure is not None and failure.retry_after is not None:
                response.headers["Retry-After"] = str(failure.retry_after)
        else:
            response = self._dispatch(request, method, path)
            storm_drop = storm is not None and storm[0] == "drop"
            dropped = storm_drop or faults.take("drop", method, path) is not None
        self.state.log.append(RecordedRequest(
            method=method,
            path=path,
            query=request.args.to_dict(),
            subaccount=request.headers.get(SUBACCOUNT_HEADER),
            body=without_private_keys(json_or_none(request)),
            status=response.status_code,
            dropped=dropped,
            injected=status is not None,
            received_at=received_at,
        ))
        if dropped:
            drop_connection(environ)
        return response(environ, start_response)

    def _dispatch(self, request: JsonRequest, method: str, path: str) -> Response:
        try:
            if not self._keys.authorized(request.headers.get("Authorization")):
                raise ApiError(401, errors.UNAUTHORIZED)
            header = parse_subaccount_header(request.headers.get(SUBACCOUNT_HEADER))
            endpoint, args = ROUTES.bind("emulator").match(path, method)
            rejection = self.state.faults.take("reject", method, path)
            if rejection is not None:
                documented = errors.DOCUMENTED_ERRORS[str(rejection.error)]
                body = json_or_none(request)
                raise documented.api_error(body.get(documented.param)
                                           if documented.param and isinstance(body, dict) else None)
            return self._handlers[str(endpoint)](request, header, **args)
        except ApiError as exc:
            return error_response(exc)
        except HTTPException as exc:
            return http_error_response(exc)

    # ---- handlers: (request, subaccount header or None, **path args) -> Response ----------------

    def _list(self, request: JsonRequest, header: int | None) -> Response:
        default = parse_bool_query("default", request.args.get("default"))
        subaccounts = parse_id_list("subaccounts", request.args.get("subaccounts"))
        return results(self.state.store.list_domains(viewer=header, default=default, subaccounts=subaccounts))

    def _create(self, request: JsonRequest, header: int | None) -> Response:
        # Only `domain` and `secure` are read: `default`, `port` and `subaccount_id` in the body are
        # ignored; the subaccount comes from the header alone.
        body = json_object(request)
        domain = body.get("domain")
        if not isinstance(domain, str) or not is_valid_domain(domain):
            raise errors.invalid_param("domain", errors.INVALID_DOMAIN, domain)
        secure = require_bool("secure", body.get("secure", False))
        name = self.state.store.create(domain, secure=secure, scope=_write_scope(header))
        return results({"domain": name})

    def _retrieve(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        return results(self.state.store.retrieve(_valid_name(domain), viewer=header))

    def _update(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        _valid_name(domain)
        body = json_object(request)
        secure = require_bool("secure", body["secure"]) if "secure" in body else None
        default = require_bool("default", body["default"]) if "default" in body else None
        name = self.state.store.update(domain, scope=_write_scope(header), secure=secure, default=default)
        return results({"domain": name})

    def _delete(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        self.state.store.delete(_valid_name(domain), scope=_write_scope(header))
        self.state.sending.forget_tracking_domain(domain)
        return no_content()

    def _verify(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        return results(self.state.store.verify(domain, scope=_write_scope(header)))

    def _check_certificate(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        return results(self.state.store.check_certificate(domain, scope=_write_scope(header)))

    def _enable_certificate(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        message = self.state.store.enable_certificate(domain, scope=_write_scope(header))
        return results({"message": message})

    def _list_sending(self, request: JsonRequest, header: int | None) -> Response:
        filters: dict[str, Any] = {}
        for name in BOOL_FILTERS:
            flag = parse_bool_query(name, request.args.get(name))
            if flag is not None:
                filters[name] = flag
        for name, allowed in ENUM_FILTERS.items():
            value = request.args.get(name)
            if value is not None:
                if value not in allowed:
                    raise errors.bad_request(f"{name} must be one of {', '.join(allowed)}", param=name, value=value)
                filters[name] = value
        return results(self.state.sending.list_domains(viewer=header, filters=filters))

    def _create_sending(self, request: JsonRequest, header: int | None) -> Response:
        # The subaccount comes from the header alone, as for tracking domains.
        created = parse_create(json_object(request))
        return results(self.state.sending.create(created, scope=_write_scope(header)))

    def _retrieve_sending(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        return results(self.state.sending.retrieve(domain, viewer=header))

    def _update_sending(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        name = self.state.sending.update(domain, json_object(request), scope=_write_scope(header))
        return results({"message": UPDATED, "domain": name})

    def _delete_sending(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        self.state.sending.delete(domain, scope=_write_scope(header))
        return no_content()

    def _verify_sending(self, request: JsonRequest, header: int | None, domain: str) -> Response:
        return results(self.state.sending.verify(domain, json_object(request), scope=_write_scope(header)))
