"""Pins of tokenapi.decorators: what token_required lets through, for every view style."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tokenapi.decorators import token_required
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db
VIEWS = ["/api/sync/", "/api/async/", "/api/class/"]


def make_user(login: str = "pin@example.com", password: str = "pin-password", **fields: object):  # noqa: S107 (test data)
    user_model = get_user_model()
    return user_model._default_manager.create_user(
        **{user_model.USERNAME_FIELD: login, "password": password}, **fields
    )


@pytest.fixture
def client() -> Client:
    # enforce_csrf_checks: the decorated views must not need a CSRF token.
    return Client(raise_request_exception=True, enforce_csrf_checks=True)


@pytest.mark.parametrize("url", VIEWS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_valid_pair_runs_the_view_as_that_user(client: Client, url: str, method: str) -> None:
    user = make_user()
    token = token_generator.make_token(user)
    response = getattr(client, method)(url, {"user": str(user.pk), "token": token})
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "user": str(user.pk),
        "method": method.upper(),
        "success": True,
    }


@pytest.mark.parametrize("url", VIEWS)
def test_no_credentials_is_a_401_challenge(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'
    assert json.loads(response.content)["errors"] == (
        "Must include 'user' and 'token' parameters with request."
    )


@pytest.mark.parametrize("url", VIEWS)
def test_malformed_header_is_a_400(client: Client, url: str) -> None:
    response = client.get(url, HTTP_AUTHORIZATION="Basic")
    assert response.status_code == 400
    assert json.loads(response.content)["errors"] == "Invalid Authorization header format."


@pytest.mark.parametrize("url", VIEWS)
def test_wrong_pair_is_a_403(client: Client, url: str) -> None:
    user = make_user()
    inactive = make_user("inactive@example.com", is_active=False)
    for user_id, token in [
        (str(user.pk), token_generator.make_token(user) + "x"),
        ("abc", token_generator.make_token(user)),
        (str(inactive.pk), token_generator.make_token(inactive)),
    ]:
        response = client.get(url, {"user": user_id, "token": token})
        assert response.status_code == 403
        assert not response.has_header("WWW-Authenticate")
        assert json.loads(response.content) == {
            "success": False,
            "errors": "Incorrect user and token pair.",
        }


def test_wrapper_keeps_the_view_and_its_kind() -> None:
    def sync_view(request):
        """Sync."""

    async def async_view(request):
        """Async."""

    wrapped_sync, wrapped_async = token_required(sync_view), token_required(async_view)
    assert wrapped_sync.__name__ == "sync_view" and wrapped_sync.__doc__ == "Sync."
    assert wrapped_async.__name__ == "async_view" and wrapped_async.__doc__ == "Async."
    assert not iscoroutinefunction(wrapped_sync)
    assert iscoroutinefunction(wrapped_async)
    assert wrapped_sync.csrf_exempt is True
    assert wrapped_async.csrf_exempt is True


def test_view_arguments_pass_through_and_auser_is_the_token_user() -> None:
    user = make_user()
    token = token_generator.make_token(user)
    seen: dict[str, object] = {}

    @token_required
    def sync_view(request, *args, **kwargs):
        seen["sync"] = (request.user, args, kwargs, async_to_sync(request.auser)())
        return HttpResponse("ok")

    @token_required
    async def async_view(request, *args, **kwargs):
        seen["async"] = (request.user, args, kwargs, await request.auser())
        return HttpResponse("ok")

    for name, view in [("sync", sync_view), ("async", async_view)]:
        request = RequestFactory().get("/", {"user": str(user.pk), "token": token})
        request.user = AnonymousUser()
        call = async_to_sync(view) if name == "async" else view
        response = call(request, 1, key="v")
        assert response.status_code == 200
        assert seen[name] == (user, (1,), {"key": "v"}, user)
