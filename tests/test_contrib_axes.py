"""tokenapi.contrib.axes: the login name axes counts failures by, and lockouts in JSON.

``get_username`` needs no axes and is tested under every settings module. The
lockouts need django-axes configured as the manual says: ``--ds=tests.settings_axes``,
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
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test import AsyncClient, Client, RequestFactory
from django.utils.translation import gettext_lazy

from tests.examples import settings_from
from tests.helpers import PASSWORD, assert_documented, basic_auth, json_body, login_of, send_pair
from tokenapi.backends import MASKED_TOKEN
from tokenapi.contrib.axes import get_username, lockout_response
from tokenapi.contrib.openapi import load_description

LOCKED = 429  # axes' default status for a lockout


def token_failure(user_id: object) -> dict[str, object]:
    """What the backend sends with ``user_login_failed`` for a wrong token."""
    return {"pk": user_id, "token": MASKED_TOKEN}


# get_username -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_token_check_counts_under_the_marked_id_without_a_query(
    user: Any, django_assert_num_queries: Any
) -> None:
    # Apart from the login, so that junk tokens lock nobody out of logging in; the
    # same for an id of nobody, so that a lockout tells no one which ids exist.
    unknown = str(user.pk + 1) if isinstance(user.pk, int) else str(uuid.uuid4())
    no_valid_id = ["abc", "1e9", str(2**70), "", None, "12345678-1234-1234-1234-12345678"]
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        assert get_username(request, token_failure(str(user.pk))) == f"#{user.pk}"
        assert get_username(request, token_failure(str(user.pk).upper())) == f"#{user.pk}"
        assert get_username(request, token_failure(unknown)) == f"#{unknown}"
        for user_id in no_valid_id:
            assert get_username(request, token_failure(user_id)) is None, user_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("credentials", "username"),
    [
        pytest.param({"username": "name", "password": "x"}, "name", id="username"),
        pytest.param({"username": 5}, "5", id="not-a-string"),
        pytest.param({"username": "name", "email": "e@example.com"}, "name", id="username-first"),
        pytest.param({"email": "e@example.com"}, "e@example.com", id="login-field"),
        pytest.param({"password": "x"}, None, id="neither"),
        pytest.param({"pk": "1", "token": "not the mask"}, None, id="other-sender"),
        # As axes without credentials: the login form's field.
        pytest.param(None, "bob", id="form-field"),
    ],
)
def test_username_of_a_login_attempt(
    settings: Any, credentials: dict[str, object] | None, username: str | None
) -> None:
    # A user model whose login field is not "username", whichever the run uses.
    settings.AUTH_USER_MODEL = "testapp.EmailUser"
    request = RequestFactory().post("/", {"username": "bob", "password": "x"})
    assert get_username(request, credentials) == username


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(str.upper, id="upper-case"),
        pytest.param(lambda login: login + " ", id="trailing-space"),
        pytest.param(lambda login: login.replace("a", "\u00e1", 1), id="accent"),
        pytest.param(lambda login: login, id="as-stored"),
    ],
)
def test_a_login_counts_under_the_login_the_database_finds(user: Any, variant: Any) -> None:
    # MariaDB's collations let ALICE, "alice " and an accented alice log in as alice:
    # they are her, and count against her. Elsewhere they are nobody, counted as given.
    name = variant(login_of("alice"))
    expected = login_of("alice") if connection.vendor == "mysql" else name
    assert get_username(RequestFactory().post("/"), {"username": name}) == expected
    field = get_user_model().USERNAME_FIELD
    assert get_username(RequestFactory().post("/"), {field: name}) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "credentials",
    [{"username": "a" * 300}, {"username": "x\x00y"}, token_failure("9" * 300)],
    ids=["long-login", "nul", "long-text-id"],
)
def test_names_fit_axes_columns(
    credentials: dict[str, object], django_assert_max_num_queries: Any
) -> None:
    # A NUL is nobody's login, and PostgreSQL cannot even compare it: no query.
    queries = 0 if "\x00" in str(credentials.get("username")) else 1
    with django_assert_max_num_queries(queries):
        name = get_username(RequestFactory().post("/"), credentials)
    assert name is None or len(name) <= 255


def test_the_recorded_path_has_its_tokens_masked_and_nul_escaped(user: Any, token: str) -> None:
    request = RequestFactory().get("/")
    request.axes_path_info = f"/token/{token}/1\x00.json"  # type: ignore[attr-defined]
    get_username(request, token_failure(str(user.pk)))
    assert request.axes_path_info == "/token/********/1\\x00.json"  # type: ignore[attr-defined]


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
    # Like the answers it stands for: never cached, varying on the credentials.
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Vary"] == "Authorization"


# Lockouts, end to end -------------------------------------------------------------------

LIMIT = 3
LOCKOUT_BODY = {
    "success": False,
    "errors": "Account locked: too many login attempts. Please try again later.",
}
COOL_OFF_SECONDS = "900"  # the manual's 15 minutes


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


@pytest.mark.axes
def test_settings_are_the_documented_configuration() -> None:
    from tests import settings_sessions as base

    documented = settings_from(
        "docs/integrations/axes.rst",
        "django-axes",
        {name: value for name, value in vars(base).items() if name.isupper()},
    )
    assert documented, "the manual sets nothing"
    for name, value in documented.items():
        assert getattr(settings, name) == value, name
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler")
def test_wrong_passwords_and_tokens_add_up_to_a_json_lockout(client: Client, user: Any) -> None:
    responses = [
        log_in(client, "wrong"),
        client.post("/token/verify.json", HTTP_AUTHORIZATION=basic_auth(user.pk, "x")),
        log_in(client, "wrong"),
        log_in(client, PASSWORD),
    ]
    assert [response.status_code for response in responses] == [401, 401, LOCKED, LOCKED]
    assert_locked_out(responses[-1])
    assert_documented("/new.json", "post", responses[-1])
    # Another client is not locked out.
    assert log_in(client, PASSWORD, REMOTE_ADDR="127.0.0.2").status_code == 200


# A failed token check from every place that checks tokens, and where the
# OpenAPI description documents its lockout (None: a view of the site's own).
Failure = Callable[[Client, Any], HttpResponse]
TOKEN_FAILURES: dict[str, tuple[Failure, tuple[str, str] | None]] = {
    "token_required view": (lambda c, u: send_pair(c, "query", "/api/sync/", u.pk, "1-x"), None),
    # Through the ASGI handler, where axes' middleware runs its async branch.
    "async token_required view, ASGI": (
        lambda c, u: async_to_sync(AsyncClient().get)(
            "/api/async/", headers={"Authorization": basic_auth(u.pk, "x")}
        ),
        None,
    ),
    "DRF view": (lambda c, u: send_pair(c, "basic", "/drf/whoami/", u.pk, "x"), None),
    "verify.json": (
        lambda c, u: send_pair(c, "form", "/token/verify.json", u.pk, "x"),
        ("/verify.json", "post"),
    ),
    "refresh.json": (
        lambda c, u: send_pair(c, "json", "/token/refresh.json", u.pk, "x"),
        ("/refresh.json", "post"),
    ),
    "token URL, GET": (
        lambda c, u: send_pair(c, "url", "", u.pk, "1-x"),
        ("/{token}/{user}.json", "get"),
    ),
    **{
        f"{route}.json": (
            lambda c, u, path=f"/token/{route}.json": send_pair(
                c, "basic", path, u.pk, "1.1-x", "post"
            ),
            (f"/{route}.json", "post"),
        )
        for route in ("logout", "logoutall", "sessions")
    },
    "token URL, POST": (
        lambda c, u: c.post(f"/token/1-x/{u.pk}.json"),
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


@pytest.mark.axes
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


@pytest.mark.axes
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


@pytest.mark.axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler")
@pytest.mark.parametrize(
    ("user_id", "locks"),
    [
        ("alice", True),
        # Locked out as for a real user's id, or lockouts would tell which ids exist.
        ("999999", True),
        # Ids no user can have are counted against no one.
        ("abc", False),
    ],
)
def test_junk_tokens_lock_out_junk_tokens_not_the_users_login(
    client: Client, user: Any, token: str, settings: Any, user_id: str, locks: bool
) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    wrong_token = basic_auth(user.pk if user_id == "alice" else user_id, "x")
    # From different addresses: only the name counted under ties them together.
    statuses = [
        client.get("/api/sync/", HTTP_AUTHORIZATION=wrong_token, REMOTE_ADDR=address).status_code
        for address in ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1")
    ]
    assert statuses == ([403, 403, LOCKED, LOCKED] if locks else [403] * (LIMIT + 1))
    assert log_in(client, PASSWORD, REMOTE_ADDR="127.0.0.4").status_code == 200
    good = client.get("/api/sync/", HTTP_AUTHORIZATION=basic_auth(user.pk, token))
    assert good.status_code == 200


@pytest.mark.axes
@pytest.mark.django_db
@pytest.mark.usefixtures("handler")
def test_spellings_the_database_folds_share_one_counter(
    client: Client, user: Any, settings: Any
) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    login = login_of("alice")
    addresses = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
    for address, name in zip(addresses, (login.upper(), login + " ", login), strict=True):
        client.post("/token/new.json", {"username": name, "password": "x"}, REMOTE_ADDR=address)
    # On MariaDB all three are alice; elsewhere two are nobody and alice failed once.
    answer = log_in(client, PASSWORD, REMOTE_ADDR="127.0.0.4")
    if connection.vendor == "mysql":
        assert_locked_out(answer)
    else:
        assert answer.status_code == 200


@pytest.mark.axes
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
    assert attempt.username == f"#{user.pk}"  # from get_username
    client.get(f"/token/{wrong}/{user.pk}.json")
    client.get(f"/token/{wrong}/{user.pk}%00.json")  # PostgreSQL refuses NUL in text
    paths = sorted(AccessAttempt.objects.values_list("path_info", flat=True))
    assert not any(wrong in path for path in paths), paths
    assert f"/token/********/{user.pk}\\x00.json" in paths
