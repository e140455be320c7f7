"""Ids and logins that each database treats its own way: exact answers, never a 500.

Run in every cell of the CI matrix (SQLite, PostgreSQL and MariaDB, with
``auth.User`` and with the UUID-keyed ``testapp.EmailUser``). Logins follow
Django's ``ModelBackend`` wherever the database makes it lenient (MariaDB's
utf8mb4_unicode_ci ignores case, accents, trailing spaces and some invisible
characters), and are never more lenient than it.
"""

from __future__ import annotations

import base64
from functools import partial
from typing import Any
from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection, models
from django.test import AsyncClient, Client

from tests import views
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "ada@example.com"
INT64 = (-(2**63), 2**63 - 1)

# What each way of sending a user id + token answers when the pair is refused.
REFUSED = {
    "query string, sync view": 403,
    "query string, async view": 403,
    "query string, class view": 403,
    "basic header": 403,
    "json body, verify.json": 401,
    "token url": 401,
}
ACCEPTED = dict.fromkeys(REFUSED, 200)

# Ids no user can have, whatever the primary key type and the database.
IMPOSSIBLE_IDS = [
    pytest.param(str(2**63), id="2**63"),
    pytest.param(str(-(2**63) - 1), id="-2**63-1"),
    pytest.param(str(2**64), id="2**64"),
    pytest.param(str(2**31), id="2**31"),
    pytest.param(str(-(2**31) - 1), id="-2**31-1"),
    pytest.param("-1", id="-1"),
    pytest.param("0", id="0"),
    pytest.param("1e9", id="float-notation"),
    pytest.param("9" * 5000, id="5000-digits"),
    pytest.param("1" * 100_000, id="100000-digits"),
    pytest.param("1\x00", id="nul-after-digit"),
    pytest.param("\x00", id="nul-alone"),
    pytest.param("00000000-0000-0000-0000-00000000000\x00", id="uuid-with-nul"),
    pytest.param("00000000-0000-0000-0000-0000000000000", id="uuid-too-long"),
    pytest.param("x" * 10_000, id="10000-letters"),
    pytest.param("🦄", id="emoji"),
]


def make_user(login: str = LOGIN) -> Any:
    user_model = get_user_model()
    return user_model._default_manager.create_user(
        **{user_model.USERNAME_FIELD: login, "password": PASSWORD}
    )


def pk_range() -> tuple[int, int]:
    """The range of the user primary key's column on this database (int64 if not an integer)."""
    pk_field = get_user_model()._meta.pk
    if not isinstance(pk_field, models.IntegerField):
        return INT64
    low, high = connection.ops.integer_field_range(pk_field.get_internal_type())
    return (INT64[0] if low is None else low, INT64[1] if high is None else high)


def answers(user_id: str, token: str) -> dict[str, int]:
    """The status of every way to present ``user_id`` + ``token``."""
    client = Client()
    params = {"user": user_id, "token": token}
    basic = base64.b64encode(f"{user_id}:{token}".encode()).decode()
    return {
        "query string, sync view": client.get("/api/sync/", params).status_code,
        "query string, async view": client.get("/api/async/", params).status_code,
        "query string, class view": client.get("/api/class/", params).status_code,
        "basic header": client.get("/api/sync/", HTTP_AUTHORIZATION=f"Basic {basic}").status_code,
        "json body, verify.json": client.post(
            "/token/verify.json", params, content_type="application/json"
        ).status_code,
        "token url": client.get(f"/token/{token}/{quote(user_id)}.json").status_code,
    }


def log_in(login: str, password: str = PASSWORD) -> Any:
    return Client().post("/token/new.json", {"username": login, "password": password})


def run_async(coroutine_function: Any, *args: Any, **kwargs: Any) -> Any:
    # Django 4.2's AsyncClient methods return coroutines without being async themselves.
    async def call() -> Any:
        return await coroutine_function(*args, **kwargs)

    return async_to_sync(call)()


def model_backend_accepts(login: str, password: str = PASSWORD) -> bool:
    return ModelBackend().authenticate(None, username=login, password=password) is not None


# User ids ----------------------------------------------------------------------


def test_the_real_id_is_let_in_every_way() -> None:
    """The harness itself: the refusals below are about the id, not the token."""
    user = make_user()
    assert answers(str(user.pk), token_generator.make_token(user)) == ACCEPTED


@pytest.mark.parametrize("user_id", IMPOSSIBLE_IDS)
def test_impossible_ids_are_refused(user_id: str) -> None:
    user = make_user()
    assert answers(user_id, token_generator.make_token(user)) == REFUSED


def test_ids_at_and_beyond_the_pk_column_range_are_refused() -> None:
    low, high = pk_range()
    user = make_user()
    token = token_generator.make_token(user)
    for user_id in (low - 1, low, high, high + 1):
        assert answers(str(user_id), token) == REFUSED, user_id


@pytest.mark.parametrize(
    "user_id", [pytest.param(2**63, id="2**63"), pytest.param(-(2**63) - 1, id="-2**63-1")]
)
def test_json_integer_ids_beyond_int64_are_refused(user_id: int) -> None:
    user = make_user()
    response = Client().post(
        "/token/verify.json",
        {"user": user_id, "token": token_generator.make_token(user)},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json() == {"success": False, "errors": "Token did not match user."}


# Logins (new.json) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "password"),
    [
        pytest.param(LOGIN + "\x00", PASSWORD, id="nul-after-login"),
        pytest.param("\x00" + LOGIN, PASSWORD, id="nul-before-login"),
        pytest.param(LOGIN, PASSWORD + "\x00", id="nul-in-password"),
    ],
)
def test_nul_bytes_in_logins_are_a_bad_request(login: str, password: str) -> None:
    make_user()
    response = log_in(login, password)
    assert response.status_code == 400
    assert response.json()["success"] is False


def _lenient_on_mysql(login: str) -> int:
    # MariaDB's utf8mb4_unicode_ci ignores case, accents, trailing spaces and some
    # invisible characters, and ModelBackend looks users up with "=": it logs such
    # variants in, so new.json does too (NUL, which it would ignore as well, is refused).
    expected = 200 if connection.vendor == "mysql" else 401
    assert (expected == 200) == model_backend_accepts(login)
    return expected


@pytest.mark.parametrize(
    "login",
    [
        pytest.param(LOGIN + " ", id="trailing-space"),
        pytest.param(LOGIN + "   ", id="trailing-spaces"),
        pytest.param(LOGIN.upper(), id="upper-case"),
        pytest.param("Ada@example.com", id="capital"),
        pytest.param("ádá@example.com", id="accents"),
        pytest.param(LOGIN + "\x01", id="control-character"),
        pytest.param(LOGIN.replace("@", "\u200b@"), id="zero-width-space"),
    ],
)
def test_login_variants_follow_model_backend(login: str) -> None:
    user = make_user()
    response = log_in(login)
    assert response.status_code == _lenient_on_mysql(login)
    if response.status_code == 200:
        assert str(response.json()["user"]) == str(user.pk)


@pytest.mark.parametrize(
    "login",
    [
        pytest.param(" " + LOGIN, id="leading-space"),
        pytest.param(LOGIN.replace("@", " @"), id="inner-space"),
        pytest.param("ada@example.co", id="prefix"),
        pytest.param(LOGIN.replace("@", "\u00ad@"), id="soft-hyphen"),
        pytest.param("a" * 10_000, id="10000-chars"),
        pytest.param("🦄" * 1000, id="1000-emoji"),
    ],
)
def test_other_logins_are_refused_everywhere(login: str) -> None:
    make_user()
    assert not model_backend_accepts(login)
    response = log_in(login)
    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "errors": "Unable to log you in, please try again.",
    }


def test_four_byte_utf8_login_round_trips() -> None:
    user = make_user("ada🦄@example.com")
    response = log_in("ada🦄@example.com")
    assert response.status_code == 200
    body = response.json()
    assert str(body["user"]) == str(user.pk)
    assert answers(str(body["user"]), body["token"]) == ACCEPTED


def test_other_four_byte_characters_follow_model_backend() -> None:
    # utf8mb4_unicode_ci weighs every character beyond U+FFFF alike.
    make_user("ada🦄@example.com")
    assert log_in("ada🐍@example.com").status_code == _lenient_on_mysql("ada🐍@example.com")


def test_very_long_password_is_refused() -> None:
    make_user()
    assert log_in(LOGIN, "p" * 100_000).status_code == 401


# The async path ----------------------------------------------------------------


def test_async_view_stays_a_coroutine_function() -> None:
    # Django 4.2's csrf_exempt would wrap it in a sync function; the decorator must not.
    assert iscoroutinefunction(views.async_view)
    assert views.async_view.csrf_exempt is True


@pytest.mark.parametrize("client_class", [Client, AsyncClient], ids=["wsgi", "asgi"])
def test_async_view_answers_posts_without_csrf_token(client_class: type) -> None:
    user = make_user()
    client = client_class(enforce_csrf_checks=True)
    post = client.post if client_class is Client else partial(run_async, client.post)
    response = post(
        "/api/async/", {"user": str(user.pk), "token": token_generator.make_token(user)}
    )
    assert response.status_code == 200
    assert response.json() == {"success": True, "user": str(user.pk), "method": "POST"}


@pytest.mark.parametrize("user_id", [str(2**63), "1\x00", "9" * 5000])
def test_async_client_refuses_impossible_ids(user_id: str) -> None:
    user = make_user()
    params = {"user": user_id, "token": token_generator.make_token(user)}
    response = run_async(AsyncClient().get, "/api/async/", params)
    assert response.status_code == 403
