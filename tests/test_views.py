"""tokenapi.views and tokenapi.urls: new.json, <token>/<user>.json, verify.json, refresh.json."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.views.debug import ExceptionReporter

from tests.helpers import (
    PASSWORD,
    assert_json_error,
    basic_auth,
    json_body,
    login_of,
    make_user,
)
from tokenapi import views
from tokenapi.backends import TokenBackend
from tokenapi.tokens import TokenGenerator, token_generator

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 3, 2, 1, tzinfo=datetime.timezone.utc)
NEW = "/token/new.json"
VERIFY = "/token/verify.json"
REFRESH = "/token/refresh.json"
CHALLENGE = 'Basic realm="api"'
MISSING_LOGIN = "Must include 'username' and 'password' as POST parameters."
LOGIN_FAILED = "Unable to log you in, please try again."
MALFORMED_LOGIN = "'username' and 'password' must be strings of valid text without NUL characters."
NOT_AN_OBJECT = "Request body must be a JSON object."
UNREADABLE = "Unable to read the request body."
PAIR_REFUSED = "Token did not match user."
MISSING_PAIR = "Must include 'user' and 'token' parameters with request."
NOT_STRINGS = "'user' and 'token' must be strings."


def assert_token_response(response: Any, user: Any, expires: str) -> None:
    """A token answer for ``user`` minted now, the clock being frozen."""
    assert response.status_code == 200, response.content
    assert json_body(response) == {
        "success": True,
        "token": token_generator.make_token(user),
        "user": user.pk if isinstance(user.pk, int) else str(user.pk),
        "expires": expires,
    }


def post_login(client: Client, fields: dict[str, Any], encoding: str) -> Any:
    if encoding == "json":
        return client.post(NEW, fields, content_type="application/json")
    return client.post(NEW, fields)


def token_url(token: str, user_id: object) -> str:
    return reverse("api_token", kwargs={"token": token, "user": user_id})


def signalled(failed_logins: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The path and user id of each ``user_login_failed`` sent."""
    return [(call["request"].path, call["credentials"]["pk"]) for call in failed_logins]


@pytest.mark.parametrize(
    ("name", "kwargs", "path", "view"),
    [
        ("api_token_new", {}, NEW, views.token_new),
        ("api_token_verify", {}, VERIFY, views.token_verify),
        ("api_token_refresh", {}, REFRESH, views.token_refresh),
        ("api_token", {"token": "1a-Zz_9", "user": "7"}, "/token/1a-Zz_9/7.json", views.token),
    ],
)
def test_url_names(name: str, kwargs: dict[str, str], path: str, view: Any) -> None:
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).func == view
    assert resolve(path).kwargs == kwargs


@pytest.mark.parametrize(
    ("url", "allow", "message"),
    [
        (NEW, "POST", "Must access via a POST request."),
        (VERIFY, "POST", "Must access via a POST request."),
        (REFRESH, "POST", "Must access via a POST request."),
        ("/token/1-abc/1.json", "GET, HEAD, POST", "Must access via a GET or POST request."),
    ],
    ids=["new", "verify", "refresh", "token-url"],
)
def test_other_methods_are_405_with_allow(
    client: Client, url: str, allow: str, message: str
) -> None:
    for method in ("get", "head", "post", "put", "patch", "delete", "options"):
        if method.upper() in allow.split(", "):
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 405
        assert response["Allow"] == allow
        if method != "head":
            assert assert_json_error(response, 405)["errors"] == message


# new.json -------------------------------------------------------------------------


@pytest.mark.stateless  # a login's token is a session's with the app
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("encoding", "setting", "value", "expires"),
    [
        ("form", None, None, "2026-05-11T03:02:01Z"),
        ("json", None, None, "2026-05-11T03:02:01Z"),
        ("form", "TOKENAPI_TIMEOUT", 3600, "2026-05-04T04:02:01Z"),
        ("form", "TOKEN_TIMEOUT_DAYS", 2, "2026-05-06T03:02:01Z"),
        # The longest lifetime the checks allow: its expiry can still be written.
        ("form", "TOKEN_TIMEOUT_DAYS", 36525, "2126-05-05T03:02:01Z"),
    ],
    ids=["form", "json", "TOKENAPI_TIMEOUT", "TOKEN_TIMEOUT_DAYS", "a-century"],
)
def test_new_answers_a_token_for_the_lifetime(
    client: Client, user: Any, settings: Any, encoding: str, setting: str, value: int, expires: str
) -> None:
    if setting:
        setattr(settings, setting, value)
    response = post_login(client, {"username": login_of("alice"), "password": PASSWORD}, encoding)
    assert_token_response(response, user, expires)


@pytest.mark.stateless  # a login's token is a session's with the app
@pytest.mark.parametrize(
    "fields",
    [
        {"email": "carol@example.com", "password": PASSWORD},
        {"username": "carol@example.com", "email": "nobody", "password": PASSWORD},
    ],
    ids=["USERNAME_FIELD", "username-wins"],
)
@pytest.mark.parametrize("encoding", ["form", "json"])
def test_new_reads_the_login_as_username_or_as_the_username_field(
    client: Client, settings: Any, encoding: str, fields: dict[str, str]
) -> None:
    settings.AUTH_USER_MODEL = "testapp.EmailUser"  # its USERNAME_FIELD is not "username"
    carol = get_user_model()._default_manager.create_user("carol@example.com", PASSWORD)
    response = post_login(client, fields, encoding)
    assert response.status_code == 200, response.content
    assert json_body(response)["user"] == str(carol.pk)


@pytest.mark.parametrize(
    ("username", "password", "status", "message"),
    [
        pytest.param(None, None, 401, MISSING_LOGIN, id="nothing"),
        pytest.param("alice", None, 401, MISSING_LOGIN, id="no-password"),
        pytest.param(None, PASSWORD, 401, MISSING_LOGIN, id="no-username"),
        pytest.param("", PASSWORD, 401, MISSING_LOGIN, id="empty-username"),
        pytest.param("alice", "", 401, MISSING_LOGIN, id="empty-password"),
        pytest.param("alice", "wrong", 401, LOGIN_FAILED, id="wrong-password"),
        pytest.param("nobody", PASSWORD, 401, LOGIN_FAILED, id="unknown-user"),
        pytest.param("ali\x00ce", PASSWORD, 400, MALFORMED_LOGIN, id="nul-username"),
        pytest.param("alice", "pass\x00", 400, MALFORMED_LOGIN, id="nul-password"),
    ],
)
@pytest.mark.parametrize("encoding", ["form", "json"])
@pytest.mark.usefixtures("user")
def test_new_refuses_a_login(
    client: Client, encoding: str, username: str, password: str, status: int, message: str
) -> None:
    if username in ("alice", "nobody"):
        username = login_of(username)
    fields = {"username": username, "password": password}
    fields = {name: value for name, value in fields.items() if value is not None}
    response = post_login(client, fields, encoding)
    assert assert_json_error(response, status)["errors"] == message
    assert not response.has_header("WWW-Authenticate")


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("{bad json", "application/json", NOT_AN_OBJECT),
        ("", "application/json", NOT_AN_OBJECT),
        ("[]", "application/json", NOT_AN_OBJECT),
        ("null", "application/json", NOT_AN_OBJECT),
        ('{"username": ["alice"], "password": "p"}', "application/json", MALFORMED_LOGIN),
        ('{"username": 5, "password": "p"}', "application/json", MALFORMED_LOGIN),
        ('{"username": "alice", "password": 12345}', "application/json", MALFORMED_LOGIN),
        # JSON can spell lone surrogates; no database driver or password hasher takes them.
        ('{"username": "\\ud800", "password": "p"}', "application/json", MALFORMED_LOGIN),
        ('{"username": "alice", "password": "p\\udfff"}', "application/json", MALFORMED_LOGIN),
        ("garbage", "multipart/form-data; boundary=", UNREADABLE),
    ],
    ids=[
        "not-json", "empty", "list", "null", "user-list", "user-number", "pw-number",
        "user-surrogate", "pw-surrogate", "broken-multipart",
    ],
)  # fmt: skip
def test_new_unreadable_body_is_400(
    client: Client, user: Any, body: str, content_type: str, message: str
) -> None:
    # CONTENT_TYPE again: the test client leaves it out when the body is empty.
    response = client.generic("POST", NEW, body, content_type, CONTENT_TYPE=content_type)
    assert assert_json_error(response, 400)["errors"] == message


@pytest.mark.parametrize(
    "backend",
    [
        "django.contrib.auth.backends.ModelBackend",
        "django.contrib.auth.backends.AllowAllUsersModelBackend",
    ],
)
def test_new_refuses_inactive_users_even_from_permissive_backends(
    client: Client, user: Any, settings: Any, backend: str
) -> None:
    settings.AUTHENTICATION_BACKENDS = [backend, "tokenapi.backends.TokenBackend"]
    user.is_active = False
    user.save()
    response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    assert assert_json_error(response, 401)["errors"] == LOGIN_FAILED


def test_new_passes_the_request_to_authenticate_and_hides_the_password(
    client: Client, user: Any, failed_logins: Any
) -> None:
    client.post(NEW, {"username": login_of("alice"), "password": "wrong password"})
    (call,) = failed_logins
    assert call["credentials"]["username"] == login_of("alice")
    assert "wrong password" not in repr(call["credentials"])
    request = call["request"]
    assert request.path == NEW
    assert request.sensitive_post_parameters == ["password", "token"]  # out of error reports


# <token>/<user>.json --------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_token_url(client: Client, user: Any, token: str, method: str, failed_logins: Any) -> None:
    response = getattr(client, method)(token_url(token, user.pk))
    wrong = getattr(client, method)(token_url(token + "x", user.pk))
    assert (response.status_code, wrong.status_code) == (200, 401)
    assert not wrong.has_header("WWW-Authenticate")  # 2.x's answer: the token is in the path
    assert signalled(failed_logins) == [(token_url(token + "x", user.pk), str(user.pk))]
    if method != "head":
        assert json_body(response) == {"success": True}
        assert assert_json_error(wrong, 401)["errors"] == PAIR_REFUSED


def test_token_url_answers_an_unreadable_body_itself(
    client: Client, user: Any, token: str, failed_logins: Any
) -> None:
    # Lockout tools read the form of a failure: a broken one made them answer HTML 400.
    broken = "multipart/form-data; boundary="
    response = client.post(token_url(token + "x", user.pk), b"x", content_type=broken)
    assert assert_json_error(response, 400)["errors"] == "Unable to read the request body."
    assert failed_logins == []


# verify.json and refresh.json -------------------------------------------------------


@pytest.mark.stateless  # a login's token is a session's with the app
def test_verify_and_refresh_accept_a_valid_pair_and_refresh_gives_a_fresh_token(
    client: Client, user: Any, time_machine: Any
) -> None:
    time_machine.move_to(NOW - datetime.timedelta(hours=1), tick=False)
    token = token_generator.make_token(user)
    time_machine.move_to(NOW, tick=False)  # a new token, a new lifetime: not the old one
    response = client.post(VERIFY, {"user": user.pk, "token": token})
    assert response.status_code == 200
    assert json_body(response) == {"success": True}
    # Basic, beside an empty body labelled JSON: what clients generated from openapi.json send.
    basic = basic_auth(user.pk, token)
    refreshed = client.generic(
        "POST", REFRESH, CONTENT_TYPE="application/json", HTTP_AUTHORIZATION=basic
    )
    assert_token_response(refreshed, user, "2026-05-11T03:02:01Z")


@pytest.mark.parametrize("url", [VERIFY, REFRESH])
def test_verify_and_refresh_refuse_with_the_spec_status(
    client: Client, user: Any, url: str, failed_logins: Any
) -> None:
    bobs_token = token_generator.make_token(make_user("bob"))
    basic = basic_auth(user.pk, token_generator.make_token(user))
    answers = [
        (client.post(url, {"user": user.pk, "token": bobs_token}), 401, PAIR_REFUSED),
        (client.post(url), 401, MISSING_PAIR),
        (client.post(url, HTTP_AUTHORIZATION="Basic"), 400, "Invalid Authorization header format."),
        (client.post(url, {"user": [1], "token": "t"}, "application/json"), 400, NOT_STRINGS),
        # A broken body of the endpoint's own, even beside a Basic pair.
        (client.post(url, "{", "application/json", HTTP_AUTHORIZATION=basic), 400, NOT_AN_OBJECT),
        (client.post(url, "[1]", "application/json", HTTP_AUTHORIZATION=basic), 400, NOT_AN_OBJECT),
    ]
    for response, status, message in answers:
        assert assert_json_error(response, status)["errors"] == message
        assert response.get("WWW-Authenticate") == (CHALLENGE if status == 401 else None)
    # The refused pair alone is signalled, with the request.
    assert signalled(failed_logins) == [(url, str(user.pk))]


# Tokens from a configured generator ---------------------------------------------------


class OwnGenerator(TokenGenerator):
    key_salt = "tests.test_views.OwnGenerator"


class OwnBackend(TokenBackend):
    token_generator = OwnGenerator()


@pytest.mark.stateless  # a login's token is a session's with the app
def test_views_mint_with_the_configured_backends_generator(
    client: Client, user: Any, settings: Any
) -> None:
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "tests.test_views.OwnBackend",
    ]
    response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    token = json_body(response)["token"]
    assert OwnGenerator().check_token(user, token)
    assert not token_generator.check_token(user, token)
    assert client.get(token_url(token, user.pk)).status_code == 200
    refreshed = client.post(REFRESH, {"user": user.pk, "token": token})
    assert OwnGenerator().check_token(user, json_body(refreshed)["token"])


# Caches, CSRF, error reports, lockout tools ------------------------------------------------


def test_every_answer_of_every_endpoint_says_no_store_and_no_csrf_check_applies(
    user: Any, token: str
) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    login = {"username": login_of("alice"), "password": PASSWORD}
    pair = {"user": user.pk, "token": token}
    answers = [
        client.post(NEW, login),
        client.post(NEW, {**login, "password": "wrong"}),
        client.post(NEW, "{", content_type="application/json"),
        client.get(NEW),
        client.post(VERIFY, pair),
        client.post(VERIFY),
        client.post(REFRESH, pair),
        client.post(REFRESH, {**pair, "token": "x"}),
        client.post(token_url(token, user.pk), pair),
        client.get(token_url("x", user.pk)),
        client.put(token_url(token, user.pk)),
    ]
    statuses = [200, 401, 400, 405, 200, 401, 200, 401, 200, 401, 405]
    assert [answer.status_code for answer in answers] == statuses
    for answer in answers:
        assert "no-store" in answer["Cache-Control"].split(", "), answer["Cache-Control"]


class FailingDatabaseBackend:  # a password backend whose database is down
    def authenticate(self, request: Any, **credentials: Any) -> None:
        raise DatabaseError("the database is down")


@pytest.mark.parametrize("encoding", ["form", "json"])
def test_an_error_report_of_new_shows_no_password(settings: Any, encoding: str) -> None:
    settings.DEBUG = False  # what ADMINS mail and error trackers report
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.FailingDatabaseBackend"]
    password = secrets.token_hex()  # not in this file's source, which the report quotes
    login = {"username": "alice", "password": password}
    if encoding == "json":
        request = RequestFactory().post(NEW, login, content_type="application/json")
    else:
        request = RequestFactory().post(NEW, login)
    with pytest.raises(DatabaseError) as info:
        views.token_new(request)
    below_this_test = info.tb.tb_next  # whose own frame holds the password
    report = ExceptionReporter(request, info.type, info.value, below_this_test)
    html = report.get_traceback_html()
    assert "the database is down" in html
    assert password not in html


def test_new_refuses_a_login_longer_than_the_login_field_before_authenticating(
    client: Client, failed_logins: Any
) -> None:
    # Nobody's login; lockout tools store 255 characters of it (a 500 on PostgreSQL).
    field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
    for length, signalled in ((field.max_length, 1), (field.max_length + 1, 0)):
        failed_logins.clear()
        response = client.post(NEW, {"username": "a" * length, "password": "p"})
        assert assert_json_error(response, 401)["errors"] == LOGIN_FAILED
        assert len(failed_logins) == signalled, length


@pytest.mark.stateless
@pytest.mark.parametrize("route", ["logout", "logoutall", "sessions"])
def test_session_routes_exist_only_with_the_sessions_app(
    client: Client, user: Any, token: str, route: str
) -> None:
    response = client.post(f"/token/{route}.json", {"user": user.pk, "token": token})
    assert response.status_code == 404
