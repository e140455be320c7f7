"""The management commands: ``tokenapi_token``, and the sessions app's two."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, load_command_class
from django.utils import timezone
from django.utils.http import int_to_base36

from tests.helpers import login_of, make_user
from tokenapi.management.commands.tokenapi_token import Command
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 14, 15, 9, 26, tzinfo=datetime.timezone.utc)


def run(*args: str, command: str = "tokenapi_token") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.stateless  # a login's token is a session's with the app
@time_machine.travel(NOW, tick=False)
def test_prints_pk_a_fresh_token_and_its_expiry(user: Any) -> None:
    token = token_generator.make_token(user)
    out, err = run(login_of("alice"))
    assert out == f"user: {user.pk}\ntoken: {token}\nexpires: 2026-03-21T15:09:26+00:00\n"
    assert err == ""


@pytest.mark.stateless  # a login's token is a session's with the app
@time_machine.travel(NOW, tick=False)
def test_inactive_user_gets_a_token_and_a_warning(db: None) -> None:
    carol = make_user("carol", is_active=False)
    out, err = run(login_of("carol"))
    assert err == "Warning: this user is inactive; the token will not authenticate.\n"
    assert f"token: {token_generator.make_token(carol)}\n" in out


def test_unknown_user_is_an_error(db: None) -> None:
    field = get_user_model().USERNAME_FIELD
    with pytest.raises(CommandError) as info:
        run(login_of("nobody"))
    assert str(info.value) == f"No user with {field} {login_of('nobody')!r}."


def test_username_is_required() -> None:
    with pytest.raises(CommandError, match="username"):
        run()


def test_help_says_what_it_prints_and_what_it_takes() -> None:
    text = " ".join(Command().create_parser("manage.py", "tokenapi_token").format_help().split())
    assert "Print the primary key of a user and a fresh API token for them." in text
    assert "username the user's login (their USERNAME_FIELD)" in text


# tokenapi.sessions ----------------------------------------------------------------------


@pytest.mark.sessions
def test_tokenapi_token_opens_a_session_of_its_own(user: Any) -> None:
    from tokenapi.sessions.models import Session

    out, _ = run(login_of("alice"))
    session = Session.objects.get(user=user)
    assert session.device == "manage.py tokenapi_token"
    assert f"token: {int_to_base36(session.pk)}." in out


@pytest.mark.sessions
def test_tokenapi_logout_ends_every_token_of_the_user(user: Any) -> None:
    from tokenapi.backends import TokenBackend

    token = token_generator.make_token(user)
    out, _ = run(login_of("alice"), command="tokenapi_logout")
    assert out == f"Every token of {login_of('alice')} has stopped working.\n"
    assert TokenBackend().authenticate(None, pk=user.pk, token=token) is None
    with pytest.raises(CommandError, match="No user with"):
        run(login_of("nobody"), command="tokenapi_logout")
    command = load_command_class("tokenapi.sessions", "tokenapi_logout")
    text = " ".join(command.create_parser("manage.py", "tokenapi_logout").format_help().split())
    assert "username the user's login (their USERNAME_FIELD)" in text


@pytest.mark.sessions
def test_tokenapi_clearsessions_deletes_the_rows_of_dead_sessions_only(
    user: Any, settings: Any
) -> None:
    from tokenapi.sessions.models import Session, end_sessions, open_session

    settings.TOKENAPI_TIMEOUT, settings.TOKENAPI_SESSION_MAX_AGE = 600, 3600
    ended, live = open_session(user), open_session(user)
    end_sessions(user, [ended.pk])
    with time_machine.travel(NOW, tick=False):  # months ago
        open_session(user)  # never refreshed since
        too_old = open_session(user)
    Session.objects.filter(pk=too_old.pk).update(refreshed=timezone.now())
    out, _ = run(command="tokenapi_clearsessions")
    assert out == "3 session(s) deleted.\n"
    assert list(Session.objects.values_list("pk", flat=True)) == [live.pk]
