"""The ``tokenapi_token`` management command."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.helpers import login_of, make_user
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("tokenapi_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_pk_and_a_working_token(user: Any) -> None:
    out, err = run(login_of("alice"))
    match = re.fullmatch(r"user: (\S+)\ntoken: (\S+)\nexpires: (\S+)\n", out)
    assert match, out
    assert match[1] == str(user.pk)
    assert token_generator.check_token(user, match[2])
    assert match[3].endswith("+00:00")
    assert err == ""


def test_unknown_user_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="nobody"):
        run(login_of("nobody"))


def test_inactive_user_gets_a_warning(db: None) -> None:
    make_user("carol", is_active=False)
    out, err = run(login_of("carol"))
    assert "inactive" in err
    assert "token: " in out


def test_username_is_required() -> None:
    with pytest.raises(CommandError):
        run()
