"""The authentication backend: a user id and a token in, the user (or ``None``) out.

:func:`authenticate_token` is the door the decorator, the views and the DRF
class share: one query for the user by primary key, one HMAC for the token.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import django
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model, user_login_failed
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import connections, models, router
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.views.decorators.debug import sensitive_variables

from tokenapi import sessions
from tokenapi.queries import compiled
from tokenapi.tokens import SESSION_SEPARATOR, TokenGenerator, parse_session_id, token_generator

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

AsyncFunction = TypeVar("AsyncFunction", bound=Callable[..., Coroutine[Any, Any, Any]])
BACKEND_PATH = "tokenapi.backends.TokenBackend"
# What user_login_failed receivers see instead of the token, as Django masks secrets.
MASKED_TOKEN = "********************"  # noqa: S105 (not a secret: a mask)
_INT64_RANGE = (-(2**63), 2**63 - 1)


def sensitive_coroutine(function: AsyncFunction) -> AsyncFunction:
    """``sensitive_variables()`` for an ``async def``, where Django can apply it (5.0+).

    Django 4.2 wraps a coroutine function in a plain one, which then no longer
    looks asynchronous, and cannot clean a coroutine's frame anyway.
    """
    if django.VERSION < (5, 0):
        return function
    return sensitive_variables()(function)


class TokenBackend(ModelBackend):
    """Authenticate ``pk`` + ``token`` pairs; put it in ``AUTHENTICATION_BACKENDS``.

    Subclasses may set ``token_generator`` to a :class:`TokenGenerator` of
    their own; the views then mint tokens with it too.
    """

    token_generator: TokenGenerator = token_generator

    @sensitive_variables()  # the token, in this frame and below
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None = None,
        pk: object = None,
        token: object = None,
        **credentials: object,
    ) -> AbstractBaseUser | None:
        """Return the active user whose token this is, or ``None``; never raises.

        Other credentials (a username and password, say) are not this
        backend's to check: they give ``None``, never a ``TypeError``.
        """
        user_id = get_user_id_parser()(pk)
        if user_id is None or not isinstance(token, str):
            return None
        return self._verify(*load_for_check(user_id, token), token)

    @sensitive_coroutine
    async def aauthenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None = None,
        pk: object = None,
        token: object = None,
        **credentials: object,
    ) -> AbstractBaseUser | None:
        """Async :meth:`authenticate`."""
        user_id = get_user_id_parser()(pk)
        if user_id is None or not isinstance(token, str):
            return None
        return self._verify(*await sync_to_async(load_for_check)(user_id, token), token)

    def _verify(
        self, user: AbstractBaseUser | None, session: Any, token: str
    ) -> AbstractBaseUser | None:
        # user_can_authenticate() refuses is_active=False, as ModelBackend does.
        if user is None or not self.user_can_authenticate(user):  # type: ignore[arg-type]
            return None
        if session is None:
            return user if self.token_generator.check_token(user, token) else None
        if not session.is_open():
            return None
        if not self.token_generator.check_session_token(user, session, token):
            return None
        user.tokenapi_session = session  # type: ignore[attr-defined]  # the views' current session
        return user


def load_for_check(user_id: Any, token: str) -> tuple[AbstractBaseUser | None, Any]:
    """The user a token is checked against, and its session if it names one: one query.

    A session must be the given user's: its token names the session, the pair the user.
    """
    if SESSION_SEPARATOR in token and sessions.is_enabled():
        # A session's token, or junk shaped like one: never a stateless token.
        session_id = parse_session_id(token)
        if session_id is None:
            return None, None
        # Read where the user would be read: a router that sends user reads to a replica
        # (or to the primary, to see a logout at once) sends session reads along.
        session = _session_by_pk(router.db_for_read(get_user_model_cached()), session_id)
        if session is None or session.user_id != user_id:
            return None, None
        return session.user, session
    user_model = get_user_model_cached()
    database = router.db_for_read(user_model)
    if type(user_id) is int:
        return _user_by_pk(database, user_id), None
    try:  # UUID and text keys: the ORM prepares the value for each database
        return _users(user_model).using(database).get(pk=user_id), None
    except user_model.DoesNotExist:
        return None, None


def _sessions(database: str) -> Any:
    from tokenapi.sessions.models import Session

    # The user's token state too: session tokens sign what stateless ones do.
    return Session.objects.using(database).select_related("user", "user__tokenapi_state")


def _users(user_model: type[AbstractBaseUser]) -> Any:
    # With tokenapi.sessions, what the user's stateless tokens sign comes in the same query.
    if sessions.is_enabled():
        return user_model._default_manager.select_related("tokenapi_state")
    return user_model._default_manager


@functools.cache
def get_user_model_cached() -> type[AbstractBaseUser]:
    """``get_user_model()``, looked up once: it reads settings and the app registry."""
    return get_user_model()


class ConfiguredBackend(NamedTuple):
    """The token backend in force, and the path ``user.backend`` names it by."""

    backend: TokenBackend
    path: str


@functools.cache
def get_token_backend() -> ConfiguredBackend:
    """The first ``TokenBackend`` (or subclass) in ``AUTHENTICATION_BACKENDS``, and its path.

    Looked up once, not per request as ``django.contrib.auth.authenticate``
    does; without one configured (a system check reports it), the default.
    """
    for path in settings.AUTHENTICATION_BACKENDS:
        try:
            backend_class = import_string(path)
        except ImportError:
            continue  # Django's own loading reports it.
        if isinstance(backend_class, type) and issubclass(backend_class, TokenBackend):
            return ConfiguredBackend(backend_class(), path)
    return ConfiguredBackend(TokenBackend(), BACKEND_PATH)


@functools.cache
def get_user_id_parser() -> Callable[[object], Any]:
    """Return a function turning an untrusted user id into a primary key value, or ``None``.

    ``None`` stands for every id that cannot be a key of the user model, so
    that the query is never made with a value the database would choke on.
    """
    pk_field = get_user_model()._meta.pk
    assert pk_field is not None
    target = pk_field
    while target.remote_field is not None:  # a one-to-one primary key
        target = target.target_field
    int_range: tuple[int, int] | None = None
    if isinstance(target, models.IntegerField):
        # e.g. 2**70 overflows SQLite; out-of-range values are nobody's id anyway.
        db = get_user_model()._default_manager.db
        try:
            low, high = connections[db].ops.integer_field_range(target.get_internal_type())
        except KeyError:  # a custom integer field type
            low, high = _INT64_RANGE
        int_range = (
            _INT64_RANGE[0] if low is None else low,
            _INT64_RANGE[1] if high is None else high,
        )

    # Only text, whole numbers and the key's own type name a user: a float, a Decimal
    # or bytes would be cast (5.5 to user 5) or mean something else on each database.
    accepted: tuple[type, ...] = (int, str)
    if isinstance(target, models.UUIDField):
        accepted += (uuid.UUID,)

    def parse_user_id(value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, accepted):
            return None
        try:
            pk = pk_field.to_python(value)
        except (ValidationError, OverflowError):  # OverflowError: int(float("inf"))
            return None
        if pk is None or pk == "":
            return None
        if int_range is not None and not int_range[0] <= pk <= int_range[1]:
            return None
        if isinstance(pk, str) and not is_storable_text(pk):
            return None
        return pk

    return parse_user_id


_session_by_pk = compiled(_sessions)
_user_by_pk = compiled(lambda database: _users(get_user_model_cached()).using(database))


@receiver(setting_changed)
def _forget_configuration(*, setting: str, **kwargs: Any) -> None:
    if setting in ("AUTHENTICATION_BACKENDS", "AUTH_USER_MODEL") or setting.startswith("DATABASE"):
        get_token_backend.cache_clear()
        get_user_model_cached.cache_clear()
        get_user_id_parser.cache_clear()


def is_storable_text(value: str) -> bool:
    """Whether every database and password hasher can take ``value``.

    PostgreSQL refuses NUL in text; lone surrogates, which a JSON body can
    spell as ``"\\ud800"``, cannot be encoded as UTF-8 at all.
    """
    if "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _login_failed(request: HttpRequest, user_id: str) -> dict[str, Any]:
    # The arguments of user_login_failed, as contrib.auth.authenticate() sends them,
    # so that lockout tools (django-axes) count failed token checks too.
    return {
        "sender": __name__,
        "credentials": {"pk": user_id, "token": MASKED_TOKEN},
        "request": request,
    }


def authenticate_token(request: HttpRequest, user_id: str, token: str) -> AbstractBaseUser | None:
    """Authenticate a request's user id + token with the configured backend.

    On success the user gets ``backend`` set, as ``contrib.auth.authenticate``
    does; on failure ``user_login_failed`` is sent.
    """
    configured = get_token_backend()
    user = configured.backend.authenticate(request, pk=user_id, token=token)
    if user is None:
        user_login_failed.send(**_login_failed(request, user_id))
        return None
    user.backend = configured.path
    return user


async def aauthenticate_token(
    request: HttpRequest, user_id: str, token: str
) -> AbstractBaseUser | None:
    """Async :func:`authenticate_token`."""
    configured = get_token_backend()
    user = await configured.backend.aauthenticate(request, pk=user_id, token=token)
    if user is None:
        # Receivers may touch the database, which async code must not do directly.
        await sync_to_async(user_login_failed.send)(**_login_failed(request, user_id))
        return None
    user.backend = configured.path
    return user
