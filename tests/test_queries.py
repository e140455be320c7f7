"""The cost of an authenticated request: one query (the user by pk) and one HMAC.

Counted, not timed: the figures in ``benchmarks/`` rest on these. Also
``tokenapi.queries``, which compiles that query once.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils.http import int_to_base36

from tests.helpers import send_pair
from tokenapi import sessions
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db

DRF_URLS = pytest.mark.urls("tests.integration_urls")
NINJA_URLS = pytest.mark.urls("tests.ninja_urls")


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


@pytest.fixture(params=["stateless", pytest.param("session", marks=pytest.mark.sessions)])
def token(request: pytest.FixtureRequest, user: Any) -> str:
    """A stateless token and, with tokenapi.sessions, a session's token (one query too)."""
    if request.param == "stateless":
        return token_generator.make_token(user)
    from tokenapi.sessions.models import open_session

    return token_generator.make_session_token(user, open_session(user), token_generator._now())


# Every source once (the decorator's rows), every entry point once.
@pytest.mark.parametrize(
    ("path", "how", "macs"),
    [
        pytest.param("/api/sync/", "basic", 1, id="decorator-basic"),
        pytest.param("/api/sync/", "query", 1, id="decorator-query"),
        pytest.param("/api/sync/", "form", 1, id="decorator-form"),
        pytest.param("/api/sync/", "json", 1, id="decorator-json"),
        pytest.param("/api/async/", "basic", 1, id="async-view-basic"),
        pytest.param("/api/class/", "basic", 1, id="class-based-view-basic"),
        pytest.param("/token/verify.json", "form", 1, id="verify-form"),
        pytest.param(None, "url", 1, id="token-url"),
        pytest.param("/token/refresh.json", "form", 2, id="refresh-a-check-and-a-mint"),
        pytest.param("/drf/whoami/", "basic", 1, id="drf-basic", marks=DRF_URLS),
        pytest.param("/ninja/sync/", "basic", 1, id="ninja-sync-basic", marks=NINJA_URLS),
        pytest.param("/ninja/async/", "basic", 1, id="ninja-async-basic", marks=NINJA_URLS),
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
    # With the sessions app, a refresh writes: the session's refresh, or a new session.
    writes = path == "/token/refresh.json" and sessions.is_enabled()
    with django_assert_num_queries(1 + writes):
        response = send_pair(client, how, path, user.pk, token)
    assert response.status_code == 200, response.content  # DRF's IsAuthenticated too
    assert len(hmacs) == macs, hmacs


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        pytest.param({}, {}, 401, id="no-credentials"),
        pytest.param({}, {"Authorization": "Basic"}, 400, id="header-without-credentials"),
        pytest.param({"user": "not a key", "token": "1-x"}, {}, 403, id="id-that-cannot-be-a-key"),
        pytest.param(
            {"user": "1", "token": f"{int_to_base36(2**63)}.1-x"},
            {},
            403,
            id="session-id-out-of-range",
            marks=pytest.mark.sessions,
        ),
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


# tokenapi.queries: the compiled query gives what the ORM's own get() gives --------------


def fields(instance: Any) -> dict[str, Any]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_a_compiled_get_builds_the_instances_the_orm_builds() -> None:
    from django.contrib.contenttypes.models import ContentType

    from tokenapi.queries import CompiledGet

    compiled = CompiledGet(lambda db: ContentType.objects.using(db))
    content_type = ContentType.objects.first()
    assert fields(compiled("default", content_type.pk)) == fields(content_type)
    assert compiled("default", 10**9) is None
    assert compiled._plans["default"] is not None  # compiled, not the ORM's path


@pytest.mark.sessions
def test_a_compiled_session_comes_with_its_user_and_token_state(
    user: Any, django_assert_num_queries: Any
) -> None:
    from tokenapi.backends import _sessions
    from tokenapi.queries import CompiledGet
    from tokenapi.sessions.models import logout_everywhere, open_session

    logout_everywhere(user)  # a token state to read along
    session = open_session(user, "phone")
    compiled = CompiledGet(_sessions)
    loaded = compiled("default", session.pk)
    assert fields(loaded) == fields(_sessions("default").get(pk=session.pk))
    assert loaded.created.tzinfo is not None  # converted as the ORM converts it
    with django_assert_num_queries(0):
        assert fields(loaded.user) == fields(user)
        assert loaded.user.tokenapi_state.signed_password == user.tokenapi_state.signed_password


def test_a_query_the_key_is_no_plain_parameter_of_runs_through_the_orm(user: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session as DjangoSession
    from django.db.models import Value

    from tokenapi.queries import CompiledGet

    annotated = get_user_model()._default_manager.annotate(extra=Value(1))
    compiled = CompiledGet(lambda db: annotated.using(db))
    assert compiled("default", user.pk).extra == 1
    assert compiled._plans["default"] is None
    # A text key: the probes are no parameters of its query.
    texts = CompiledGet(lambda db: DjangoSession.objects.using(db))
    assert texts("default", 1) is None and texts._plans["default"] is None


def test_plans_are_forgotten_when_the_databases_change(settings: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    from tokenapi.queries import compiled

    content_types = compiled(lambda db: ContentType.objects.using(db))
    content_types("default", 1)
    assert content_types._plans
    settings.DATABASE_ROUTERS = []
    assert not content_types._plans
