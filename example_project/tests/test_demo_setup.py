"""``manage.py demo_setup``: the demo user, created once, and the commands it prints.

The end-to-end tests run the printed commands against a server.
"""

from __future__ import annotations

import io
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from api.management.commands.demo_setup import DEMO_PASSWORD_DEFAULT, DEMO_USERNAME
from tokenapi.tokens import token_generator

pytestmark = pytest.mark.django_db


def demo_setup(monkeypatch: pytest.MonkeyPatch, password: str = "") -> str:
    """Run the command with ``DEMO_PASSWORD`` set to ``password`` (empty: the default)."""
    monkeypatch.setenv("DEMO_PASSWORD", password)
    out = io.StringIO()
    with socket.socket() as sock:  # a free address, as make demo needs one
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    call_command("demo_setup", "--base-url", url, stdout=out)
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
    assert len(commands) == 12  # DRF is installed: its view is listed too
    # The base URL's trailing slash is not doubled.
    assert all(" http://127.0.0.1:" in command for command in commands)
    assert "//token" not in default and "//api" not in default

    from_env = demo_setup(monkeypatch, password="s3cret-from-env")
    assert "s3cret-from-env" not in from_env
    assert '--data-urlencode password="$DEMO_PASSWORD" ' in from_env


def test_a_busy_address_is_reported_before_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        out = io.StringIO()
        with pytest.raises(CommandError) as info:
            call_command("demo_setup", "--base-url", url, stdout=out)
    assert str(info.value) == (
        f"Cannot serve on 127.0.0.1:{url.rsplit(':', 1)[1]}: Address already in use. Stop what "
        "serves there, or serve elsewhere, e.g. make demo DEMO_BIND=127.0.0.1:8001"
    )
    assert out.getvalue() == ""  # nothing printed, no user made
    assert not get_user_model()._default_manager.exists()


def test_printed_commands_name_this_python_not_python3(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pasted as printed, "python" may not exist or may lack the virtualenv's packages.
    lines = [line for line in demo_setup(monkeypatch).splitlines() if "manage.py" in line]
    assert lines
    for line in lines:
        command = line.split(": ", 1)[1].split()[0]
        assert (Path.cwd() / command).resolve() == Path(sys.executable).resolve(), line
