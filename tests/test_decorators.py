"""tokenapi.decorators.token_required on sync, async and class-based views."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tests import views
from tests.helpers import assert_json_error, basic_auth, json_body, make_legacy_token, make_user
from tokenapi.backends import MASKED_TOKEN
from tokenapi.decorators import token_required
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db

ALL_VIEWS = pytest.mark.parametrize(
    "url", ["/api/sync/", "/api/async/", "/api/class/"], ids=["sync", "async", "class"]
)


def assert_runs_as(response: HttpResponse, user: Any, method: str = "GET") -> None:
    assert response.status_code == 200, response.content
    assert json_body(response) == {"success": True, "user": str(user.pk), "method": method}


@ALL_VIEWS
@pytest.mark.parametrize("source", ["query", "form", "json", "basic", "legacy-token"])
def test_valid_pair_runs_the_view_as_its_user(
    client: Client, user: Any, token: str, url: str, source: str, failed_logins: Any
) -> None:
    pair = {"user": str(user.pk), "token": token}
    if source == "query":
        assert_runs_as(client.get(url, pair), user)
    elif source == "form":
        assert_runs_as(client.post(url, pair), user, "POST")
    elif source == "json":
        assert_runs_as(client.post(url, pair, content_type="application/json"), user, "POST")
    elif source == "basic":
        assert_runs_as(client.get(url, HTTP_AUTHORIZATION=basic_auth(user.pk, token)), user)
    else:
        assert_runs_as(client.get(url, {**pair, "token": make_legacy_token(user)}), user)
    assert failed_logins == []


# The status table of SPEC.md --------------------------------------------------------


@ALL_VIEWS
def test_no_credentials_is_401_with_challenge(client: Client, url: str) -> None:
    response = client.get(url)
    data = assert_json_error(response, 401)
    assert data["errors"] == "Must include 'user' and 'token' parameters with request."
    assert response["WWW-Authenticate"] == 'Basic realm="api"'


@ALL_VIEWS
@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Basic", "Invalid Authorization header format."),
        ("Basic %%%", "Invalid Basic auth encoding."),
        ("Basic _w==", "Invalid Basic auth encoding."),
        ("Basic bm9jb2xvbg==", "Invalid Basic auth encoding."),
    ],
    ids=["no-space", "bad-base64", "not-utf8", "no-colon"],
)
def test_malformed_header_is_400(client: Client, url: str, header: str, message: str) -> None:
    response = client.get(url, HTTP_AUTHORIZATION=header)
    assert assert_json_error(response, 400)["errors"] == message
    assert not response.has_header("WWW-Authenticate")


@ALL_VIEWS
@pytest.mark.parametrize(
    "case",
    ["other-users-token", "tampered", "expired", "inactive", "password-changed", "id-of-nobody"],
)
def test_refused_pair_is_403(client: Client, user: Any, token: str, url: str, case: str) -> None:
    user_id = str(user.pk)
    if case == "other-users-token":
        token = token_generator.make_token(make_user("bob"))
    elif case == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif case == "expired":
        eight_days_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=8)
        with time_machine.travel(eight_days_ago, tick=False):
            token = token_generator.make_token(user)
    elif case == "inactive":
        user.is_active = False
        user.save()
    elif case == "password-changed":
        user.set_password("new password")
        user.save()
    else:
        user_id = "abc"
    response = client.get(url, {"user": user_id, "token": token})
    assert assert_json_error(response, 403)["errors"] == "Incorrect user and token pair."
    assert not response.has_header("WWW-Authenticate")


# What the view sees -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_view_gets_its_arguments_and_the_token_user_as_user_and_auser(
    user: Any, token: str, kind: str
) -> None:
    seen: dict[str, Any] = {}

    def sync_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seen.update(user=request.user, args=args, kwargs=kwargs)
        seen["auser"] = async_to_sync(request.auser)()
        return HttpResponse("ok")

    async def async_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seen.update(user=request.user, args=args, kwargs=kwargs)
        seen["auser"] = await request.auser()
        return HttpResponse("ok")

    view = token_required(sync_view if kind == "sync" else async_view)
    request = RequestFactory().get("/", {"user": str(user.pk), "token": token})
    request.user = AnonymousUser()  # as AuthenticationMiddleware leaves it
    response = (async_to_sync(view) if kind == "async" else view)(request, 1, slug="x")
    assert response.status_code == 200
    assert seen == {"user": user, "auser": user, "args": (1,), "kwargs": {"slug": "x"}}
    assert seen["user"].backend == "tokenapi.backends.TokenBackend"


def test_wrapper_keeps_the_views_name_doc_and_kind_and_is_csrf_exempt() -> None:
    def sync_view(request: HttpRequest) -> HttpResponse:
        """Sync."""
        raise AssertionError

    async def async_view(request: HttpRequest) -> HttpResponse:
        """Async."""
        raise AssertionError

    wrapped_sync, wrapped_async = token_required(sync_view), token_required(async_view)
    assert (wrapped_sync.__name__, wrapped_sync.__doc__) == ("sync_view", "Sync.")
    assert (wrapped_async.__name__, wrapped_async.__doc__) == ("async_view", "Async.")
    assert not iscoroutinefunction(wrapped_sync)
    assert iscoroutinefunction(wrapped_async)
    assert wrapped_sync.csrf_exempt is True
    assert wrapped_async.csrf_exempt is True
    assert views.ClassView.as_view().csrf_exempt is True


def test_view_is_not_run_without_a_valid_pair(user: Any) -> None:
    calls = []

    @token_required
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(request)
        return HttpResponse("ok")

    view(RequestFactory().get("/", {"user": user.pk, "token": "x-y"}))
    view(RequestFactory().get("/"))
    assert calls == []


# CSRF, the session, the failure signal ------------------------------------------------


@ALL_VIEWS
def test_csrf_checks_do_not_apply(user: Any, token: str, url: str) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    assert_runs_as(client.post(url, {"user": user.pk, "token": token}), user, "POST")


@ALL_VIEWS
def test_token_user_replaces_the_session_user(
    client: Client, user: Any, token: str, url: str
) -> None:
    client.force_login(make_user("bob"))
    assert_runs_as(client.get(url, {"user": user.pk, "token": token}), user)
    client.force_login(user)
    assert_json_error(client.get(url), 401)  # the session alone is not enough


@ALL_VIEWS
def test_failure_sends_user_login_failed_with_the_token_masked(
    client: Client, user: Any, token: str, url: str, failed_logins: Any
) -> None:
    user.set_password("changed")
    user.save()
    client.get(url, {"user": user.pk, "token": token})
    (call,) = failed_logins
    assert call["credentials"] == {"pk": str(user.pk), "token": MASKED_TOKEN}
    assert call["request"].path == url
    assert token not in repr(call["credentials"])
