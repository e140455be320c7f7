"""tokenapi.contrib.ninja: the auth class on django-ninja operations and routers, sync and async."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.helpers import assert_json_error, basic_auth, send_pair
from tests.ninja_urls import api
from tokenapi import errors

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ninja_urls")]

PATHS = ["/ninja/sync/", "/ninja/async/", "/ninja/router/whoami/"]


@pytest.mark.parametrize("how", ["basic", "query", "form", "json"])
@pytest.mark.parametrize("path", PATHS)
def test_a_valid_pair_from_every_source_sets_request_user_and_auth(
    client: Client, user: Any, token: str, path: str, how: str
) -> None:
    response = send_pair(client, how, path, user.pk, token)
    assert response.status_code == 200, response.content
    assert response.json() == {"user": str(user.pk), "auth": str(user.pk)}
    assert response["Vary"] == "Authorization"


@pytest.mark.parametrize(
    ("headers", "query", "error"),
    [
        pytest.param({}, {}, errors.MISSING_CREDENTIALS, id="none"),
        pytest.param({"Authorization": "Bearer abc"}, {}, errors.MISSING_CREDENTIALS, id="bearer"),
        pytest.param({"Authorization": "Basic"}, {}, errors.MALFORMED_HEADER, id="no-space"),
        pytest.param({}, {"user": "1", "token": "1-x"}, errors.VIEW_PAIR_REFUSED, id="wrong-pair"),
    ],
)
@pytest.mark.parametrize("path", PATHS)
def test_refusals_are_the_decorators_answers(
    client: Client, user: Any, path: str, headers: dict[str, str], query: dict[str, str], error: Any
) -> None:
    response = client.get(path, query, headers=headers)
    assert assert_json_error(response, error.status)["errors"] == error.message
    assert response.get("WWW-Authenticate") == ('Basic realm="api"' if error.challenge else None)
    assert response["Vary"] == "Authorization"


def test_without_install_ninja_answers_the_same_statuses_in_its_own_shape(client: Client) -> None:
    for headers, status in (({}, 401), ({"Authorization": "Basic %"}, 400)):
        response = client.get("/uninstalled/", headers=headers)
        assert (response.status_code, set(response.json())) == (status, {"detail"})
        assert not response.has_header("Vary")


def test_an_operation_without_auth_varies_too_and_keeps_the_session_user(
    client: Client, user: Any, token: str
) -> None:
    client.force_login(user)
    response = client.get("/ninja/public/", headers={"Authorization": basic_auth(user.pk, "x")})
    assert response.json() == {"user": str(user.pk)}
    assert response["Vary"] == "Authorization, Cookie"


def test_the_openapi_description_shows_the_security_scheme() -> None:
    schema = api.get_openapi_schema()
    scheme = schema["components"]["securitySchemes"]["TokenAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "basic"
    assert "`user` and `token`" in scheme["description"]
    paths = schema["paths"]
    for path in ("/ninja/sync/", "/ninja/async/", "/ninja/router/whoami/"):
        for operation in paths[path].values():
            assert operation["security"] == [{"TokenAuth": []}], path
    assert "security" not in paths["/ninja/public/"]["get"]


def test_a_sync_operation_authenticates_without_an_event_loop(
    client: Client, user: Any, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # async_to_sync would start one per request; the async door is not even looked up.
    monkeypatch.delattr("tokenapi.contrib.ninja.aauthenticate_request")
    response = send_pair(client, "basic", "/ninja/sync/", user.pk, token)
    assert response.status_code == 200, response.content
