"""tokenapi.decorators.token_required on sync, async and class-based views."""

from __future__ import annotations

import datetime
import json
import sys
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.views.debug import ExceptionReporter

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


# Caches and error reports -------------------------------------------------------------


@ALL_VIEWS
@pytest.mark.parametrize(
    "send",
    [
        pytest.param(
            lambda client, url, pair: client.get(url, {"user": pair[0], "token": pair[1]}), id="ok"
        ),
        pytest.param(lambda client, url, pair: client.get(url), id="missing"),
        pytest.param(
            lambda client, url, pair: client.get(url, HTTP_AUTHORIZATION="Basic"), id="malformed"
        ),
        pytest.param(
            lambda client, url, pair: client.get(url, {"user": pair[0], "token": "x"}), id="refused"
        ),
    ],
)
def test_every_answer_varies_on_authorization(
    client: Client, user: Any, token: str, url: str, send: Any
) -> None:
    assert send(client, url, (user.pk, token))["Vary"] == "Authorization"


def test_vary_is_added_to_the_views_own() -> None:
    @token_required
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse()
        response["Vary"] = "Accept-Language"
        return response

    response = view(RequestFactory().get("/", HTTP_AUTHORIZATION=basic_auth(1, "x")))
    assert response["Vary"] == "Authorization"  # a refusal: the view did not run
    user = make_user("carol")
    ok = view(
        RequestFactory().get(
            "/", HTTP_AUTHORIZATION=basic_auth(user.pk, token_generator.make_token(user))
        )
    )
    assert ok["Vary"] == "Accept-Language, Authorization"


def test_a_cache_outside_the_decorator_serves_each_caller_their_own(
    client: Client, user: Any, token: str, settings: Any
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    bob = make_user("bob")
    alice_answer = client.get("/api/cached/", HTTP_AUTHORIZATION=basic_auth(user.pk, token))
    bob_answer = client.get(
        "/api/cached/", HTTP_AUTHORIZATION=basic_auth(bob.pk, token_generator.make_token(bob))
    )
    anonymous = client.get("/api/cached/")
    assert json_body(alice_answer)["user"] == str(user.pk)
    assert json_body(bob_answer)["user"] == str(bob.pk)
    assert anonymous.status_code == 401


@pytest.mark.parametrize("url", ["/api/crash/", "/api/async-crash/"], ids=["sync", "async"])
@pytest.mark.parametrize("source", ["basic", "form", "json"])
def test_error_reports_never_show_the_token(
    user: Any, token: str, settings: Any, url: str, source: str
) -> None:
    settings.DEBUG = False  # what ADMINS mail and error trackers report
    client = Client(raise_request_exception=False)
    reports: list[str] = []

    def capture(sender: object, request: Any, **kwargs: Any) -> None:
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.append(reporter.get_traceback_html())

    got_request_exception.connect(capture)
    try:
        if source == "basic":
            response = client.post(url, HTTP_AUTHORIZATION=basic_auth(user.pk, token))
        elif source == "form":
            response = client.post(url, {"user": user.pk, "token": token})
        else:
            body = json.dumps({"user": str(user.pk), "token": token})
            response = client.post(url, body, content_type="application/json")
    finally:
        got_request_exception.disconnect(capture)
    assert response.status_code == 500
    (report,) = reports
    assert "ViewCrashedError" in report
    assert token not in report
    assert token.partition("-")[2] not in report  # not even its MAC
