"""Pins of tokenapi.backends: which user ids reach the database, and what comes back."""

from __future__ import annotations

from typing import ClassVar

import pytest
from django.contrib.auth import get_user_model, user_login_failed
from django.db import connection
from django.test import RequestFactory, override_settings

from tokenapi.backends import (
    BACKEND_PATH,
    MASKED_TOKEN,
    TokenBackend,
    aauthenticate_token,
    authenticate_token,
    get_token_backend,
    get_user_id_parser,
)
from tokenapi.tokens import TokenGenerator, token_generator

pytestmark = pytest.mark.django_db


def make_user(login: str = "pin@example.com", password: str = "pin-password", **fields: object):  # noqa: S107 (test data)
    user_model = get_user_model()
    return user_model._default_manager.create_user(
        **{user_model.USERNAME_FIELD: login, "password": password}, **fields
    )


@pytest.mark.parametrize(
    "value",
    [float("inf"), float("-inf"), float("nan")],
    ids=["inf", "minus-inf", "nan"],
)
def test_non_finite_float_id_is_nobody(value: float) -> None:
    # int(float("inf")) raises OverflowError, which used to escape the backend.
    assert get_user_id_parser()(value) is None
    assert TokenBackend().authenticate(None, pk=value, token="x") is None


# Under either test user model: the parser follows AUTH_USER_MODEL.
@override_settings(AUTH_USER_MODEL="auth.User")
@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("1", 1),
        (1, 1),
        ("-1", -1),
        (str(2**31 - 1), 2**31 - 1),
        (str(-(2**31)), -(2**31)),
        (str(2**31), "int64"),
        (str(-(2**31) - 1), "int64"),
        (str(2**63 - 1), "int64"),
        (str(-(2**63)), "int64"),
        (str(2**63), None),
        (str(-(2**63) - 1), None),
        (str(2**70), None),
        ("abc", None),
        ("1e9", None),
        ("", None),
        (None, None),
        (True, None),
        (False, None),
    ],
    ids=[
        "digits",
        "int",
        "negative",
        "int32-max",
        "int32-min",
        "int32-max-plus-one",
        "int32-min-minus-one",
        "int64-max",
        "int64-min",
        "int64-max-plus-one",
        "int64-min-minus-one",
        "huge",
        "letters",
        "exponent",
        "empty",
        "none",
        "true",
        "false",
    ],
)
def test_integer_user_ids(value: object, parsed: object) -> None:
    # auth.User's AutoField is a 32-bit column on every database but SQLite,
    # whose integers are all 64-bit: "int64" values are ids only there.
    if parsed == "int64":
        parsed = int(value) if connection.vendor == "sqlite" else None
    assert get_user_id_parser()(value) == parsed


@override_settings(AUTH_USER_MODEL="testapp.EmailUser")
@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("12345678-1234-5678-1234-567812345678", True),
        ("12345678123456781234567812345678", True),
        ("12345678-1234-5678-1234-56781234567", False),
        ("not-a-uuid", False),
        ("", False),
        ("1\x00", False),
    ],
    ids=["dashed", "hex", "short", "words", "empty", "nul"],
)
def test_uuid_user_ids(value: str, valid: bool) -> None:
    parsed = get_user_id_parser()(value)
    assert (parsed is not None) is valid
    if valid:
        assert str(parsed) == "12345678-1234-5678-1234-567812345678"


def test_authenticate_returns_the_user_of_a_valid_pair() -> None:
    user = make_user()
    token = token_generator.make_token(user)
    assert TokenBackend().authenticate(None, pk=str(user.pk), token=token) == user
    assert TokenBackend().authenticate(None, pk=str(user.pk), token=token + "x") is None
    assert TokenBackend().authenticate(None, pk=str(user.pk), token=None) is None
    assert TokenBackend().authenticate(None, pk=None, token=token) is None


def test_authenticate_refuses_inactive_users() -> None:
    user = make_user(is_active=False)
    token = token_generator.make_token(user)
    assert TokenBackend().authenticate(None, pk=str(user.pk), token=token) is None


def test_authenticate_unknown_user() -> None:
    user = make_user()
    token = token_generator.make_token(user)
    other_pk = user.pk
    user.delete()
    assert TokenBackend().authenticate(None, pk=str(other_pk), token=token) is None


def test_aauthenticate_matches_authenticate() -> None:
    from asgiref.sync import async_to_sync

    user = make_user()
    inactive = make_user("inactive@example.com", is_active=False)
    token = token_generator.make_token(user)
    backend = TokenBackend()
    run = async_to_sync(backend.aauthenticate)
    assert run(None, pk=str(user.pk), token=token) == user
    assert run(None, pk=str(user.pk), token=token + "x") is None
    assert run(None, pk=str(user.pk), token=None) is None
    assert run(None, pk="nobody", token=token) is None
    assert run(None, pk=str(inactive.pk), token=token_generator.make_token(inactive)) is None
    deleted_pk = user.pk
    user.delete()
    assert run(None, pk=str(deleted_pk), token=token) is None


class OwnGenerator(TokenGenerator):
    key_salt = "own-salt"


class OwnBackend(TokenBackend):
    token_generator = OwnGenerator()


def test_configured_backend_is_found_with_its_path() -> None:
    backend, path = get_token_backend()
    assert type(backend) is TokenBackend
    assert path == BACKEND_PATH == "tokenapi.backends.TokenBackend"
    with override_settings(
        AUTHENTICATION_BACKENDS=["no.such.Backend", "tests.test_pins_backends.OwnBackend"]
    ):
        backend, path = get_token_backend()
        assert type(backend) is OwnBackend
        assert path == "tests.test_pins_backends.OwnBackend"
    with override_settings(AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"]):
        backend, path = get_token_backend()
        assert type(backend) is TokenBackend
        assert path == BACKEND_PATH


def test_authenticate_token_uses_the_configured_backend_and_marks_the_user() -> None:
    user = make_user()
    request = RequestFactory().get("/")
    with override_settings(AUTHENTICATION_BACKENDS=["tests.test_pins_backends.OwnBackend"]):
        own_token = OwnGenerator().make_token(user)
        authenticated = authenticate_token(request, str(user.pk), own_token)
        assert authenticated == user
        assert authenticated.backend == "tests.test_pins_backends.OwnBackend"
        assert authenticate_token(request, str(user.pk), token_generator.make_token(user)) is None


def test_failed_token_checks_are_signalled_without_the_token() -> None:
    from asgiref.sync import async_to_sync

    user = make_user()
    request = RequestFactory().get("/")
    received: list[dict[str, object]] = []

    def receiver(sender: object, **kwargs: object) -> None:
        received.append({"sender": sender, **kwargs})

    user_login_failed.connect(receiver)
    try:
        assert authenticate_token(request, str(user.pk), "1-secret") is None
        assert async_to_sync(aauthenticate_token)(request, "nobody", "2-secret") is None
        good = authenticate_token(request, str(user.pk), token_generator.make_token(user))
        assert good.backend == BACKEND_PATH
        agood = async_to_sync(aauthenticate_token)(
            request, str(user.pk), token_generator.make_token(user)
        )
        assert agood == user and agood.backend == BACKEND_PATH
    finally:
        user_login_failed.disconnect(receiver)
    assert MASKED_TOKEN == "*" * 20
    assert [(r["sender"], r["credentials"], r["request"]) for r in received] == [
        ("tokenapi.backends", {"pk": str(user.pk), "token": MASKED_TOKEN}, request),
        ("tokenapi.backends", {"pk": "nobody", "token": MASKED_TOKEN}, request),
    ]


@pytest.mark.parametrize(
    ("pk", "token"),
    [("not-an-id", "1-token"), (None, "1-token"), ("1", None), ("1", 12345)],
    ids=["bad-id", "no-id", "no-token", "int-token"],
)
def test_hopeless_pairs_never_reach_the_database(
    django_assert_num_queries, pk: object, token: object
) -> None:
    from asgiref.sync import async_to_sync

    with django_assert_num_queries(0):
        assert TokenBackend().authenticate(None, pk=pk, token=token) is None
        assert async_to_sync(TokenBackend().aauthenticate)(None, pk=pk, token=token) is None


class RecordingBackend(TokenBackend):
    requests: ClassVar[list[object]] = []

    def authenticate(self, request=None, pk=None, token=None):
        self.requests.append(request)
        return super().authenticate(request, pk=pk, token=token)

    async def aauthenticate(self, request=None, pk=None, token=None):
        self.requests.append(request)
        return await super().aauthenticate(request, pk=pk, token=token)


@override_settings(AUTHENTICATION_BACKENDS=["tests.test_pins_backends.RecordingBackend"])
def test_the_request_reaches_the_backend() -> None:
    from asgiref.sync import async_to_sync

    user = make_user()
    token = token_generator.make_token(user)
    request = RequestFactory().get("/")
    RecordingBackend.requests = []
    assert authenticate_token(request, str(user.pk), token) == user
    assert async_to_sync(aauthenticate_token)(request, str(user.pk), token) == user
    assert RecordingBackend.requests == [request, request]
