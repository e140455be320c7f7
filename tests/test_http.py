"""tokenapi.http: the 2.1.1 JSON helpers, same names, signatures and bodies, no mutation."""

from __future__ import annotations

import copy
import datetime
import inspect
import uuid
from typing import Any

import pytest

from tests.helpers import json_body
from tokenapi import errors, http

MOMENT = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


RESPONSES = {
    "dict": ({"token": "t", "user": 1}, {"token": "t", "user": 1, "success": True}),
    "success-without-errors": ({"success": False}, {"success": True}),
    "errors": ({"success": False, "errors": "no"}, {"success": False, "errors": "no"}),
    "errors-alone": ({"errors": "x"}, {"errors": "x"}),
    "list": ([1, 2], [1, 2]),
    "str": ("text", "text"),
    "django-encoder": (
        {"at": MOMENT, "id": uuid.UUID(int=1)},
        {"at": "2026-01-02T03:04:05Z", "id": str(uuid.UUID(int=1)), "success": True},
    ),
}


@pytest.mark.parametrize(("data", "body"), RESPONSES.values(), ids=RESPONSES)
def test_json_response_marks_mappings_without_errors_a_success(data: Any, body: Any) -> None:
    before = copy.deepcopy(data)
    response = http.JsonResponse(data)
    assert response.status_code == 200
    assert json_body(response) == body
    assert data == before  # the caller's dict is left alone


def test_json_response_status_and_preserialized_data() -> None:
    assert http.JsonResponse({}, status=201).status_code == 201
    raw = http.JsonResponse('{"raw": true}', dump=False)
    assert raw.content == b'{"raw": true}'
    assert raw["Content-Type"] == "application/json"


def test_json_error() -> None:
    response = http.JsonError("bad")
    assert response.status_code == 200  # 2.1.1's default
    assert json_body(response) == {"success": False, "errors": "bad"}
    assert http.JsonError("bad", status=418).status_code == 418


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("JsonResponseBadRequest", 400),
        ("JsonResponseUnauthorized", 401),
        ("JsonResponseForbidden", 403),
        ("JsonResponseNotFound", 404),
        ("JsonResponseNotAllowed", 405),
        ("JsonResponseNotAcceptable", 406),
    ],
)
def test_status_helpers(name: str, status: int) -> None:
    helper = getattr(http, name)
    assert helper.__name__ == helper.__qualname__ == name
    assert helper.__doc__ == f"Answer a JSON error with HTTP status {status}."
    assert list(inspect.signature(helper).parameters) == ["error_string"]
    response = helper("why")
    assert response.status_code == status
    assert json_body(response) == {"success": False, "errors": "why"}


def test_parameters_are_2_1_1s_in_its_order() -> None:
    # The defaults are pinned above: dump=True serializes, status=200.
    assert list(inspect.signature(http.JsonResponse).parameters) == ["data", "dump", "status"]
    assert list(inspect.signature(http.JsonError).parameters) == ["error_string", "status"]


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
    assert json_body(forbidden) == {"success": False, "errors": errors.VIEW_PAIR_REFUSED.message}
