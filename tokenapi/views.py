"""The token endpoints: log in for a token, check one, refresh one.

With ``tokenapi.sessions`` installed, a login opens a session and its tokens
are the session's; the session endpoints are in ``tokenapi.sessions.views``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.auth import authenticate, get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from tokenapi import errors, sessions
from tokenapi.backends import authenticate_token, get_token_backend, is_storable_text
from tokenapi.credentials import is_json, json_object_or_none, read_fields, read_form
from tokenapi.decorators import authenticate_request
from tokenapi.errors import ApiError, RequestError
from tokenapi.http import JsonResponse, error_response

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

View = Callable[..., HttpResponse]
# A login field without max_length: what django-axes can store of a failed login.
MAX_LOGIN_LENGTH = 255


def token_endpoint(methods: tuple[str, ...], method_error: ApiError) -> Callable[[View], View]:
    """Make ``view`` a token endpoint: CSRF-exempt, never cached, answering in JSON.

    Another method gets ``method_error`` (a 405) with ``Allow``; a
    :class:`RequestError` raised by the view is answered with its error. Every
    response says ``Cache-Control: no-store``: it carries or checks a token.
    """

    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = error_response(method_error)
                response["Allow"] = ", ".join(methods)
            else:
                try:
                    response = view(request, *args, **kwargs)
                except RequestError as exc:
                    response = error_response(exc.error)
            add_never_cache_headers(response)
            return response

        return endpoint

    return decorator


def issue_token(user: AbstractBaseUser, *, device: str = "", session: Any = None) -> dict[str, Any]:
    """A new token for ``user``: ``token``, ``user`` (the pk) and ``expires``, as answered.

    With ``tokenapi.sessions``, a token of ``session``, or of a new session
    for ``device`` when it is ``None``; its ``session`` id is added.
    """
    generator = get_token_backend().backend.token_generator
    if not sessions.is_enabled():
        token, expires = generator.make_token_with_expiry(user)
        return {"token": token, "user": user.pk, "expires": expires}
    from tokenapi.sessions.models import issue_session_token, open_session

    if session is None:
        session = open_session(user, device)
    token, expires = issue_session_token(generator, user, session)
    return {"token": token, "user": user.pk, "expires": expires, "session": session.pk}


class Login(NamedTuple):
    username: str
    password: str
    device: str
    """The label of the session a login opens (``tokenapi.sessions``), or ``""``."""


@sensitive_variables()
def read_login(request: HttpRequest) -> Login:
    """Return the ``username``, ``password`` and ``device`` of a login, from a form or JSON.

    The login field is also accepted under the user model's ``USERNAME_FIELD``.
    Raise :class:`RequestError` for an unreadable body, values that are not
    text, or a missing field.
    """
    fields = read_fields(request)
    username = fields.get("username")
    if username is None:
        username = fields.get(get_user_model().USERNAME_FIELD)
    username, password = _login_text(username), _login_text(fields.get("password"))
    if not (username and password):
        raise RequestError(errors.MISSING_LOGIN)
    if len(username) > _login_max_length():
        # Nobody's login, and longer than what lockout tools store of a failure.
        raise RequestError(errors.LOGIN_FAILED)
    return Login(username, password, _read_device(fields) if sessions.is_enabled() else "")


def _read_device(fields: dict[str, Any]) -> str:
    from tokenapi.sessions.models import MAX_DEVICE_LENGTH

    device = fields.get("device") or ""
    if not isinstance(device, str) or not is_storable_text(device):
        raise RequestError(errors.MALFORMED_DEVICE)
    if len(device) > MAX_DEVICE_LENGTH:
        raise RequestError(errors.MALFORMED_DEVICE)
    return device


def _login_max_length() -> int:
    user_model = get_user_model()
    field = user_model._meta.get_field(user_model.USERNAME_FIELD)
    return getattr(field, "max_length", None) or MAX_LOGIN_LENGTH


def _login_text(value: object) -> str | None:
    # NUL: PostgreSQL cannot even compare it, Django's login form refuses it too.
    if value is not None and (not isinstance(value, str) or not is_storable_text(value)):
        raise RequestError(errors.MALFORMED_LOGIN)
    return value


@sensitive_post_parameters("password")
@token_endpoint(("POST",), errors.POST_REQUIRED)
@sensitive_variables()  # the password, in this frame and below
def token_new(request: HttpRequest) -> HttpResponse:
    """Log in with ``username`` and ``password`` (form fields or JSON) for a new token."""
    login = read_login(request)
    # With the request, so that request-aware backends and lockout tools see it.
    user = authenticate(request, username=login.username, password=login.password)
    if user is None or not getattr(user, "is_active", True):
        raise RequestError(errors.LOGIN_FAILED)
    return JsonResponse(issue_token(user, device=login.device))


@token_endpoint(("GET", "HEAD", "POST"), errors.GET_OR_POST_REQUIRED)
@sensitive_variables()
def token_check(request: HttpRequest, token: str, user: str) -> HttpResponse:
    """Check the token and user given in the URL (the 2.x route)."""
    # The pair is in the path, but a failure's receivers (lockout tools) read the form:
    # a body that cannot be read is answered here, in JSON, rather than by them.
    read_form(request)
    if authenticate_token(request, user, token) is None:
        return error_response(errors.PATH_PAIR_REFUSED)
    return JsonResponse({})


# The 2.x name of the view, for sites whose URLconf imports it.
token = token_check


def endpoint_user(request: HttpRequest) -> AbstractBaseUser:
    """The user of a token endpoint's credentials; :class:`RequestError` otherwise."""
    # A body labelled JSON is the endpoint's own: broken, it is a client error, as for
    # new.json. (A protected view's body is the view's: token_required lets it pass.)
    # An empty one is no body: generated clients label it JSON beside a Basic pair.
    if is_json(request) and json_object_or_none(request) is None and request.body:
        raise RequestError(errors.MALFORMED_JSON)
    return authenticate_request(request, errors.ENDPOINT_PAIR_REFUSED)


@token_endpoint(("POST",), errors.POST_REQUIRED)
def token_verify(request: HttpRequest) -> HttpResponse:
    """Check a user + token pair sent like any API call, keeping the token out of URLs."""
    endpoint_user(request)
    return JsonResponse({})


@token_endpoint(("POST",), errors.POST_REQUIRED)
def token_refresh(request: HttpRequest) -> HttpResponse:
    """Trade a valid user + token pair for a new token with a new lifetime.

    A session's token gets a token of the same session, never one outliving
    it; with ``tokenapi.sessions``, a token of no session opens one.
    """
    user = endpoint_user(request)
    session = getattr(user, "tokenapi_session", None)
    if session is not None:
        from tokenapi.sessions.models import refresh_session

        if not refresh_session(session):  # ended since the check: stays ended
            raise RequestError(errors.ENDPOINT_PAIR_REFUSED)
    return JsonResponse(issue_token(user, session=session))
