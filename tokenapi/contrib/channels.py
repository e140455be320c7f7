"""Django Channels: user + token pairs for WebSocket and HTTP consumers (extra ``channels``).

::

    application = ProtocolTypeRouter({
        "http": get_asgi_application(),
        "websocket": TokenAuthMiddleware(URLRouter(websocket_urlpatterns)),
    })

    class NotesConsumer(TokenRequiredMixin, AsyncJsonWebsocketConsumer): ...

:class:`TokenAuthMiddleware` sets ``scope["user"]`` to the user of the pair the
client sent, or to ``AnonymousUser`` when it sent none that authenticates (a
user some outer middleware set, from a session say, stays when the client
sent no credentials); consumers decide. Which source for which client:

* **Browsers: the subprotocol.** JavaScript cannot set headers on a
  WebSocket, but it can offer subprotocols::

      const pair = btoa(`${user}:${token}`)
          .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
      new WebSocket(url, ["tokenapi", `tokenapi.auth.${pair}`]);

  ``tokenapi.auth.`` then base64url of ``user:token``, without padding (``=``
  is not allowed in a subprotocol). The server must answer one of the offered
  subprotocols, and never the one holding the token: a browser closes the
  socket otherwise. The middleware removes the credentials from
  ``scope["subprotocols"]``, and :class:`TokenRequiredMixin`'s ``accept()``
  answers the first one left, so offer ``tokenapi`` (or your own protocol)
  beside them.
* **Native clients: the header**, ``Authorization: Basic base64(user:token)``,
  as for HTTP requests. It never appears in access logs.
* **The query string, last resort**: ``?user=...&token=...``. Any client can,
  but URLs land in access logs and proxies' logs (``tokenapi.logging.RedactTokens``
  masks them in Django's and gunicorn's), and ``TOKENAPI_QUERY_STRING_CREDENTIALS
  = False`` turns it off, as for HTTP.

If several are sent, the query string wins, then the header, then the
subprotocol (parameters win over the header, as for HTTP). HTTP consumers:
the query string and the header (the body is not read). Malformed input
never raises: the user is anonymous. A pair refused sends
``user_login_failed`` with the handshake as its request, so lockout tools
(django-axes) count it as they count a refused HTTP request.

:class:`TokenRequiredMixin` (async WebSocket consumers) accepts and then closes a socket
without a valid pair with close code 4000 + the HTTP status the decorator
would answer: **4401** no credentials, **4400** malformed ones, **4403** a pair
refused; the close reason is the decorator's error message. A close before
accepting would be a bare handshake failure, which browsers do not explain.

Logging out, or changing the password, ends an open socket's right to act:
the mixin checks the pair again, through the backend, before handling each
message, whether from the client or from the channel layer (a group send), and
closes with 4403 once it no longer authenticates. The cost is that of an HTTP
request's authentication, per message: one query (the user by primary key)
and one HMAC. A socket that receives nothing keeps its user until the next
message.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import io
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest

from tokenapi import errors
from tokenapi.backends import authenticate_token, get_token_backend
from tokenapi.credentials import parse_credentials
from tokenapi.errors import ApiError, RequestError

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

Scope = MutableMapping[str, Any]
ASGIApp = Callable[..., Awaitable[None]]

SUBPROTOCOL = "tokenapi"
"""A subprotocol for browsers to offer beside their credentials, for the server to answer."""
CREDENTIALS_PREFIX = "tokenapi.auth."
SCOPE_KEY = "tokenapi"
"""Where the middleware leaves its :class:`ScopeAuthentication` in the scope."""
_CLOSE_CODE_BASE = 4000  # 4000-4999: the application's own close codes (RFC 6455)


@dataclasses.dataclass(frozen=True)
class ScopeAuthentication:
    """What :class:`TokenAuthMiddleware` found; the token is never shown in a repr."""

    request: HttpRequest = dataclasses.field(repr=False)
    """The handshake as a Django request, for ``user_login_failed`` receivers (lockouts)."""
    user_id: str | None = None
    token: str | None = dataclasses.field(default=None, repr=False)
    error: ApiError | None = None
    """Why the scope has no user; ``None`` when it has one."""
    by_subprotocol: bool = False
    """Whether the client offered credentials as a subprotocol: the answer must name another."""


class TokenAuthMiddleware:
    """Set ``scope["user"]`` of WebSocket and HTTP connections from a user + token pair."""

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] not in ("websocket", "http"):
            await self.inner(scope, receive, send)
            return
        scope = dict(scope)  # changes go to the inner application only
        authentication = read_scope(scope)
        user: AbstractBaseUser | None = None
        if authentication.user_id is not None and authentication.token is not None:
            user = await database_sync_to_async(authenticate_token)(
                authentication.request, authentication.user_id, authentication.token
            )
            if user is None:
                authentication = _refused(authentication)
        if user is not None:
            scope["user"] = user
        elif authentication.error is not errors.MISSING_CREDENTIALS or "user" not in scope:
            scope["user"] = AnonymousUser()
        scope[SCOPE_KEY] = authentication
        await self.inner(scope, receive, send)


def read_scope(scope: Scope) -> ScopeAuthentication:
    """Read the connection's credentials; remove those of the subprotocols from ``scope``.

    Never raises for what the client sent: a malformed source is an ``error``.
    """
    # The handshake is a GET; an HTTP consumer's body is not read here.
    query = scope.get("query_string", b"")
    request = ASGIRequest(
        {
            **scope,
            "method": "GET",
            # Django decodes it as UTF-8, strictly; percent-escapes are decoded later.
            "query_string": query.decode("latin-1") if isinstance(query, bytes) else query,
        },
        io.BytesIO(),
    )
    offered = scope.get("subprotocols") or []
    credentials = [p for p in offered if isinstance(p, str) and p.startswith(CREDENTIALS_PREFIX)]
    if credentials:
        scope["subprotocols"] = [p for p in offered if p not in credentials]
    by_subprotocol = bool(credentials)
    try:
        pair = parse_credentials(request)
        if pair is None and credentials:
            pair = parse_subprotocol(credentials[0])
    except RequestError as exc:
        return ScopeAuthentication(request, error=exc.error, by_subprotocol=by_subprotocol)
    if pair is None:
        return ScopeAuthentication(
            request, error=errors.MISSING_CREDENTIALS, by_subprotocol=by_subprotocol
        )
    return ScopeAuthentication(request, *pair, by_subprotocol=by_subprotocol)


def parse_subprotocol(value: str) -> tuple[str, str] | None:
    """The user id and token of a ``tokenapi.auth.<base64url>`` subprotocol.

    Raise :class:`RequestError` if it is malformed; ``None`` if a part is empty.
    """
    encoded = value[len(CREDENTIALS_PREFIX) :]
    try:
        padded = encoded + "=" * (-len(encoded) % 4)
        decoded = base64.b64decode(padded, altchars=b"-_", validate=True).decode("utf-8")
        user, token = decoded.split(":", 1)
    except (binascii.Error, ValueError):  # ValueError covers non-ASCII and UnicodeDecodeError
        raise RequestError(errors.MALFORMED_SUBPROTOCOL) from None
    return (user, token) if user and token else None


def _refused(authentication: ScopeAuthentication) -> ScopeAuthentication:
    return dataclasses.replace(authentication, error=errors.VIEW_PAIR_REFUSED)


class TokenRequiredMixin:
    """For async WebSocket consumers: only a valid pair gets in, and only while it stays valid.

    Put it first among the bases. Behind :class:`TokenAuthMiddleware`;
    ``scope["user"]`` is the user in ``connect()`` and every handler.
    """

    scope: Scope
    _token_closed = False

    async def dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind != "websocket.disconnect":
            if self._token_closed:
                return  # messages already on their way when it closed
            authentication = await self._authenticate(again=kind != "websocket.connect")
            if authentication.error is not None:
                await self._refuse(authentication.error, accept=kind == "websocket.connect")
                return
        await super().dispatch(message)  # type: ignore[misc]

    async def _authenticate(self, again: bool) -> ScopeAuthentication:
        authentication = self.scope.get(SCOPE_KEY)
        if not isinstance(authentication, ScopeAuthentication):
            raise TypeError("TokenRequiredMixin needs TokenAuthMiddleware around the consumer.")
        if again and authentication.error is None:
            # Logged out, password changed, user deactivated: no longer authenticates.
            # The backend itself, not authenticate_token(): a pair that was valid at the
            # handshake is no guess, and must not count towards a lockout of its owner.
            user = await database_sync_to_async(get_token_backend().backend.authenticate)(
                authentication.request, pk=authentication.user_id, token=authentication.token
            )
            if user is None:
                authentication = self.scope[SCOPE_KEY] = _refused(authentication)
            else:
                self.scope["user"] = user
        return authentication

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        """Accept; with credentials in the subprotocols, answer the first other one offered."""
        authentication = self.scope.get(SCOPE_KEY)
        if subprotocol is None and getattr(authentication, "by_subprotocol", False):
            subprotocol = next(iter(self.scope.get("subprotocols") or []), None)
        await super().accept(subprotocol, headers)  # type: ignore[misc]

    async def _refuse(self, error: ApiError, accept: bool) -> None:
        self._token_closed = True
        if accept:  # a close before accepting is a bare handshake failure
            await self.accept()
        await self.close(code=close_code(error), reason=error.message)  # type: ignore[attr-defined]


def close_code(error: ApiError) -> int:
    """4000 + the status ``token_required`` answers ``error`` with: 4400, 4401, 4403."""
    return _CLOSE_CODE_BASE + error.status
