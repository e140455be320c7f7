"""The session endpoints, and every way a session ends seen by every way a token is checked."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.forms import AdminPasswordChangeForm, PasswordChangeForm, SetPasswordForm
from django.core.management import call_command
from django.test import Client, RequestFactory

from tests.helpers import PASSWORD, assert_json_error, basic_auth, json_body, login_of, make_user
from tokenapi.sessions.models import Session
from tokenapi.tokens import token_generator

pytestmark = [pytest.mark.sessions, pytest.mark.urls("tests.integration_urls")]
NEW_PASSWORD = "a wholly new passphrase 42"


def login(client: Client, name: str = "alice", device: str = "") -> dict[str, Any]:
    fields = {"username": login_of(name), "password": PASSWORD, "device": device}
    response = client.post("/token/new.json", fields)
    assert response.status_code == 200, response.content
    return json_body(response)


def call(client: Client, route: str, pair: dict[str, Any], **fields: Any) -> Any:
    body = {"user": str(pair["user"]), "token": pair["token"], **fields}
    return client.post(f"/token/{route}.json", json.dumps(body), content_type="application/json")


def basic(path: str) -> Callable[[Client, dict[str, Any]], Any]:
    return lambda c, p: c.get(path, HTTP_AUTHORIZATION=basic_auth(p["user"], p["token"]))


# Every way a token is checked, and how it refuses a token whose session has ended.
CHECKS: dict[str, tuple[Callable[[Client, dict[str, Any]], Any], int]] = {
    "decorator": (basic("/api/sync/"), 403),
    "async": (basic("/api/async/"), 403),
    "class": (lambda c, p: c.post("/api/class/", {"user": p["user"], "token": p["token"]}), 403),
    "verify": (lambda c, p: call(c, "verify", p), 401),
    "refresh": (lambda c, p: call(c, "refresh", p), 401),
    "path": (lambda c, p: c.get(f"/token/{p['token']}/{p['user']}.json"), 401),
    "drf": (lambda c, p: c.get("/drf/whoami/", {"user": p["user"], "token": p["token"]}), 401),
    "sessions": (lambda c, p: call(c, "sessions", p), 401),
}


def status(check: str, client: Client, pair: dict[str, Any]) -> int:
    send, refused = CHECKS[check]
    answer: int = send(client, pair).status_code
    return answer if answer == 200 else (answer if answer != refused else -1)


def save_form(form: Any) -> None:
    assert form.is_valid(), form.errors
    form.save()


def set_password_and_save(user: Any) -> None:
    user.set_password(NEW_PASSWORD)
    user.save()


def set_unusable_password(user: Any) -> None:
    user.set_unusable_password()
    user.save()


def run_changepassword(user: Any) -> None:
    with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):
        call_command("changepassword", login_of("alice"), stdout=mock.Mock())


def deactivate_and_reactivate(user: Any) -> None:
    user.is_active = False
    user.save()
    user.is_active = True  # coming back does not revive what ended
    user.save()


def end_in_admin(phone: dict[str, Any]) -> None:
    request = RequestFactory().post("/")
    request._messages = mock.Mock()  # type: ignore[attr-defined]
    admin.site._registry[Session].end_sessions(request, Session.objects.filter(pk=phone["session"]))


PASSWORDS = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
ADMIN_PASSWORDS = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
Ending = Callable[[Client, Any, dict[str, Any], dict[str, Any]], object]

# Every way a session ends, done while the phone and the laptop are logged in:
# (what it does, whether the laptop lives on).
ENDINGS: dict[str, tuple[Ending, bool]] = {
    "logout": (lambda c, u, phone, laptop: call(c, "logout", phone), True),
    "logout-by-id": (
        lambda c, u, phone, laptop: call(c, "logout", laptop, session=phone["session"]),
        True,
    ),
    "logoutall": (lambda c, u, phone, laptop: call(c, "logoutall", laptop), False),
    "set_password": (lambda c, u, phone, laptop: set_password_and_save(u), False),
    "set_unusable_password": (lambda c, u, phone, laptop: set_unusable_password(u), False),
    "password-change-form": (
        lambda c, u, phone, laptop: save_form(
            PasswordChangeForm(u, {"old_password": PASSWORD, **PASSWORDS})
        ),
        False,
    ),
    "password-reset-form": (
        lambda c, u, phone, laptop: save_form(SetPasswordForm(u, PASSWORDS)),
        False,
    ),
    "admin-password-form": (
        lambda c, u, phone, laptop: save_form(AdminPasswordChangeForm(u, ADMIN_PASSWORDS)),
        False,
    ),
    "changepassword": (lambda c, u, phone, laptop: run_changepassword(u), False),
    "delete-user": (lambda c, u, phone, laptop: u.delete(), False),
    "deactivate": (lambda c, u, phone, laptop: deactivate_and_reactivate(u), False),
    "admin-action": (lambda c, u, phone, laptop: end_in_admin(phone), True),
    "tokenapi_logout": (
        lambda c, u, phone, laptop: call_command(
            "tokenapi_logout", login_of("alice"), stdout=mock.Mock()
        ),
        False,
    ),
}


@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("ending", list(ENDINGS))
def test_every_way_a_session_ends_holds_for_every_way_a_token_is_checked(
    client: Client, user: Any, ending: str, check: str
) -> None:
    phone, laptop = login(client, device="phone"), login(client, device="laptop")
    assert status(check, client, phone) == 200
    end, laptop_lives = ENDINGS[ending]
    end(client, user, phone, laptop)
    assert status(check, client, phone) == -1  # refused, as that route refuses
    assert status(check, client, laptop) == (200 if laptop_lives else -1)


@pytest.mark.parametrize("check", list(CHECKS))
def test_a_session_ends_at_its_max_age_whatever_its_refreshes(
    client: Client, user: Any, settings: Any, check: str
) -> None:
    settings.TOKENAPI_SESSION_MAX_AGE = 600
    start = datetime.datetime(2026, 5, 4, 3, 2, 1, tzinfo=datetime.timezone.utc)
    with time_machine.travel(start, tick=False):
        pair = login(client)
        assert pair["expires"] == "2026-05-04T03:12:01Z"  # the session's end, not 7 days
    with time_machine.travel(start + datetime.timedelta(seconds=599), tick=False):
        refreshed = json_body(call(client, "refresh", pair))
        assert refreshed["expires"] == "2026-05-04T03:12:01Z"
        assert status(check, client, refreshed) == 200
    with time_machine.travel(start + datetime.timedelta(seconds=600), tick=False):
        assert status(check, client, refreshed) == -1


# new.json and refresh.json -----------------------------------------------------------


@pytest.mark.parametrize(
    "device",
    [pytest.param("x" * 129, id="too-long"), pytest.param(["a"], id="list"), "\x00"],
)
def test_a_device_that_is_no_short_text_is_malformed(
    client: Client, user: Any, device: Any
) -> None:
    body = {"username": login_of("alice"), "password": PASSWORD, "device": device}
    response = client.post("/token/new.json", body, content_type="application/json")
    assert (
        assert_json_error(response, 400)["errors"]
        == "'device' must be text of at most 128 characters."
    )
    assert not Session.objects.exists()


def test_refresh_keeps_the_session_and_a_stateless_token_opens_one(
    client: Client, user: Any
) -> None:
    pair = login(client)
    assert json_body(call(client, "refresh", pair))["session"] == pair["session"]
    stateless = {"user": user.pk, "token": token_generator.make_token(user)}
    opened = json_body(call(client, "refresh", stateless))["session"]
    assert Session.objects.filter(user=user).count() == 2 and opened != pair["session"]


def test_a_refresh_racing_a_logout_does_not_bring_the_session_back(
    client: Client, user: Any
) -> None:
    pair = login(client)
    from tokenapi.sessions import models

    real_refresh = models.refresh_session

    def logout_first(session: Session) -> bool:
        models.end_sessions(user)  # lands between the check and the refresh
        return real_refresh(session)

    with mock.patch.object(models, "refresh_session", logout_first):
        response = call(client, "refresh", pair)
    assert_json_error(response, 401)
    assert Session.objects.get().ended is not None


# logout.json, logoutall.json, sessions.json ----------------------------------------------


@pytest.mark.parametrize(
    ("session", "answer"),
    [
        pytest.param("bob", 404, id="another-users"),
        pytest.param(10**6, 404, id="nobodys"),
        pytest.param("12ab", 404, id="not-digits"),
        pytest.param(2**70, 404, id="huge"),
        pytest.param("ended", 404, id="ended"),
        pytest.param([1], 400, id="list"),
        pytest.param(1.0, 400, id="float"),
        pytest.param(True, 400, id="bool"),
    ],
)
def test_logout_ends_only_a_live_session_of_the_users_own(
    client: Client, user: Any, session: Any, answer: int
) -> None:
    pair = login(client)
    if session == "bob":
        make_user("bob")
        session = login(client, "bob")["session"]
    elif session == "ended":
        session = login(client)["session"]
        call(client, "logout", pair, session=session)
    live = Session.objects.filter(ended__isnull=True).count()
    assert_json_error(call(client, "logout", pair, session=session), answer)
    assert Session.objects.filter(ended__isnull=True).count() == live


def test_logout_of_a_token_without_session_says_what_to_do(client: Client, user: Any) -> None:
    stateless = {"user": user.pk, "token": token_generator.make_token(user)}
    response = call(client, "logout", stateless)
    assert "logoutall.json" in assert_json_error(response, 400)["errors"]


def test_logoutall_ends_stateless_and_legacy_tokens_and_later_ones_work(
    client: Client, user: Any
) -> None:
    from tests.helpers import make_legacy_token

    old = [token_generator.make_token(user), make_legacy_token(user), login(client)["token"]]
    call(client, "logoutall", {"user": user.pk, "token": old[0]})
    user = type(user).objects.get(pk=user.pk)  # not the instance signing the old state
    for token in old:
        assert call(client, "verify", {"user": user.pk, "token": token}).status_code == 401
    for token in [token_generator.make_token(user), login(client)["token"]]:
        assert call(client, "verify", {"user": user.pk, "token": token}).status_code == 200


def test_sessions_lists_the_users_live_sessions_and_never_a_secret(
    client: Client, user: Any
) -> None:
    phone, laptop = login(client, device="phone"), login(client, device="laptop")
    call(client, "logout", login(client, device="gone"))
    make_user("bob")
    login(client, "bob", device="bob's")
    response = call(client, "sessions", phone)
    listed = json_body(response)["sessions"]
    assert [(s["id"], s["device"], s["current"]) for s in listed] == [
        (laptop["session"], "laptop", False),
        (phone["session"], "phone", True),
    ]
    assert set(listed[0]) == {"id", "device", "created", "expires", "current"}
    stateless = {"user": user.pk, "token": token_generator.make_token(user)}
    assert not any(s["current"] for s in json_body(call(client, "sessions", stateless))["sessions"])
    assert listed[0]["expires"] == laptop["expires"]
    secrets = [s.key for s in Session.objects.all()] + [phone["token"], laptop["token"]]
    assert not any(secret in response.content.decode() for secret in secrets)
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.parametrize("route", ["logout", "logoutall", "sessions"])
def test_session_routes_take_post_only(client: Client, route: str) -> None:
    # Their refusals are endpoint_user's, as verify.json's: see test_contrib_openapi's drivers.
    assert_json_error(client.get(f"/token/{route}.json"), 405)


def test_logout_reads_the_session_from_the_query_string_too(client: Client, user: Any) -> None:
    phone, laptop = login(client), login(client)
    auth = basic_auth(user.pk, laptop["token"])
    response = client.post(
        f"/token/logout.json?session={phone['session']}", HTTP_AUTHORIZATION=auth
    )
    assert response.status_code == 200
    assert [status("verify", client, pair) for pair in (phone, laptop)] == [-1, 200]
