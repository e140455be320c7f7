"""Hostile and broken input on every endpoint: always a JSON error with the spec's status.

Each row is one request; the client raises whatever a view raises, so a row
that would be a 500 fails loudly instead.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from tests.helpers import PASSWORD, assert_json_error, basic_auth, json_body, login_of

pytestmark = pytest.mark.django_db

PROTECTED = ["/api/sync/", "/api/async/", "/api/class/"]
PAIR_CHECKS = ["/token/verify.json", "/token/refresh.json"]
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
BIG = 2_621_440 + 1  # one byte over Django's DATA_UPLOAD_MAX_MEMORY_SIZE

# What each kind of request gets, per SPEC.md.
OK, MISSING, MALFORMED, WRONG = "ok", "missing", "malformed", "wrong"
# A body labelled JSON that is none: a protected view's own business (no credentials
# there), but a client error at an endpoint, whose body it is.
NOT_JSON = "not-json"
PROTECTED_STATUS = {OK: 200, MISSING: 401, MALFORMED: 400, WRONG: 403, NOT_JSON: 401}
PAIR_CHECK_STATUS = {OK: 200, MISSING: 401, MALFORMED: 400, WRONG: 401, NOT_JSON: 400}


@dataclass
class Sent:
    """One request: a query string, a body and its content type, extra WSGI headers."""

    query: str = ""
    body: bytes = b""
    content_type: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def send(self, client: Client, url: str, method: str = "POST") -> Any:
        extra = dict(self.extra)
        if self.content_type is not None:
            extra["CONTENT_TYPE"] = self.content_type
        if self.query:
            extra["QUERY_STRING"] = self.query
        content_type = self.content_type or "application/octet-stream"
        return client.generic(method, url, self.body, content_type, **extra)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def header(value: str) -> Sent:
    return Sent(extra={"HTTP_AUTHORIZATION": value})


def as_json(value: Any) -> Sent:
    return Sent(body=json.dumps(value).encode(), content_type=JSON)


def query(user: object, token: str) -> Sent:
    return Sent(query=f"user={quote(str(user), safe='')}&token={quote(token, safe='')}")


Row = Callable[[Any, str], Sent]

CREDENTIAL_ROWS: list[Any] = [
    # Sanity rows: the same pair through every source works.
    pytest.param(lambda u, t: query(u.pk, t), OK, id="valid-query"),
    pytest.param(lambda u, t: as_json({"user": str(u.pk), "token": t}), OK, id="valid-json"),
    pytest.param(lambda u, t: header(basic_auth(u.pk, t)), OK, id="valid-basic"),
    # Authorization headers.
    pytest.param(lambda u, t: header("Basic"), MALFORMED, id="header-no-space"),
    pytest.param(lambda u, t: header("Basic %%%%"), MALFORMED, id="header-bad-base64"),
    pytest.param(
        lambda u, t: header("Basic \xff\xfe\xfd\xfc"), MALFORMED, id="header-latin1-bytes"
    ),
    pytest.param(
        lambda u, t: header("Basic " + "A" * 100_000), MALFORMED, id="header-huge-no-colon"
    ),
    pytest.param(lambda u, t: header(""), MISSING, id="header-empty"),
    pytest.param(lambda u, t: header("Bearer " + t), MISSING, id="header-other-scheme"),
    pytest.param(lambda u, t: header(basic_auth(u.pk, "x-y")), WRONG, id="header-wrong-token"),
    # Tokens (the ids no user can have are in test_database_edges.py).
    pytest.param(lambda u, t: query(u.pk, t + "\x00"), WRONG, id="token-nul"),
    pytest.param(lambda u, t: query(u.pk, "x" * 100_000), WRONG, id="token-huge"),
    pytest.param(lambda u, t: query(u.pk, "\u00e9" * 10), WRONG, id="token-non-ascii"),
    # Non-UTF-8 query strings and bodies.
    pytest.param(lambda u, t: Sent(query="user=%ff&token=%fe"), WRONG, id="query-not-utf8-escaped"),
    pytest.param(lambda u, t: Sent(query="user=\xff&token=\xfe"), WRONG, id="query-not-utf8-raw"),
    pytest.param(
        lambda u, t: Sent(body=b"user=\xff&token=\xfe", content_type=FORM),
        WRONG,
        id="form-not-utf8",
    ),
    pytest.param(
        lambda u, t: Sent(body=b'{"user": "\xff", "token": "\xfe"}', content_type=JSON),
        NOT_JSON,
        id="json-not-utf8",
    ),
    # JSON of the wrong shape: ignored as a source, or refused when the fields are wrong.
    pytest.param(
        lambda u, t: as_json({"data": {"user": str(u.pk), "token": t}}), MISSING, id="json-nested"
    ),
    pytest.param(
        lambda u, t: as_json({"user": [str(u.pk)], "token": t}), MALFORMED, id="json-user-list"
    ),
    pytest.param(
        lambda u, t: as_json({"user": "\ud800", "token": t}), WRONG, id="json-user-surrogate"
    ),
    pytest.param(
        lambda u, t: as_json({"user": str(u.pk), "token": t + "\ud800"}),
        WRONG,
        id="json-token-surrogate",
    ),
    # A JSON body sent as a form.
    pytest.param(
        lambda u, t: Sent(
            body=json.dumps({"user": str(u.pk), "token": t}).encode(), content_type=FORM
        ),
        MISSING,
        id="json-as-form",
    ),
    # Bodies that cannot be read.
    pytest.param(
        lambda u, t: Sent(body=b"x", content_type="multipart/form-data"),
        MALFORMED,
        id="multipart-no-boundary",
    ),
    pytest.param(
        lambda u, t: Sent(body=b"a" * BIG, content_type=FORM), MALFORMED, id="form-too-big"
    ),
    pytest.param(
        lambda u, t: Sent(body=b" " * BIG + b"{}", content_type=JSON), MALFORMED, id="json-too-big"
    ),
    pytest.param(
        lambda u, t: Sent(
            body="&".join(f"f{i}=1" for i in range(1001)).encode(), content_type=FORM
        ),
        MALFORMED,
        id="form-too-many-fields",
    ),
]


def check(response: Any, kind: str, statuses: dict[str, int]) -> None:
    status = statuses[kind]
    if kind == OK:
        assert response.status_code == 200, response.content
        assert json_body(response)["success"] is True
        return
    assert_json_error(response, status)
    if status == 401 and kind in (MISSING, NOT_JSON):
        assert response["WWW-Authenticate"] == 'Basic realm="api"'


@pytest.mark.parametrize(
    ("url", "statuses"),
    [(url, PROTECTED_STATUS) for url in PROTECTED]
    + [(url, PAIR_CHECK_STATUS) for url in PAIR_CHECKS],
    ids=["sync", "async", "class", "verify", "refresh"],
)
@pytest.mark.parametrize(("row", "kind"), CREDENTIAL_ROWS)
def test_credentials(
    client: Client, user: Any, token: str, url: str, statuses: dict[str, int], row: Row, kind: str
) -> None:
    check(row(user, token).send(client, url), kind, statuses)


# <token>/<user>.json: the pair is in the path ---------------------------------------

PATH_ROWS: list[Any] = [
    pytest.param(lambda u, t: (t, str(u.pk)), 200, id="valid"),
    pytest.param(lambda u, t: (t, "%ff"), 401, id="id-not-utf8"),
    pytest.param(lambda u, t: (t + "%00", str(u.pk)), 401, id="token-nul"),
    pytest.param(lambda u, t: ("%ff%fe", str(u.pk)), 401, id="token-not-utf8"),
    pytest.param(lambda u, t: ("x" * 10_000, str(u.pk)), 401, id="token-huge"),
    pytest.param(lambda u, t: ("%E2%82%AC-" + "A" * 43, str(u.pk)), 401, id="token-non-ascii"),
]


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD"])
@pytest.mark.parametrize(("row", "status"), PATH_ROWS)
def test_token_in_path(
    client: Client, user: Any, token: str, method: str, row: Any, status: int
) -> None:
    path_token, path_user = row(user, token)
    response = client.generic(method, f"/token/{path_token}/{path_user}.json")
    assert response.status_code == status
    if method != "HEAD":
        if status == 200:
            assert json_body(response) == {"success": True}
        else:
            assert_json_error(response, status)


@pytest.mark.parametrize(("row", "kind"), CREDENTIAL_ROWS)
def test_token_in_path_ignores_other_credentials(
    client: Client, user: Any, token: str, row: Row, kind: str
) -> None:
    # Whatever else the request carries, the path decides; bodies are not read.
    response = row(user, token).send(client, f"/token/x-y/{user.pk}.json")
    assert_json_error(response, 401)


# new.json -------------------------------------------------------------------------


def login(**fields: Any) -> dict[str, Any]:
    return {"username": login_of("alice"), "password": PASSWORD, **fields}


def form(fields: Any) -> Sent:
    return Sent(body=urlencode(fields).encode(), content_type=FORM)


# Bodies test_views.py does not try already (it pins malformed JSON, wrong types, NUL
# and lone surrogates with their messages).
NEW_ROWS: list[Any] = [
    pytest.param(lambda: form(login()), 200, id="valid-form"),
    pytest.param(lambda: as_json(login()), 200, id="valid-json"),
    pytest.param(
        lambda: Sent(body=b'{"username": "\xff"}', content_type=JSON), 400, id="json-not-utf8"
    ),
    pytest.param(lambda: Sent(body=b"[" * 100_000, content_type=JSON), 400, id="json-too-deep"),
    pytest.param(lambda: as_json({"credentials": login()}), 401, id="json-nested"),
    pytest.param(lambda: as_json(login(username=None)), 401, id="json-username-null"),
    pytest.param(lambda: form(login(password="p" * 100_000)), 401, id="password-huge"),
    pytest.param(
        lambda: Sent(body=b"username=\xff&password=\xfe", content_type=FORM),
        401,
        id="form-not-utf8",
    ),
    pytest.param(
        lambda: form([("username", "nobody"), *login().items()]), 200, id="repeated-last-valid"
    ),
    pytest.param(
        lambda: form([*login().items(), ("password", "x")]), 401, id="repeated-last-wrong"
    ),
    pytest.param(
        lambda: Sent(body=json.dumps(login()).encode(), content_type="text/plain"),
        401,
        id="json-as-text",
    ),
    pytest.param(
        lambda: Sent(body=json.dumps(login()).encode(), content_type=FORM), 401, id="json-as-form"
    ),
    pytest.param(lambda: Sent(query=urlencode(login())), 401, id="query-string-only"),
    pytest.param(
        lambda: Sent(body=b"x", content_type="multipart/form-data"), 400, id="multipart-no-boundary"
    ),
    pytest.param(lambda: Sent(body=b"a" * BIG, content_type=FORM), 400, id="form-too-big"),
    pytest.param(lambda: Sent(body=b" " * BIG + b"{}", content_type=JSON), 400, id="json-too-big"),
    pytest.param(
        lambda: Sent(body="&".join(f"f{i}=1" for i in range(1001)).encode(), content_type=FORM),
        400,
        id="form-too-many-fields",
    ),
    pytest.param(lambda: header("Basic"), 401, id="header-ignored"),
]


@pytest.mark.parametrize(("row", "status"), NEW_ROWS)
def test_new(client: Client, user: Any, row: Callable[[], Sent], status: int) -> None:
    response = row().send(client, "/token/new.json")
    if status == 200:
        assert response.status_code == 200, response.content
        assert json_body(response)["user"] in (user.pk, str(user.pk))
    else:
        assert_json_error(response, status)
