"""django-ninja authentication with user + token pairs (extra ``ninja``).

::

    from ninja import NinjaAPI
    from tokenapi.contrib.ninja import TokenAuth, install

    api = NinjaAPI(auth=TokenAuth())  # or Router(auth=...), or @api.get(..., auth=...)
    install(api)  # before api.urls: the decorator's answers, and Vary: Authorization

``TokenAuth`` reads the same credential sources as ``token_required`` and checks
them with the same backend, in sync and ``async def`` operations alike. An
operation runs with ``request.auth`` and ``request.user`` both set to the
user. Without credentials it answers 401 with ``WWW-Authenticate``, 400 for
malformed ones and 403 for a pair that does not authenticate, in the JSON
shape of the decorator's answers; so, with other auth classes on one
operation, put it last: django-ninja tries them in order, and this one
answers rather than passing. Without :func:`install`, django-ninja still
answers with those statuses, in its own ``{"detail": ...}`` shape, and without
``Vary``. The OpenAPI description names it as an HTTP Basic security scheme.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security.http import HttpAuthBase

from tokenapi import errors
from tokenapi.decorators import (
    aauthenticate_request,
    authenticate_request,
    set_user,
    vary_on_authorization,
)
from tokenapi.errors import ApiError, RequestError
from tokenapi.http import error_response

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class TokenAuthError(HttpError):
    """A request ``TokenAuth`` refuses; ``error`` says how to answer it."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.status, error.message)
        self.error = error


class TokenAuth(HttpAuthBase):
    """Authenticate an operation's request by its user id + token; ``request.auth`` is the user."""

    openapi_scheme = "basic"
    openapi_description = (
        "The user id and token as HTTP Basic credentials; the `user` and `token` "
        "parameters (form fields or query string) and a JSON body work too."
    )

    def __init__(self) -> None:
        super().__init__()
        # django-ninja then calls this in async operations too and awaits what it
        # returns; sync operations get the user itself (see __call__).
        self.is_async = True

    def __call__(
        self, request: HttpRequest
    ) -> AbstractBaseUser | Coroutine[Any, Any, AbstractBaseUser]:
        # A sync operation runs where no event loop does (a WSGI worker, or the
        # thread of sync_to_async); an async one, in the loop, awaits a coroutine.
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._authenticate(request)
        return self._aauthenticate(request)

    def _authenticate(self, request: HttpRequest) -> AbstractBaseUser:
        try:
            user = authenticate_request(request, errors.VIEW_PAIR_REFUSED)
        except RequestError as exc:
            raise TokenAuthError(exc.error) from None
        set_user(request, user)
        return user

    async def _aauthenticate(self, request: HttpRequest) -> AbstractBaseUser:
        try:
            user = await aauthenticate_request(request, errors.VIEW_PAIR_REFUSED)
        except RequestError as exc:
            raise TokenAuthError(exc.error) from None
        set_user(request, user)
        return user


def install(api: NinjaAPI) -> None:
    """Make ``api`` answer ``TokenAuth``'s refusals as ``token_required`` does.

    Call it before ``api.urls`` is read. Every response of ``api`` then varies
    on ``Authorization``, so that no cache serves one caller's answer to another.
    """
    api.add_exception_handler(TokenAuthError, _answer_refusal)
    api.add_decorator(_vary_on_authorization, mode="view")


def _answer_refusal(request: HttpRequest, exc: object) -> HttpResponse:
    assert isinstance(exc, TokenAuthError)  # the one class it answers for
    return error_response(exc.error)


RunOperation = Callable[..., Any]


def _vary_on_authorization(run: RunOperation) -> RunOperation:
    # Wraps Operation.run, which authenticates and builds the response.
    if iscoroutinefunction(run):

        @wraps(run)
        async def _async_run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return vary_on_authorization(await run(request, *args, **kwargs))

        return _async_run

    @wraps(run)
    def _run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return vary_on_authorization(run(request, *args, **kwargs))

    return _run
