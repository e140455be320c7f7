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

from tests.examples import code
from tests.helpers import PASSWORD, assert_documented, basic_auth, login_of
from tokenapi import sessions
from tokenapi.contrib.openapi import DESCRIPTION_PATH, load_description

pytestmark = pytest.mark.urls("tests.integration_urls")

NEW, VERIFY, REFRESH = "/token/new.json", "/token/verify.json", "/token/refresh.json"
LOGOUT, LOGOUTALL, SESSIONS = "/token/logout.json", "/token/logoutall.json", "/token/sessions.json"
JSON = "application/json"
Driver = Callable[[Client, AbstractBaseUser, str], HttpResponse]


def login(password: str) -> dict[str, str]:
    return {"username": login_of("alice"), "password": password}


def auth(user_id: object, token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": basic_auth(user_id, token)}


def new_token(client: Client) -> str:
    token: str = client.post(NEW, login(PASSWORD)).json()["token"]
    return token


# For each documented (path, method, status), a request that gets that answer
# (c: the client, u: the user, t: their token).
DRIVERS: dict[tuple[str, str, int], Driver] = {
    ("/new.json", "post", 200): lambda c, u, t: c.post(NEW, login(PASSWORD)),
    ("/new.json", "post", 400): lambda c, u, t: c.post(NEW, "{", JSON),
    ("/new.json", "post", 401): lambda c, u, t: c.post(NEW, login("wrong")),
    ("/verify.json", "post", 200): lambda c, u, t: c.post(VERIFY, **auth(u.pk, t)),
    ("/verify.json", "post", 400): lambda c, u, t: c.post(VERIFY, HTTP_AUTHORIZATION="Basic"),
    ("/verify.json", "post", 401): lambda c, u, t: c.post(VERIFY),
    ("/refresh.json", "post", 200): lambda c, u, t: c.post(REFRESH, {"user": u.pk, "token": t}),
    ("/refresh.json", "post", 400): lambda c, u, t: c.post(REFRESH, {"user": ["1"]}, JSON),
    ("/refresh.json", "post", 401): lambda c, u, t: c.post(REFRESH, **auth(u.pk, "wrong")),
    ("/{token}/{user}.json", "get", 200): lambda c, u, t: c.get(f"/token/{t}/{u.pk}.json"),
    ("/{token}/{user}.json", "get", 401): lambda c, u, t: c.get(f"/token/1-x/{u.pk}.json"),
    ("/{token}/{user}.json", "post", 200): lambda c, u, t: c.post(f"/token/{t}/{u.pk}.json"),
    ("/{token}/{user}.json", "post", 401): lambda c, u, t: c.post(f"/token/1-x/{u.pk}.json"),
}
# Routes of tokenapi.sessions, driven where it is installed.
SESSION_DRIVERS: dict[tuple[str, str, int], Driver] = {
    ("/logout.json", "post", 200): lambda c, u, t: c.post(LOGOUT, **auth(u.pk, new_token(c))),
    ("/logout.json", "post", 400): lambda c, u, t: c.post(LOGOUT, **auth(u.pk, t)),  # no session
    ("/logout.json", "post", 401): lambda c, u, t: c.post(LOGOUT),
    ("/logout.json", "post", 404): lambda c, u, t: c.post(LOGOUT, {"session": 9}, **auth(u.pk, t)),
    ("/logoutall.json", "post", 200): lambda c, u, t: c.post(LOGOUTALL, **auth(u.pk, t)),
    ("/logoutall.json", "post", 400): lambda c, u, t: c.post(LOGOUTALL, "[]", JSON),
    ("/logoutall.json", "post", 401): lambda c, u, t: c.post(LOGOUTALL, **auth(u.pk, "1-x")),
    ("/sessions.json", "post", 200): lambda c, u, t: c.post(SESSIONS, **auth(u.pk, new_token(c))),
    ("/sessions.json", "post", 400): lambda c, u, t: c.post(SESSIONS, HTTP_AUTHORIZATION="Basic"),
    ("/sessions.json", "post", 401): lambda c, u, t: c.post(SESSIONS),
}
if sessions.is_enabled():
    DRIVERS.update(SESSION_DRIVERS)
# Lockouts need django-axes in the settings: tests/test_contrib_axes.py drives them.
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
    session_routes = {"logout.json", "logoutall.json", "sessions.json"}
    assert routes == {
        "new.json",
        "verify.json",
        "refresh.json",
        "(?P<token>[^/]+)/(?P<user>[^/]+).json",
    } | (session_routes if sessions.is_enabled() else set())
    assert documented == {"new.json", "verify.json", "refresh.json", "{token}/{user}.json"} | (
        session_routes
    )


def test_every_documented_status_has_a_driver() -> None:
    documented = {key for key in _documented() if key[2] != LOCKOUT_STATUS}
    assert documented == set(DRIVERS) | set(SESSION_DRIVERS)


@pytest.mark.parametrize(
    ("path", "method", "status"),
    sorted(DRIVERS),
    ids=[f"{m} {p} {s}" for p, m, s in sorted(DRIVERS)],
)
def test_views_answer_as_documented(
    client: Client, user: Any, token: str, path: str, method: str, status: int
) -> None:
    response = DRIVERS[path, method, status](client, user, token)
    assert response.status_code == status, response.content
    assert_documented(path, method, response)


def test_load_description_returns_a_copy() -> None:
    load_description()["paths"].clear()
    assert load_description()["paths"]


@pytest.mark.parametrize(
    ("urlconf", "url", "servers"),
    [
        ("tests.integration_urls", "/token/openapi.json", [{"url": "http://testserver/token"}]),
        ("tests.openapi_urls_at_root", "/openapi.json", [{"url": "http://testserver"}]),
        # Under a namespace the endpoints cannot be reversed: the documented default stays.
        ("tests.openapi_urls_namespaced", "/token/openapi.json", load_description()["servers"]),
    ],
    ids=["under-token", "at-root", "namespaced"],
)
def test_served_description_points_at_the_endpoints(
    client: Client, settings: Any, urlconf: str, url: str, servers: list[dict[str, str]]
) -> None:
    settings.ROOT_URLCONF = urlconf
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert client.post(url).status_code == 405  # only read
    served = response.json()
    validate(served)
    assert served.pop("servers") == servers
    description = load_description()
    del description["servers"]
    assert served == description


def test_served_description_knows_the_script_prefix(client: Client) -> None:
    set_script_prefix("/app/")  # as the WSGI handler does for a site mounted at /app
    try:
        served = client.get("/token/openapi.json", secure=True).json()["servers"]
        assert served == [{"url": "https://testserver/app/token"}]
    finally:
        clear_script_prefix()


def test_documented_urls_are_the_ones_tested() -> None:
    from django.urls import include, path

    from tests.integration_urls import urlpatterns

    namespace: dict[str, Any] = {"path": path, "include": include}
    documented = code("docs/guides/clients.rst", "The OpenAPI description")
    exec(documented, namespace)  # noqa: S102 (our own documentation)

    def routes(patterns: list[Any]) -> list[tuple[str, str]]:
        return [(str(p.pattern), p.urlconf_name.__name__) for p in patterns]

    assert routes(namespace["urlpatterns"]) == routes(urlpatterns[:2])
