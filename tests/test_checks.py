"""tokenapi.checks: the backend must be configured and the settings valid."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tokenapi.backends import TokenBackend
from tokenapi.checks import check_backend, check_settings

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
MISSING_BACKEND = (
    "tokenapi.E001",
    "tokenapi.backends.TokenBackend is missing from AUTHENTICATION_BACKENDS.",
    "Add 'tokenapi.backends.TokenBackend' after Django's ModelBackend.",
)


class OwnTokenBackend(TokenBackend):
    pass


@pytest.mark.parametrize(
    ("backends", "expected"),
    [
        pytest.param([MODEL_BACKEND, "tokenapi.backends.TokenBackend"], [], id="configured"),
        pytest.param(["no.such.Backend", "tests.test_checks.OwnTokenBackend"], [], id="subclass"),
        pytest.param([MODEL_BACKEND], [MISSING_BACKEND], id="model-backend-only"),
        pytest.param(["no.such.Backend"], [MISSING_BACKEND], id="unimportable"),
        pytest.param(["tokenapi.tokens.token_generator"], [MISSING_BACKEND], id="not-a-class"),
        pytest.param(["tokenapi.tokens.TokenGenerator"], [MISSING_BACKEND], id="another-class"),
        pytest.param([], [MISSING_BACKEND], id="none"),
    ],
)
def test_check_backend(settings: Any, backends: list[str], expected: list[tuple[str, ...]]) -> None:
    settings.AUTHENTICATION_BACKENDS = backends
    messages = check_backend(None)
    assert [(message.id, message.msg, message.hint) for message in messages] == expected
    assert all(message.level == checks.ERROR for message in messages)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({}, [], id="configured"),
        pytest.param({"TOKEN_TIMEOUT_DAYS": 0}, [], id="days-zero-as-in-2x"),
        pytest.param(
            {"TOKEN_TIMEOUT_DAYS": -1},
            [("tokenapi.E002", "TOKEN_TIMEOUT_DAYS must be at least one second, got -1.")],
            id="timeout",
        ),
        pytest.param(
            {"TOKENAPI_ACCEPT_LEGACY_TOKENS": "no"},
            [("tokenapi.E003", "TOKENAPI_ACCEPT_LEGACY_TOKENS must be True or False, not 'no'.")],
            id="accept-legacy-tokens",
        ),
        pytest.param(
            {"TOKENAPI_TIMEOUT": True, "TOKENAPI_ACCEPT_LEGACY_TOKENS": None},
            [
                ("tokenapi.E002", "TOKENAPI_TIMEOUT must be a number or a timedelta, not bool."),
                ("tokenapi.E003", "TOKENAPI_ACCEPT_LEGACY_TOKENS must be True or False, not None."),
            ],
            id="both",
        ),
    ],
)
def test_check_settings(
    settings: Any, overrides: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    messages = check_settings(None)
    assert [(message.id, message.msg) for message in messages] == expected
    assert all(message.level == checks.ERROR for message in messages)


def test_checks_are_registered(settings: Any) -> None:
    call_command("check")  # passes as configured
    settings.AUTHENTICATION_BACKENDS = [MODEL_BACKEND]
    settings.TOKENAPI_TIMEOUT = 0
    with pytest.raises(SystemCheckError) as info:
        call_command("check")
    assert "tokenapi.E001" in str(info.value)
    assert "tokenapi.E002" in str(info.value)
