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
from urllib.parse import quote

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
PROTECTED_STATUS = {OK: 200, MISSING: 401, MALFORMED: 400, WRONG: 403}
PAIR_CHECK_STATUS = {OK: 200, MISSING: 401, MALFORMED: 400, WRONG: 401}


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
    pytest.param(lambda u, t: header("Basic!" + t), MALFORMED, id="header-glued"),
    pytest.param(lambda u, t: header("Basic %%%%"), MALFORMED, id="header-bad-base64"),
    pytest.param(lambda u, t: header("Basic MTp"), MALFORMED, id="header-bad-padding"),
    pytest.param(
        lambda u, t: header("Basic " + b64(b"\xff\xfe:\xfd")), MALFORMED, id="header-not-utf8"
    ),
    pytest.param(
        lambda u, t: header("Basic \xff\xfe\xfd\xfc"), MALFORMED, id="header-latin1-bytes"
    ),
    pytest.param(lambda u, t: header("Basic " + b64(b"no colon")), MALFORMED, id="header-no-colon"),
    pytest.param(lambda u, t: header("Basic "), MALFORMED, id="header-empty-payload"),
    pytest.param(
        lambda u, t: header("Basic " + "A" * 100_000), MALFORMED, id="header-huge-no-colon"
    ),
    pytest.param(
        lambda u, t: header(basic_auth(u.pk, "x" * 100_000)), WRONG, id="header-huge-token"
    ),
    pytest.param(lambda u, t: header(""), MISSING, id="header-empty"),
    pytest.param(lambda u, t: header("Bearer " + t), MISSING, id="header-other-scheme"),
    pytest.param(lambda u, t: header(basic_auth("", t)), MISSING, id="header-no-user"),
    pytest.param(lambda u, t: header(basic_auth(u.pk, "")), MISSING, id="header-no-token"),
    pytest.param(lambda u, t: header(basic_auth(u.pk, "x-y")), WRONG, id="header-wrong-token"),
    # User ids that cannot be anybody's key.
    pytest.param(lambda u, t: query("abc", t), WRONG, id="id-abc"),
    pytest.param(lambda u, t: query("-1", t), WRONG, id="id-negative"),
    pytest.param(lambda u, t: query("0", t), WRONG, id="id-zero"),
    pytest.param(lambda u, t: query("1e9", t), WRONG, id="id-exponent"),
    pytest.param(lambda u, t: query("1.0", t), WRONG, id="id-decimal"),
    pytest.param(lambda u, t: query(2**31, t), WRONG, id="id-2**31"),
    pytest.param(lambda u, t: query(2**63, t), WRONG, id="id-2**63"),
    pytest.param(lambda u, t: query(2**70, t), WRONG, id="id-2**70"),
    pytest.param(lambda u, t: query(-(2**63) - 1, t), WRONG, id="id--2**63-1"),
    pytest.param(lambda u, t: query("9" * 5000, t), WRONG, id="id-5000-digits"),
    pytest.param(
        lambda u, t: query("12345678-1234-5678-1234-56781234567", t), WRONG, id="id-broken-uuid"
    ),
    pytest.param(lambda u, t: query("{12345678-1234}", t), WRONG, id="id-braces"),
    pytest.param(lambda u, t: query("\x00", t), WRONG, id="id-nul"),
    pytest.param(lambda u, t: query(f"{u.pk}\x00", t), WRONG, id="id-trailing-nul"),
    pytest.param(lambda u, t: query("\U0001f600", t), WRONG, id="id-emoji"),
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
        MISSING,
        id="json-not-utf8",
    ),
    # JSON of the wrong shape: ignored as a source, or refused when the fields are wrong.
    pytest.param(
        lambda u, t: Sent(body=b"{not json", content_type=JSON), MISSING, id="json-invalid"
    ),
    pytest.param(lambda u, t: as_json([str(u.pk), t]), MISSING, id="json-list"),
    pytest.param(lambda u, t: as_json(t), MISSING, id="json-string"),
    pytest.param(lambda u, t: as_json(12), MISSING, id="json-number"),
    pytest.param(lambda u, t: as_json(None), MISSING, id="json-null"),
    pytest.param(
        lambda u, t: as_json({"data": {"user": str(u.pk), "token": t}}), MISSING, id="json-nested"
    ),
    pytest.param(lambda u, t: as_json({"user": None, "token": t}), MISSING, id="json-user-null"),
    pytest.param(
        lambda u, t: as_json({"user": [str(u.pk)], "token": t}), MALFORMED, id="json-user-list"
    ),
    pytest.param(
        lambda u, t: as_json({"user": {"pk": 1}, "token": t}), MALFORMED, id="json-user-object"
    ),
    pytest.param(lambda u, t: as_json({"user": True, "token": t}), MALFORMED, id="json-user-bool"),
    pytest.param(lambda u, t: as_json({"user": 1.5, "token": t}), MALFORMED, id="json-user-float"),
    pytest.param(
        lambda u, t: as_json({"user": str(u.pk), "token": 7}), MALFORMED, id="json-token-number"
    ),
    pytest.param(lambda u, t: as_json({"user": 2**70, "token": t}), WRONG, id="json-user-huge-int"),
    pytest.param(
        lambda u, t: as_json({"user": "\ud800", "token": t}), WRONG, id="json-user-surrogate"
    ),
    pytest.param(
        lambda u, t: as_json({"user": str(u.pk), "token": t + "\ud800"}),
        WRONG,
        id="json-token-surrogate",
    ),
    pytest.param(
        lambda u, t: Sent(body=b"[" * 100_000, content_type=JSON), MISSING, id="json-too-deep"
    ),
    # Repeated fields: the last one counts, as with Django's QueryDict.get().
    pytest.param(
        lambda u, t: Sent(query=f"user=junk&user={u.pk}&token=x-y&token={t}"),
        OK,
        id="repeated-last-valid",
    ),
    pytest.param(
        lambda u, t: Sent(query=f"user={u.pk}&user=junk&token={t}"), WRONG, id="repeated-last-junk"
    ),
    # Wrong content types.
    pytest.param(
        lambda u, t: Sent(body=f"user={u.pk}&token={t}".encode(), content_type="text/plain"),
        MISSING,
        id="form-as-text-plain",
    ),
    pytest.param(
        lambda u, t: Sent(
            body=json.dumps({"user": str(u.pk), "token": t}).encode(), content_type=FORM
        ),
        MISSING,
        id="json-as-form",
    ),
    pytest.param(
        lambda u, t: Sent(body=b"<user>1</user>", content_type="application/xml"), MISSING, id="xml"
    ),
    # Bodies that cannot be read.
    pytest.param(
        lambda u, t: Sent(body=b"x", content_type="multipart/form-data"),
        MALFORMED,
        id="multipart-no-boundary",
    ),
    pytest.param(
        lambda u, t: Sent(body=b"x", content_type="multipart/form-data; boundary="),
        MALFORMED,
        id="multipart-empty-boundary",
    ),
    pytest.param(
        lambda u, t: Sent(body=b"x", content_type="multipart/form-data; boundary=\xe9"),
        MALFORMED,
        id="multipart-non-ascii-boundary",
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
    if kind == MISSING:
        assert response["WWW-Authenticate"] == 'Basic realm="api"'


@pytest.mark.parametrize("url", PROTECTED, ids=["sync", "async", "class"])
@pytest.mark.parametrize(("row", "kind"), CREDENTIAL_ROWS)
def test_protected_views(
    client: Client, user: Any, token: str, url: str, row: Row, kind: str
) -> None:
    check(row(user, token).send(client, url), kind, PROTECTED_STATUS)


@pytest.mark.parametrize("url", PAIR_CHECKS, ids=["verify", "refresh"])
@pytest.mark.parametrize(("row", "kind"), CREDENTIAL_ROWS)
def test_verify_and_refresh(
    client: Client, user: Any, token: str, url: str, row: Row, kind: str
) -> None:
    check(row(user, token).send(client, url), kind, PAIR_CHECK_STATUS)


# <token>/<user>.json: the pair is in the path ---------------------------------------

PATH_ROWS: list[Any] = [
    pytest.param(lambda u, t: (t, str(u.pk)), 200, id="valid"),
    pytest.param(lambda u, t: (t, "abc"), 401, id="id-abc"),
    pytest.param(lambda u, t: (t, "-1"), 401, id="id-negative"),
    pytest.param(lambda u, t: (t, "1e9"), 401, id="id-exponent"),
    pytest.param(lambda u, t: (t, str(2**63)), 401, id="id-2**63"),
    pytest.param(lambda u, t: (t, str(2**70)), 401, id="id-2**70"),
    pytest.param(lambda u, t: (t, "9" * 5000), 401, id="id-5000-digits"),
    pytest.param(lambda u, t: (t, "12345678-1234-5678-1234-56781234567"), 401, id="id-broken-uuid"),
    pytest.param(lambda u, t: (t, "%00"), 401, id="id-nul"),
    pytest.param(lambda u, t: (t, "%ff"), 401, id="id-not-utf8"),
    pytest.param(lambda u, t: (t, "%20"), 401, id="id-space"),
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


def form(fields: dict[str, Any]) -> Sent:
    from urllib.parse import urlencode

    return Sent(body=urlencode(fields).encode(), content_type=FORM)


NEW_ROWS: list[Any] = [
    pytest.param(lambda: form(login()), 200, id="valid-form"),
    pytest.param(lambda: as_json(login()), 200, id="valid-json"),
    pytest.param(lambda: Sent(body=b"{not json", content_type=JSON), 400, id="json-invalid"),
    pytest.param(lambda: Sent(body=b"", content_type=JSON), 400, id="json-empty"),
    pytest.param(
        lambda: Sent(body=b'{"username": "\xff"}', content_type=JSON), 400, id="json-not-utf8"
    ),
    pytest.param(lambda: as_json([login_of("alice"), PASSWORD]), 400, id="json-list"),
    pytest.param(lambda: as_json("alice"), 400, id="json-string"),
    pytest.param(lambda: as_json(12), 400, id="json-number"),
    pytest.param(lambda: as_json(None), 400, id="json-null"),
    pytest.param(lambda: Sent(body=b"[" * 100_000, content_type=JSON), 400, id="json-too-deep"),
    pytest.param(lambda: as_json({"credentials": login()}), 401, id="json-nested"),
    pytest.param(lambda: as_json(login(username=None)), 401, id="json-username-null"),
    pytest.param(
        lambda: as_json(login(username=[login_of("alice")])), 400, id="json-username-list"
    ),
    pytest.param(lambda: as_json(login(username={"a": 1})), 400, id="json-username-object"),
    pytest.param(lambda: as_json(login(username=True)), 400, id="json-username-bool"),
    pytest.param(lambda: as_json(login(username=1)), 400, id="json-username-number"),
    pytest.param(lambda: as_json(login(password=123)), 400, id="json-password-number"),
    pytest.param(lambda: as_json(login(username="ali\x00ce")), 400, id="json-username-nul"),
    # JSON may spell lone surrogates ("\ud800"), which no database or hasher can encode.
    pytest.param(lambda: as_json(login(username="\ud800")), 400, id="json-username-surrogate"),
    pytest.param(lambda: as_json(login(password="pw\udfff")), 400, id="json-password-surrogate"),
    pytest.param(lambda: form(login(username="ali\x00ce")), 400, id="form-username-nul"),
    pytest.param(lambda: form(login(password="pass\x00")), 400, id="form-password-nul"),
    pytest.param(lambda: form(login(username="\U0001f600" * 50)), 401, id="username-emoji"),
    pytest.param(lambda: form(login(username="a" * 100_000)), 401, id="username-huge"),
    pytest.param(lambda: form(login(password="p" * 100_000)), 401, id="password-huge"),
    pytest.param(
        lambda: Sent(body=b"username=\xff&password=\xfe", content_type=FORM),
        401,
        id="form-not-utf8",
    ),
    pytest.param(
        lambda: Sent(
            body=f"username=nobody&username={quote(login_of('alice'))}&password={quote(PASSWORD)}".encode(),
            content_type=FORM,
        ),
        200,
        id="repeated-last-valid",
    ),
    pytest.param(
        lambda: Sent(
            body=f"username={quote(login_of('alice'))}&password={quote(PASSWORD)}&password=x".encode(),
            content_type=FORM,
        ),
        401,
        id="repeated-last-wrong",
    ),
    pytest.param(
        lambda: Sent(body=json.dumps(login()).encode(), content_type="text/plain"),
        401,
        id="json-as-text",
    ),
    pytest.param(
        lambda: Sent(body=json.dumps(login()).encode(), content_type=FORM), 401, id="json-as-form"
    ),
    pytest.param(
        lambda: Sent(query=f"username={quote(login_of('alice'))}&password={quote(PASSWORD)}"),
        401,
        id="query-string-only",
    ),
    pytest.param(
        lambda: Sent(body=b"x", content_type="multipart/form-data"), 400, id="multipart-no-boundary"
    ),
    pytest.param(
        lambda: Sent(body=b"x", content_type="multipart/form-data; boundary="),
        400,
        id="multipart-empty-boundary",
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
