"""tokenapi.credentials: where a request's user id and token are read from, and in what order.

The tables hold functions making requests, not requests: Django reads a body
once (a broken one then looks empty), and a test may run more than once.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.http import HttpRequest, QueryDict
from django.test import RequestFactory

from tests.helpers import basic_auth
from tokenapi import errors
from tokenapi.credentials import (
    is_json,
    parse_credentials,
    require_credentials,
)
from tokenapi.errors import RequestError

rf = RequestFactory()
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def json_post(body: Any, content_type: str = JSON, **extra: str) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return rf.post("/", data, content_type, **extra)


def with_header(value: str, request: Any = None) -> Any:
    request = request or rf.get("/")
    request.META["HTTP_AUTHORIZATION"] = value
    return request


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def raises_error(call: Any, error: errors.ApiError) -> None:
    with pytest.raises(RequestError) as info:
        call()
    assert info.value.error == error
    assert str(info.value) == error.message


FOUND = {
    # Request parameters: POST, then the query string, field by field as 2.1.1 did.
    "form": (lambda: rf.post("/", {"user": "1", "token": "t"}), ("1", "t")),
    "query": (lambda: rf.get("/", {"user": "1", "token": "t"}), ("1", "t")),
    "query-of-a-post": (lambda: rf.post("/?user=1&token=t", {}), ("1", "t")),
    "form-over-query": (
        lambda: rf.post("/?user=2&token=q", {"user": "1", "token": "t"}),
        ("1", "t"),
    ),
    "form-user-query-token": (lambda: rf.post("/?user=2&token=q", {"user": "1"}), ("1", "q")),
    "query-user-form-token": (lambda: rf.post("/?user=2&token=q", {"token": "t"}), ("2", "t")),
    "last-repeated-wins": (lambda: rf.get("/?user=1&user=2&token=a&token=b"), ("2", "b")),
    # A JSON object body.
    "json": (lambda: json_post({"user": "1", "token": "t"}), ("1", "t")),
    "json-int-user": (lambda: json_post({"user": 7, "token": "t"}), ("7", "t")),
    "query-over-json": (
        lambda: rf.post("/?user=1&token=q", '{"user": "2", "token": "j"}', "application/json"),
        ("1", "q"),
    ),
    # Authorization: Basic, last.
    "basic": (lambda: with_header(basic_auth(1, "t")), ("1", "t")),
    "colons-in-token": (lambda: with_header(basic_auth(1, "a:b")), ("1", "a:b")),
    "scheme-case-and-spaces": (lambda: with_header(f"bAsIc   {b64(b'1:t')}  "), ("1", "t")),
    "query-over-header": (
        lambda: rf.get("/?user=1&token=p", HTTP_AUTHORIZATION=basic_auth(2, "h")),
        ("1", "p"),
    ),
    "query-over-malformed-header": (
        lambda: rf.get("/?user=1&token=p", HTTP_AUTHORIZATION="garbage"),
        ("1", "p"),
    ),
    "json-over-header": (
        lambda: json_post({"user": "1", "token": "j"}, HTTP_AUTHORIZATION=basic_auth(2, "h")),
        ("1", "j"),
    ),
    "half-query-then-header": (
        lambda: rf.get("/?user=1", HTTP_AUTHORIZATION=basic_auth(2, "h")),
        ("2", "h"),
    ),
    "empty-json-token-then-header": (
        lambda: json_post({"user": "1", "token": ""}, HTTP_AUTHORIZATION=basic_auth(2, "h")),
        ("2", "h"),
    ),
}


@pytest.mark.parametrize(("make_request", "expected"), FOUND.values(), ids=FOUND)
def test_credentials_found(make_request: Any, expected: tuple[str, str]) -> None:
    assert parse_credentials(make_request()) == expected
    assert require_credentials(make_request()) == expected


NO_CREDENTIALS = {
    "nothing": lambda: rf.get("/"),
    "user-only": lambda: rf.post("/", {"user": "1"}),
    "empty-values": lambda: rf.post("/", {"user": "", "token": ""}),
    "get-form-body": lambda: rf.generic("GET", "/", "user=1&token=t", FORM),
    "head-form-body": lambda: rf.generic("HEAD", "/", "user=1&token=t", FORM),
    "json-as-text": lambda: json_post({"user": "1", "token": "t"}, "text/plain"),
    "json-as-json-stream": lambda: json_post(
        {"user": "1", "token": "t"}, "application/x-json-stream"
    ),
    "json-user-only": lambda: json_post({"user": "1"}),
    "json-nulls": lambda: json_post({"user": None, "token": None}),
    "empty-header": lambda: with_header(""),
    "other-scheme": lambda: with_header("Token abc"),
    "basic-no-user": lambda: with_header(basic_auth("", "t")),
    "basic-no-token": lambda: with_header(basic_auth(1, "")),
}


@pytest.mark.parametrize("make_request", NO_CREDENTIALS.values(), ids=NO_CREDENTIALS)
def test_no_credentials(make_request: Any) -> None:
    assert parse_credentials(make_request()) is None
    raises_error(lambda: require_credentials(make_request()), errors.MISSING_CREDENTIALS)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("{not json", id="invalid"),
        pytest.param(b"\xff\xfe\x00", id="not-utf8"),
        pytest.param("[1, 2]", id="list"),
        pytest.param('"user"', id="string"),
        pytest.param("12", id="number"),
        pytest.param("null", id="null"),
        pytest.param("", id="empty"),
        pytest.param("[" * 100_000, id="too-deep"),
    ],
)
def test_json_that_is_not_an_object_is_ignored(body: Any) -> None:
    assert parse_credentials(json_post(body)) is None
    assert parse_credentials(with_header(basic_auth(1, "t"), json_post(body))) == ("1", "t")


@pytest.mark.parametrize(
    ("header", "strict", "error"),
    [
        pytest.param("Basic", True, errors.MALFORMED_HEADER, id="no-space"),
        pytest.param("Token", True, errors.MALFORMED_HEADER, id="other-scheme-only"),
        pytest.param("BasicMTp0", True, errors.MALFORMED_HEADER, id="glued"),
        pytest.param("Basic !!!", True, errors.MALFORMED_BASIC, id="not-base64"),
        pytest.param("Basic MTp", True, errors.MALFORMED_BASIC, id="bad-padding"),
        pytest.param("Basic " + b64(b"\xff\xfe:\xff"), True, errors.MALFORMED_BASIC, id="not-utf8"),
        pytest.param("Basic " + b64(b"no-colon"), True, errors.MALFORMED_BASIC, id="no-colon"),
        pytest.param("Basic ", True, errors.MALFORMED_BASIC, id="empty-payload"),
        pytest.param("Basic " + "\u00e9" * 4, True, errors.MALFORMED_BASIC, id="non-ascii"),
        # Not strict, for the DRF class: DRF's own classes ignore headers not theirs.
        pytest.param("null", False, None, id="lenient-null"),
        pytest.param("undefined", False, None, id="lenient-undefined"),
        pytest.param("Bearer", False, None, id="lenient-bearer-alone"),
        pytest.param("Negotiate", False, None, id="lenient-negotiate-alone"),
        # Basic stays ours: malformed is malformed.
        pytest.param("Basic", False, errors.MALFORMED_HEADER, id="lenient-basic-alone"),
        pytest.param("basic !!!", False, errors.MALFORMED_BASIC, id="lenient-basic-not-base64"),
    ],
)
def test_authorization_headers_malformed_or_of_other_schemes(
    header: str, strict: bool, error: errors.ApiError | None
) -> None:
    def parse() -> Any:  # strict: the default
        lenient = {} if strict else {"other_schemes_are_errors": False}
        return parse_credentials(with_header(header), **lenient)

    if error is None:
        assert parse() is None
    else:
        raises_error(parse, error)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"user": [1], "token": "t"}, id="user-list"),
        pytest.param({"user": {"id": 1}, "token": "t"}, id="user-object"),
        pytest.param({"user": True, "token": "t"}, id="user-bool"),
        pytest.param({"user": 1.0, "token": "t"}, id="user-float"),
        pytest.param({"user": "1", "token": 5}, id="token-number"),
        pytest.param({"user": "1", "token": ["t"]}, id="token-list"),
    ],
)
def test_json_credentials_of_wrong_type_are_malformed(fields: dict[str, Any]) -> None:
    raises_error(lambda: parse_credentials(json_post(fields)), errors.MALFORMED_CREDENTIALS)


CHARSETS = {
    "latin-1": (f"{FORM}; charset=ISO-8859-1", b"user=al\xe9&token=t", "al\xe9"),
    "latin-1-q": (f"{FORM}; charset=latin-1", b"user=al%E9&token=t", "al\xe9"),
    "cp1252": (f"{FORM}; charset=cp1252", b"user=%80&token=t", "\u20ac"),
    "utf-16": (f"{FORM}; charset=utf-16", "user=al\xe9&token=t".encode("utf-16"), "al\xe9"),
    "utf-8": (f"{FORM}; charset=UTF8", "user=al\xe9&token=t".encode(), "al\xe9"),
    "no-charset": (FORM, "user=al\xe9&token=t".encode(), "al\xe9"),
    "utf-8-as-django-spells-it": (
        f"{FORM}; charset=utf-8",
        "user=al\xe9&token=t".encode(),
        "al\xe9",
    ),
    # Not a URL-encoded form: Django's multipart parser reads it, in its charset.
    "multipart-latin-1": (
        "multipart/form-data; boundary=B; charset=latin-1",
        b'--B\r\nContent-Disposition: form-data; name="user"\r\n\r\nal\xe9\r\n'
        b'--B\r\nContent-Disposition: form-data; name="token"\r\n\r\nt\r\n--B--\r\n',
        "al\xe9",
    ),
}


@pytest.mark.parametrize(("content_type", "body", "expected"), CHARSETS.values(), ids=CHARSETS)
def test_forms_are_read_in_their_charset(content_type: str, body: bytes, expected: str) -> None:
    # Old Android and Java clients send ISO-8859-1; Django 5 refuses such forms.
    request = rf.generic("POST", "/", body, content_type)
    assert parse_credentials(request) == (expected, "t")
    assert request.POST["user"] == expected  # the view reads the same fields


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        pytest.param(None, ["password", "token"], id="none"),
        pytest.param(["password"], ["password", "token"], id="password-already"),
        pytest.param(["pin"], ["pin", "password", "token"], id="the-views-own"),
        pytest.param("__ALL__", "__ALL__", id="all"),
    ],
)
def test_reading_a_form_hides_its_secrets_from_error_reports(declared: Any, expected: Any) -> None:
    request = rf.post("/", {"user": "1", "token": "t"})
    if declared is not None:
        request.sensitive_post_parameters = declared  # type: ignore[attr-defined]
    parse_credentials(request)
    assert request.sensitive_post_parameters == expected  # type: ignore[attr-defined]


def test_the_query_string_can_be_turned_off(settings: Any) -> None:
    settings.TOKENAPI_QUERY_STRING_CREDENTIALS = False
    assert parse_credentials(rf.get("/", {"user": "1", "token": "t"})) is None
    assert parse_credentials(rf.post("/?token=q", {"user": "1"})) is None
    assert parse_credentials(rf.post("/?token=q", {"user": "1", "token": "t"})) == ("1", "t")
    assert parse_credentials(with_header(basic_auth(1, "t"))) == ("1", "t")
    assert parse_credentials(json_post({"user": "1", "token": "t"})) == ("1", "t")


def test_a_form_its_charset_cannot_decode_is_malformed_or_read_as_latin_1() -> None:
    # 3.11's punycode raises UnicodeError; 3.13's UnicodeDecodeError: Django reads latin-1.
    request = rf.generic("POST", "/", b"user=1&token=t", f"{FORM}; charset=punycode")
    try:
        credentials = parse_credentials(request)
    except RequestError as exc:
        assert exc.error == errors.MALFORMED_BODY
    else:
        assert credentials == ("1", "t")


SMALL = {"DATA_UPLOAD_MAX_MEMORY_SIZE": 10}
FEW = {"DATA_UPLOAD_MAX_NUMBER_FIELDS": 2}


@pytest.mark.parametrize(
    ("content_type", "body", "limits"),
    [
        pytest.param("multipart/form-data", b"--x", {}, id="no-boundary"),
        pytest.param("multipart/form-data; boundary=", b"--x", {}, id="empty-boundary"),
        pytest.param("multipart/form-data; boundary=\u00e9", b"--x", {}, id="non-ascii-boundary"),
        pytest.param(f"{FORM}; charset=no-such", b"user=1&token=t", {}, id="unknown-charset"),
        pytest.param(f"{FORM}; charset=rot13", b"user=1&token=t", {}, id="rot13-form"),
        pytest.param("multipart/form-data; boundary=B; charset=zlib", b"--B--", {}, id="zlib"),
        pytest.param("text/plain; charset=base64", b"x", {}, id="base64-text"),
        pytest.param(FORM, b"user=1&token=a-long-token", SMALL, id="form-too-big"),
        pytest.param(JSON, b'{"user": "1", "token": "a long token"}', SMALL, id="json-too-big"),
        pytest.param(FORM, b"a=1&b=2&user=1&token=t", FEW, id="too-many-fields"),
    ],
)
def test_an_unreadable_body_is_malformed(
    settings: Any, content_type: str, body: bytes, limits: dict[str, int]
) -> None:
    for name, value in limits.items():
        setattr(settings, name, value)
    request = rf.generic("POST", "/", body, content_type)
    raises_error(lambda: parse_credentials(request), errors.MALFORMED_BODY)


def test_a_query_string_of_too_many_fields_is_malformed(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    request = rf.get("/", {"a": "1", "user": "1", "token": "t"})
    raises_error(lambda: parse_credentials(request), errors.MALFORMED_QUERY)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("application/JSON", True),
        ("application/problem+json", True),
        ("application/jsonp", False),
        ("text/json-ish", False),
        ("text/plain", False),
        (None, False),
    ],
)
def test_is_json(content_type: str | None, expected: bool) -> None:
    request = rf.post("/", "{}", content_type or "")
    if content_type is None:
        request.content_type = None
    assert is_json(request) is expected


def test_a_query_set_after_the_request_was_built_is_read() -> None:
    # A request built by hand, or one whose GET a middleware replaced, has no query string.
    by_hand = HttpRequest()
    by_hand.method = "GET"
    by_hand.GET = QueryDict("user=1&token=t")
    assert parse_credentials(by_hand) == ("1", "t")
    replaced = rf.get("/")
    assert parse_credentials(replaced) is None
    replaced.GET = QueryDict("user=1&token=t")
    assert parse_credentials(replaced) == ("1", "t")
