"""``token_required``: let a view through only with a valid user + token pair."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.views.decorators.debug import sensitive_variables

from tokenapi import errors
from tokenapi.backends import aauthenticate_token, authenticate_token, sensitive_coroutine
from tokenapi.credentials import require_credentials
from tokenapi.errors import ApiError, RequestError
from tokenapi.http import error_response

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


@sensitive_variables()  # the token and everything derived from it, in this frame and below
def authenticate_request(request: HttpRequest, refused: ApiError) -> AbstractBaseUser:
    """Return the user of the request's credentials.

    Raise :class:`RequestError`: malformed or missing credentials, or
    ``refused`` for a pair that does not authenticate.
    """
    user = authenticate_token(request, *require_credentials(request))
    if user is None:
        raise RequestError(refused)
    return user


@sensitive_coroutine
async def aauthenticate_request(request: HttpRequest, refused: ApiError) -> AbstractBaseUser:
    """Async :func:`authenticate_request`."""
    user = await aauthenticate_token(request, *require_credentials(request))
    if user is None:
        raise RequestError(refused)
    return user


def token_required(view_func: ViewFunc) -> ViewFunc:
    """Run the view only for a valid user + token pair, with ``request.user`` set to it.

    Answers 401 without credentials, 400 for a malformed ``Authorization``
    header or body, 403 for a pair that does not authenticate. Works on sync
    and ``async def`` views, and on class-based views through
    ``method_decorator(token_required, name="dispatch")``. The view is
    CSRF-exempt: it does not use the session. Every response varies on
    ``Authorization``, so that no cache serves one caller's answer to another.
    """
    if iscoroutinefunction(view_func):

        @wraps(view_func)
        async def _async_view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # No credential is kept in this frame: error reports show its locals.
            try:
                user = await aauthenticate_request(request, errors.VIEW_PAIR_REFUSED)
            except RequestError as exc:
                return vary_on_authorization(error_response(exc.error))
            set_user(request, user)
            return vary_on_authorization(await view_func(request, *args, **kwargs))

        # Django 4.2's csrf_exempt wraps in a sync function, which would make the
        # view look synchronous; the attribute is all the CSRF middleware reads.
        _async_view_wrapper.csrf_exempt = True  # type: ignore[attr-defined]
        return _async_view_wrapper  # type: ignore[return-value]

    @wraps(view_func)
    def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            user = authenticate_request(request, errors.VIEW_PAIR_REFUSED)
        except RequestError as exc:
            return vary_on_authorization(error_response(exc.error))
        set_user(request, user)
        return vary_on_authorization(view_func(request, *args, **kwargs))

    _view_wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return _view_wrapper  # type: ignore[return-value]


def vary_on_authorization(response: HttpResponseBase) -> HttpResponseBase:
    """Add ``Authorization`` to ``Vary``, so that no cache serves one caller's answer to another."""
    if response.has_header("Vary"):
        patch_vary_headers(response, ("Authorization",))
    else:
        response["Vary"] = "Authorization"
    return response


def set_user(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Make ``user`` the request's ``request.user`` and what ``request.auser()`` returns."""

    async def auser() -> AbstractBaseUser:
        return user

    request.user = user  # type: ignore[assignment]
    # Replaces the session user AuthenticationMiddleware may have put there.
    request.auser = auser  # type: ignore[assignment]
