"""tokenapi.credentials: where a request's user id and token are read from, and in what order."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import RequestFactory

from tests.helpers import basic_auth
from tokenapi import errors
from tokenapi.credentials import (
    is_json,
    parse_basic_authorization,
    parse_credentials,
    require_credentials,
)
from tokenapi.errors import RequestError

rf = RequestFactory()


def raises_error(call: Any, error: errors.ApiError) -> None:
    with pytest.raises(RequestError) as info:
        call()
    assert info.value.error == error


# Request parameters ---------------------------------------------------------------


def test_post_form_fields() -> None:
    request = rf.post("/", {"user": "1", "token": "t"})
    assert parse_credentials(request) == ("1", "t")


def test_query_string() -> None:
    request = rf.get("/", {"user": "1", "token": "t"})
    assert parse_credentials(request) == ("1", "t")


def test_query_string_of_a_post() -> None:
    request = rf.post("/?user=1&token=t", {})
    assert parse_credentials(request) == ("1", "t")


def test_post_wins_over_query_string() -> None:
    request = rf.post("/?user=2&token=query", {"user": "1", "token": "form"})
    assert parse_credentials(request) == ("1", "form")


def test_post_and_query_string_combine_field_by_field() -> None:
    # 2.1.1: request.POST.get('user', request.GET.get('user')), the same for token.
    request = rf.post("/?token=query", {"user": "1"})
    assert parse_credentials(request) == ("1", "query")


def test_last_of_repeated_fields_wins() -> None:
    request = rf.get("/?user=1&user=2&token=a&token=b")
    assert parse_credentials(request) == ("2", "b")


# JSON body ------------------------------------------------------------------------


def json_request(body: Any, content_type: str = "application/json") -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return rf.post("/", data, content_type=content_type)


def test_json_object_body() -> None:
    assert parse_credentials(json_request({"user": "1", "token": "t"})) == ("1", "t")


def test_json_integer_user_is_read_as_text() -> None:
    assert parse_credentials(json_request({"user": 7, "token": "t"})) == ("7", "t")


@pytest.mark.parametrize(
    "content_type", ["application/json", "Application/JSON", "application/vnd.api+json"]
)
def test_json_content_types(content_type: str) -> None:
    request = json_request({"user": "1", "token": "t"}, content_type)
    assert is_json(request)
    assert parse_credentials(request) == ("1", "t")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-json-stream"])
def test_json_body_needs_a_json_content_type(content_type: str) -> None:
    request = json_request({"user": "1", "token": "t"}, content_type)
    assert not is_json(request)
    assert parse_credentials(request) is None


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
    assert parse_credentials(json_request(body)) is None
    request = json_request(body)
    request.META["HTTP_AUTHORIZATION"] = basic_auth(1, "t")
    assert parse_credentials(request) == ("1", "t")


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"user": [1], "token": "t"}, id="user-list"),
        pytest.param({"user": {"id": 1}, "token": "t"}, id="user-object"),
        pytest.param({"user": True, "token": "t"}, id="user-bool"),
        pytest.param({"user": 1.5, "token": "t"}, id="user-float"),
        pytest.param({"user": "1", "token": 5}, id="token-number"),
        pytest.param({"user": "1", "token": ["t"]}, id="token-list"),
        pytest.param({"user": "1", "token": {"t": 1}}, id="token-object"),
    ],
)
def test_json_credentials_of_wrong_type_are_malformed(fields: dict[str, Any]) -> None:
    raises_error(lambda: parse_credentials(json_request(fields)), errors.MALFORMED_CREDENTIALS)


def test_json_null_credentials_count_as_missing() -> None:
    assert parse_credentials(json_request({"user": None, "token": None})) is None


def test_parameters_win_over_json_body() -> None:
    request = rf.post("/?user=1&token=query", '{"user": "2", "token": "json"}', "application/json")
    assert parse_credentials(request) == ("1", "query")


def test_json_wins_over_authorization_header() -> None:
    request = json_request({"user": "1", "token": "json"})
    request.META["HTTP_AUTHORIZATION"] = basic_auth(2, "header")
    assert parse_credentials(request) == ("1", "json")


# Authorization: Basic -------------------------------------------------------------


def test_basic_authorization() -> None:
    assert parse_basic_authorization(basic_auth(1, "t")) == ("1", "t")


def test_basic_scheme_is_case_insensitive_and_padding_stripped() -> None:
    encoded = base64.b64encode(b"1:t").decode()
    assert parse_basic_authorization(f"bAsIc   {encoded}  ") == ("1", "t")


def test_token_may_hold_colons() -> None:
    assert parse_basic_authorization(basic_auth(1, "a:b")) == ("1", "a:b")


def test_other_schemes_are_not_ours() -> None:
    assert parse_basic_authorization("Bearer abc.def") == (None, None)
    request = rf.get("/", HTTP_AUTHORIZATION="Token abc")
    assert parse_credentials(request) is None


@pytest.mark.parametrize(
    ("header", "error"),
    [
        pytest.param("Basic", errors.MALFORMED_HEADER, id="no-space"),
        pytest.param("BasicMTp0", errors.MALFORMED_HEADER, id="glued"),
        pytest.param("Basic !!!notbase64", errors.MALFORMED_BASIC, id="bad-base64"),
        pytest.param("Basic MTp", errors.MALFORMED_BASIC, id="bad-padding"),
        pytest.param(
            "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
            errors.MALFORMED_BASIC,
            id="not-utf8",
        ),
        pytest.param(
            "Basic " + base64.b64encode(b"no-colon").decode(), errors.MALFORMED_BASIC, id="no-colon"
        ),
        pytest.param("Basic ", errors.MALFORMED_BASIC, id="empty-payload"),
        pytest.param("Basic \u00e9\u00e9\u00e9\u00e9", errors.MALFORMED_BASIC, id="non-ascii"),
    ],
)
def test_malformed_basic_authorization(header: str, error: errors.ApiError) -> None:
    raises_error(lambda: parse_basic_authorization(header), error)
    request = rf.get("/", HTTP_AUTHORIZATION=header)
    raises_error(lambda: parse_credentials(request), error)


def test_parameters_win_over_authorization_header() -> None:
    request = rf.get("/?user=1&token=param", HTTP_AUTHORIZATION=basic_auth(2, "header"))
    assert parse_credentials(request) == ("1", "param")


def test_parameters_win_even_over_a_malformed_header() -> None:
    request = rf.get("/?user=1&token=param", HTTP_AUTHORIZATION="garbage")
    assert parse_credentials(request) == ("1", "param")


def test_half_pair_in_parameters_falls_back_to_header() -> None:
    request = rf.get("/?user=1", HTTP_AUTHORIZATION=basic_auth(2, "header"))
    assert parse_credentials(request) == ("2", "header")


def test_empty_authorization_header_is_no_credentials() -> None:
    assert parse_credentials(rf.get("/", HTTP_AUTHORIZATION="")) is None


@pytest.mark.parametrize(
    "header", [basic_auth("", "t"), basic_auth(1, "")], ids=["no-user", "no-token"]
)
def test_basic_with_an_empty_half_is_no_credentials(header: str) -> None:
    assert parse_credentials(rf.get("/", HTTP_AUTHORIZATION=header)) is None


# Bodies that cannot be read ----------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\u00e9",
    ],
    ids=["no-boundary", "empty-boundary", "non-ascii-boundary"],
)
def test_malformed_multipart_is_a_malformed_body(content_type: str) -> None:
    request = rf.post("/", b"garbage", content_type=content_type)
    raises_error(lambda: parse_credentials(request), errors.MALFORMED_BODY)


def test_too_big_json_body_is_a_malformed_body(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    request = json_request({"user": "1", "token": "a long token"})
    raises_error(lambda: parse_credentials(request), errors.MALFORMED_BODY)


def test_too_many_fields_is_a_malformed_body(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    request = rf.post("/", {"user": "1", "token": "t", "x": "1", "y": "2"})
    raises_error(lambda: parse_credentials(request), errors.MALFORMED_BODY)


# require_credentials -----------------------------------------------------------------


def test_require_credentials_refuses_a_request_without_any() -> None:
    raises_error(lambda: require_credentials(rf.get("/")), errors.MISSING_CREDENTIALS)
    assert errors.MISSING_CREDENTIALS.challenge


def test_require_credentials_returns_the_pair() -> None:
    assert require_credentials(rf.get("/", {"user": "1", "token": "t"})) == ("1", "t")
