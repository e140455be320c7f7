"""tokenapi.contrib.axes: the login name axes counts failures by, and lockouts in JSON.

``get_username`` needs no axes and is tested under every settings module. The
lockouts need django-axes configured as the README says: ``--ds=tests.settings_axes``,
with axes' database handler, its cache handler on a local-memory cache, and on
Redis when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import datetime
import os
import sys
import types
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.test import AsyncClient, Client, RequestFactory
from django.utils.translation import gettext_lazy

from tests.helpers import PASSWORD, basic_auth, json_body, login_of, make_user
from tests.integration_utils import assert_documented
from tests.readme import readme_settings
from tokenapi.backends import MASKED_TOKEN
from tokenapi.contrib.axes import get_username, lockout_response
from tokenapi.contrib.openapi import load_description

needs_axes = pytest.mark.skipif(
    "axes" not in settings.INSTALLED_APPS, reason="needs django-axes: --ds=tests.settings_axes"
)
LOCKED = 429  # axes' default status for a lockout


def token_failure(user_id: object) -> dict[str, object]:
    """What the backend sends with ``user_login_failed`` for a wrong token."""
    return {"pk": user_id, "token": MASKED_TOKEN}


# get_username -------------------------------------------------------------------------


@pytest.mark.django_db
def test_username_of_a_failed_token_check_is_the_users_login(user: Any) -> None:
    assert get_username(RequestFactory().get("/"), token_failure(str(user.pk))) == login_of("alice")


@pytest.mark.django_db
def test_username_of_a_failed_token_check_for_an_unknown_user_is_the_marked_id(
    user: Any,
) -> None:
    unknown = str(user.pk + 1) if isinstance(user.pk, int) else str(uuid.uuid4())
    assert get_username(RequestFactory().get("/"), token_failure(unknown)) == f"#{unknown}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "user_id", ["abc", "1e9", str(2**70), "", None, "12345678-1234-1234-1234-12345678"]
)
def test_username_of_a_failed_token_check_for_no_valid_id_is_none(
    user: Any, user_id: object, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert get_username(RequestFactory().get("/"), token_failure(user_id)) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("credentials", "username"),
    [
        ({"username": "name", "password": "x"}, "name"),
        ({"username": 5}, "5"),
        ({"username": "name", "email": "e@example.com"}, "name"),
        ({"email": "e@example.com"}, "e@example.com"),
        ({"password": "x"}, None),
        ({"pk": str(uuid.UUID(int=1)), "token": "not the mask"}, None),
    ],
    ids=["username", "not-a-string", "username-first", "login-field", "neither", "other-sender"],
)
def test_username_of_a_login_attempt(
    settings: Any, credentials: dict[str, object], username: str | None
) -> None:
    # A user model whose login field is not "username", whichever the run uses.
    settings.AUTH_USER_MODEL = "testapp.EmailUser"
    assert get_username(RequestFactory().post("/"), credentials) == username


def test_username_without_credentials_is_the_login_form_field() -> None:
    request = RequestFactory().post("/", {"username": "bob", "password": "x"})
    assert get_username(request, None) == "bob"
    assert get_username(RequestFactory().post("/"), None) is None


# lockout_response -------------------------------------------------------------------------


class FakeAxesHelpers(types.ModuleType):
    """``axes.helpers`` as ``lockout_response`` uses it: the real one needs axes installed."""

    def __init__(self, cool_off: datetime.timedelta | None) -> None:
        super().__init__("axes.helpers")
        self.cool_off = cool_off
        self.requests: list[object] = []

    def get_cool_off(self, request: object) -> datetime.timedelta | None:
        self.requests.append(request)
        return self.cool_off

    def get_lockout_message(self) -> object:
        return gettext_lazy("Locked out.")


@pytest.mark.parametrize(
    ("cool_off", "status_setting", "status", "retry_after"),
    [
        (datetime.timedelta(minutes=30), None, LOCKED, "1800"),
        (datetime.timedelta(seconds=1.5), None, LOCKED, "2"),  # rounded up
        (None, 403, 403, None),  # a lockout that does not end by itself
    ],
    ids=["cool-off", "cool-off-rounded-up", "permanent"],
)
def test_lockout_response_is_a_json_error_with_axes_status(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    cool_off: datetime.timedelta | None,
    status_setting: int | None,
    status: int,
    retry_after: str | None,
) -> None:
    helpers = FakeAxesHelpers(cool_off)
    monkeypatch.setitem(sys.modules, "axes.helpers", helpers)
    if status_setting is None:
        del settings.AXES_HTTP_RESPONSE_CODE  # 429, axes' own default
    else:
        settings.AXES_HTTP_RESPONSE_CODE = status_setting
    request = RequestFactory().post("/")
    response = lockout_response(request, None, {"username": "bob"})
    assert response.status_code == status
    assert json_body(response) == {"success": False, "errors": "Locked out."}
    assert response.get("Retry-After") == retry_after
    assert helpers.requests == [request]


# Lockouts, end to end -------------------------------------------------------------------

LIMIT = 3
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


def log_in(client: Client, password: str, name: str = "alice", **extra: Any) -> HttpResponse:
    return client.post(
        "/token/new.json", {"username": login_of(name), "password": password}, **extra
    )


def assert_locked_out(response: HttpResponse) -> None:
    assert response.status_code == LOCKED, response.content
    assert json_body(response) == LOCKOUT_BODY
    assert response["Retry-After"] == COOL_OFF_SECONDS


@needs_axes
def test_settings_are_the_readme_configuration() -> None:
    from tests import settings as base

    readme = readme_settings(
        "django-axes", {name: value for name, value in vars(base).items() if name.isupper()}
    )
    assert readme, "the README sets nothing"
    for name, value in readme.items():
        assert getattr(settings, name) == value, name
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@needs_axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler", "user")
def test_wrong_passwords_lock_the_client_out_in_json(client: Client) -> None:
    responses = [log_in(client, "wrong") for _ in range(LIMIT)] + [log_in(client, PASSWORD)]
    assert [response.status_code for response in responses] == [401, 401, LOCKED, LOCKED]
    assert_locked_out(responses[-1])
    assert_documented("/new.json", "post", responses[-1])
    # Another client is not locked out.
    assert log_in(client, PASSWORD, REMOTE_ADDR="127.0.0.2").status_code == 200


# A failed token check from every place that checks tokens, and where the
# OpenAPI description documents its lockout (None: a view of the site's own).
Failure = Callable[[Client, Any], HttpResponse]
TOKEN_FAILURES: dict[str, tuple[Failure, tuple[str, str] | None]] = {
    "token_required view": (
        lambda client, user: client.get("/api/sync/", {"user": str(user.pk), "token": "1-x"}),
        None,
    ),
    "async token_required view": (
        lambda client, user: client.get("/api/async/", HTTP_AUTHORIZATION=basic_auth(user.pk, "x")),
        None,
    ),
    "DRF view": (
        lambda client, user: client.get(
            "/drf/whoami/", HTTP_AUTHORIZATION=basic_auth(user.pk, "x")
        ),
        None,
    ),
    "verify.json": (
        lambda client, user: client.post("/token/verify.json", {"user": user.pk, "token": "x"}),
        ("/verify.json", "post"),
    ),
    "refresh.json": (
        lambda client, user: client.post(
            "/token/refresh.json", {"user": str(user.pk), "token": "x"}, "application/json"
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


@needs_axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler")
@pytest.mark.parametrize("source", TOKEN_FAILURES)
def test_failed_token_checks_count_as_failures(client: Client, user: Any, source: str) -> None:
    fail, documented = TOKEN_FAILURES[source]
    statuses = [fail(client, user).status_code for _ in range(LIMIT - 1)]
    assert statuses in ([401] * (LIMIT - 1), [403] * (LIMIT - 1))
    locked = fail(client, user)
    assert_locked_out(locked)
    if documented is not None:
        assert_documented(*documented, locked)
    assert_locked_out(log_in(client, PASSWORD))


@needs_axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler")
def test_wrong_passwords_and_wrong_tokens_add_up(client: Client, user: Any) -> None:
    assert log_in(client, "wrong").status_code == 401
    header = basic_auth(user.pk, "x")
    assert client.post("/token/verify.json", HTTP_AUTHORIZATION=header).status_code == 401
    assert_locked_out(log_in(client, "wrong"))


@needs_axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler")
def test_async_stack_gets_the_json_lockout(user: Any) -> None:
    # Through the ASGI handler, where axes' middleware runs its async branch.
    client = AsyncClient()
    headers = {"Authorization": basic_auth(user.pk, "x")}

    async def fail() -> Any:
        return await client.get("/api/async/", headers=headers)

    responses = [async_to_sync(fail)() for _ in range(LIMIT + 1)]
    assert [response.status_code for response in responses] == [403, 403, LOCKED, LOCKED]
    assert_locked_out(responses[-1])


@needs_axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler")
def test_valid_tokens_keep_working_in_one_query(
    client: Client, user: Any, token: str, django_assert_num_queries: Any
) -> None:
    for _ in range(LIMIT):
        log_in(client, "wrong")
    assert_locked_out(log_in(client, PASSWORD))
    with django_assert_num_queries(1):
        response = client.get("/api/sync/", HTTP_AUTHORIZATION=basic_auth(user.pk, token))
    assert response.status_code == 200
    assert json_body(response)["user"] == str(user.pk)


@needs_axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler")
def test_lockout_by_username_charges_wrong_tokens_to_their_user(
    client: Client, user: Any, settings: Any
) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    make_user("bob")
    # From different addresses: only the user name ties them together.
    wrong_token = basic_auth(user.pk, "x")
    for address in ("127.0.0.1", "127.0.0.2"):
        response = client.get("/api/sync/", HTTP_AUTHORIZATION=wrong_token, REMOTE_ADDR=address)
        assert response.status_code == 403
    assert_locked_out(log_in(client, "wrong", REMOTE_ADDR="127.0.0.3"))
    assert_locked_out(log_in(client, PASSWORD, REMOTE_ADDR="127.0.0.4"))
    assert log_in(client, PASSWORD, "bob", REMOTE_ADDR="127.0.0.4").status_code == 200


@needs_axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler", "user")
@pytest.mark.parametrize(
    ("user_id", "statuses"),
    [
        # Locked out as for a real user's id, or lockouts would tell which ids exist.
        ("999999", [403, 403, LOCKED, LOCKED]),
        # Ids no user can have are counted against no one.
        ("abc", [403] * (LIMIT + 1)),
        ("1e9", [403] * (LIMIT + 1)),
        (str(2**70), [403] * (LIMIT + 1)),
    ],
)
def test_lockout_by_username_of_ids_of_nobody(
    client: Client, settings: Any, user_id: str, statuses: list[int]
) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    header = basic_auth(user_id, "x")
    assert [
        client.get("/api/sync/", HTTP_AUTHORIZATION=header).status_code for _ in statuses
    ] == statuses
    assert log_in(client, PASSWORD).status_code == 200


@needs_axes
@pytest.mark.django_db
def test_tokens_stay_out_of_axes_records(client: Client, user: Any, token: str) -> None:
    from axes.models import AccessAttempt  # needs axes in INSTALLED_APPS

    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    client.post(f"/api/sync/?token={wrong}&user={user.pk}")
    client.post("/api/sync/", {"user": user.pk, "token": wrong})
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.failures_since_start == 2
    assert wrong not in attempt.get_data + attempt.post_data
    assert "token=********************" in attempt.get_data
    assert "token=********************" in attempt.post_data
    assert attempt.username == login_of("alice")  # the user the id names, from get_username
