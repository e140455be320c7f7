"""tokenapi.contrib.rest_framework: the DRF authentication class, in real DRF views."""

from __future__ import annotations

import base64
import hmac
import json
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.utils.crypto import salted_hmac
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from tests.integration_utils import basic, credentials, make_user
from tests.readme import readme_settings
from tokenapi import tokens
from tokenapi.contrib.rest_framework import TokenAuthentication

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.integration_urls")]

WHOAMI = "/drf/whoami/"
CHALLENGE = 'Basic realm="api"'


@pytest.fixture
def user() -> AbstractBaseUser:
    return make_user()


def test_tests_run_with_the_readme_configuration() -> None:
    # DRF reads DEFAULT_AUTHENTICATION_CLASSES once, on import: the test settings hold them.
    readme = readme_settings("Django REST framework", {})["REST_FRAMEWORK"]
    assert readme == settings.REST_FRAMEWORK
    assert APIView.authentication_classes == [TokenAuthentication, SessionAuthentication]


def _send(client: Client, source: str, user_id: str, token: str) -> Any:
    if source == "form":
        return client.post(WHOAMI, {"user": user_id, "token": token})
    if source == "query":
        return client.get(WHOAMI, {"user": user_id, "token": token})
    if source == "json":
        body = {"user": user_id, "token": token}
        return client.post(WHOAMI, body, content_type="application/json")
    assert source == "basic"
    return client.get(WHOAMI, HTTP_AUTHORIZATION=basic(user_id, token))


SOURCES = ["form", "query", "json", "basic"]


@pytest.mark.parametrize("source", SOURCES)
def test_valid_pair_authenticates_from_every_source(
    client: Client, user: AbstractBaseUser, source: str
) -> None:
    user_id, token = credentials(user)
    response = _send(client, source, user_id, token)
    assert response.status_code == 200, response.content
    assert response.json()["user"] == user_id
    assert response.json()["auth"] == token
    assert response.json()["authenticator"] == "TokenAuthentication"


def test_parameters_win_over_the_header(client: Client, user: AbstractBaseUser) -> None:
    other = make_user("bob@example.com")
    user_id, token = credentials(user)
    other_id, other_token = credentials(other)
    response = client.post(
        WHOAMI, {"user": user_id, "token": token}, HTTP_AUTHORIZATION=basic(other_id, other_token)
    )
    assert response.json()["user"] == user_id


def test_no_credentials_is_a_401_challenge(client: Client) -> None:
    response = client.get(WHOAMI)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == CHALLENGE
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def _wrong_pairs(user: AbstractBaseUser) -> dict[str, tuple[str, str]]:
    user_id, token = credentials(user)
    return {
        "wrong token": (user_id, token[:-2] + ("AA" if not token.endswith("AA") else "BB")),
        "garbage token": (user_id, "not-a-token"),
        "unknown user": ("999999" if isinstance(user.pk, int) else "0" * 32, token),
        "id not a number": ("abc", token),
        "negative id": ("-1", token),
        "float id": ("1e9", token),
        "huge id": (str(2**70), token),
        "broken uuid": ("12345678-1234-1234-1234-12345678", token),
    }


WRONG_PAIRS = [
    "wrong token",
    "garbage token",
    "unknown user",
    "id not a number",
    "negative id",
    "float id",
    "huge id",
    "broken uuid",
]


@pytest.mark.parametrize("case", WRONG_PAIRS)
@pytest.mark.parametrize("source", SOURCES)
def test_wrong_pair_is_a_401_challenge(
    client: Client, user: AbstractBaseUser, case: str, source: str
) -> None:
    user_id, token = _wrong_pairs(user)[case]
    response = _send(client, source, user_id, token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == CHALLENGE
    assert response.json() == {"detail": "Incorrect user and token pair."}


def test_inactive_user_is_refused(client: Client, user: AbstractBaseUser) -> None:
    user_id, token = credentials(user)
    user.is_active = False
    user.save()
    response = client.get(WHOAMI, HTTP_AUTHORIZATION=basic(user_id, token))
    assert response.status_code == 401


def test_changed_password_voids_the_token(client: Client, user: AbstractBaseUser) -> None:
    user_id, token = credentials(user)
    user.set_password("another password")
    user.save()
    assert client.get(WHOAMI, HTTP_AUTHORIZATION=basic(user_id, token)).status_code == 401


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        pytest.param("Basic", "Invalid Authorization header format.", id="no space"),
        pytest.param("Basic !!!!", "Invalid Basic auth encoding.", id="bad base64"),
        pytest.param(
            "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
            "Invalid Basic auth encoding.",
            id="not utf-8",
        ),
        pytest.param(
            "Basic " + base64.b64encode(b"no-colon").decode(),
            "Invalid Basic auth encoding.",
            id="no colon",
        ),
        pytest.param("Basic d\u00e9j\u00e0", "Invalid Basic auth encoding.", id="non-ascii"),
    ],
)
def test_malformed_header_is_a_400(client: Client, header: str, detail: str) -> None:
    response = client.get(WHOAMI, HTTP_AUTHORIZATION=header)
    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_other_authorization_schemes_are_left_alone(client: Client) -> None:
    response = client.get(WHOAMI, HTTP_AUTHORIZATION="Bearer abc")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"user": ["1"], "token": "x"}, id="user is a list"),
        pytest.param({"user": "1", "token": 5}, id="token is a number"),
        pytest.param({"user": True, "token": "x"}, id="user is a boolean"),
    ],
)
def test_json_credentials_of_the_wrong_type_are_a_400(client: Client, body: object) -> None:
    response = client.post(WHOAMI, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "'user' and 'token' must be strings."}


def test_broken_multipart_body_is_a_400(client: Client) -> None:
    response = client.generic(
        "POST", WHOAMI, b"garbage", content_type="multipart/form-data; boundary="
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Unable to read the request body."}


def test_body_that_is_not_json_falls_back_to_the_header(
    client: Client, user: AbstractBaseUser
) -> None:
    # As token_required: a body that is no JSON object carries no credentials.
    response = client.post(
        WHOAMI,
        "[1, 2]",
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(*credentials(user)),
    )
    assert response.status_code == 200
    assert response.json()["data"] == [1, 2]


# Reading the body for credentials must leave it to DRF's parsers.


def test_view_reads_a_form_body_after_authentication(
    client: Client, user: AbstractBaseUser
) -> None:
    user_id, token = credentials(user)
    response = client.post(
        WHOAMI,
        f"user={user_id}&token={token}&note=hello",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"user": user_id, "token": token, "note": "hello"}


def test_view_reads_a_multipart_body_and_files_after_authentication(
    client: Client, user: AbstractBaseUser
) -> None:
    user_id, token = credentials(user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("note.txt", b"file content")
    response = client.post(
        WHOAMI, {"user": user_id, "token": token, "note": "hello", "attachment": upload}
    )
    assert response.status_code == 200
    assert response.json()["data"]["note"] == "hello"
    assert response.json()["files"] == {"attachment": "file content"}


def test_view_reads_a_json_body_after_authentication(
    client: Client, user: AbstractBaseUser
) -> None:
    user_id, token = credentials(user)
    body = {"user": user_id, "token": token, "note": {"nested": [1, 2]}}
    response = client.post(WHOAMI, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["data"]["note"] == {"nested": [1, 2]}


def test_view_reads_a_json_body_when_credentials_are_in_the_header(
    client: Client, user: AbstractBaseUser
) -> None:
    response = client.post(
        WHOAMI,
        json.dumps({"note": "hello"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(*credentials(user)),
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"note": "hello"}


def test_malformed_json_body_still_reaches_drf_parser(
    client: Client, user: AbstractBaseUser
) -> None:
    response = client.post(
        WHOAMI,
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(*credentials(user)),
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data"])
def test_credentials_are_read_after_drf_parsed_the_body(
    client: Client, user: AbstractBaseUser, content_type: str
) -> None:
    # Views that authenticate lazily read request.data first.
    user_id, token = credentials(user)
    body = {"user": user_id, "token": token, "note": "hello"}
    if content_type == "multipart/form-data":
        response = client.post("/drf/lazy/", body)
    else:
        response = client.post("/drf/lazy/", body, content_type=content_type)
    assert response.status_code == 200
    assert response.json()["user"] == user_id
    assert response.json()["data"]["note"] == "hello"


# The hot path: one query, one HMAC.


def test_authenticated_request_costs_one_query_and_one_hmac(
    client: Client,
    user: AbstractBaseUser,
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    header = basic(*credentials(user))
    macs: list[str] = []
    digest = hmac.digest

    def counting_digest(key: bytes, msg: bytes, digest_name: str) -> bytes:
        macs.append(digest_name)
        return digest(key, msg, digest_name)

    def no_salted_hmac(*args: Any, **kwargs: Any) -> Any:
        macs.append("salted_hmac")
        return salted_hmac(*args, **kwargs)

    monkeypatch.setattr(tokens.hmac, "digest", counting_digest)
    monkeypatch.setattr(tokens, "salted_hmac", no_salted_hmac)
    with django_assert_num_queries(1):
        response = client.get(WHOAMI, HTTP_AUTHORIZATION=header)
    assert response.status_code == 200
    assert macs == ["sha256"]


# Routers, viewsets and other authentication classes.


def test_viewset_through_a_router(client: Client, user: AbstractBaseUser) -> None:
    user_id, token = credentials(user)
    header = basic(user_id, token)
    listed = client.get("/drf/notes/", HTTP_AUTHORIZATION=header)
    created = client.post(
        "/drf/notes/", {"text": "hello"}, content_type="application/json", HTTP_AUTHORIZATION=header
    )
    assert listed.status_code == 200
    assert listed.json() == [{"owner": user_id, "text": "first"}]
    assert created.status_code == 201
    assert created.json() == {"owner": user_id, "text": "hello"}
    assert client.get("/drf/notes/").status_code == 401


def test_session_authenticates_when_no_token_is_sent(
    client: Client, user: AbstractBaseUser
) -> None:
    client.force_login(user)
    response = client.get("/drf/token-then-session/")
    assert response.status_code == 200
    assert response.json()["authenticator"] == "SessionAuthentication"


def test_token_wins_over_the_session(client: Client, user: AbstractBaseUser) -> None:
    other = make_user("bob@example.com")
    client.force_login(other)
    response = client.get("/drf/token-then-session/", HTTP_AUTHORIZATION=basic(*credentials(user)))
    assert response.json()["user"] == str(user.pk)
    assert response.json()["authenticator"] == "TokenAuthentication"


def test_wrong_token_is_refused_despite_a_session(client: Client, user: AbstractBaseUser) -> None:
    client.force_login(user)
    response = client.get("/drf/token-then-session/", HTTP_AUTHORIZATION=basic(str(user.pk), "x"))
    assert response.status_code == 401


def test_token_authenticates_after_a_session_class(client: Client, user: AbstractBaseUser) -> None:
    response = client.get("/drf/session-then-token/", HTTP_AUTHORIZATION=basic(*credentials(user)))
    assert response.status_code == 200
    assert response.json()["authenticator"] == "TokenAuthentication"


def test_session_class_first_means_403_without_challenge(client: Client) -> None:
    # DRF takes WWW-Authenticate from the first class; SessionAuthentication has none.
    response = client.get("/drf/session-then-token/")
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response


def test_authenticate_header_is_the_token_required_challenge() -> None:
    from tokenapi.http import WWW_AUTHENTICATE

    assert TokenAuthentication().authenticate_header(None) == WWW_AUTHENTICATE == CHALLENGE  # type: ignore[arg-type]
