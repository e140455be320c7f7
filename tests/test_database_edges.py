"""Ids and logins that each database treats its own way: exact answers, never a 500.

Run in every cell of the CI matrix (SQLite, PostgreSQL and MariaDB, with
``auth.User`` and with the UUID-keyed ``testapp.EmailUser``). Logins follow
Django's ``ModelBackend`` wherever the database makes it lenient (MariaDB's
utf8mb4_unicode_ci ignores case, accents, trailing spaces and some invisible
characters), and are never more lenient than it.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import AsyncClient, Client

from tests.helpers import PASSWORD, login_of, make_user, send_pair

pytestmark = pytest.mark.django_db

LOGIN_FAILED = {"success": False, "errors": "Unable to log you in, please try again."}

# Each way of sending a user id + token, and what it answers when the pair is refused.
WAYS = {
    "query string, sync view": ("query", "/api/sync/", 403),
    "query string, async view": ("query", "/api/async/", 403),
    "basic header": ("basic", "/api/sync/", 403),
    "json body, verify.json": ("json", "/token/verify.json", 401),
    "token url": ("url", None, 401),
}
REFUSED = {name: status for name, (_, _, status) in WAYS.items()}
ACCEPTED = dict.fromkeys(WAYS, 200)

# Ids no user has that reach each database, or would: keys queried for nobody, a NUL
# (PostgreSQL refuses it in text), digits beyond Python's int() limit, a 4-byte character.
# The parsing of each kind of id is pinned in test_backends.py; here, every database
# and every way in.
IMPOSSIBLE_IDS = [
    pytest.param("-1", id="-1"),
    pytest.param("0", id="0"),
    pytest.param("1\x00", id="nul-after-digit"),
    pytest.param("00000000-0000-0000-0000-00000000000\x00", id="uuid-with-nul"),
    pytest.param("1" * 100_000, id="100000-digits"),
    pytest.param("🦄", id="emoji"),
]


def answers(user_id: str, token: str) -> dict[str, int]:
    """The status of every way to present ``user_id`` + ``token``."""
    return {
        name: send_pair(Client(), how, path, user_id, token).status_code
        for name, (how, path, _) in WAYS.items()
    }


def log_in(login: str, password: str = PASSWORD) -> Any:
    return Client().post("/token/new.json", {"username": login, "password": password})


def model_backend_accepts(login: str) -> bool:
    return ModelBackend().authenticate(None, username=login, password=PASSWORD) is not None


# User ids ----------------------------------------------------------------------


@pytest.mark.parametrize("user_id", IMPOSSIBLE_IDS)
def test_impossible_ids_are_refused(user: Any, token: str, user_id: str) -> None:
    assert answers(user_id, token) == REFUSED


def test_the_async_view_under_asgi(user: Any, token: str) -> None:
    client = AsyncClient(enforce_csrf_checks=True)

    async def post() -> Any:  # Django 4.2's AsyncClient.post is not itself async
        return await client.post("/api/async/", {"user": str(user.pk), "token": token})

    response = async_to_sync(post)()
    assert response.status_code == 200
    assert response.json() == {"success": True, "user": str(user.pk), "method": "POST"}


# Logins (new.json) -------------------------------------------------------------


def _lenient_on_mysql(login: str) -> int:
    # MariaDB's utf8mb4_unicode_ci ignores case, accents, trailing spaces and some
    # invisible characters, and ModelBackend looks users up with "=": it logs such
    # variants in, so new.json does too (NUL, which it would ignore as well, is refused).
    expected = 200 if connection.vendor == "mysql" else 401
    assert (expected == 200) == model_backend_accepts(login)
    return expected


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda login: login + " ", id="trailing-space"),
        pytest.param(lambda login: login + "   ", id="trailing-spaces"),
        pytest.param(str.upper, id="upper-case"),
        pytest.param(str.capitalize, id="capital"),
        pytest.param(lambda login: "álí" + login[3:], id="accents"),
        pytest.param(lambda login: login + "\x01", id="control-character"),
        pytest.param(lambda login: login[:2] + "\u200b" + login[2:], id="zero-width-space"),
    ],
)
def test_login_variants_follow_model_backend(user: Any, variant: Any) -> None:
    login = variant(login_of("alice"))
    response = log_in(login)
    assert response.status_code == _lenient_on_mysql(login)
    if response.status_code == 200:
        assert str(response.json()["user"]) == str(user.pk)


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda login: " " + login, id="leading-space"),
        pytest.param(lambda login: login[:2] + " " + login[2:], id="inner-space"),
        pytest.param(lambda login: login[:-1], id="prefix"),
        pytest.param(lambda login: login[:2] + "\u00ad" + login[2:], id="soft-hyphen"),
    ],
)
def test_other_logins_are_refused_everywhere(user: Any, variant: Any) -> None:
    login = variant(login_of("alice"))
    assert not model_backend_accepts(login)
    response = log_in(login)
    assert response.status_code == 401
    assert response.json() == LOGIN_FAILED


def test_four_byte_utf8_login_round_trips() -> None:
    user = make_user("ada🦄")
    response = log_in(login_of("ada🦄"))
    assert response.status_code == 200
    body = response.json()
    assert str(body["user"]) == str(user.pk)
    assert answers(str(body["user"]), body["token"]) == ACCEPTED


def test_other_four_byte_characters_follow_model_backend() -> None:
    # utf8mb4_unicode_ci weighs every character beyond U+FFFF alike.
    make_user("ada🦄")
    login = login_of("ada🐍")
    assert log_in(login).status_code == _lenient_on_mysql(login)
