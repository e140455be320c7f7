"""The cost of an authenticated request: one query (the user by pk) and one HMAC.

Counted, not timed: the figures in ``benchmarks/`` rest on these.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from tests.helpers import basic_auth, json_body
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db


@pytest.fixture
def hmacs() -> Iterator[list[str]]:
    """Every HMAC computed, whatever the entry point: ``hmac.new`` and ``hmac.digest``."""
    calls: list[str] = []
    real_new, real_digest = hmac.new, hmac.digest

    def new(*args: Any, **kwargs: Any) -> Any:
        calls.append("new")
        return real_new(*args, **kwargs)

    def digest(*args: Any, **kwargs: Any) -> Any:
        calls.append("digest")
        return real_digest(*args, **kwargs)

    with mock.patch("hmac.new", new), mock.patch("hmac.digest", digest):
        yield calls


def send(client: Client, how: str, path: str, user_id: object, token: str) -> Any:
    """Send ``user_id`` + ``token`` to ``path`` the way ``how`` names."""
    pair = {"user": str(user_id), "token": token}
    if how == "basic":
        return client.get(path, HTTP_AUTHORIZATION=basic_auth(user_id, token))
    if how == "query":
        return client.get(path, pair)
    if how == "form":
        return client.post(path, pair)
    if how == "json":
        return client.post(path, json.dumps(pair), content_type="application/json")
    assert how == "url"
    return client.get(f"/token/{token}/{user_id}.json")


@pytest.mark.parametrize(
    ("path", "how", "macs"),
    [
        pytest.param("/api/sync/", "basic", 1, id="decorator-basic"),
        pytest.param("/api/sync/", "query", 1, id="decorator-query"),
        pytest.param("/api/sync/", "form", 1, id="decorator-form"),
        pytest.param("/api/sync/", "json", 1, id="decorator-json"),
        pytest.param("/api/async/", "basic", 1, id="async-view-basic"),
        pytest.param("/api/async/", "json", 1, id="async-view-json"),
        pytest.param("/api/class/", "basic", 1, id="class-based-view-basic"),
        pytest.param("/token/verify.json", "form", 1, id="verify-form"),
        pytest.param("/token/verify.json", "json", 1, id="verify-json"),
        pytest.param(None, "url", 1, id="token-url"),
        pytest.param("/token/refresh.json", "form", 2, id="refresh-a-check-and-a-mint"),
    ],
)
def test_an_authenticated_request_costs_one_query_and_one_hmac(
    client: Client,
    django_assert_num_queries: Any,
    hmacs: list[str],
    user: Any,
    token: str,
    path: str,
    how: str,
    macs: int,
) -> None:
    del hmacs[:]  # the fixtures minted a token
    with django_assert_num_queries(1):
        response = send(client, how, path, user.pk, token)
    assert response.status_code == 200, response.content
    assert json_body(response)["success"] is True
    assert len(hmacs) == macs, hmacs


@pytest.mark.urls("tests.integration_urls")
@pytest.mark.parametrize("how", ["basic", "query", "json"])
def test_the_drf_class_costs_one_query_and_one_hmac(
    client: Client,
    django_assert_num_queries: Any,
    hmacs: list[str],
    user: Any,
    token: str,
    how: str,
) -> None:
    del hmacs[:]
    with django_assert_num_queries(1):
        response = send(client, how, "/drf/whoami/", user.pk, token)
    assert response.status_code == 200, response.content
    assert response.json()["user"] == str(user.pk)
    assert len(hmacs) == 1, hmacs


def test_unused_fallback_keys_cost_no_hmac(
    client: Client, settings: Any, hmacs: list[str], user: Any, token: str
) -> None:
    settings.SECRET_KEY_FALLBACKS = ["an-old-key", "an-older-key"]
    del hmacs[:]
    assert send(client, "basic", "/api/sync/", user.pk, token).status_code == 200
    assert len(hmacs) == 1, hmacs


@pytest.mark.parametrize("accept_legacy", [True, False], ids=["legacy-on", "legacy-off"])
def test_a_current_token_costs_one_hmac_whether_legacy_tokens_are_accepted_or_not(
    settings: Any, hmacs: list[str], user: Any, token: str, accept_legacy: bool
) -> None:
    settings.TOKENAPI_ACCEPT_LEGACY_TOKENS = accept_legacy
    del hmacs[:]
    assert token_generator.check_token(user, token)
    assert len(hmacs) == 1, hmacs


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        pytest.param({}, {}, 401, id="no-credentials"),
        pytest.param({}, {"Authorization": "Basic"}, 400, id="header-without-credentials"),
        pytest.param({}, {"Authorization": "Basic %%%"}, 400, id="bad-base64"),
        pytest.param({"user": "not a key", "token": "1-x"}, {}, 403, id="id-that-cannot-be-a-key"),
    ],
)
def test_a_request_refused_before_the_token_check_costs_no_query_and_no_hmac(
    client: Client,
    django_assert_num_queries: Any,
    hmacs: list[str],
    query: dict[str, str],
    headers: dict[str, str],
    status: int,
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/api/sync/", query, headers=headers)
    assert response.status_code == status, response.content
    assert hmacs == []
