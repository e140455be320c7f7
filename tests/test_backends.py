"""tokenapi.backends: any primary key type, None (never an exception) for bad input."""

from __future__ import annotations

from typing import Any

import django
import pytest
from asgiref.sync import async_to_sync
from django.apps.registry import Apps
from django.contrib.auth import authenticate
from django.core.signals import setting_changed
from django.db import models
from django.test import RequestFactory

from tests.helpers import make_legacy_token, make_user
from tokenapi.backends import (
    MASKED_TOKEN,
    TokenBackend,
    aauthenticate_token,
    authenticate_token,
    get_token_backend,
    get_user_id_parser,
    get_user_model_cached,
)
from tokenapi.tokens import TokenGenerator, token_generator

pytestmark = pytest.mark.django_db

BAD_USER_IDS = [
    pytest.param("abc", id="letters"),
    pytest.param("-1", id="negative"),
    pytest.param("1e9", id="exponent"),
    pytest.param("1.5", id="decimal"),
    pytest.param(str(2**70), id="2**70"),
    pytest.param(str(2**63), id="2**63"),
    pytest.param(str(-(2**63) - 1), id="-2**63-1"),
    pytest.param(2**70, id="int-2**70"),
    pytest.param("9" * 5000, id="5000-digits"),
    pytest.param("12345678-1234-1234-1234-12345678", id="broken-uuid"),
    pytest.param("12345678-1234-1234-1234-1234567890123", id="long-uuid"),
    pytest.param("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", id="non-hex-uuid"),
    pytest.param("1\x00", id="nul-after-digit"),
    pytest.param("\x00", id="nul"),
    pytest.param("", id="empty"),
    pytest.param(" ", id="blank"),
    pytest.param(None, id="none"),
    pytest.param(True, id="bool"),
    pytest.param([1], id="list"),
    pytest.param({"pk": 1}, id="dict"),
]


@pytest.mark.parametrize("user_id", BAD_USER_IDS)
def test_bad_user_id_gives_none(user: Any, token: str, user_id: object) -> None:
    assert TokenBackend().authenticate(None, pk=user_id, token=token) is None


@pytest.mark.parametrize("user_id", BAD_USER_IDS)
def test_bad_user_id_gives_none_async(user: Any, token: str, user_id: object) -> None:
    aauthenticate = async_to_sync(TokenBackend().aauthenticate)
    assert aauthenticate(None, pk=user_id, token=token) is None


@pytest.mark.parametrize(
    "user_id",
    [
        param
        for param in BAD_USER_IDS
        # -1 is an integer key nobody has; 2**70 as an int is also a valid UUID.
        if param.id not in {"negative", "int-2**70"}
    ],
)
def test_bad_user_id_is_not_a_key(user_id: object) -> None:
    assert get_user_id_parser()(user_id) is None


def test_valid_pair_gives_the_user(user: Any, token: str) -> None:
    assert TokenBackend().authenticate(None, pk=str(user.pk), token=token) == user


def test_pk_of_the_model_type_works_too(user: Any, token: str) -> None:
    assert TokenBackend().authenticate(None, pk=user.pk, token=token) == user


def test_surrounding_spaces_around_an_integer_id_are_accepted_as_in_2_1_1(
    user: Any, token: str
) -> None:
    # int(" 1 ") is 1, so 2.1.1 took it; a UUID with spaces is no UUID.
    expected = user if isinstance(user.pk, int) else None
    assert TokenBackend().authenticate(None, pk=f" {user.pk} ", token=token) == expected


def test_legacy_token_authenticates(user: Any) -> None:
    token = make_legacy_token(user)
    assert TokenBackend().authenticate(None, pk=str(user.pk), token=token) == user


def test_unknown_user_gives_none(user: Any, token: str) -> None:
    other = make_user("bob")
    other_pk = other.pk
    other.delete()
    assert TokenBackend().authenticate(None, pk=str(other_pk), token=token) is None


@pytest.mark.parametrize("token", [None, "", 12, "garbage", "a-b"], ids=repr)
def test_bad_token_gives_none(user: Any, token: object) -> None:
    assert TokenBackend().authenticate(None, pk=str(user.pk), token=token) is None


def test_wrong_token_gives_none(user: Any) -> None:
    other_token = token_generator.make_token(make_user("bob"))
    assert TokenBackend().authenticate(None, pk=str(user.pk), token=other_token) is None


def test_inactive_user_is_rejected(user: Any, token: str) -> None:
    user.is_active = False
    user.save()
    assert TokenBackend().authenticate(None, pk=str(user.pk), token=token) is None


def test_inactive_user_is_rejected_async(user: Any, token: str) -> None:
    user.is_active = False
    user.save()
    aauthenticate = async_to_sync(TokenBackend().aauthenticate)
    assert aauthenticate(None, pk=str(user.pk), token=token) is None


def test_one_query_per_authentication(
    user: Any, token: str, django_assert_num_queries: Any
) -> None:
    backend = TokenBackend()
    backend.authenticate(None, pk=str(user.pk), token=token)  # warm the caches
    with django_assert_num_queries(1):
        assert backend.authenticate(None, pk=str(user.pk), token=token) == user


def test_no_query_for_an_id_that_cannot_be_a_key(
    user: Any, token: str, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert TokenBackend().authenticate(None, pk="not a key", token=token) is None


def test_aauthenticate(user: Any, token: str) -> None:
    aauthenticate = async_to_sync(TokenBackend().aauthenticate)
    assert aauthenticate(None, pk=str(user.pk), token=token) == user
    assert aauthenticate(None, pk=str(user.pk), token="x-y") is None


def test_through_contrib_auth_authenticate(user: Any, token: str) -> None:
    request = RequestFactory().get("/")
    authenticated = authenticate(request, pk=str(user.pk), token=token)
    assert authenticated == user
    assert authenticated.backend == "tokenapi.backends.TokenBackend"
    assert authenticate(request, pk="abc", token=token) is None


@pytest.mark.skipif(django.VERSION < (5, 0), reason="contrib.auth.aauthenticate: Django 5.0+")
def test_through_contrib_auth_aauthenticate(user: Any, token: str) -> None:
    from django.contrib.auth import aauthenticate

    authenticated = async_to_sync(aauthenticate)(None, pk=str(user.pk), token=token)
    assert authenticated == user


def test_password_credentials_are_not_for_this_backend(user: Any) -> None:
    from tests.helpers import PASSWORD, login_of

    assert TokenBackend().authenticate(None, pk=None, token=None) is None
    # Called directly with a password, it answers None rather than raising TypeError.
    password_login = {"username": login_of("alice"), "password": PASSWORD}
    assert TokenBackend().authenticate(None, **password_login) is None
    assert async_to_sync(TokenBackend().aauthenticate)(None, **password_login) is None
    # ModelBackend, first in AUTHENTICATION_BACKENDS, does the password logins.
    authenticated = authenticate(None, username=login_of("alice"), password=PASSWORD)
    assert authenticated == user
    assert authenticated.backend == "django.contrib.auth.backends.ModelBackend"


# The shared door: authenticate_token -----------------------------------------------


def test_authenticate_token_sets_backend(user: Any, token: str, failed_logins: Any) -> None:
    request = RequestFactory().get("/")
    authenticated = authenticate_token(request, str(user.pk), token)
    assert authenticated == user
    assert authenticated.backend == "tokenapi.backends.TokenBackend"
    assert failed_logins == []


def test_authenticate_token_failure_sends_masked_signal(
    user: Any, token: str, failed_logins: Any
) -> None:
    request = RequestFactory().get("/")
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert authenticate_token(request, str(user.pk), wrong) is None
    assert len(failed_logins) == 1
    call = failed_logins[0]
    assert call["request"] is request
    assert call["credentials"] == {"pk": str(user.pk), "token": MASKED_TOKEN}
    assert wrong not in repr(call)


def test_aauthenticate_token(user: Any, token: str, failed_logins: Any) -> None:
    request = RequestFactory().get("/")
    authenticated = async_to_sync(aauthenticate_token)(request, str(user.pk), token)
    assert authenticated == user
    assert authenticated.backend == "tokenapi.backends.TokenBackend"
    assert async_to_sync(aauthenticate_token)(request, "abc", token) is None
    assert failed_logins[0]["credentials"] == {"pk": "abc", "token": MASKED_TOKEN}
    assert token not in repr(failed_logins)


class CustomGenerator(TokenGenerator):
    key_salt = "tests.CustomGenerator"


class CustomTokenBackend(TokenBackend):
    token_generator = CustomGenerator()


def test_configured_subclass_is_used(user: Any, settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = [
        "tests.not.a.module.Backend",
        "django.contrib.auth.backends.ModelBackend",
        "tests.test_backends.CustomTokenBackend",
    ]
    backend, path = get_token_backend()
    assert isinstance(backend, CustomTokenBackend)
    assert path == "tests.test_backends.CustomTokenBackend"
    token = CustomGenerator().make_token(user)
    request = RequestFactory().get("/")
    assert authenticate_token(request, str(user.pk), token).backend == path
    assert authenticate_token(request, str(user.pk), token_generator.make_token(user)) is None


def test_default_backend_when_none_configured(settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    backend, path = get_token_backend()
    assert type(backend) is TokenBackend
    assert path == "tokenapi.backends.TokenBackend"


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


def parser_for(monkeypatch: Any, model: type[models.Model]) -> Any:
    monkeypatch.setattr("tokenapi.backends.get_user_model", lambda: model)
    get_user_id_parser.cache_clear()
    return get_user_id_parser()


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
def test_text_keys(monkeypatch: Any, value: object, expected: object) -> None:
    assert parser_for(monkeypatch, SlugKeyedUser)(value) == expected


@pytest.mark.parametrize("model", [SmallKeyedUser, ProfileKeyedUser], ids=["small", "one-to-one"])
def test_small_integer_keys_are_bounded_by_the_database_range(
    monkeypatch: Any, model: type[models.Model]
) -> None:
    from django.db import connection

    low, high = connection.ops.integer_field_range("SmallAutoField")
    # SQLite declares no bounds; a 64-bit integer is then the limit.
    low = -(2**63) if low is None else low
    high = 2**63 - 1 if high is None else high
    parse = parser_for(monkeypatch, model)
    assert parse(str(high)) == high
    assert parse(str(low)) == low
    assert parse(str(high + 1)) is None
    assert parse(str(low - 1)) is None


def test_unknown_integer_field_types_get_the_64_bit_range(monkeypatch: Any) -> None:
    parse = parser_for(monkeypatch, CustomIntegerKeyedUser)
    assert parse(str(2**63 - 1)) == 2**63 - 1
    assert parse(str(2**63)) is None


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
