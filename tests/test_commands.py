"""The ``tokenapi_token`` management command."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.helpers import login_of, make_user
from tokenapi.management.commands.tokenapi_token import Command
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 14, 15, 9, 26, tzinfo=datetime.timezone.utc)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("tokenapi_token", *args, stdout=out, stderr=err)
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
