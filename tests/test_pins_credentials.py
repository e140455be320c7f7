"""Pins of tokenapi.credentials: where a request's user + token are read, and in what order."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import RequestFactory

from tokenapi import errors
from tokenapi.credentials import (
    is_json,
    parse_basic_authorization,
    parse_credentials,
)
from tokenapi.errors import RequestError

factory = RequestFactory()
# Tables hold functions making requests, not requests: Django reads a body once
# (a broken one then looks empty), and a test may run more than once per process.


def basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


def json_post(body: object, content_type: str = "application/json", **extra: str):
    return factory.post("/", json.dumps(body), content_type, **extra)


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (lambda: factory.post("/", {"user": "1", "token": "t"}), ("1", "t")),
        (lambda: factory.get("/", {"user": "1", "token": "t"}), ("1", "t")),
        (lambda: factory.post("/?user=2&token=q", {"user": "1"}), ("1", "q")),
        (lambda: factory.post("/?user=2&token=q", {"token": "t"}), ("2", "t")),
        (lambda: factory.post("/?user=2&token=q", {"user": "1", "token": "t"}), ("1", "t")),
        (lambda: json_post({"user": "1", "token": "t"}), ("1", "t")),
        (lambda: json_post({"user": 7, "token": "t"}), ("7", "t")),
        (lambda: json_post({"user": "1", "token": "t"}, "application/vnd.api+json"), ("1", "t")),
        (lambda: json_post({"user": "1", "token": "t"}, "Application/JSON"), ("1", "t")),
        (lambda: factory.get("/", HTTP_AUTHORIZATION=basic("1:t")), ("1", "t")),
        (
            lambda: factory.get("/", HTTP_AUTHORIZATION=basic("1:t:with:colons")),
            ("1", "t:with:colons"),
        ),
        (lambda: factory.get("/", HTTP_AUTHORIZATION="basic " + basic("1:t")[6:]), ("1", "t")),
        (
            lambda: factory.get("/", HTTP_AUTHORIZATION="Basic  " + basic("1:t")[6:] + " "),
            ("1", "t"),
        ),
        (
            lambda: factory.post("/", {"user": "1", "token": "t"}, HTTP_AUTHORIZATION=basic("2:q")),
            ("1", "t"),
        ),
        (
            lambda: json_post({"user": "1", "token": "t"}, HTTP_AUTHORIZATION=basic("2:q")),
            ("1", "t"),
        ),
        (lambda: json_post({"user": "1"}, HTTP_AUTHORIZATION=basic("2:q")), ("2", "q")),
        (lambda: factory.get("/?user=1", HTTP_AUTHORIZATION=basic("2:q")), ("2", "q")),
        (
            lambda: json_post({"user": "1", "token": ""}, HTTP_AUTHORIZATION=basic("2:q")),
            ("2", "q"),
        ),
        (lambda: json_post([1, 2], HTTP_AUTHORIZATION=basic("2:q")), ("2", "q")),
        (
            lambda: factory.post(
                "/", "not json", "application/json", HTTP_AUTHORIZATION=basic("2:q")
            ),
            ("2", "q"),
        ),
    ],
    ids=[
        "form",
        "query",
        "form-user-query-token",
        "query-user-form-token",
        "form-over-query",
        "json",
        "json-int-user",
        "json-suffix",
        "json-capitals",
        "basic",
        "basic-colons-in-token",
        "basic-lowercase-scheme",
        "basic-padded",
        "form-over-header",
        "json-over-header",
        "half-json-then-header",
        "half-query-then-header",
        "empty-json-token-then-header",
        "json-array-then-header",
        "bad-json-then-header",
    ],
)
def test_credentials_found(request_, expected: tuple[str, str]) -> None:
    assert parse_credentials(request_()) == expected


@pytest.mark.parametrize(
    "request_",
    [
        lambda: factory.get("/"),
        lambda: factory.post("/", {"user": "1"}),
        lambda: factory.post("/", {"user": "", "token": ""}),
        lambda: factory.post("/", json.dumps({"user": "1", "token": "t"}), "text/plain"),
        lambda: json_post({"user": "1"}),
        lambda: json_post({"user": None, "token": None}),
        lambda: factory.get("/", HTTP_AUTHORIZATION="Bearer abc"),
        lambda: factory.get("/", HTTP_AUTHORIZATION=basic(":t")),
        lambda: factory.get("/", HTTP_AUTHORIZATION=basic("1:")),
        lambda: factory.get("/", HTTP_AUTHORIZATION=""),
    ],
    ids=[
        "nothing",
        "user-only",
        "empty-values",
        "json-not-declared",
        "json-user-only",
        "json-nulls",
        "other-scheme",
        "basic-no-user",
        "basic-no-token",
        "empty-header",
    ],
)
def test_no_credentials(request_) -> None:
    assert parse_credentials(request_()) is None


@pytest.mark.parametrize(
    ("make_request", "error"),
    [
        (lambda: factory.get("/", HTTP_AUTHORIZATION="Basic"), errors.MALFORMED_HEADER),
        (lambda: factory.get("/", HTTP_AUTHORIZATION="Token"), errors.MALFORMED_HEADER),
        (lambda: factory.get("/", HTTP_AUTHORIZATION="Basic !!!"), errors.MALFORMED_BASIC),
        (lambda: factory.get("/", HTTP_AUTHORIZATION="Basic a"), errors.MALFORMED_BASIC),
        (lambda: factory.get("/", HTTP_AUTHORIZATION=basic("no-colon")), errors.MALFORMED_BASIC),
        (
            lambda: factory.get(
                "/", HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"\xff:\xfe").decode()
            ),
            errors.MALFORMED_BASIC,
        ),
        (lambda: factory.get("/", HTTP_AUTHORIZATION="Basic é"), errors.MALFORMED_BASIC),
        (lambda: json_post({"user": ["1"], "token": "t"}), errors.MALFORMED_CREDENTIALS),
        (lambda: json_post({"user": True, "token": "t"}), errors.MALFORMED_CREDENTIALS),
        (lambda: json_post({"user": 1.0, "token": "t"}), errors.MALFORMED_CREDENTIALS),
        (lambda: json_post({"user": "1", "token": 5}), errors.MALFORMED_CREDENTIALS),
        (
            lambda: factory.post("/", b"--x\r\nbroken", "multipart/form-data"),
            errors.MALFORMED_BODY,
        ),
    ],
    ids=[
        "scheme-only",
        "other-scheme-only",
        "not-base64",
        "truncated-base64",
        "no-colon",
        "not-utf8",
        "non-ascii-base64",
        "json-list-user",
        "json-bool-user",
        "json-float-user",
        "json-int-token",
        "broken-multipart",
    ],
)
def test_malformed_credentials(make_request, error: errors.ApiError) -> None:
    with pytest.raises(RequestError) as exc_info:
        parse_credentials(make_request())
    assert exc_info.value.error == error
    assert str(exc_info.value) == error.message
    assert error.status == 400


def test_basic_parser_ignores_other_schemes() -> None:
    assert parse_basic_authorization("Digest abc") == (None, None)
    assert parse_basic_authorization(basic("u:t")) == ("u", "t")


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("application/JSON", True),
        ("application/problem+json", True),
        ("application/json; charset=utf-8", True),
        ("application/jsonp", False),
        ("text/json-ish", False),
        ("text/plain", False),
    ],
)
def test_is_json(content_type: str, expected: bool) -> None:
    assert is_json(factory.post("/", "{}", content_type)) is expected


def test_is_json_without_content_type() -> None:
    request = factory.get("/")
    request.content_type = None
    assert is_json(request) is False


def test_unreadable_json_body_is_a_body_error(settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    request = json_post({"user": "1", "token": "a-long-token"})
    with pytest.raises(RequestError) as exc_info:
        parse_credentials(request)
    assert exc_info.value.error == errors.MALFORMED_BODY


def test_too_many_form_fields_is_a_body_error(settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    request = factory.post("/", "a=1&b=2&c=3&user=1&token=t", "application/x-www-form-urlencoded")
    with pytest.raises(RequestError) as exc_info:
        parse_credentials(request)
    assert exc_info.value.error == errors.MALFORMED_BODY
