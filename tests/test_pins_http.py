"""Pins of tokenapi.http: the 2.x response shapes and status helpers."""

from __future__ import annotations

import datetime
import json

import pytest

from tokenapi import http


def body(response) -> object:
    return json.loads(response.content)


def test_json_response_marks_success_and_keeps_the_callers_dict() -> None:
    data = {"a": 1}
    response = http.JsonResponse(data)
    assert data == {"a": 1}
    assert body(response) == {"a": 1, "success": True}
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_json_response_leaves_errors_and_non_mappings_alone() -> None:
    assert body(http.JsonResponse({"errors": "x"})) == {"errors": "x"}
    assert body(http.JsonResponse([1, 2])) == [1, 2]
    assert body(http.JsonResponse({"success": False})) == {"success": True}


def test_json_response_status_encoder_and_preserialized_data() -> None:
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    response = http.JsonResponse({"at": moment}, status=201)
    assert response.status_code == 201
    assert body(response)["at"] == "2026-01-02T03:04:05Z"
    raw = http.JsonResponse('{"x": 1}', dump=False)
    assert raw.content == b'{"x": 1}'
    assert raw["Content-Type"] == "application/json"


def test_json_error_shape() -> None:
    response = http.JsonError("nope")
    assert response.status_code == 200
    assert body(response) == {"success": False, "errors": "nope"}
    assert http.JsonError("nope", status=418).status_code == 418


@pytest.mark.parametrize(
    ("helper", "status"),
    [
        (http.JsonResponseBadRequest, 400),
        (http.JsonResponseUnauthorized, 401),
        (http.JsonResponseForbidden, 403),
        (http.JsonResponseNotFound, 404),
        (http.JsonResponseNotAllowed, 405),
        (http.JsonResponseNotAcceptable, 406),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_status_helpers(helper, status: int) -> None:
    response = helper("why")
    assert response.status_code == status
    assert body(response) == {"success": False, "errors": "why"}
    name = {v: k for k, v in vars(http).items() if k.startswith("JsonResponse")}[helper]
    assert helper.__name__ == helper.__qualname__ == name
    assert helper.__doc__ == f"Answer a JSON error with HTTP status {status}."
