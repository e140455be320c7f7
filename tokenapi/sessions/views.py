"""The session endpoints: log out this device or another, everywhere, list the devices."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from tokenapi import errors
from tokenapi.backends import get_token_backend
from tokenapi.credentials import read_fields
from tokenapi.errors import RequestError
from tokenapi.http import JsonResponse
from tokenapi.sessions.models import (
    end_sessions,
    live_sessions,
    logout_everywhere,
    session_fields,
)
from tokenapi.tokens import MAX_SESSION_ID
from tokenapi.views import endpoint_user, token_endpoint


def _session_id(value: object) -> int | None:
    """A session id sent as a JSON number or as digits; ``None``: certainly nobody's."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise RequestError(errors.MALFORMED_SESSION)
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and len(value) <= 19):
            return None
        value = int(value)
    return value if 0 < value <= MAX_SESSION_ID else None


@token_endpoint(("POST",), errors.POST_REQUIRED)
def token_logout(request: HttpRequest) -> HttpResponse:
    """End the current session, or the user's own session named by ``session``."""
    user = endpoint_user(request)
    # From the body, else the query string: ignoring one there would end the wrong session.
    value = read_fields(request).get("session", request.GET.get("session"))
    if value is None:
        current = getattr(user, "tokenapi_session", None)
        if current is None:
            raise RequestError(errors.NO_CURRENT_SESSION)
        session_id: int | None = current.pk
    else:
        session_id = _session_id(value)
    # Another user's session and no session at all answer alike.
    if session_id is None or not end_sessions(user, [session_id]):
        raise RequestError(errors.SESSION_NOT_FOUND)
    return JsonResponse({})


@token_endpoint(("POST",), errors.POST_REQUIRED)
def token_logoutall(request: HttpRequest) -> HttpResponse:
    """End every token of the user: every session, and stateless and 2.x tokens."""
    logout_everywhere(endpoint_user(request))
    return JsonResponse({})


@token_endpoint(("POST",), errors.POST_REQUIRED)
def token_sessions(request: HttpRequest) -> HttpResponse:
    """List the user's live sessions (devices); never a key or a token."""
    user = endpoint_user(request)
    generator = get_token_backend().backend.token_generator
    current = getattr(user, "tokenapi_session", None)
    listed: list[dict[str, Any]] = [
        session_fields(session, generator, current) for session in live_sessions(user, generator)
    ]
    return JsonResponse({"sessions": listed})
