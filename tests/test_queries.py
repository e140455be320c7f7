"""The cost of an authenticated request: one query (the user by pk) and one HMAC.

Counted, not timed: the figures in ``benchmarks/`` rest on these.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Iterator
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():  # type: ignore[no-untyped-def]
    model = get_user_model()
    login = "someone@example.com" if model.USERNAME_FIELD == "email" else "someone"
    return model._default_manager.create_user(login, password="secret-password")


@pytest.fixture
def token(user) -> str:  # type: ignore[no-untyped-def]
    return token_generator.make_token(user)


@pytest.fixture
def hmacs() -> Iterator[list[str]]:
    """Every HMAC computed, whatever the entry point: ``hmac.new`` and ``hmac.digest``."""
    calls: list[str] = []
    real_new, real_digest = hmac.new, hmac.digest

    def new(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("new")
        return real_new(*args, **kwargs)

    def digest(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("digest")
        return real_digest(*args, **kwargs)

    with mock.patch("hmac.new", new), mock.patch("hmac.digest", digest):
        yield calls


def basic(user, token: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    pair = base64.b64encode(f"{user.pk}:{token}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def request_with(client: Client, how: str, path: str, user, token: str):  # type: ignore[no-untyped-def]
    """Send ``user`` + ``token`` to ``path`` the way ``how`` names."""
    if how == "basic":
        return client.get(path, headers=basic(user, token))
    if how == "query":
        return client.get(path, {"user": str(user.pk), "token": token})
    if how == "form":
        return client.post(path, {"user": str(user.pk), "token": token})
    assert how == "json"
    body = json.dumps({"user": str(user.pk), "token": token})
    return client.post(path, body, content_type="application/json")


AUTHENTICATED = [
    pytest.param("/api/sync/", "basic", id="decorator-basic"),
    pytest.param("/api/sync/", "query", id="decorator-query-params"),
    pytest.param("/api/sync/", "form", id="decorator-form-params"),
    pytest.param("/api/sync/", "json", id="decorator-json"),
    pytest.param("/api/async/", "basic", id="async-view-basic"),
    pytest.param("/api/async/", "json", id="async-view-json"),
    pytest.param("/api/class/", "basic", id="class-based-view-basic"),
    pytest.param("/token/verify.json", "form", id="verify-form"),
    pytest.param("/token/verify.json", "json", id="verify-json"),
]


@pytest.mark.parametrize(("path", "how"), AUTHENTICATED)
def test_an_authenticated_request_costs_one_query_and_one_hmac(
    client, django_assert_num_queries, hmacs, user, token, path, how
):  # type: ignore[no-untyped-def]
    del hmacs[:]  # the fixtures minted a token
    with django_assert_num_queries(1):
        response = request_with(client, how, path, user, token)
    assert response.status_code == 200, response.content
    assert response.json()["success"] is True
    assert len(hmacs) == 1, hmacs


def test_the_token_in_the_url_costs_one_query_and_one_hmac(
    client, django_assert_num_queries, hmacs, user, token
):  # type: ignore[no-untyped-def]
    del hmacs[:]
    with django_assert_num_queries(1):
        response = client.get(f"/token/{token}/{user.pk}.json")
    assert response.status_code == 200, response.content
    assert len(hmacs) == 1, hmacs


def test_refresh_costs_one_query_and_two_hmacs_a_check_and_a_mint(
    client, django_assert_num_queries, hmacs, user, token
):  # type: ignore[no-untyped-def]
    del hmacs[:]
    with django_assert_num_queries(1):
        response = client.post("/token/refresh.json", {"user": str(user.pk), "token": token})
    assert response.status_code == 200, response.content
    assert token_generator.check_token(user, response.json()["token"])
    assert len(hmacs) == 3, hmacs  # the two of the request, and the check just above


@override_settings(SECRET_KEY_FALLBACKS=["an-old-key", "an-older-key"])
def test_unused_fallback_keys_cost_no_hmac(client, hmacs, user, token):  # type: ignore[no-untyped-def]
    del hmacs[:]
    response = client.get("/api/sync/", headers=basic(user, token))
    assert response.status_code == 200, response.content
    assert len(hmacs) == 1, hmacs


@pytest.mark.parametrize("accept_legacy", [True, False], ids=["legacy-on", "legacy-off"])
def test_a_current_token_costs_one_hmac_whether_legacy_tokens_are_accepted_or_not(
    hmacs, user, token, accept_legacy
):  # type: ignore[no-untyped-def]
    with override_settings(TOKENAPI_ACCEPT_LEGACY_TOKENS=accept_legacy):
        del hmacs[:]
        assert token_generator.check_token(user, token)
    assert len(hmacs) == 1, hmacs


def test_a_wrong_token_costs_one_hmac_per_key(hmacs, user, token):  # type: ignore[no-untyped-def]
    wrong = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with override_settings(SECRET_KEY_FALLBACKS=["an-old-key"]):
        del hmacs[:]
        assert not token_generator.check_token(user, wrong)
    assert len(hmacs) == 2, hmacs


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Authorization": "Basic"}, id="header-without-credentials"),
        pytest.param({"Authorization": "Basic %%%"}, id="bad-base64"),
        pytest.param({}, id="no-credentials"),
    ],
)
def test_malformed_or_missing_credentials_cost_no_query_and_no_hmac(
    client, django_assert_num_queries, hmacs, headers
):  # type: ignore[no-untyped-def]
    with django_assert_num_queries(0):
        response = client.get("/api/sync/", headers=headers)
    assert response.status_code in (400, 401), response.content
    assert hmacs == []


def test_a_user_id_that_cannot_be_a_key_costs_no_query(
    client, django_assert_num_queries, hmacs, token
):  # type: ignore[no-untyped-def]
    del hmacs[:]
    with django_assert_num_queries(0):
        response = client.get("/api/sync/", {"user": "not a key", "token": token})
    assert response.status_code == 403, response.content
    assert hmacs == []


@pytest.mark.urls("tests.integration_urls")
@pytest.mark.parametrize("how", ["basic", "query", "json"])
def test_the_drf_class_costs_one_query_and_one_hmac(
    client, django_assert_num_queries, hmacs, user, token, how
):  # type: ignore[no-untyped-def]
    del hmacs[:]
    with django_assert_num_queries(1):
        response = request_with(client, how, "/drf/whoami/", user, token)
    assert response.status_code == 200, response.content
    assert response.json()["user"] == str(user.pk)
    assert len(hmacs) == 1, hmacs
