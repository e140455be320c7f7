"""``token_required``: let a view through only with a valid user + token pair."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest

from tokenapi import errors
from tokenapi.backends import aauthenticate_token, authenticate_token
from tokenapi.credentials import require_credentials
from tokenapi.errors import RequestError
from tokenapi.http import error_response

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def token_required(view_func: ViewFunc) -> ViewFunc:
    """Run the view only for a valid user + token pair, with ``request.user`` set to it.

    Answers 401 without credentials, 400 for a malformed ``Authorization``
    header or body, 403 for a pair that does not authenticate. Works on sync
    and ``async def`` views, and on class-based views through
    ``method_decorator(token_required, name="dispatch")``. The view is
    CSRF-exempt: it does not use the session.
    """
    if iscoroutinefunction(view_func):

        @wraps(view_func)
        async def _async_view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                credentials = require_credentials(request)
            except RequestError as exc:
                return error_response(exc.error)
            user = await aauthenticate_token(request, *credentials)
            if user is None:
                return error_response(errors.VIEW_PAIR_REFUSED)
            _set_user(request, user)
            return await view_func(request, *args, **kwargs)

        # Django 4.2's csrf_exempt wraps in a sync function, which would make the
        # view look synchronous; the attribute is all the CSRF middleware reads.
        _async_view_wrapper.csrf_exempt = True  # type: ignore[attr-defined]
        return _async_view_wrapper  # type: ignore[return-value]

    @wraps(view_func)
    def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            credentials = require_credentials(request)
        except RequestError as exc:
            return error_response(exc.error)
        user = authenticate_token(request, *credentials)
        if user is None:
            return error_response(errors.VIEW_PAIR_REFUSED)
        _set_user(request, user)
        return view_func(request, *args, **kwargs)

    _view_wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return _view_wrapper  # type: ignore[return-value]


def _set_user(request: HttpRequest, user: AbstractBaseUser) -> None:
    async def auser() -> AbstractBaseUser:
        return user

    request.user = user  # type: ignore[assignment]
    # Replaces the session user AuthenticationMiddleware may have put there.
    request.auser = auser  # type: ignore[assignment]
