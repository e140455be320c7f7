"""django-axes end to end: lockouts after failed logins and failed token checks, in JSON.

Runs under ``--ds=tests.settings_axes`` (the README's configuration), with axes'
database handler, its cache handler on a local-memory cache, and on Redis
when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from axes.models import AccessAttempt  # (needs axes installed)
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import caches
from django.http import HttpResponse
from django.test import AsyncClient, Client, RequestFactory

from tests.integration_utils import (
    LOGIN,
    PASSWORD,
    assert_documented,
    basic,
    credentials,
    make_user,
)
from tests.readme import readme_settings
from tokenapi.contrib.axes import lockout_response
from tokenapi.contrib.openapi import load_description

pytestmark = pytest.mark.django_db

LIMIT = 3
LOCKED = 429
LOCKOUT_BODY = {
    "success": False,
    "errors": "Account locked: too many login attempts. Please try again later.",
}
COOL_OFF_SECONDS = "900"  # the README's 15 minutes


@pytest.fixture(params=["database", "locmem-cache", "redis-cache"])
def handler(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """Each axes handler in turn; the cache ones start and end empty."""
    if request.param == "database":
        yield request.param
        return
    if request.param == "redis-cache":
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            pytest.skip("REDIS_URL is not set")
        cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    else:
        cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": {**cache, "KEY_PREFIX": "tokenapi-axes-tests"}}
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


@pytest.fixture
def user() -> AbstractBaseUser:
    return make_user()


def log_in(client: Client, password: str, **extra: Any) -> HttpResponse:
    return client.post("/token/new.json", {"username": LOGIN, "password": password}, **extra)


def assert_locked_out(response: HttpResponse) -> None:
    assert response.status_code == LOCKED, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == LOCKOUT_BODY
    assert response["Retry-After"] == COOL_OFF_SECONDS


def test_settings_are_the_readme_configuration() -> None:
    from tests import settings as base

    readme = readme_settings(
        "django-axes", {name: value for name, value in vars(base).items() if name.isupper()}
    )
    assert readme, "the README sets nothing"
    for name, value in readme.items():
        assert getattr(settings, name) == value, name
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.usefixtures("handler", "user")
def test_wrong_passwords_lock_the_client_out_in_json(client: Client) -> None:
    responses = [log_in(client, "wrong") for _ in range(LIMIT + 1)]
    assert [response.status_code for response in responses] == [401, 401, LOCKED, LOCKED]
    assert_locked_out(responses[-1])
    assert_documented("/new.json", "post", responses[-1])


@pytest.mark.usefixtures("handler", "user")
def test_locked_out_client_is_refused_the_right_password(client: Client) -> None:
    for _ in range(LIMIT):
        log_in(client, "wrong")
    assert_locked_out(log_in(client, PASSWORD))
    # Another client is not locked out.
    assert log_in(client, PASSWORD, REMOTE_ADDR="127.0.0.2").status_code == 200


# A failed token check from every place that checks tokens, and where the
# OpenAPI description documents its lockout (None: a view of the site's own).
Failure = Callable[[Client, AbstractBaseUser], HttpResponse]
TOKEN_FAILURES: dict[str, tuple[Failure, tuple[str, str] | None]] = {
    "token_required view": (
        lambda client, user: client.get("/api/sync/", {"user": str(user.pk), "token": "1-x"}),
        None,
    ),
    "async token_required view": (
        lambda client, user: client.get("/api/async/", HTTP_AUTHORIZATION=basic(str(user.pk), "x")),
        None,
    ),
    "DRF view": (
        lambda client, user: client.get(
            "/drf/whoami/", HTTP_AUTHORIZATION=basic(str(user.pk), "x")
        ),
        None,
    ),
    "verify.json": (
        lambda client, user: client.post(
            "/token/verify.json", {"user": str(user.pk), "token": "x"}
        ),
        ("/verify.json", "post"),
    ),
    "refresh.json": (
        lambda client, user: client.post(
            "/token/refresh.json",
            {"user": str(user.pk), "token": "x"},
            content_type="application/json",
        ),
        ("/refresh.json", "post"),
    ),
    "token URL, GET": (
        lambda client, user: client.get(f"/token/1-x/{user.pk}.json"),
        ("/{token}/{user}.json", "get"),
    ),
    "token URL, POST": (
        lambda client, user: client.post(f"/token/1-x/{user.pk}.json"),
        ("/{token}/{user}.json", "post"),
    ),
}


def test_every_documented_lockout_is_tested() -> None:
    documented = {
        (path, method)
        for path, operations in load_description()["paths"].items()
        for method, operation in operations.items()
        if method != "parameters" and str(LOCKED) in operation["responses"]
    }
    tested = {where for _, where in TOKEN_FAILURES.values() if where is not None}
    assert documented == tested | {("/new.json", "post")}


@pytest.mark.usefixtures("handler")
@pytest.mark.parametrize("source", TOKEN_FAILURES)
def test_failed_token_checks_count_as_failures(
    client: Client, user: AbstractBaseUser, source: str
) -> None:
    fail, documented = TOKEN_FAILURES[source]
    responses = [fail(client, user) for _ in range(LIMIT)]
    assert [response.status_code for response in responses[:-1]] == [responses[0].status_code] * (
        LIMIT - 1
    )
    assert responses[0].status_code in (401, 403)
    assert_locked_out(responses[-1])
    if documented is not None:
        assert_documented(*documented, responses[-1])
    assert_locked_out(log_in(client, PASSWORD))


@pytest.mark.usefixtures("handler")
def test_wrong_passwords_and_wrong_tokens_add_up(client: Client, user: AbstractBaseUser) -> None:
    assert log_in(client, "wrong").status_code == 401
    assert (
        client.post("/token/verify.json", HTTP_AUTHORIZATION=basic(str(user.pk), "x")).status_code
        == 401
    )
    assert_locked_out(log_in(client, "wrong"))


@pytest.mark.usefixtures("handler")
def test_async_stack_gets_the_json_lockout(user: AbstractBaseUser) -> None:
    # Through the ASGI handler, where axes' middleware runs its async branch.
    client = AsyncClient()
    header = {"Authorization": basic(str(user.pk), "x")}

    async def fail() -> Any:
        return await client.get("/api/async/", headers=header)

    responses = [async_to_sync(fail)() for _ in range(LIMIT + 1)]
    assert [response.status_code for response in responses] == [403, 403, LOCKED, LOCKED]
    assert responses[-1].json() == LOCKOUT_BODY


@pytest.mark.usefixtures("handler")
def test_valid_tokens_keep_working_in_one_query(
    client: Client, user: AbstractBaseUser, django_assert_num_queries: Any
) -> None:
    header = basic(*credentials(user))
    for _ in range(LIMIT):
        log_in(client, "wrong")
    assert_locked_out(log_in(client, PASSWORD))
    with django_assert_num_queries(1):
        response = client.get("/api/sync/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 200
    assert response.json()["user"] == str(user.pk)


@pytest.mark.usefixtures("handler")
def test_lockout_by_username_charges_wrong_tokens_to_their_user(
    client: Client, user: AbstractBaseUser, settings: Any
) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    make_user("bob@example.com")
    # From three different addresses: only the user name ties them together.
    wrong_token = basic(str(user.pk), "x")
    assert client.get("/api/sync/", HTTP_AUTHORIZATION=wrong_token).status_code == 403
    assert (
        client.get(
            "/api/sync/", HTTP_AUTHORIZATION=wrong_token, REMOTE_ADDR="127.0.0.2"
        ).status_code
        == 403
    )
    assert_locked_out(log_in(client, "wrong", REMOTE_ADDR="127.0.0.3"))
    assert_locked_out(log_in(client, PASSWORD, REMOTE_ADDR="127.0.0.4"))
    bob = client.post(
        "/token/new.json",
        {"username": "bob@example.com", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.4",
    )
    assert bob.status_code == 200


@pytest.mark.usefixtures("handler", "user")
def test_lockout_by_username_treats_ids_of_nobody_alike(client: Client, settings: Any) -> None:
    # Locked out as for a real user's id, or lockouts would tell which ids exist.
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    header = basic("999999", "x")
    statuses = [client.get("/api/sync/", HTTP_AUTHORIZATION=header).status_code for _ in range(4)]
    assert statuses == [403, 403, LOCKED, LOCKED]
    assert log_in(client, PASSWORD).status_code == 200


@pytest.mark.usefixtures("handler", "user")
@pytest.mark.parametrize("user_id", ["abc", "1e9", str(2**70)])
def test_lockout_by_username_ignores_ids_no_user_can_have(
    client: Client, settings: Any, user_id: str
) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    for _ in range(LIMIT + 1):
        assert client.get("/api/sync/", HTTP_AUTHORIZATION=basic(user_id, "x")).status_code == 403
    assert log_in(client, PASSWORD).status_code == 200


def test_tokens_stay_out_of_axes_records(client: Client, user: AbstractBaseUser) -> None:
    user_id, token = credentials(user)
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    client.post(f"/api/sync/?token={wrong}&user={user_id}")
    client.post("/api/sync/", {"user": user_id, "token": wrong})
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.failures_since_start == 2
    assert wrong not in attempt.get_data + attempt.post_data
    assert "token=********************" in attempt.get_data
    assert "token=********************" in attempt.post_data
    assert attempt.username == LOGIN  # the user the id names, from get_username


@pytest.mark.usefixtures("user")
def test_lockout_status_is_axes_setting(client: Client, settings: Any) -> None:
    settings.AXES_HTTP_RESPONSE_CODE = 403
    for _ in range(LIMIT):
        response = log_in(client, "wrong")
    assert response.status_code == 403
    assert response.json() == LOCKOUT_BODY


@pytest.mark.usefixtures("user")
def test_permanent_lockout_has_no_retry_after(client: Client, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = None
    for _ in range(LIMIT):
        response = log_in(client, "wrong")
    assert response.status_code == LOCKED
    assert "Retry-After" not in response
    assert response.json()["errors"].startswith("Account locked")


# The lockout answer on its own.


def test_lockout_response_is_a_json_error_with_axes_status(settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    response = lockout_response(RequestFactory().post("/"), None, {"username": "bob"})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == LOCKOUT_BODY
    assert response["Retry-After"] == "1800"


def test_lockout_response_rounds_retry_after_up(settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=1.5)
    assert lockout_response(RequestFactory().post("/"))["Retry-After"] == "2"


def test_permanent_lockout_response(settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = None
    settings.AXES_HTTP_RESPONSE_CODE = 403
    response = lockout_response(RequestFactory().post("/"), {"username": "bob"})
    assert response.status_code == 403
    assert "Retry-After" not in response
    assert json.loads(response.content)["errors"].startswith("Account locked: too many")
