"""JSON responses in the shapes of django-tokenapi 2.x.

``{"success": true, ...}`` on success, ``{"success": false, "errors": "..."}`` on
failure. The PascalCase names are the 2.x API and stay for compatibility.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from tokenapi.errors import ApiError

# Matches the challenge token_required answers with, so clients know what to send.
WWW_AUTHENTICATE = 'Basic realm="api"'


def JsonResponse(data: Any, dump: bool = True, status: int = 200) -> HttpResponse:  # noqa: N802
    """Answer ``data`` as JSON; a mapping without ``errors`` gets ``"success": true``.

    The caller's mapping is copied, never changed. With ``dump=False``, ``data``
    is sent as it is (already-serialized JSON).
    """
    if isinstance(data, Mapping) and "errors" not in data:
        data = {**data, "success": True}
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder) if dump else data,
        content_type="application/json",
        status=status,
    )


def JsonError(error_string: str, status: int = 200) -> HttpResponse:  # noqa: N802
    """Answer ``{"success": false, "errors": error_string}``."""
    return JsonResponse({"success": False, "errors": error_string}, status=status)


def _json_error_with_status(status: int, name: str) -> Callable[[str], HttpResponse]:
    def json_error(error_string: str) -> HttpResponse:
        return JsonError(error_string, status=status)

    json_error.__name__ = json_error.__qualname__ = name
    json_error.__doc__ = f"Answer a JSON error with HTTP status {status}."
    return json_error


JsonResponseBadRequest = _json_error_with_status(400, "JsonResponseBadRequest")
JsonResponseUnauthorized = _json_error_with_status(401, "JsonResponseUnauthorized")
JsonResponseForbidden = _json_error_with_status(403, "JsonResponseForbidden")
JsonResponseNotFound = _json_error_with_status(404, "JsonResponseNotFound")
JsonResponseNotAllowed = _json_error_with_status(405, "JsonResponseNotAllowed")
JsonResponseNotAcceptable = _json_error_with_status(406, "JsonResponseNotAcceptable")


def error_response(error: ApiError) -> HttpResponse:
    """Answer one of the app's errors, with ``WWW-Authenticate`` where it asks for one."""
    response = JsonError(error.message, status=error.status)
    if error.challenge:
        response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response
