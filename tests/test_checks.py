"""tokenapi.checks: the backend must be configured and the settings valid."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tokenapi.checks import check_backend, check_settings


def ids(messages: list[checks.CheckMessage]) -> list[str]:
    return [message.id for message in messages]


def test_configured_project_passes() -> None:
    assert check_backend(None) == []
    assert check_settings(None) == []


def test_token_timeout_days_zero_is_valid_as_in_2x(settings: Any) -> None:
    settings.TOKEN_TIMEOUT_DAYS = 0
    assert check_settings(None) == []


def test_missing_backend_is_an_error(settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    messages = check_backend(None)
    assert ids(messages) == ["tokenapi.E001"]
    assert messages[0].level == checks.ERROR
    assert "tokenapi.backends.TokenBackend" in messages[0].msg


def test_subclass_of_the_backend_counts(settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = ["tests.test_backends.CustomTokenBackend"]
    assert check_backend(None) == []


def test_unimportable_backends_do_not_crash_the_check(settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = ["no.such.Backend", "tokenapi.tokens.token_generator"]
    assert ids(check_backend(None)) == ["tokenapi.E001"]


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("TOKENAPI_TIMEOUT", "forever", "tokenapi.E002"),
        ("TOKEN_TIMEOUT_DAYS", -1, "tokenapi.E002"),
        ("TOKENAPI_ACCEPT_LEGACY_TOKENS", "no", "tokenapi.E003"),
    ],
)
def test_invalid_settings_are_errors(
    settings: Any, name: str, value: object, check_id: str
) -> None:
    setattr(settings, name, value)
    messages = check_settings(None)
    assert ids(messages) == [check_id]
    assert name in messages[0].msg


def test_both_invalid_settings_are_reported(settings: Any) -> None:
    settings.TOKENAPI_TIMEOUT = 0
    settings.TOKENAPI_ACCEPT_LEGACY_TOKENS = None
    assert ids(check_settings(None)) == ["tokenapi.E002", "tokenapi.E003"]


def test_checks_are_registered(settings: Any) -> None:
    call_command("check")  # passes as configured
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    with pytest.raises(SystemCheckError, match=r"tokenapi\.E001"):
        call_command("check")
