"""Hostile and broken input on every endpoint: always a JSON error with the spec's status.

Each row is one request; the client raises whatever a view raises, so a row
that would be a 500 fails loudly instead. What a module test pins already (each
malformed header, body and JSON shape of tokenapi.credentials, each refused pair
of the decorator and the views) is not tried again here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from tests.helpers import PASSWORD, assert_json_error, basic_auth, json_body, login_of

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
PAIR_REFUSED = "Token did not match user."
# The decorator, sync and async, and the endpoints' door, and how each refuses a pair.
URLS = [
    pytest.param("/api/sync/", 403, "Incorrect user and token pair.", id="sync"),
    pytest.param("/api/async/", 403, "Incorrect user and token pair.", id="async"),
    pytest.param("/token/verify.json", 401, PAIR_REFUSED, id="verify"),
]


@dataclass
class Sent:
    """One request: a query string, a body and its content type, extra WSGI headers."""

    query: str = ""
    body: bytes = b""
    content_type: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def send(self, client: Client, url: str) -> Any:
        extra = dict(self.extra)
        if self.content_type is not None:
            extra["CONTENT_TYPE"] = self.content_type
        if self.query:
            extra["QUERY_STRING"] = self.query
        content_type = self.content_type or "application/octet-stream"
        return client.generic("POST", url, self.body, content_type, **extra)


def header(value: str) -> Sent:
    return Sent(extra={"HTTP_AUTHORIZATION": value})


def as_json(value: Any) -> Sent:
    return Sent(body=json.dumps(value).encode(), content_type=JSON)


def query(user: object, token: str) -> Sent:
    return Sent(query=f"user={quote(str(user), safe='')}&token={quote(token, safe='')}")


Row = Callable[[Any, str], Sent]


# Text no module test sends: bytes that are not UTF-8, which Django decodes with
# replacement characters, and lone surrogates, which only JSON can spell.
NOT_UTF8 = {
    "query-not-utf8-escaped": lambda u, t: Sent(query="user=%ff&token=%fe"),
    "query-not-utf8-raw": lambda u, t: Sent(query="user=\xff&token=\xfe"),
    "form-not-utf8": lambda u, t: Sent(body=b"user=\xff&token=\xfe", content_type=FORM),
    "json-user-surrogate": lambda u, t: as_json({"user": "\ud800", "token": t}),
}


@pytest.mark.parametrize(("url", "status", "message"), URLS)
@pytest.mark.parametrize("row", NOT_UTF8.values(), ids=NOT_UTF8)
def test_text_that_is_not_utf8_is_refused_as_a_pair(
    client: Client, user: Any, token: str, url: str, status: int, message: str, row: Row
) -> None:
    response = row(user, token).send(client, url)
    assert assert_json_error(response, status)["errors"] == message


# <token>/<user>.json: the pair is in the path ---------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(lambda u, t: (t, "%ff"), id="id-not-utf8"),
        pytest.param(lambda u, t: ("%ff%fe", str(u.pk)), id="token-not-utf8"),
    ],
)
def test_a_path_that_is_not_utf8_is_refused(
    client: Client, user: Any, token: str, row: Any
) -> None:
    path_token, path_user = row(user, token)
    response = client.get(f"/token/{path_token}/{path_user}.json")
    assert assert_json_error(response, 401)["errors"] == PAIR_REFUSED


@pytest.mark.parametrize(
    ("row", "elsewhere"),
    [
        pytest.param(lambda u, t: query(u.pk, t), 200, id="valid-query"),
        pytest.param(lambda u, t: as_json({"user": str(u.pk), "token": t}), 200, id="valid-json"),
        pytest.param(lambda u, t: header(basic_auth(u.pk, t)), 200, id="valid-basic"),
        pytest.param(lambda u, t: header("Basic"), 400, id="malformed-header"),
    ],
)
def test_token_in_path_ignores_other_credentials(
    client: Client, user: Any, token: str, row: Row, elsewhere: int
) -> None:
    # What a protected view answers to the rest of the request, the path overrides.
    assert row(user, token).send(client, "/api/sync/").status_code == elsewhere
    response = row(user, token).send(client, f"/token/x-y/{user.pk}.json")
    assert assert_json_error(response, 401)["errors"] == PAIR_REFUSED


# new.json: bodies test_views.py does not try ----------------------------------------


def form(fields: Any) -> Sent:
    return Sent(body=urlencode(fields).encode(), content_type=FORM)


def login() -> list[tuple[str, str]]:
    return [("username", login_of("alice")), ("password", PASSWORD)]


LOGIN_FAILED = "Unable to log you in, please try again."
MISSING_LOGIN = "Must include 'username' and 'password' as POST parameters."


LOGINS = {
    "repeated-last-ok": (lambda: form([("username", "x"), *login()]), None),
    "repeated-last-wrong": (lambda: form([*login(), ("password", "x")]), LOGIN_FAILED),
    "password-huge": (lambda: form([*login()[:1], ("password", "p" * 100_000)]), LOGIN_FAILED),
    "form-not-utf8": (
        lambda: Sent(body=b"username=\xff&password=\xfe", content_type=FORM),
        LOGIN_FAILED,
    ),
    # A login is read from the body only: not the query string, not the header.
    "query-string": (lambda: Sent(query=urlencode(login())), MISSING_LOGIN),
    "header-ignored": (lambda: header("Basic"), MISSING_LOGIN),
}


@pytest.mark.parametrize(("row", "error"), LOGINS.values(), ids=LOGINS)
def test_new_reads_the_login_from_the_body_alone(
    client: Client, user: Any, row: Callable[[], Sent], error: str | None
) -> None:
    response = row().send(client, "/token/new.json")
    if error is None:
        assert response.status_code == 200, response.content
        assert json_body(response)["user"] in (user.pk, str(user.pk))
    else:
        assert assert_json_error(response, 401)["errors"] == error
