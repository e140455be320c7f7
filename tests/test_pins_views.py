"""Pins of tokenapi.views: what each endpoint answers, status and body."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model, user_login_failed
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory, override_settings

from tokenapi.backends import TokenBackend
from tokenapi.tokens import TokenGenerator, token_generator

pytestmark = pytest.mark.django_db


def make_user(login: str = "pin@example.com", password: str = "pin-password", **fields: object):  # noqa: S107 (test data)
    user_model = get_user_model()
    return user_model._default_manager.create_user(
        **{user_model.USERNAME_FIELD: login, "password": password}, **fields
    )


def post_json(client: Client, url: str, body: object):
    return client.post(url, json.dumps(body), "application/json")


@pytest.mark.parametrize(
    "body",
    [
        {"username": "\ud800", "password": "pin-password"},
        {"username": "pin@example.com", "password": "pin-\udfff"},
    ],
    ids=["surrogate-username", "surrogate-password"],
)
def test_login_with_lone_surrogate_is_a_400(body: dict[str, str]) -> None:
    # A JSON body can carry a lone surrogate, which no hasher or database takes: it was a 500.
    make_user()
    response = post_json(Client(raise_request_exception=True), "/token/new.json", body)
    assert response.status_code == 400
    assert json.loads(response.content)["success"] is False


NOW = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=True, enforce_csrf_checks=True)


def login_field() -> str:
    return get_user_model().USERNAME_FIELD


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("encoding", ["form", "json"])
@pytest.mark.parametrize("field", ["username", "login-field"])
def test_login_answers_a_token_for_the_user(client: Client, encoding: str, field: str) -> None:
    user = make_user()
    name = login_field() if field == "login-field" else "username"
    fields = {name: user.get_username(), "password": "pin-password"}
    if encoding == "json":
        response = post_json(client, "/token/new.json", fields)
    else:
        response = client.post("/token/new.json", fields)
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body == {
        "token": token_generator.make_token(user),
        "user": user.pk if isinstance(user.pk, int) else str(user.pk),
        "expires": "2026-03-11T05:06:07Z",
        "success": True,
    }


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({}, 401, "Must include 'username' and 'password' as POST parameters."),
        (
            {"username": "pin@example.com"},
            401,
            "Must include 'username' and 'password' as POST parameters.",
        ),
        (
            {"password": "pin-password"},
            401,
            "Must include 'username' and 'password' as POST parameters.",
        ),
        (
            {"username": "", "password": "pin-password"},
            401,
            "Must include 'username' and 'password' as POST parameters.",
        ),
        (
            {"username": "pin@example.com", "password": "wrong"},
            401,
            "Unable to log you in, please try again.",
        ),
        (
            {"username": "nobody@example.com", "password": "pin-password"},
            401,
            "Unable to log you in, please try again.",
        ),
        (
            {"username": "pin@example.com\x00", "password": "pin-password"},
            400,
            "'username' and 'password' must be strings of valid text without NUL characters.",
        ),
        (
            {"username": "pin@example.com", "password": "pin\x00"},
            400,
            "'username' and 'password' must be strings of valid text without NUL characters.",
        ),
        (
            {"username": ["pin@example.com"], "password": "pin-password"},
            400,
            "'username' and 'password' must be strings of valid text without NUL characters.",
        ),
        (
            {"username": "pin@example.com", "password": 1234},
            400,
            "'username' and 'password' must be strings of valid text without NUL characters.",
        ),
    ],
    ids=[
        "nothing",
        "no-password",
        "no-username",
        "empty-username",
        "wrong-password",
        "unknown-user",
        "nul-username",
        "nul-password",
        "list-username",
        "int-password",
    ],
)
def test_login_failures(
    client: Client, fields: dict[str, object], status: int, message: str
) -> None:
    make_user()
    response = post_json(client, "/token/new.json", fields)
    assert response.status_code == status
    assert json.loads(response.content) == {"success": False, "errors": message}
    assert not response.has_header("WWW-Authenticate")


def test_login_refuses_inactive_users_even_with_a_permissive_backend(client: Client) -> None:
    make_user(is_active=False)
    fields = {"username": "pin@example.com", "password": "pin-password"}
    with override_settings(
        AUTHENTICATION_BACKENDS=[
            "django.contrib.auth.backends.AllowAllUsersModelBackend",
            "tokenapi.backends.TokenBackend",
        ]
    ):
        response = post_json(client, "/token/new.json", fields)
    assert response.status_code == 401
    assert json.loads(response.content)["errors"] == "Unable to log you in, please try again."


def test_login_passes_the_request_to_authenticate(client: Client) -> None:
    make_user()
    seen = []

    def receiver(sender, credentials, request, **kwargs):
        seen.append(request.path)

    user_login_failed.connect(receiver)
    try:
        post_json(client, "/token/new.json", {"username": "pin@example.com", "password": "wrong"})
    finally:
        user_login_failed.disconnect(receiver)
    assert seen == ["/token/new.json"]


def test_login_keeps_the_password_out_of_error_reports() -> None:
    from tokenapi.views import token_new

    request = RequestFactory().post("/", {"username": "u", "password": "p"})
    token_new(request)
    assert request.sensitive_post_parameters == ("password",)


@pytest.mark.parametrize(
    ("url", "method", "allow", "message"),
    [
        ("/token/new.json", "get", "POST", "Must access via a POST request."),
        ("/token/new.json", "put", "POST", "Must access via a POST request."),
        ("/token/verify.json", "get", "POST", "Must access via a POST request."),
        ("/token/refresh.json", "get", "POST", "Must access via a POST request."),
        ("/token/1-abc/1.json", "put", "GET, HEAD, POST", "Must access via a GET or POST request."),
        (
            "/token/1-abc/1.json",
            "delete",
            "GET, HEAD, POST",
            "Must access via a GET or POST request.",
        ),
    ],
)
def test_other_methods_are_405_with_allow(
    client: Client, url: str, method: str, allow: str, message: str
) -> None:
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == allow
    assert json.loads(response.content) == {"success": False, "errors": message}


@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_token_in_url(client: Client, method: str) -> None:
    user = make_user()
    token = token_generator.make_token(user)
    response = getattr(client, method)(f"/token/{token}/{user.pk}.json")
    assert response.status_code == 200
    if method != "head":
        assert json.loads(response.content) == {"success": True}
    wrong = getattr(client, method)(f"/token/{token}x/{user.pk}.json")
    assert wrong.status_code == 401
    assert not wrong.has_header("WWW-Authenticate")
    if method != "head":
        assert json.loads(wrong.content) == {
            "success": False,
            "errors": "Token did not match user.",
        }


def test_verify(client: Client) -> None:
    user = make_user()
    token = token_generator.make_token(user)
    response = client.post("/token/verify.json", {"user": str(user.pk), "token": token})
    assert response.status_code == 200
    assert json.loads(response.content) == {"success": True}
    wrong = client.post("/token/verify.json", {"user": str(user.pk), "token": token + "x"})
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"] == 'Basic realm="api"'
    assert json.loads(wrong.content) == {"success": False, "errors": "Token did not match user."}
    missing = client.post("/token/verify.json")
    assert missing.status_code == 401
    assert (
        json.loads(missing.content)["errors"]
        == "Must include 'user' and 'token' parameters with request."
    )
    malformed = client.post("/token/verify.json", HTTP_AUTHORIZATION="Basic !")
    assert malformed.status_code == 400


def test_refresh_answers_a_new_token(client: Client) -> None:
    user = make_user()
    with time_machine.travel(NOW, tick=False):
        token = token_generator.make_token(user)
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        response = client.post("/token/refresh.json", {"user": str(user.pk), "token": token})
        assert response.status_code == 200
        body = json.loads(response.content)
        assert body["token"] == token_generator.make_token(user) != token
        assert body["expires"] == "2026-03-11T06:06:07Z"
        assert str(body["user"]) == str(user.pk)
        wrong = client.post("/token/refresh.json", {"user": str(user.pk), "token": token + "x"})
        assert wrong.status_code == 401
        assert wrong["WWW-Authenticate"] == 'Basic realm="api"'


class OwnGenerator(TokenGenerator):
    key_salt = "views-own-salt"


class OwnBackend(TokenBackend):
    token_generator = OwnGenerator()


@override_settings(
    AUTHENTICATION_BACKENDS=[
        "django.contrib.auth.backends.ModelBackend",
        "tests.test_pins_views.OwnBackend",
    ]
)
def test_tokens_are_minted_by_the_configured_backend(client: Client) -> None:
    user = make_user()
    response = client.post(
        "/token/new.json", {"username": user.get_username(), "password": "pin-password"}
    )
    token = json.loads(response.content)["token"]
    assert OwnGenerator().check_token(user, token)
    assert not token_generator.check_token(user, token)
    refreshed = client.post("/token/refresh.json", {"user": str(user.pk), "token": token})
    assert OwnGenerator().check_token(user, json.loads(refreshed.content)["token"])


def test_management_command_prints_pk_and_token() -> None:
    user = make_user()
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("tokenapi_token", user.get_username(), stdout=out, stderr=err)
        token = token_generator.make_token(user)
    assert (
        out.getvalue() == f"user: {user.pk}\ntoken: {token}\nexpires: 2026-03-11T05:06:07+00:00\n"
    )
    assert err.getvalue() == ""


def test_management_command_warns_about_inactive_users() -> None:
    user = make_user(is_active=False)
    out, err = io.StringIO(), io.StringIO()
    call_command("tokenapi_token", user.get_username(), stdout=out, stderr=err)
    assert err.getvalue() == "Warning: this user is inactive; the token will not authenticate.\n"
    assert out.getvalue().startswith(f"user: {user.pk}\n")


def test_management_command_unknown_user() -> None:
    with pytest.raises(CommandError) as exc_info:
        call_command("tokenapi_token", "nobody@example.com")
    assert str(exc_info.value) == (
        f"No user with {get_user_model().USERNAME_FIELD} 'nobody@example.com'."
    )


@pytest.mark.parametrize("url", ["/token/verify.json", "/token/refresh.json"])
def test_failed_checks_are_signalled_with_the_request(client: Client, url: str) -> None:
    user = make_user()
    seen = []

    def receiver(sender, credentials, request, **kwargs):
        seen.append((request.path, credentials["pk"]))

    user_login_failed.connect(receiver)
    try:
        client.post(url, {"user": str(user.pk), "token": "1-wrong"})
    finally:
        user_login_failed.disconnect(receiver)
    assert seen == [(url, str(user.pk))]


def test_management_command_help() -> None:
    from tokenapi.management.commands.tokenapi_token import Command

    help_text = Command().create_parser("manage.py", "tokenapi_token").format_help()
    assert "Print the primary key of a user and a fresh API token for them." in help_text
    assert re.search(r"\s+the user's login \(their USERNAME_FIELD\)\n", help_text)
