"""The token endpoints: log in for a token, check one, refresh one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth import authenticate, get_user_model
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from tokenapi import errors
from tokenapi.backends import authenticate_token, get_token_backend, is_storable_text
from tokenapi.credentials import RequestError, read_credentials, read_form
from tokenapi.errors import ApiError
from tokenapi.http import JsonResponse, error_response

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

View = Callable[..., HttpResponse]


def _allow_methods(methods: tuple[str, ...], error: ApiError) -> Callable[[View], View]:
    """Answer any other method with ``error`` (a 405) and an ``Allow`` header."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = error_response(error)
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _token_response(user: AbstractBaseUser) -> HttpResponse:
    token_generator = get_token_backend()[0].token_generator
    token, expires = token_generator.make_token_with_expiry(user)
    return JsonResponse({"token": token, "user": user.pk, "expires": expires})


@csrf_exempt
@sensitive_post_parameters("password")
@_allow_methods(("POST",), errors.POST_REQUIRED)
def token_new(request: HttpRequest) -> HttpResponse:
    """Log in with ``username`` and ``password`` (form fields or JSON) for a new token."""
    try:
        fields = read_form(request)
    except RequestError as exc:
        return error_response(exc.error)
    username = fields.get("username")
    if username is None:
        username = fields.get(get_user_model().USERNAME_FIELD)
    password = fields.get("password")
    for value in (username, password):
        # NUL: PostgreSQL cannot even compare it, Django's login form refuses it too.
        if value is not None and (not isinstance(value, str) or not is_storable_text(value)):
            return error_response(errors.MALFORMED_LOGIN)
    if not (username and password):
        return error_response(errors.MISSING_LOGIN)
    # With the request, so that request-aware backends and lockout tools see it.
    user = authenticate(request, username=username, password=password)
    if user is None or not getattr(user, "is_active", True):
        return error_response(errors.LOGIN_FAILED)
    return _token_response(user)


@csrf_exempt
@_allow_methods(("GET", "HEAD", "POST"), errors.GET_OR_POST_REQUIRED)
def token(request: HttpRequest, token: str, user: str) -> HttpResponse:
    """Check the token and user given in the URL."""
    if authenticate_token(request, user, token) is None:
        return error_response(errors.TOKEN_MISMATCH)
    return JsonResponse({})


def _authenticated_user(request: HttpRequest) -> AbstractBaseUser | HttpResponse:
    credentials = read_credentials(request)
    if isinstance(credentials, HttpResponse):
        return credentials
    user = authenticate_token(request, *credentials)
    if user is None:
        return error_response(errors.TOKEN_MISMATCH, challenge=True)
    return user


@csrf_exempt
@_allow_methods(("POST",), errors.POST_REQUIRED)
def token_verify(request: HttpRequest) -> HttpResponse:
    """Check a user + token pair sent like any API call, keeping the token out of URLs."""
    user = _authenticated_user(request)
    if isinstance(user, HttpResponse):
        return user
    return JsonResponse({})


@csrf_exempt
@_allow_methods(("POST",), errors.POST_REQUIRED)
def token_refresh(request: HttpRequest) -> HttpResponse:
    """Trade a valid user + token pair for a new token with a new lifetime."""
    user = _authenticated_user(request)
    if isinstance(user, HttpResponse):
        return user
    return _token_response(user)
