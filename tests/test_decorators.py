"""tokenapi.decorators.token_required on sync, async and class-based views."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import pytest
import time_machine
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tests import views
from tests.helpers import (
    PASSWORD,
    assert_json_error,
    basic_auth,
    json_body,
    make_legacy_token,
    make_user,
)
from tokenapi.backends import MASKED_TOKEN
from tokenapi.decorators import token_required
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db

URLS = ["/api/sync/", "/api/async/", "/api/class/"]
ALL_VIEWS = pytest.mark.parametrize("url", URLS, ids=["sync", "async", "class"])


def assert_runs_as(response: HttpResponse, user: Any) -> None:
    assert response.status_code == 200, response.content
    assert json_body(response)["user"] == str(user.pk)


# Credential sources ---------------------------------------------------------------


@ALL_VIEWS
def test_query_string(client: Client, user: Any, token: str, url: str) -> None:
    assert_runs_as(client.get(url, {"user": user.pk, "token": token}), user)


@ALL_VIEWS
def test_post_form(client: Client, user: Any, token: str, url: str) -> None:
    assert_runs_as(client.post(url, {"user": user.pk, "token": token}), user)


@ALL_VIEWS
def test_json_body(client: Client, user: Any, token: str, url: str) -> None:
    body = {"user": str(user.pk), "token": token}
    assert_runs_as(client.post(url, body, content_type="application/json"), user)


@ALL_VIEWS
def test_basic_authorization(client: Client, user: Any, token: str, url: str) -> None:
    response = client.get(url, HTTP_AUTHORIZATION=basic_auth(user.pk, token))
    assert_runs_as(response, user)


@ALL_VIEWS
def test_legacy_token(client: Client, user: Any, url: str) -> None:
    response = client.get(url, {"user": user.pk, "token": make_legacy_token(user)})
    assert_runs_as(response, user)


@ALL_VIEWS
def test_parameters_win_over_header(client: Client, user: Any, token: str, url: str) -> None:
    other = make_user("bob")
    header = basic_auth(other.pk, token_generator.make_token(other))
    response = client.get(url, {"user": user.pk, "token": token}, HTTP_AUTHORIZATION=header)
    assert_runs_as(response, user)


@ALL_VIEWS
def test_wrong_parameters_are_not_rescued_by_a_valid_header(
    client: Client, user: Any, token: str, url: str
) -> None:
    response = client.get(
        url, {"user": user.pk, "token": "x-y"}, HTTP_AUTHORIZATION=basic_auth(user.pk, token)
    )
    assert_json_error(response, 403)


# The status table of SPEC.md --------------------------------------------------------


@ALL_VIEWS
def test_no_credentials_is_401_with_challenge(client: Client, url: str) -> None:
    response = client.get(url)
    data = assert_json_error(response, 401)
    assert data["errors"] == "Must include 'user' and 'token' parameters with request."
    assert response["WWW-Authenticate"] == 'Basic realm="api"'


@ALL_VIEWS
@pytest.mark.parametrize(
    "header",
    ["Basic", "Basic %%%", "Basic " + "_w==", "Basic bm9jb2xvbg=="],
    ids=["no-space", "bad-base64", "not-utf8", "no-colon"],
)
def test_malformed_header_is_400(client: Client, url: str, header: str) -> None:
    response = client.get(url, HTTP_AUTHORIZATION=header)
    assert_json_error(response, 400)
    assert not response.has_header("WWW-Authenticate")


@ALL_VIEWS
def test_wrong_pair_is_403(client: Client, user: Any, url: str) -> None:
    other_token = token_generator.make_token(make_user("bob"))
    response = client.get(url, {"user": user.pk, "token": other_token})
    data = assert_json_error(response, 403)
    assert data["errors"] == "Incorrect user and token pair."


@ALL_VIEWS
def test_expired_token_is_403(client: Client, user: Any, url: str) -> None:
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    with time_machine.travel(now, tick=False):
        token = token_generator.make_token(user)
    with time_machine.travel(now + datetime.timedelta(days=7, seconds=1), tick=False):
        assert_json_error(client.get(url, {"user": user.pk, "token": token}), 403)


@ALL_VIEWS
def test_inactive_user_is_403(client: Client, user: Any, token: str, url: str) -> None:
    user.is_active = False
    user.save()
    assert_json_error(client.get(url, {"user": user.pk, "token": token}), 403)


@ALL_VIEWS
def test_password_change_is_403(client: Client, user: Any, token: str, url: str) -> None:
    user.set_password("new password")
    user.save()
    assert_json_error(client.get(url, {"user": user.pk, "token": token}), 403)


@ALL_VIEWS
@pytest.mark.parametrize(
    "user_id",
    ["abc", "-1", "1e9", str(2**70), str(2**63), "12345678-1234-1234-1234-1234", "0", "\x00"],
    ids=["abc", "-1", "1e9", "2**70", "2**63", "broken-uuid", "unknown", "nul"],
)
def test_user_id_that_is_nobody_is_403(client: Client, token: str, url: str, user_id: str) -> None:
    assert_json_error(client.get(url, {"user": user_id, "token": token}), 403)


# What the view sees -----------------------------------------------------------------


def test_request_user_is_set_on_sync_views(user: Any, token: str) -> None:
    seen: dict[str, Any] = {}

    @token_required
    def view(request: HttpRequest) -> HttpResponse:
        seen["user"] = request.user
        seen["auser"] = async_to_sync(request.auser)()
        return HttpResponse("ok")

    response = view(RequestFactory().get("/", {"user": user.pk, "token": token}))
    assert response.status_code == 200
    assert seen["user"] == user and seen["auser"] == user
    assert seen["user"].backend == "tokenapi.backends.TokenBackend"


def test_request_user_is_set_on_async_views(user: Any, token: str) -> None:
    seen: dict[str, Any] = {}

    @token_required
    async def view(request: HttpRequest) -> HttpResponse:
        seen["user"] = request.user
        seen["auser"] = await request.auser()
        return HttpResponse("ok")

    assert iscoroutinefunction(view)
    request = RequestFactory().get("/", {"user": user.pk, "token": token})
    response = async_to_sync(view)(request)
    assert response.status_code == 200
    assert seen["user"] == user and seen["auser"] == user


def test_view_arguments_and_name_are_kept() -> None:
    @token_required
    def named_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Docstring."""
        return HttpResponse(repr((args, kwargs)))

    assert named_view.__name__ == "named_view"
    assert named_view.__doc__ == "Docstring."
    assert not iscoroutinefunction(named_view)
    assert iscoroutinefunction(views.async_view)


def test_view_arguments_reach_the_view(user: Any, token: str) -> None:
    @token_required
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse(repr((args, kwargs)))

    request = RequestFactory().get("/", {"user": user.pk, "token": token})
    assert view(request, 1, slug="x").content == b"((1,), {'slug': 'x'})"


def test_view_is_not_run_without_a_valid_pair(user: Any) -> None:
    calls = []

    @token_required
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(request)
        return HttpResponse("ok")

    view(RequestFactory().get("/", {"user": user.pk, "token": "x-y"}))
    view(RequestFactory().get("/"))
    assert calls == []


@ALL_VIEWS
def test_http_method_reaches_the_view(client: Client, user: Any, token: str, url: str) -> None:
    response = client.post(f"{url}?user={user.pk}&token={token}")
    assert json_body(response)["method"] == "POST"


# CSRF, the session, queries -----------------------------------------------------------


@ALL_VIEWS
def test_csrf_exempt(user: Any, token: str, url: str) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    assert_runs_as(client.post(url, {"user": user.pk, "token": token}), user)


def test_views_carry_the_csrf_exempt_flag() -> None:
    assert views.sync_view.csrf_exempt is True
    assert views.async_view.csrf_exempt is True
    assert views.ClassView.as_view().csrf_exempt is True


@ALL_VIEWS
def test_token_user_replaces_the_session_user(
    client: Client, user: Any, token: str, url: str
) -> None:
    other = make_user("bob")
    client.force_login(other)
    assert_runs_as(client.get(url, {"user": user.pk, "token": token}), user)


@ALL_VIEWS
def test_session_login_alone_is_not_enough(client: Client, user: Any, url: str) -> None:
    client.force_login(user)
    assert_json_error(client.get(url), 401)


@pytest.mark.parametrize("url", ["/api/sync/", "/api/class/"], ids=["sync", "class"])
def test_one_query_per_request(
    client: Client, user: Any, token: str, url: str, django_assert_num_queries: Any
) -> None:
    client.get(url, {"user": user.pk, "token": token})  # warm the caches
    with django_assert_num_queries(1):
        assert_runs_as(client.get(url, {"user": user.pk, "token": token}), user)


# The failure signal -------------------------------------------------------------------


@pytest.fixture
def failed_logins() -> Any:
    calls: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})

    user_login_failed.connect(receiver)
    yield calls
    user_login_failed.disconnect(receiver)


@ALL_VIEWS
def test_failure_sends_user_login_failed_with_the_token_masked(
    client: Client, user: Any, token: str, url: str, failed_logins: Any
) -> None:
    user.set_password("changed")
    user.save()
    client.get(url, {"user": user.pk, "token": token})
    assert len(failed_logins) == 1
    credentials = failed_logins[0]["credentials"]
    assert credentials == {"pk": str(user.pk), "token": MASKED_TOKEN}
    assert failed_logins[0]["request"] is not None
    # The request carries what the client sent; the credentials must not repeat it.
    assert token not in repr(credentials) and PASSWORD not in repr(credentials)


@ALL_VIEWS
def test_success_sends_no_failure(
    client: Client, user: Any, token: str, url: str, failed_logins: Any
) -> None:
    assert_runs_as(client.get(url, {"user": user.pk, "token": token}), user)
    assert failed_logins == []


def test_async_view_costs_one_query_too(
    client: Client, user: Any, token: str, django_assert_num_queries: Any
) -> None:
    client.get("/api/async/", {"user": user.pk, "token": token})  # warm the caches
    with django_assert_num_queries(1):
        assert_runs_as(client.get("/api/async/", {"user": user.pk, "token": token}), user)


@ALL_VIEWS
def test_spaces_around_an_integer_id_are_accepted_as_in_2_1_1(
    client: Client, user: Any, token: str, url: str
) -> None:
    response = client.get(url, {"user": f" {user.pk} ", "token": token})
    if isinstance(user.pk, int):
        assert_runs_as(response, user)
    else:  # a UUID with spaces is no UUID; 2.1.1 crashed on it
        assert_json_error(response, 403)


# The backend the decorator uses -------------------------------------------------------


class RecordingBackend:
    """Would accept any pk + token pair; records that it was asked."""

    calls: ClassVar[list[dict[str, Any]]] = []

    def authenticate(self, request: Any, pk: object = None, token: object = None) -> Any:
        self.calls.append({"pk": pk, "token": token})
        return None

    def get_user(self, user_id: object) -> Any:
        return None


@ALL_VIEWS
def test_decorator_asks_only_the_token_backend(
    client: Client, user: Any, token: str, settings: Any, url: str
) -> None:
    RecordingBackend.calls = []
    settings.AUTHENTICATION_BACKENDS = [
        "tests.test_decorators.RecordingBackend",
        *settings.AUTHENTICATION_BACKENDS,
    ]
    assert_runs_as(client.get(url, {"user": user.pk, "token": token}), user)
    assert_json_error(client.get(url, {"user": user.pk, "token": "x-y"}), 403)
    assert RecordingBackend.calls == []


@ALL_VIEWS
def test_decorator_uses_the_configured_backend_subclass(
    client: Client, user: Any, settings: Any, url: str
) -> None:
    from tests.test_backends import CustomGenerator

    settings.AUTHENTICATION_BACKENDS = ["tests.test_backends.CustomTokenBackend"]
    custom = CustomGenerator().make_token(user)
    assert_runs_as(client.get(url, {"user": user.pk, "token": custom}), user)
    default = token_generator.make_token(user)
    assert_json_error(client.get(url, {"user": user.pk, "token": default}), 403)
