"""Django REST framework authentication with user + token pairs (extra ``drf``).

Add ``"tokenapi.contrib.rest_framework.TokenAuthentication"`` to
``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``. It reads the same
credential sources as ``token_required`` and checks them with the same backend.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.views.decorators.debug import sensitive_variables
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from tokenapi import errors
from tokenapi.backends import authenticate_token
from tokenapi.credentials import parse_credentials
from tokenapi.errors import RequestError
from tokenapi.http import WWW_AUTHENTICATE

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class TokenAuthentication(BaseAuthentication):
    """Authenticate a request by its user id + token; ``request.auth`` is the token.

    No credentials, or an ``Authorization`` header of another scheme (``null``,
    ``Bearer``): ``None``, so that the next class (e.g. session authentication)
    may try. A malformed Basic header or body: ``ParseError`` (400). A pair
    that does not authenticate: ``AuthenticationFailed`` (401 with
    ``WWW-Authenticate`` when this class is the first one configured). The
    response varies on ``Authorization`` whatever the outcome, so that no
    cache serves one caller's answer to another.
    """

    @sensitive_variables()  # the token, in this frame and below
    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, str] | None:
        _vary_on_authorization(request)
        # The Django request: its POST and body are read the way token_required
        # reads them, and DRF parses request.data from what they leave cached.
        django_request = request._request
        try:
            credentials = parse_credentials(django_request, other_schemes_are_errors=False)
        except RequestError as exc:
            raise exceptions.ParseError(exc.error.message) from None
        if credentials is None:
            return None
        user_id, token = credentials
        # On the Django request, so that lockout tools see the failure on the
        # request their middleware answers.
        user = authenticate_token(django_request, user_id, token)
        if user is None:
            raise exceptions.AuthenticationFailed(errors.VIEW_PAIR_REFUSED.message)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return WWW_AUTHENTICATE


def _vary_on_authorization(request: Request) -> None:
    # APIView.finalize_response() copies view.headers onto the response, over any
    # Vary set before; adding to them is the one way an authentication class can.
    view = (request.parser_context or {}).get("view")
    headers = getattr(view, "headers", None)
    if not isinstance(headers, dict):
        return
    vary = [field for field in re.split(r"\s*,\s*", headers.get("Vary", "")) if field]
    if not any(field.lower() == "authorization" or field == "*" for field in vary):
        headers["Vary"] = ", ".join([*vary, "Authorization"])
