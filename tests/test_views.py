"""tokenapi.views and tokenapi.urls: new.json, <token>/<user>.json, verify.json, refresh.json."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, ClassVar

import pytest
import time_machine
from django.contrib.auth import get_user_model, user_login_failed
from django.contrib.auth.backends import ModelBackend
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.views.debug import SafeExceptionReporterFilter

from tests.helpers import (
    PASSWORD,
    assert_json_error,
    basic_auth,
    json_body,
    login_of,
    make_legacy_token,
    make_user,
)
from tokenapi import errors, views
from tokenapi.errors import RequestError
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 3, 2, 1, tzinfo=datetime.timezone.utc)
NEW = "/token/new.json"
VERIFY = "/token/verify.json"
REFRESH = "/token/refresh.json"


def json_pk(user: Any) -> object:
    """The user's pk as the JSON of the responses carries it."""
    return user.pk if isinstance(user.pk, int) else str(user.pk)


def assert_token_response(response: Any, user: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    data = json_body(response)
    assert set(data) == {"success", "token", "user", "expires"}
    assert data["success"] is True
    assert data["user"] == json_pk(user)
    assert token_generator.check_token(user, data["token"])
    assert re.fullmatch(r"[0-9a-z]+-[A-Za-z0-9_-]{43}", data["token"])
    return data


# URLs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "path", "view"),
    [
        ("api_token_new", {}, "/token/new.json", views.token_new),
        ("api_token_verify", {}, "/token/verify.json", views.token_verify),
        ("api_token_refresh", {}, "/token/refresh.json", views.token_refresh),
        (
            "api_token",
            {"token": "abc-0123", "user": "7"},
            "/token/abc-0123/7.json",
            views.token_check,
        ),
    ],
)
def test_url_names(name: str, kwargs: dict[str, str], path: str, view: Any) -> None:
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).func == view


def test_api_token_url_takes_new_and_legacy_tokens_and_any_pk(user: Any, token: str) -> None:
    for value in (token, make_legacy_token(user)):
        path = reverse("api_token", kwargs={"token": value, "user": user.pk})
        assert path == f"/token/{value}/{user.pk}.json"
        assert resolve(path).kwargs == {"token": value, "user": str(user.pk)}


# new.json -------------------------------------------------------------------------


def test_new_with_form_fields(client: Client, user: Any) -> None:
    response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    assert_token_response(response, user)


def test_new_with_json_body(client: Client, user: Any) -> None:
    body = {"username": login_of("alice"), "password": PASSWORD}
    assert_token_response(client.post(NEW, body, content_type="application/json"), user)


def test_new_accepts_the_username_field_name(client: Client, user: Any) -> None:
    field = get_user_model().USERNAME_FIELD
    response = client.post(NEW, {field: login_of("alice"), "password": PASSWORD})
    assert_token_response(response, user)
    body = {field: login_of("alice"), "password": PASSWORD}
    assert_token_response(client.post(NEW, body, content_type="application/json"), user)


def test_new_username_wins_over_the_username_field_name(client: Client, user: Any) -> None:
    field = get_user_model().USERNAME_FIELD
    if field == "username":
        field = "email"  # auth.User: a field that must be ignored then
    body = {"username": login_of("alice"), field: "nobody", "password": PASSWORD}
    assert_token_response(client.post(NEW, body), user)


def test_new_expires_is_iso_8601_utc(client: Client, user: Any, settings: Any) -> None:
    settings.TOKENAPI_TIMEOUT = 3600
    with time_machine.travel(NOW, tick=False):
        response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
        data = assert_token_response(response, user)
    assert data["expires"] == "2026-05-04T04:02:01Z"
    expires = datetime.datetime.fromisoformat(data["expires"].replace("Z", "+00:00"))
    assert expires == NOW + datetime.timedelta(hours=1)


def test_new_expires_follows_token_timeout_days(client: Client, user: Any, settings: Any) -> None:
    settings.TOKEN_TIMEOUT_DAYS = 2
    with time_machine.travel(NOW, tick=False):
        response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    assert json_body(response)["expires"] == "2026-05-06T03:02:01Z"


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"username": "alice", "password": "wrong"}, id="wrong-password"),
        pytest.param({"username": "nobody", "password": PASSWORD}, id="unknown-user"),
    ],
)
def test_new_bad_credentials_is_401(client: Client, user: Any, fields: dict[str, str]) -> None:
    fields = {**fields, "username": login_of(fields["username"])}
    data = assert_json_error(client.post(NEW, fields), 401)
    assert data["errors"] == "Unable to log you in, please try again."


def test_new_inactive_user_is_401(client: Client, user: Any) -> None:
    user.is_active = False
    user.save()
    response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    assert_json_error(response, 401)


class AllowAllUsersBackend(ModelBackend):
    """Lets inactive users through, as some sites configure."""

    def user_can_authenticate(self, user: Any) -> bool:
        return True


def test_new_refuses_inactive_users_even_from_permissive_backends(
    client: Client, user: Any, settings: Any
) -> None:
    settings.AUTHENTICATION_BACKENDS = [
        "tests.test_views.AllowAllUsersBackend",
        "tokenapi.backends.TokenBackend",
    ]
    user.is_active = False
    user.save()
    response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    assert_json_error(response, 401)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"username": "alice"}, id="no-password"),
        pytest.param({"password": PASSWORD}, id="no-username"),
        pytest.param({"username": "", "password": PASSWORD}, id="empty-username"),
        pytest.param({"username": "alice", "password": ""}, id="empty-password"),
    ],
)
def test_new_missing_fields_is_401(client: Client, user: Any, fields: dict[str, str]) -> None:
    if fields.get("username"):
        fields = {**fields, "username": login_of("alice")}
    data = assert_json_error(client.post(NEW, fields), 401)
    assert data["errors"] == "Must include 'username' and 'password' as POST parameters."
    json_response = client.post(NEW, fields, content_type="application/json")
    assert_json_error(json_response, 401)


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "head", "options"])
def test_new_other_methods_are_405_with_allow(client: Client, method: str) -> None:
    response = getattr(client, method)(NEW)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    if method != "head":
        data = assert_json_error(response, 405)
        assert data["errors"] == "Must access via a POST request."


@pytest.mark.parametrize("body", ["{bad json", "[]", '"alice"', "3", "null", ""], ids=repr)
def test_new_malformed_json_is_400(client: Client, user: Any, body: str) -> None:
    # CONTENT_TYPE again: the test client leaves it out when the body is empty.
    response = client.post(
        NEW, body, content_type="application/json", CONTENT_TYPE="application/json"
    )
    data = assert_json_error(response, 400)
    assert data["errors"] == "Request body must be a JSON object."


@pytest.mark.parametrize(
    "body",
    [
        {"username": ["alice"], "password": PASSWORD},
        {"username": {"a": 1}, "password": PASSWORD},
        {"username": 5, "password": PASSWORD},
        {"username": True, "password": PASSWORD},
        {"username": "alice", "password": 12345},
        {"username": "alice", "password": [PASSWORD]},
    ],
    ids=["user-list", "user-object", "user-number", "user-bool", "pw-number", "pw-list"],
)
def test_new_json_fields_of_wrong_type_are_400(client: Client, user: Any, body: Any) -> None:
    assert_json_error(client.post(NEW, body, content_type="application/json"), 400)


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "ali\x00ce", "password": PASSWORD},
        {"username": "alice", "password": "pass\x00word"},
    ],
    ids=["nul-username", "nul-password"],
)
def test_new_nul_in_username_or_password_is_400(
    client: Client, user: Any, fields: dict[str, str]
) -> None:
    assert_json_error(client.post(NEW, fields), 400)
    assert_json_error(client.post(NEW, fields, content_type="application/json"), 400)


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "\ud800", "password": PASSWORD},
        {"username": "alice", "password": "pass\udfffword"},
    ],
    ids=["username", "password"],
)
def test_new_lone_surrogate_in_json_is_400(
    client: Client, user: Any, fields: dict[str, str]
) -> None:
    # JSON can spell them ("\ud800"); no database driver or password hasher can encode them.
    assert_json_error(client.post(NEW, fields, content_type="application/json"), 400)


def test_new_is_csrf_exempt(user: Any) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    assert_token_response(response, user)


def test_new_tokens_are_never_legacy(client: Client, user: Any, settings: Any) -> None:
    settings.TOKENAPI_ACCEPT_LEGACY_TOKENS = True
    response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    assert len(json_body(response)["token"].split("-", 1)[1]) == 43


class RequestRecordingBackend(ModelBackend):
    """Records the request contrib.auth.authenticate() passes on."""

    requests: ClassVar[list[Any]] = []

    def authenticate(self, request: Any, **credentials: Any) -> Any:
        self.requests.append(request)
        return None


@pytest.fixture
def recording_backend(settings: Any) -> Any:
    RequestRecordingBackend.requests = []
    settings.AUTHENTICATION_BACKENDS = [
        "tests.test_views.RequestRecordingBackend",
        *settings.AUTHENTICATION_BACKENDS,
    ]
    return RequestRecordingBackend


def test_new_passes_the_request_to_authenticate(
    client: Client, user: Any, recording_backend: Any
) -> None:
    response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    assert_token_response(response, user)
    (request,) = recording_backend.requests
    assert request is not None and request.path == NEW


def test_new_hides_the_password_from_error_reports(
    client: Client, user: Any, recording_backend: Any
) -> None:
    client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    (request,) = recording_backend.requests
    assert request.sensitive_post_parameters == ("password",)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["password"] != PASSWORD
    assert cleansed["username"] == login_of("alice")


def test_new_failure_sends_user_login_failed_without_the_password(
    client: Client, user: Any
) -> None:
    calls: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        calls.append(kwargs)

    user_login_failed.connect(receiver)
    try:
        client.post(NEW, {"username": login_of("alice"), "password": "wrong password"})
    finally:
        user_login_failed.disconnect(receiver)
    assert len(calls) == 1
    assert calls[0]["credentials"]["username"] == login_of("alice")
    assert "wrong password" not in repr(calls[0]["credentials"])
    assert calls[0]["request"].path == NEW


# <token>/<user>.json --------------------------------------------------------------


def token_url(token: str, user_id: object) -> str:
    return reverse("api_token", kwargs={"token": token, "user": user_id})


@pytest.mark.parametrize("method", ["get", "post"])
def test_token_url_valid_pair(client: Client, user: Any, token: str, method: str) -> None:
    response = getattr(client, method)(token_url(token, user.pk))
    assert response.status_code == 200
    assert json_body(response) == {"success": True}


def test_token_url_head(client: Client, user: Any, token: str) -> None:
    assert client.head(token_url(token, user.pk)).status_code == 200
    assert client.head(token_url("x-y", user.pk)).status_code == 401


@pytest.mark.parametrize("method", ["get", "post"])
def test_token_url_legacy_token(client: Client, user: Any, method: str) -> None:
    legacy = make_legacy_token(user)
    assert len(legacy) == 24
    response = getattr(client, method)(token_url(legacy, user.pk))
    assert json_body(response) == {"success": True}


def test_token_url_legacy_token_refused_when_disabled(
    client: Client, user: Any, settings: Any
) -> None:
    settings.TOKENAPI_ACCEPT_LEGACY_TOKENS = False
    assert_json_error(client.get(token_url(make_legacy_token(user), user.pk)), 401)


@pytest.mark.parametrize("method", ["get", "post"])
def test_token_url_wrong_pair_is_401(client: Client, user: Any, method: str) -> None:
    other = make_user("bob")
    response = getattr(client, method)(token_url(token_generator.make_token(other), user.pk))
    data = assert_json_error(response, 401)
    assert data["errors"] == "Token did not match user."


def test_token_url_inactive_user_is_401(client: Client, user: Any, token: str) -> None:
    user.is_active = False
    user.save()
    assert_json_error(client.get(token_url(token, user.pk)), 401)


def test_token_url_expired_token_is_401(client: Client, user: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        token = token_generator.make_token(user)
    with time_machine.travel(NOW + datetime.timedelta(days=7, seconds=1), tick=False):
        assert_json_error(client.get(token_url(token, user.pk)), 401)


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_token_url_other_methods_are_405(
    client: Client, user: Any, token: str, method: str
) -> None:
    response = getattr(client, method)(token_url(token, user.pk))
    data = assert_json_error(response, 405)
    assert response["Allow"] == "GET, HEAD, POST"
    assert data["errors"] == "Must access via a GET or POST request."


def test_token_url_is_csrf_exempt(user: Any, token: str) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    assert client.post(token_url(token, user.pk)).status_code == 200


# verify.json and refresh.json -------------------------------------------------------


def credential_requests(user: Any, token: str) -> list[tuple[str, dict[str, Any]]]:
    """The same pair sent from each credential source, as client.post() keyword arguments."""
    return [
        ("form", {"data": {"user": user.pk, "token": token}}),
        (
            "json",
            {"data": {"user": str(user.pk), "token": token}, "content_type": "application/json"},
        ),
        ("basic", {"HTTP_AUTHORIZATION": basic_auth(user.pk, token)}),
    ]


@pytest.mark.parametrize("source", ["form", "json", "basic", "query"])
def test_verify_valid_pair(client: Client, user: Any, token: str, source: str) -> None:
    if source == "query":
        response = client.post(f"{VERIFY}?user={user.pk}&token={token}")
    else:
        kwargs = dict(credential_requests(user, token))[source]
        response = client.post(VERIFY, **kwargs)
    assert response.status_code == 200
    assert json_body(response) == {"success": True}


def test_verify_legacy_token(client: Client, user: Any) -> None:
    response = client.post(VERIFY, {"user": user.pk, "token": make_legacy_token(user)})
    assert json_body(response) == {"success": True}


@pytest.mark.parametrize("url", [VERIFY, REFRESH])
def test_wrong_pair_is_401_with_challenge(client: Client, user: Any, url: str) -> None:
    other_token = token_generator.make_token(make_user("bob"))
    for _, kwargs in credential_requests(user, other_token):
        response = client.post(url, **kwargs)
        data = assert_json_error(response, 401)
        assert data["errors"] == "Token did not match user."
        assert response["WWW-Authenticate"] == 'Basic realm="api"'


@pytest.mark.parametrize("url", [VERIFY, REFRESH])
def test_inactive_or_unknown_user_is_401(client: Client, user: Any, token: str, url: str) -> None:
    assert_json_error(client.post(url, {"user": "abc", "token": token}), 401)
    user.is_active = False
    user.save()
    assert_json_error(client.post(url, {"user": user.pk, "token": token}), 401)


@pytest.mark.parametrize("url", [VERIFY, REFRESH])
def test_no_credentials_is_401_with_challenge(client: Client, url: str) -> None:
    response = client.post(url)
    assert_json_error(response, 401)
    assert response["WWW-Authenticate"] == 'Basic realm="api"'


@pytest.mark.parametrize("url", [VERIFY, REFRESH])
def test_malformed_credentials_are_400(client: Client, url: str) -> None:
    assert_json_error(client.post(url, HTTP_AUTHORIZATION="Basic"), 400)
    body = {"user": [1], "token": "t"}
    assert_json_error(client.post(url, body, content_type="application/json"), 400)


@pytest.mark.parametrize("url", [VERIFY, REFRESH])
@pytest.mark.parametrize("method", ["get", "put", "delete", "head"])
def test_verify_and_refresh_other_methods_are_405(client: Client, url: str, method: str) -> None:
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.parametrize("url", [VERIFY, REFRESH])
def test_verify_and_refresh_are_csrf_exempt(user: Any, token: str, url: str) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    assert client.post(url, {"user": user.pk, "token": token}).status_code == 200


def test_refresh_gives_a_fresh_token(client: Client, user: Any, settings: Any) -> None:
    settings.TOKENAPI_TIMEOUT = 600
    with time_machine.travel(NOW, tick=False):
        old = token_generator.make_token(user)
    later = NOW + datetime.timedelta(seconds=500)
    with time_machine.travel(later, tick=False):
        data = assert_token_response(client.post(REFRESH, {"user": user.pk, "token": old}), user)
    assert data["token"] != old
    assert data["expires"] == "2026-05-04T03:20:21Z"
    with time_machine.travel(later + datetime.timedelta(seconds=200), tick=False):
        assert not token_generator.check_token(user, old)
        assert token_generator.check_token(user, data["token"])


@pytest.mark.parametrize("source", ["form", "json", "basic"])
def test_refresh_from_every_source(client: Client, user: Any, token: str, source: str) -> None:
    kwargs = dict(credential_requests(user, token))[source]
    assert_token_response(client.post(REFRESH, **kwargs), user)


def test_refresh_trades_a_legacy_token_for_a_new_one(client: Client, user: Any) -> None:
    response = client.post(REFRESH, {"user": user.pk, "token": make_legacy_token(user)})
    assert_token_response(response, user)


def test_refresh_of_an_expired_token_is_401(client: Client, user: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        token = token_generator.make_token(user)
    with time_machine.travel(NOW + datetime.timedelta(days=8), tick=False):
        assert_json_error(client.post(REFRESH, {"user": user.pk, "token": token}), 401)


# Tokens from a configured generator ---------------------------------------------------


def test_views_mint_with_the_configured_backends_generator(
    client: Client, user: Any, settings: Any
) -> None:
    from tests.test_backends import CustomGenerator

    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "tests.test_backends.CustomTokenBackend",
    ]
    response = client.post(NEW, {"username": login_of("alice"), "password": PASSWORD})
    token = json_body(response)["token"]
    assert CustomGenerator().check_token(user, token)
    assert not token_generator.check_token(user, token)
    assert client.get(token_url(token, user.pk)).status_code == 200
    refreshed = client.post(REFRESH, {"user": user.pk, "token": token})
    assert CustomGenerator().check_token(user, json_body(refreshed)["token"])


# read_login ----------------------------------------------------------------------------


def test_read_login_reads_form_or_json() -> None:
    rf = RequestFactory()
    form = rf.post("/", {"username": "a", "password": "p"})
    assert views.read_login(form) == ("a", "p")
    body = json.dumps({"username": "a", "password": "p", "n": 1})
    assert views.read_login(rf.post("/", body, content_type="application/json")) == ("a", "p")


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        ("{bad", "application/json", errors.MALFORMED_JSON),
        ("[]", "application/json", errors.MALFORMED_JSON),
        ("null", "application/json", errors.MALFORMED_JSON),
        (b"garbage", "multipart/form-data; boundary=", errors.MALFORMED_BODY),
    ],
)
def test_read_login_refuses_unreadable_bodies(
    body: str | bytes, content_type: str, error: errors.ApiError
) -> None:
    request = RequestFactory().post("/", body, content_type=content_type)
    with pytest.raises(RequestError) as info:
        views.read_login(request)
    assert info.value.error == error
