"""tokenapi.decorators.token_required on sync, async and class-based views."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth.models import AnonymousUser
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.views.debug import ExceptionReporter

from tests.helpers import assert_json_error, basic_auth, json_body, make_user, send_pair
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
    assert response["Vary"] == "Authorization"  # no cache serves it to another caller


@ALL_VIEWS
@pytest.mark.parametrize("how", ["query", "form", "json", "basic"])
def test_valid_pair_runs_the_view_as_its_user_without_csrf_checks(
    user: Any, token: str, url: str, how: str, failed_logins: Any
) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    method = "POST" if how in ("form", "json") else "GET"
    assert_runs_as(send_pair(client, how, url, user.pk, token), user, method)
    assert failed_logins == []


# The status table of SPEC.md, each answer varying on Authorization -------------------


@ALL_VIEWS
@pytest.mark.parametrize(
    ("header", "status", "message"),
    [
        (None, 401, "Must include 'user' and 'token' parameters with request."),
        ("Basic", 400, "Invalid Authorization header format."),
    ],
    ids=["missing", "malformed"],
)
def test_missing_or_malformed_credentials(
    client: Client, url: str, header: str | None, status: int, message: str
) -> None:
    response = client.get(url, **({"HTTP_AUTHORIZATION": header} if header else {}))
    assert assert_json_error(response, status)["errors"] == message
    assert response.get("WWW-Authenticate") == ('Basic realm="api"' if status == 401 else None)
    assert response["Vary"] == "Authorization"


@ALL_VIEWS
def test_refused_pair_is_403_and_signalled_with_the_token_masked(
    client: Client, user: Any, url: str, failed_logins: Any
) -> None:
    # Why a pair is refused is the backend's and the token's business, tested there.
    user_id = str(user.pk)
    response = client.get(url, {"user": user_id, "token": "1-x"})
    assert assert_json_error(response, 403)["errors"] == "Incorrect user and token pair."
    assert not response.has_header("WWW-Authenticate")
    assert response["Vary"] == "Authorization"
    (call,) = failed_logins
    assert (call["credentials"], call["request"].path) == (
        {"pk": user_id, "token": MASKED_TOKEN},
        url,
    )


# What the view sees -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_view_keeps_its_name_kind_and_csrf_exemption_and_gets_its_arguments_and_user(
    user: Any, token: str, kind: str
) -> None:
    seen: dict[str, Any] = {}

    def sync_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Sync."""
        seen.update(user=request.user, args=args, kwargs=kwargs)
        seen["auser"] = async_to_sync(request.auser)()
        return HttpResponse("ok")

    async def async_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Async."""
        seen.update(user=request.user, args=args, kwargs=kwargs)
        seen["auser"] = await request.auser()
        return HttpResponse("ok")

    inner = sync_view if kind == "sync" else async_view
    view = token_required(inner)
    assert (view.__name__, view.__doc__) == (inner.__name__, inner.__doc__)
    assert iscoroutinefunction(view) == (kind == "async")
    assert view.csrf_exempt is True  # set when decorating: what the CSRF middleware reads
    request = RequestFactory().get("/", {"user": str(user.pk), "token": token})
    request.user = AnonymousUser()  # as AuthenticationMiddleware leaves it
    response = (async_to_sync(view) if kind == "async" else view)(request, 1, slug="x")
    assert response.status_code == 200
    assert seen == {"user": user, "auser": user, "args": (1,), "kwargs": {"slug": "x"}}
    assert seen["user"].backend == "tokenapi.backends.TokenBackend"


@ALL_VIEWS
def test_token_user_replaces_the_session_user(
    client: Client, user: Any, token: str, url: str
) -> None:
    client.force_login(make_user("bob"))
    assert_runs_as(client.get(url, {"user": user.pk, "token": token}), user)
    client.force_login(user)
    assert_json_error(client.get(url), 401)  # the session alone is not enough


# Caches and error reports -------------------------------------------------------------


def test_vary_is_added_to_the_views_own(user: Any, token: str) -> None:
    @token_required
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse()
        response["Vary"] = "Accept-Language"
        return response

    response = view(RequestFactory().get("/", HTTP_AUTHORIZATION=basic_auth(1, "x")))
    assert response["Vary"] == "Authorization"  # a refusal: the view did not run
    ok = view(RequestFactory().get("/", HTTP_AUTHORIZATION=basic_auth(user.pk, token)))
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
        reports.append(ExceptionReporter(request, *sys.exc_info()).get_traceback_html())

    got_request_exception.connect(capture)
    try:
        response = send_pair(client, source, url, user.pk, token, "post")
    finally:
        got_request_exception.disconnect(capture)
    assert response.status_code == 500
    (report,) = reports
    assert "ViewCrashedError" in report
    assert token.partition("-")[2] not in report  # the token, not even its MAC
