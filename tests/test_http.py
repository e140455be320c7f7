"""tokenapi.http: the 2.1.1 JSON helpers, same names, signatures and bodies, no mutation."""

from __future__ import annotations

import datetime
import inspect
import json
import uuid
from typing import Any

import pytest

from tokenapi import errors, http

HELPERS = [
    ("JsonResponseBadRequest", 400),
    ("JsonResponseUnauthorized", 401),
    ("JsonResponseForbidden", 403),
    ("JsonResponseNotFound", 404),
    ("JsonResponseNotAllowed", 405),
    ("JsonResponseNotAcceptable", 406),
]


def body(response: Any) -> Any:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_json_response_adds_success() -> None:
    response = http.JsonResponse({"token": "t", "user": 1})
    assert response.status_code == 200
    assert body(response) == {"token": "t", "user": 1, "success": True}


def test_json_response_does_not_mutate_the_callers_dict() -> None:
    data = {"token": "t"}
    http.JsonResponse(data)
    assert data == {"token": "t"}


def test_json_response_leaves_errors_alone() -> None:
    data = {"success": False, "errors": "nope"}
    assert body(http.JsonResponse(data)) == {"success": False, "errors": "nope"}


def test_json_response_status() -> None:
    assert http.JsonResponse({}, status=201).status_code == 201


def test_json_response_of_non_mappings_is_sent_as_is() -> None:
    assert body(http.JsonResponse([1, 2])) == [1, 2]
    assert body(http.JsonResponse("text")) == "text"


def test_json_response_without_dump_sends_the_string() -> None:
    response = http.JsonResponse('{"raw": true}', dump=False)
    assert response.content == b'{"raw": true}'
    assert response["Content-Type"] == "application/json"


def test_json_response_encodes_dates_and_uuids_like_django() -> None:
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    key = uuid.UUID(int=1)
    assert body(http.JsonResponse({"at": moment, "id": key})) == {
        "at": "2026-01-02T03:04:05Z",
        "id": str(key),
        "success": True,
    }


def test_json_error() -> None:
    response = http.JsonError("bad")
    assert response.status_code == 200  # 2.1.1's default
    assert body(response) == {"success": False, "errors": "bad"}
    assert http.JsonError("bad", status=418).status_code == 418


@pytest.mark.parametrize(("name", "status"), HELPERS)
def test_status_helpers(name: str, status: int) -> None:
    helper = getattr(http, name)
    assert helper.__name__ == name
    assert list(inspect.signature(helper).parameters) == ["error_string"]
    response = helper("message")
    assert response.status_code == status
    assert body(response) == {"success": False, "errors": "message"}


def test_signatures_match_2_1_1() -> None:
    assert str(inspect.signature(http.JsonResponse)).startswith("(data")
    assert list(inspect.signature(http.JsonResponse).parameters) == ["data", "dump", "status"]
    assert inspect.signature(http.JsonResponse).parameters["dump"].default is True
    assert inspect.signature(http.JsonResponse).parameters["status"].default == 200
    assert list(inspect.signature(http.JsonError).parameters) == ["error_string", "status"]
    assert inspect.signature(http.JsonError).parameters["status"].default == 200


def test_error_response_challenges_where_the_error_asks() -> None:
    challenged = http.error_response(errors.MISSING_CREDENTIALS)
    assert challenged.status_code == 401
    assert challenged["WWW-Authenticate"] == 'Basic realm="api"'
    plain = http.error_response(errors.PATH_PAIR_REFUSED)
    assert plain.status_code == 401
    assert not plain.has_header("WWW-Authenticate")
    forbidden = http.error_response(errors.VIEW_PAIR_REFUSED)
    assert forbidden.status_code == 403
    assert not forbidden.has_header("WWW-Authenticate")
    assert body(forbidden) == {"success": False, "errors": errors.VIEW_PAIR_REFUSED.message}
