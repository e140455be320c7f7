"""``manage.py demo_setup``: the demo user, created once, and the commands it prints.

The end-to-end tests run the printed commands against a server.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from api.management.commands.demo_setup import DEMO_PASSWORD_DEFAULT, DEMO_USERNAME
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db


def demo_setup(monkeypatch: pytest.MonkeyPatch, password: str = "") -> str:
    """Run the command with ``DEMO_PASSWORD`` set to ``password`` (empty: the default)."""
    monkeypatch.setenv("DEMO_PASSWORD", password)
    out = io.StringIO()
    call_command("demo_setup", "--base-url", "http://testserver/", stdout=out)
    return out.getvalue()


def demo_user() -> Any:
    return get_user_model()._default_manager.get_by_natural_key(DEMO_USERNAME)


def test_the_demo_user_is_created_once_and_keeps_its_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "created" in demo_setup(monkeypatch)
    assert demo_user().check_password(DEMO_PASSWORD_DEFAULT)
    token = token_generator.make_token(demo_user())

    assert "password unchanged" in demo_setup(monkeypatch)
    assert get_user_model()._default_manager.count() == 1
    # Running it again must not log the demo's clients out.
    assert token_generator.check_token(demo_user(), token)


def test_a_changed_demo_password_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    demo_setup(monkeypatch)
    assert "password reset" in demo_setup(monkeypatch, password="another password")
    assert demo_user().check_password("another password")


def test_the_commands_show_the_default_password_but_not_one_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = demo_setup(monkeypatch)
    assert f"--data-urlencode password={DEMO_PASSWORD_DEFAULT} " in default
    commands = [line for line in default.splitlines() if line.startswith("curl ")]
    assert len(commands) == 9  # DRF is installed: its view is listed too
    # The base URL's trailing slash is not doubled.
    assert all(" http://testserver/" in command for command in commands)
    assert "http://testserver//" not in default

    from_env = demo_setup(monkeypatch, password="s3cret-from-env")
    assert "s3cret-from-env" not in from_env
    assert '--data-urlencode password="$DEMO_PASSWORD" ' in from_env
