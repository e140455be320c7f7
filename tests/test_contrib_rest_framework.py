"""tokenapi.contrib.rest_framework: the DRF authentication class, in real DRF views."""

from __future__ import annotations

import types
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.views import APIView

from tests.examples import settings_from
from tests.helpers import basic_auth, make_user, send_pair
from tokenapi.backends import MASKED_TOKEN
from tokenapi.contrib.rest_framework import TokenAuthentication
from tokenapi.tokens import token_generator

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.integration_urls")]

WHOAMI = "/drf/whoami/"
CHALLENGE = 'Basic realm="api"'
NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}
SOURCES = ["form", "query", "json", "basic"]


def test_tests_run_with_the_documented_configuration() -> None:
    # DRF reads DEFAULT_AUTHENTICATION_CLASSES once, on import: the test settings hold them.
    documented = settings_from("docs/integrations/drf.rst", "Django REST framework", {})[
        "REST_FRAMEWORK"
    ]
    assert documented == settings.REST_FRAMEWORK
    assert APIView.authentication_classes == [TokenAuthentication, SessionAuthentication]


@pytest.mark.parametrize("source", SOURCES)
def test_valid_pair_authenticates_from_every_source(
    client: Client, user: Any, token: str, source: str
) -> None:
    response = send_pair(client, source, WHOAMI, user.pk, token)
    assert response.status_code == 200, response.content
    assert response.json()["user"] == str(user.pk)
    assert response.json()["auth"] == token
    assert response.json()["authenticator"] == "TokenAuthentication"
    if source in ("form", "json"):  # the body read for credentials is left to DRF's parsers
        assert response.json()["data"] == {"user": str(user.pk), "token": token}


# Front-end code sends "Authorization: null" before login; DRF's own classes ignore
# headers that are not theirs, and so does this one.
OTHER_SCHEMES = [None, "Bearer abc", "null", "undefined", "Bearer", "Negotiate"]


@pytest.mark.parametrize("header", OTHER_SCHEMES)
def test_no_credentials_is_a_401_challenge_or_anonymous_on_a_public_view(
    client: Client, header: str | None
) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(WHOAMI, **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == CHALLENGE
    assert response.json() == NOT_PROVIDED
    public = client.get("/drf/public/", **extra)
    assert public.status_code == 200
    assert public.json()["user"] == "None"


@pytest.mark.parametrize("url", [WHOAMI, "/drf/public/"])
def test_every_answer_varies_on_authorization(
    client: Client, user: Any, token: str, url: str
) -> None:
    # So that Django's cache middleware never serves one caller's answer to another.
    for headers in (
        {"HTTP_AUTHORIZATION": basic_auth(user.pk, token)},
        {},
        {"HTTP_AUTHORIZATION": basic_auth(user.pk, "x")},
        {"HTTP_AUTHORIZATION": "Basic"},
    ):
        response = client.get(url, **headers)
        vary = response["Vary"].split(", ")
        assert vary.count("Authorization") == 1, (response.status_code, headers, vary)
        assert "Accept" in vary  # DRF's own, kept


@pytest.mark.parametrize("source", SOURCES)
def test_wrong_pair_is_a_401_challenge(client: Client, user: Any, source: str) -> None:
    # Why a pair is refused is the backend's and the token's business, tested there.
    response = send_pair(client, source, WHOAMI, user.pk, "1-x")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == CHALLENGE
    assert response.json() == {"detail": "Incorrect user and token pair."}


FORMAT, ENCODING = "Invalid Authorization header format.", "Invalid Basic auth encoding."
NOT_STRINGS = "'user' and 'token' must be strings."


@pytest.mark.parametrize(
    ("sent", "detail"),
    [
        pytest.param("Basic", FORMAT, id="header-no-space"),
        pytest.param("Basic !!!!", ENCODING, id="header-bad-base64"),
        pytest.param({"user": ["1"], "token": "x"}, NOT_STRINGS, id="json-user-list"),
        pytest.param(b"garbage", "Unable to read the request body.", id="broken-multipart"),
    ],
)
def test_malformed_credentials_are_a_parse_error(client: Client, sent: Any, detail: str) -> None:
    """A header (str), a JSON body (dict) or a multipart body (bytes) that cannot be read."""
    if isinstance(sent, str):
        response = client.post(WHOAMI, HTTP_AUTHORIZATION=sent)
    elif isinstance(sent, dict):
        response = client.post(WHOAMI, sent, content_type="application/json")
    else:
        response = client.post(WHOAMI, sent, content_type="multipart/form-data; boundary=")
    assert response.status_code == 400  # ParseError: AuthenticationFailed would be a 401
    assert response.json() == {"detail": detail}
    assert "WWW-Authenticate" not in response


def test_failure_is_signalled_with_the_django_request(
    user: Any, token: str, failed_logins: Any
) -> None:
    # The Django request, which lockout tools' middleware answers, not DRF's wrapper.
    request = RequestFactory().get("/", {"user": str(user.pk), "token": "1-wrong"})
    with pytest.raises(AuthenticationFailed) as info:
        TokenAuthentication().authenticate(Request(request))
    assert info.value.detail == "Incorrect user and token pair."
    (call,) = failed_logins
    assert call["request"] is request
    assert call["credentials"] == {"pk": str(user.pk), "token": MASKED_TOKEN}


# Reading the body for credentials must leave it to DRF's parsers.


def test_view_reads_a_form_body_and_files_after_authentication(
    client: Client, user: Any, token: str
) -> None:
    body = f"user={user.pk}&token={token}&note=hello"
    response = client.post(WHOAMI, body, content_type="application/x-www-form-urlencoded")
    assert response.json()["data"] == {"user": str(user.pk), "token": token, "note": "hello"}
    upload = SimpleUploadedFile("note.txt", b"file content")
    body = {"user": user.pk, "token": token, "note": "hello", "attachment": upload}
    response = client.post(WHOAMI, body)
    assert response.json()["data"]["note"] == "hello"
    assert response.json()["files"] == {"attachment": "file content"}


@pytest.mark.parametrize(
    ("body", "status", "data"),
    [
        ('{"note": {"nested": [1, 2]}}', 200, {"note": {"nested": [1, 2]}}),
        # As token_required: a body that is no JSON object carries no credentials.
        ("[1, 2]", 200, [1, 2]),
        ("{not json", 400, None),
    ],
    ids=["object", "not-an-object", "not-json"],
)
def test_view_reads_a_json_body_after_authentication(
    client: Client, user: Any, token: str, body: str, status: int, data: Any
) -> None:
    header = basic_auth(user.pk, token)
    response = client.post(WHOAMI, body, content_type="application/json", HTTP_AUTHORIZATION=header)
    assert response.status_code == status
    if data is None:
        assert "JSON parse error" in response.json()["detail"]
    else:
        assert response.json()["data"] == data


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data"])
def test_credentials_are_read_after_drf_parsed_the_body(
    client: Client, user: Any, token: str, content_type: str
) -> None:
    # Views that authenticate lazily read request.data first.
    body = {"user": str(user.pk), "token": token, "note": "hello"}
    if content_type == "multipart/form-data":
        response = client.post("/drf/lazy/", body)
    else:
        response = client.post("/drf/lazy/", body, content_type=content_type)
    assert response.status_code == 200
    assert response.json()["user"] == str(user.pk)
    assert response.json()["data"]["note"] == "hello"


# Viewsets and other authentication classes.


def test_viewset_through_a_router(client: Client, user: Any, token: str) -> None:
    header = basic_auth(user.pk, token)
    created = client.post(
        "/drf/notes/", {"text": "hello"}, content_type="application/json", HTTP_AUTHORIZATION=header
    )
    assert created.status_code == 201
    assert created.json() == {"owner": str(user.pk), "text": "hello"}
    assert client.get("/drf/notes/").status_code == 401


@pytest.mark.parametrize(
    ("url", "session", "token", "status", "authenticator"),
    [
        ("/drf/token-then-session/", "alice", None, 200, "SessionAuthentication"),
        ("/drf/token-then-session/", "bob", "valid", 200, "TokenAuthentication"),
        ("/drf/token-then-session/", "alice", "wrong", 401, None),
        ("/drf/session-then-token/", None, "valid", 200, "TokenAuthentication"),
        # DRF takes WWW-Authenticate from the first class; SessionAuthentication has none.
        ("/drf/session-then-token/", None, None, 403, None),
    ],
    ids=["session-alone", "token-wins", "wrong-token-despite-session", "token-2nd", "no-challenge"],
)
def test_token_with_session_authentication(
    client: Client,
    user: Any,
    url: str,
    session: str | None,
    token: str | None,
    status: int,
    authenticator: str | None,
) -> None:
    if session:
        client.force_login(user if session == "alice" else make_user(session))
    headers = {}
    if token:
        value = token_generator.make_token(user) if token == "valid" else "1-wrong"
        headers["HTTP_AUTHORIZATION"] = basic_auth(user.pk, value)
    response = client.get(url, **headers)
    assert response.status_code == status
    if authenticator:
        assert response.json()["user"] == str(user.pk)
        assert response.json()["authenticator"] == authenticator
    assert ("WWW-Authenticate" in response) == (status == 401)


@pytest.mark.parametrize("vary", [None, "*", "authorization", "Accept, Authorization"])
def test_vary_is_added_once_and_only_where_a_view_has_headers(vary: str | None) -> None:
    request = Request(RequestFactory().get("/"))  # no view: nothing to add to
    assert TokenAuthentication().authenticate(request) is None
    view = types.SimpleNamespace(headers={} if vary is None else {"Vary": vary})
    request = Request(RequestFactory().get("/"), parser_context={"view": view})
    TokenAuthentication().authenticate(request)
    assert view.headers["Vary"] == ("Authorization" if vary is None else vary)
