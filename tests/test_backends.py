"""tokenapi.backends: any primary key type, None (never an exception) for bad input."""

from __future__ import annotations

import decimal
import functools
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar
from unittest import mock

import django
import pytest
from asgiref.sync import async_to_sync
from django.apps.registry import Apps
from django.contrib.auth import authenticate, get_user_model
from django.core.signals import setting_changed
from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import RequestFactory
from django.views.decorators import debug

from tests.helpers import PASSWORD, login_of, make_legacy_token, make_user
from tokenapi.backends import (
    BACKEND_PATH,
    MASKED_TOKEN,
    TokenBackend,
    aauthenticate_token,
    authenticate_token,
    get_token_backend,
    get_user_id_parser,
    get_user_model_cached,
    sensitive_coroutine,
)
from tokenapi.tokens import TokenGenerator, token_generator

pytestmark = pytest.mark.django_db

UUID = "12345678-1234-5678-1234-567812345678"


@pytest.fixture(params=["sync", "async"])
def backend_authenticate(request: Any) -> Any:
    """``TokenBackend().authenticate`` or its async twin, called without a request."""
    backend = TokenBackend()
    if request.param == "sync":
        return functools.partial(backend.authenticate, None)
    return functools.partial(async_to_sync(backend.aauthenticate), None)


@pytest.fixture(params=["sync", "async"])
def authenticate_pair(request: Any) -> Any:
    """``authenticate_token`` or ``aauthenticate_token``."""
    return authenticate_token if request.param == "sync" else async_to_sync(aauthenticate_token)


# Which user ids are keys ---------------------------------------------------------------


# Never a key, whatever the user model and the database: these never reach it.
class IntLike:
    def __int__(self) -> int:
        return 1

    def __str__(self) -> str:
        return "1"


NOT_KEYS = [
    pytest.param("abc", id="letters"),
    pytest.param("1e9", id="exponent"),
    pytest.param("1.5", id="decimal"),
    pytest.param("9" * 5000, id="5000-digits"),
    pytest.param("12345678-1234-1234-1234-12345678", id="broken-uuid"),
    pytest.param("12345678-1234-1234-1234-1234567890123", id="long-uuid"),
    pytest.param("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", id="non-hex-uuid"),
    pytest.param("1\x00", id="nul-after-digit"),
    pytest.param("\x00", id="nul"),
    pytest.param("", id="empty"),
    pytest.param(" ", id="blank"),
    pytest.param(None, id="none"),
    pytest.param(True, id="true"),
    pytest.param([1], id="list"),
    pytest.param({"pk": 1}, id="dict"),
    # int(float("inf")) raises OverflowError, which once escaped the backend.
    pytest.param(float("inf"), id="inf"),
    pytest.param(float("nan"), id="nan"),
    # Only int, str and the key's own type name a user: nothing is cast, 5.5 is not user 5.
    pytest.param(5.5, id="float"),
    pytest.param(1.0, id="whole-float"),
    pytest.param(decimal.Decimal("1"), id="decimal-object"),
    pytest.param(decimal.Decimal("1.5"), id="decimal-fraction"),
    pytest.param(b"1", id="bytes"),
    pytest.param(bytearray(b"1"), id="bytearray"),
    pytest.param(IntLike(), id="object-with-int"),
    pytest.param(object(), id="object"),
]


@pytest.mark.parametrize("user_id", NOT_KEYS)
def test_an_id_that_cannot_be_a_key_is_nobody_and_costs_no_query(
    user: Any,
    token: str,
    backend_authenticate: Any,
    django_assert_num_queries: Any,
    user_id: object,
) -> None:
    assert get_user_id_parser()(user_id) is None
    with django_assert_num_queries(0):
        assert backend_authenticate(pk=user_id, token=token) is None


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        pytest.param("1", 1, id="digits"),
        pytest.param(1, 1, id="int"),
        pytest.param(" 1 ", 1, id="spaces"),  # int(" 1 ") is 1, so 2.1.1 took it
        pytest.param("-1", -1, id="negative"),
        pytest.param(str(2**31 - 1), 2**31 - 1, id="int32-max"),
        pytest.param(str(-(2**31)), -(2**31), id="int32-min"),
        pytest.param(str(2**31), "int64", id="int32-max-plus-one"),
        pytest.param(str(-(2**31) - 1), "int64", id="int32-min-minus-one"),
        pytest.param(str(2**63 - 1), "int64", id="int64-max"),
        pytest.param(str(-(2**63)), "int64", id="int64-min"),
        pytest.param(str(2**63), None, id="int64-max-plus-one"),
        pytest.param(str(-(2**63) - 1), None, id="int64-min-minus-one"),
        pytest.param(2**70, None, id="int-2**70"),
    ],
)
def test_integer_user_ids(settings: Any, value: object, parsed: object) -> None:
    # auth.User's AutoField is a 32-bit column on every database but SQLite,
    # whose integers are all 64-bit: "int64" values are ids only there.
    settings.AUTH_USER_MODEL = "auth.User"
    if parsed == "int64":
        parsed = int(str(value)) if connection.vendor == "sqlite" else None
    assert get_user_id_parser()(value) == parsed


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        pytest.param(UUID, True, id="dashed"),
        pytest.param(uuid.UUID(UUID), True, id="uuid-object"),
        pytest.param(UUID.replace("-", ""), True, id="hex"),
        pytest.param(0x12345678123456781234567812345678, True, id="int"),
        pytest.param(UUID[:-1], False, id="short"),
        pytest.param(f" {UUID} ", False, id="spaces"),
        pytest.param("not-a-uuid", False, id="words"),
        pytest.param("", False, id="empty"),
        pytest.param(UUID + "\x00", False, id="nul"),
    ],
)
def test_uuid_user_ids(settings: Any, value: object, valid: bool) -> None:
    settings.AUTH_USER_MODEL = "testapp.EmailUser"
    parsed = get_user_id_parser()(value)
    assert (str(parsed) if valid else parsed) == (UUID if valid else None)


# Primary keys of other types ---------------------------------------------------------

# A registry of their own keeps these models out of the project's checks and migrations.
isolated_apps = Apps()


class SlugKeyedUser(models.Model):  # noqa: DJ008
    slug = models.CharField(primary_key=True, max_length=20)

    class Meta:
        app_label = "testapp"
        apps = isolated_apps


class SmallKeyedUser(models.Model):  # noqa: DJ008
    id = models.SmallAutoField(primary_key=True)

    class Meta:
        app_label = "testapp"
        apps = isolated_apps


class UnknownIntegerField(models.IntegerField):
    def get_internal_type(self) -> str:
        return "UnknownIntegerField"


class CustomIntegerKeyedUser(models.Model):  # noqa: DJ008
    id = UnknownIntegerField(primary_key=True)

    class Meta:
        app_label = "testapp"
        apps = isolated_apps


class ProfileKeyedUser(models.Model):  # noqa: DJ008
    # A primary key that is a one-to-one link: the linked model's key decides.
    base = models.OneToOneField(SmallKeyedUser, primary_key=True, on_delete=models.CASCADE)

    class Meta:
        app_label = "testapp"
        apps = isolated_apps


@pytest.fixture
def parser_for(monkeypatch: Any) -> Iterator[Any]:
    """The user id parser of another user model; the real one's comes back afterwards."""

    def parser(model: type[models.Model]) -> Any:
        monkeypatch.setattr("tokenapi.backends.get_user_model", lambda: model)
        get_user_id_parser.cache_clear()
        return get_user_id_parser()

    yield parser
    get_user_id_parser.cache_clear()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("alice", "alice"),
        (" a ", " a "),
        ("", None),
        ("a\x00b", None),
        ("a\ud800", None),
        (None, None),
    ],
    ids=["slug", "spaces-kept", "empty", "nul", "lone-surrogate", "none"],
)
def test_text_keys(parser_for: Any, value: object, expected: object) -> None:
    assert parser_for(SlugKeyedUser)(value) == expected


@pytest.mark.parametrize("model", [SmallKeyedUser, ProfileKeyedUser], ids=["small", "one-to-one"])
def test_small_integer_keys_are_bounded_by_the_database_range(
    parser_for: Any, model: type[models.Model]
) -> None:
    low, high = connection.ops.integer_field_range("SmallAutoField")
    # SQLite declares no bounds; a 64-bit integer is then the limit.
    low = -(2**63) if low is None else low
    high = 2**63 - 1 if high is None else high
    parse = parser_for(model)
    assert [parse(str(n)) for n in (low - 1, low, high, high + 1)] == [None, low, high, None]


def test_unknown_integer_field_types_get_the_64_bit_range(
    parser_for: Any, monkeypatch: Any
) -> None:
    # Every backend but SQLite's looks ranges up by type, and knows no custom type.
    base_lookup = functools.partial(BaseDatabaseOperations.integer_field_range, connection.ops)
    monkeypatch.setattr(connection.ops, "integer_field_range", base_lookup)
    parse = parser_for(CustomIntegerKeyedUser)
    low, high = -(2**63), 2**63 - 1
    assert [parse(str(n)) for n in (low - 1, low, high, high + 1)] == [None, low, high, None]


# TokenBackend.authenticate and aauthenticate ---------------------------------------------


def test_a_valid_pair_gives_its_active_user_only(
    user: Any, token: str, backend_authenticate: Any
) -> None:
    assert backend_authenticate(pk=str(user.pk), token=token) == user
    assert backend_authenticate(pk=user.pk, token=token) == user
    assert backend_authenticate(pk=str(user.pk), token=make_legacy_token(user)) == user
    bob = make_user("bob")
    assert backend_authenticate(pk=str(bob.pk), token=token) is None
    bob_pk = bob.pk
    bob.delete()  # an unknown user
    assert backend_authenticate(pk=str(bob_pk), token=token) is None
    user.is_active = False
    user.save()
    assert backend_authenticate(pk=str(user.pk), token=token) is None


@pytest.mark.parametrize("token", [None, 12, ["t"]], ids=repr)
def test_a_token_that_is_no_text_costs_no_query(
    user: Any, backend_authenticate: Any, django_assert_num_queries: Any, token: object
) -> None:
    with django_assert_num_queries(0):
        assert backend_authenticate(pk=str(user.pk), token=token) is None


def test_through_contrib_auth_authenticate_beside_the_password_backend(
    user: Any, token: str, backend_authenticate: Any
) -> None:
    # Called with a password, it answers None rather than raising TypeError.
    assert backend_authenticate(username=login_of("alice"), password=PASSWORD) is None
    request = RequestFactory().get("/")
    # ModelBackend, first in AUTHENTICATION_BACKENDS, does the password logins.
    by_password = authenticate(request, username=login_of("alice"), password=PASSWORD)
    assert (by_password, by_password.backend) == (user, MODEL_BACKEND)
    authenticated = authenticate(request, pk=str(user.pk), token=token)
    assert (authenticated, authenticated.backend) == (user, BACKEND_PATH)
    assert authenticate(request, pk="abc", token=token) is None
    if django.VERSION >= (5, 0):  # contrib.auth.aauthenticate is new in 5.0
        from django.contrib.auth import aauthenticate

        assert async_to_sync(aauthenticate)(request, pk=str(user.pk), token=token) == user


# The shared door: authenticate_token and aauthenticate_token -----------------------------


@pytest.mark.parametrize("user_id", ["abc", "pk"], ids=["not-a-key", "real-id"])
def test_a_failure_is_signalled_without_the_token(
    user: Any, token: str, failed_logins: Any, authenticate_pair: Any, user_id: str
) -> None:
    user_id = str(user.pk) if user_id == "pk" else user_id
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    request = RequestFactory().get("/")
    assert authenticate_pair(request, user_id, wrong) is None
    assert MASKED_TOKEN == "*" * 20
    assert [(call["sender"], call["credentials"], call["request"]) for call in failed_logins] == [
        ("tokenapi.backends", {"pk": user_id, "token": MASKED_TOKEN}, request)
    ]
    assert wrong not in repr(failed_logins)


class CustomGenerator(TokenGenerator):
    key_salt = "tests.CustomGenerator"


class CustomTokenBackend(TokenBackend):
    """Checks tokens of its own generator; records the request each call receives."""

    token_generator = CustomGenerator()
    requests: ClassVar[list[object]] = []

    def authenticate(self, request: Any = None, pk: Any = None, token: Any = None) -> Any:
        self.requests.append(request)
        return super().authenticate(request, pk=pk, token=token)

    async def aauthenticate(self, request: Any = None, pk: Any = None, token: Any = None) -> Any:
        self.requests.append(request)
        return await super().aauthenticate(request, pk=pk, token=token)


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
CUSTOM_BACKEND = "tests.test_backends.CustomTokenBackend"


@pytest.mark.parametrize(
    ("backends", "expected"),
    [
        pytest.param([MODEL_BACKEND, BACKEND_PATH], BACKEND_PATH, id="default"),
        pytest.param(
            ["no.such.Backend", "tokenapi.tokens.token_generator", MODEL_BACKEND, CUSTOM_BACKEND],
            CUSTOM_BACKEND,
            id="subclass-after-others",
        ),
        # None configured (a system check reports it): the default.
        pytest.param([MODEL_BACKEND], BACKEND_PATH, id="none"),
    ],
)
def test_the_first_token_backend_configured_is_used(
    settings: Any, backends: list[str], expected: str
) -> None:
    settings.AUTHENTICATION_BACKENDS = backends
    backend, path = get_token_backend()
    assert (f"{type(backend).__module__}.{type(backend).__name__}", path) == (expected, expected)


def test_authenticate_token_uses_the_configured_backend_with_the_request(
    user: Any, settings: Any, authenticate_pair: Any, failed_logins: Any
) -> None:
    settings.AUTHENTICATION_BACKENDS = [CUSTOM_BACKEND]
    request = RequestFactory().get("/")
    CustomTokenBackend.requests = []
    custom = authenticate_pair(request, str(user.pk), CustomGenerator().make_token(user))
    assert (custom, custom.backend, failed_logins) == (user, CUSTOM_BACKEND, [])
    assert authenticate_pair(request, str(user.pk), token_generator.make_token(user)) is None
    assert CustomTokenBackend.requests == [request, request]


@pytest.mark.parametrize(
    ("setting", "dropped"),
    [
        ("AUTHENTICATION_BACKENDS", True),
        ("AUTH_USER_MODEL", True),
        ("DATABASE_ROUTERS", True),
        ("TOKEN_TIMEOUT_DAYS", False),
        ("SECRET_KEY", False),
    ],
)
def test_settings_the_backend_derives_from_drop_its_caches(setting: str, dropped: bool) -> None:
    cached = (get_token_backend, get_user_model_cached, get_user_id_parser)
    for function in cached:
        function()
    setting_changed.send(sender=None, setting=setting, value=None, enter=True)
    assert [function.cache_info().currsize == 0 for function in cached] == [dropped] * 3


@pytest.mark.parametrize("version", [(4, 2, 30, "final", 0), None], ids=["django-4.2", "installed"])
def test_coroutines_are_cleaned_in_error_reports_where_django_can(
    monkeypatch: pytest.MonkeyPatch, version: tuple[object, ...] | None
) -> None:
    async def coroutine_function() -> None:
        return None

    registry: dict[int, object] = {}
    monkeypatch.setattr(
        debug, "coroutine_functions_to_sensitive_variables", registry, raising=False
    )
    if version is not None:  # 4.2 would wrap it in a plain function, no longer asynchronous
        monkeypatch.setattr(django, "VERSION", version)
    elif django.VERSION < (5, 0):
        pytest.skip("Django 4.2 cleans no coroutine frame")
    assert sensitive_coroutine(coroutine_function) is coroutine_function  # as it is
    assert list(registry.values()) == ([] if version else ["__ALL__"])


class ReplicaRouter:
    """Sends reads of the user model to a replica, and nothing else anywhere."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return "replica" if model is get_user_model() else None


@pytest.mark.sessions
@pytest.mark.parametrize("token", ["1.1-x", "1-x"], ids=["session", "stateless"])
def test_tokens_are_checked_where_the_router_reads_users(settings: Any, token: str) -> None:
    from tokenapi import backends

    settings.DATABASE_ROUTERS = [ReplicaRouter()]
    with (
        mock.patch.object(backends, "_session_by_pk", return_value=None) as sessions,
        mock.patch.object(backends, "_user_by_pk", return_value=None) as users,
    ):
        backends.load_for_check(1, token)
    ((database, _),) = [call.args for call in sessions.mock_calls + users.mock_calls]
    assert database == "replica"
