"""tokenapi.contrib.openapi: the shipped OpenAPI description is valid, served, and true."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpResponse
from django.test import Client
from django.urls import clear_script_prefix, set_script_prefix
from openapi_spec_validator import validate

from tests.integration_utils import (
    LOGIN,
    PASSWORD,
    assert_documented,
    basic,
    credentials,
    make_user,
)
from tests.readme import readme_code
from tokenapi.contrib.openapi import DESCRIPTION_PATH, load_description

pytestmark = pytest.mark.urls("tests.integration_urls")

BASE = "/token"
Driver = Callable[[Client, AbstractBaseUser], HttpResponse]


def _token_path(user: AbstractBaseUser, token: str | None = None) -> str:
    user_id, valid = credentials(user)
    return f"{BASE}/{token or valid}/{user_id}.json"


# For each documented (path, method, status), a request that gets that answer.
DRIVERS: dict[tuple[str, str, int], Driver] = {
    ("/new.json", "post", 200): lambda client, user: client.post(
        f"{BASE}/new.json", {"username": LOGIN, "password": PASSWORD}
    ),
    ("/new.json", "post", 400): lambda client, user: client.post(
        f"{BASE}/new.json", "{", content_type="application/json"
    ),
    ("/new.json", "post", 401): lambda client, user: client.post(
        f"{BASE}/new.json", {"username": LOGIN, "password": "wrong"}
    ),
    ("/verify.json", "post", 200): lambda client, user: client.post(
        f"{BASE}/verify.json", HTTP_AUTHORIZATION=basic(*credentials(user))
    ),
    ("/verify.json", "post", 400): lambda client, user: client.post(
        f"{BASE}/verify.json", HTTP_AUTHORIZATION="Basic"
    ),
    ("/verify.json", "post", 401): lambda client, user: client.post(f"{BASE}/verify.json"),
    ("/refresh.json", "post", 200): lambda client, user: client.post(
        f"{BASE}/refresh.json", dict(zip(("user", "token"), credentials(user), strict=True))
    ),
    ("/refresh.json", "post", 400): lambda client, user: client.post(
        f"{BASE}/refresh.json", {"user": ["1"]}, content_type="application/json"
    ),
    ("/refresh.json", "post", 401): lambda client, user: client.post(
        f"{BASE}/refresh.json", HTTP_AUTHORIZATION=basic(str(user.pk), "wrong")
    ),
    ("/{token}/{user}.json", "get", 200): lambda client, user: client.get(_token_path(user)),
    ("/{token}/{user}.json", "get", 401): lambda client, user: client.get(
        _token_path(user, "1-wrong")
    ),
    ("/{token}/{user}.json", "post", 200): lambda client, user: client.post(_token_path(user)),
    ("/{token}/{user}.json", "post", 401): lambda client, user: client.post(
        _token_path(user, "1-wrong")
    ),
}
# Lockouts need django-axes in the settings: tests/test_axes.py drives them.
LOCKOUT_STATUS = 429


def _documented() -> set[tuple[str, str, int]]:
    description = load_description()
    return {
        (path, method, int(status))
        for path, operations in description["paths"].items()
        for method, operation in operations.items()
        if method != "parameters"
        for status in operation["responses"]
    }


def test_description_is_valid_openapi_3_1() -> None:
    description = json.loads(DESCRIPTION_PATH.read_text(encoding="utf-8"))
    validate(description)
    assert description["openapi"].startswith("3.1.")


def test_description_covers_every_endpoint() -> None:
    from tokenapi.urls import urlpatterns

    documented = {path.strip("/") for path in load_description()["paths"]}
    routes = {str(pattern.pattern).strip("^$").replace("\\", "") for pattern in urlpatterns}
    assert routes == {
        "new.json",
        "verify.json",
        "refresh.json",
        "(?P<token>[^/]+)/(?P<user>[^/]+).json",
    }
    assert documented == {"new.json", "verify.json", "refresh.json", "{token}/{user}.json"}


def test_every_documented_status_has_a_driver() -> None:
    documented = _documented()
    assert {key for key in documented if key[2] != LOCKOUT_STATUS} == set(DRIVERS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "method", "status"),
    sorted(DRIVERS),
    ids=[f"{m} {p} {s}" for p, m, s in sorted(DRIVERS)],
)
def test_views_answer_as_documented(client: Client, path: str, method: str, status: int) -> None:
    user = make_user()
    response = DRIVERS[path, method, status](client, user)
    assert response.status_code == status, response.content
    assert_documented(path, method, response)


def test_load_description_returns_a_copy() -> None:
    load_description()["paths"].clear()
    assert load_description()["paths"]


def _served(client: Client, **extra: Any) -> dict[str, Any]:
    response = client.get(f"{BASE}/openapi.json", **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    served: dict[str, Any] = response.json()
    return served


def test_served_description_points_at_the_endpoints(client: Client) -> None:
    served = _served(client)
    validate(served)
    assert served["servers"] == [{"url": "/token"}]
    assert {key: value for key, value in served.items() if key != "servers"} == {
        key: value for key, value in load_description().items() if key != "servers"
    }


def test_served_description_knows_the_script_prefix(client: Client) -> None:
    set_script_prefix("/app/")  # as the WSGI handler does for a site mounted at /app
    try:
        assert _served(client)["servers"] == [{"url": "/app/token"}]
    finally:
        clear_script_prefix()


@pytest.mark.urls("tests.openapi_urls_at_root")
def test_served_description_at_the_site_root(client: Client) -> None:
    response = client.get("/openapi.json")
    assert response.json()["servers"] == [{"url": "/"}]


@pytest.mark.urls("tests.openapi_urls_namespaced")
def test_served_description_without_reversible_endpoints_keeps_the_default(
    client: Client,
) -> None:
    response = client.get("/token/openapi.json")
    assert response.json()["servers"] == load_description()["servers"]


def test_description_is_only_read(client: Client) -> None:
    response = client.post(f"{BASE}/openapi.json")
    assert response.status_code == 405


def test_readme_urls_are_the_ones_tested() -> None:
    from django.urls import include, path

    from tests.integration_urls import urlpatterns

    namespace: dict[str, Any] = {"path": path, "include": include}
    exec(readme_code("OpenAPI description"), namespace)  # noqa: S102 (our own README)

    def routes(patterns: list[Any]) -> list[tuple[str, str]]:
        return [(str(p.pattern), p.urlconf_name.__name__) for p in patterns]

    assert routes(namespace["urlpatterns"]) == routes(urlpatterns[:2])
