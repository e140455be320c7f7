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
from tokenapi.credentials import BODY_ERRORS, is_json, json_object_or_none, require_credentials
from tokenapi.errors import ApiError, RequestError
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


def _answer_request_errors(view: View) -> View:
    """Answer a :class:`RequestError` raised while serving the request with its error."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except RequestError as exc:
            return error_response(exc.error)

    return wrapper


def _token_response(user: AbstractBaseUser) -> HttpResponse:
    token_generator = get_token_backend().backend.token_generator
    token, expires = token_generator.make_token_with_expiry(user)
    return JsonResponse({"token": token, "user": user.pk, "expires": expires})


def read_login(request: HttpRequest) -> tuple[str, str]:
    """Return the ``username`` and ``password`` of a login, from a form or a JSON object.

    The login field is also accepted under the user model's ``USERNAME_FIELD``.
    Raise :class:`RequestError` for an unreadable body, values that are not
    text, or a missing field.
    """
    if is_json(request):
        fields = json_object_or_none(request)
        if fields is None:
            raise RequestError(errors.MALFORMED_JSON)
    else:
        try:
            fields = request.POST.dict()
        except BODY_ERRORS:
            raise RequestError(errors.MALFORMED_BODY) from None
    username = fields.get("username")
    if username is None:
        username = fields.get(get_user_model().USERNAME_FIELD)
    password = fields.get("password")
    for value in (username, password):
        # NUL: PostgreSQL cannot even compare it, Django's login form refuses it too.
        if value is not None and (not isinstance(value, str) or not is_storable_text(value)):
            raise RequestError(errors.MALFORMED_LOGIN)
    if not (username and password):
        raise RequestError(errors.MISSING_LOGIN)
    return username, password


def _authenticated_user(request: HttpRequest) -> AbstractBaseUser:
    user = authenticate_token(request, *require_credentials(request))
    if user is None:
        raise RequestError(errors.ENDPOINT_PAIR_REFUSED)
    return user


@csrf_exempt
@sensitive_post_parameters("password")
@_allow_methods(("POST",), errors.POST_REQUIRED)
@_answer_request_errors
def token_new(request: HttpRequest) -> HttpResponse:
    """Log in with ``username`` and ``password`` (form fields or JSON) for a new token."""
    username, password = read_login(request)
    # With the request, so that request-aware backends and lockout tools see it.
    user = authenticate(request, username=username, password=password)
    if user is None or not getattr(user, "is_active", True):
        raise RequestError(errors.LOGIN_FAILED)
    return _token_response(user)


@csrf_exempt
@_allow_methods(("GET", "HEAD", "POST"), errors.GET_OR_POST_REQUIRED)
def token_check(request: HttpRequest, token: str, user: str) -> HttpResponse:
    """Check the token and user given in the URL (the 2.x route)."""
    if authenticate_token(request, user, token) is None:
        return error_response(errors.PATH_PAIR_REFUSED)
    return JsonResponse({})


# The 2.x name of the view, for sites whose URLconf imports it.
token = token_check


@csrf_exempt
@_allow_methods(("POST",), errors.POST_REQUIRED)
@_answer_request_errors
def token_verify(request: HttpRequest) -> HttpResponse:
    """Check a user + token pair sent like any API call, keeping the token out of URLs."""
    _authenticated_user(request)
    return JsonResponse({})


@csrf_exempt
@_allow_methods(("POST",), errors.POST_REQUIRED)
@_answer_request_errors
def token_refresh(request: HttpRequest) -> HttpResponse:
    """Trade a valid user + token pair for a new token with a new lifetime."""
    return _token_response(_authenticated_user(request))
