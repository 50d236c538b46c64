"""Werkzeug helpers shared by the API and the admin API: JSON in, JSON out, path normalisation."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from . import errors
from .errors import ApiError

MAX_BODY_BYTES = 1024 * 1024


class JsonRequest(Request):
    """A request whose body is small JSON; anything larger than 1 MiB is a 413."""

    max_content_length = MAX_BODY_BYTES


def normalize_path(path: str) -> str:
    """Trailing slashes are ignored."""
    return path.rstrip("/") or "/"


def json_response(status: int, payload: Any) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def results(payload: Any, status: int = 200) -> Response:
    """SparkPost's success envelope ``{"results": ...}``."""
    return json_response(status, {"results": payload})


def no_content() -> Response:
    return Response(status=204)


def error_response(error: ApiError) -> Response:
    return json_response(error.status, error.body)


def http_error_response(exc: HTTPException) -> Response:
    """Werkzeug's routing/size errors in SparkPost's ``{"errors": [...]}`` shape."""
    if isinstance(exc, NotFound):
        return error_response(errors.not_found())
    status = exc.code or 500
    response = error_response(ApiError(status, exc.name))
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def body_bytes(request: Request) -> bytes:
    """The raw body (raises werkzeug's ``RequestEntityTooLarge`` past the size limit)."""
    return request.get_data(cache=True)


def json_or_none(request: Request) -> Any:
    """The parsed JSON body, or ``None`` when empty, too large or not JSON (for the request log)."""
    try:
        raw = body_bytes(request)
    except HTTPException:
        return None
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object: ``{}`` when empty, 400 when malformed or not an object."""
    raw = body_bytes(request)
    if not raw.strip():
        return {}
    try:
        payload = json.loads(raw)
    except ValueError:
        raise errors.bad_request("Request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise errors.bad_request("Request body must be a JSON object")
    return payload
