"""tokenapi.checks: the backend must be configured and the settings valid."""

from __future__ import annotations

import importlib.metadata
from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tokenapi import checks as tokenapi_checks
from tokenapi.backends import TokenBackend
from tokenapi.checks import (
    check_backend,
    check_old_distribution,
    check_query_string_credentials,
    check_settings,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
TOKEN_BACKEND = "tokenapi.backends.TokenBackend"
OWN_BACKEND = "tests.test_checks.OwnTokenBackend"
MISSING_BACKEND = (
    checks.ERROR,
    "tokenapi.E001",
    "tokenapi.backends.TokenBackend is missing from AUTHENTICATION_BACKENDS.",
    "Add 'tokenapi.backends.TokenBackend' after Django's ModelBackend.",
)
NO_PASSWORDS = (
    checks.WARNING,
    "tokenapi.W003",
    "No backend in AUTHENTICATION_BACKENDS checks passwords: new.json can log nobody in.",
    "Add 'django.contrib.auth.backends.ModelBackend' before the TokenBackend.",
)
SHADOWED = (
    checks.WARNING,
    "tokenapi.W002",
    f"{OWN_BACKEND} is listed after {TOKEN_BACKEND}, which checks every token first: its own "
    "checks are never used.",
    f"Remove {TOKEN_BACKEND!r} from AUTHENTICATION_BACKENDS.",
)


class OwnTokenBackend(TokenBackend):
    pass


class PasswordBackend:
    def authenticate(self, request: object, username: str, password: str) -> None:
        return None


class AnyCredentialsBackend:
    def authenticate(self, request: object, **credentials: object) -> None:
        return None


class RemoteUserLikeBackend:
    def authenticate(self, request: object, remote_user: str) -> None:
        return None


class NoAuthenticateBackend:
    authenticate = None


class AxesLikeBackend(PasswordBackend):
    """Where django-axes' backend lives: it takes a password only to refuse lockouts."""


AxesLikeBackend.__module__ = "axes.backends"


BACKENDS = {
    "configured": ([MODEL_BACKEND, TOKEN_BACKEND], []),
    "subclass": ([MODEL_BACKEND, "no.such.Backend", OWN_BACKEND], []),
    "subclass-first": ([MODEL_BACKEND, OWN_BACKEND, TOKEN_BACKEND], []),
    "shadowed": ([MODEL_BACKEND, TOKEN_BACKEND, OWN_BACKEND], [SHADOWED]),
    "the-same-backend-twice": ([MODEL_BACKEND, TOKEN_BACKEND, TOKEN_BACKEND], []),
    "model-backend-only": ([MODEL_BACKEND], [MISSING_BACKEND]),
    "unimportable": (["no.such.Backend"], [MISSING_BACKEND, NO_PASSWORDS]),
    "not-a-class": (["tokenapi.tokens.token_generator"], [MISSING_BACKEND, NO_PASSWORDS]),
    "another-class": (["tokenapi.tokens.TokenGenerator"], [MISSING_BACKEND, NO_PASSWORDS]),
    "none": ([], [MISSING_BACKEND, NO_PASSWORDS]),
    "token-backend-alone": ([TOKEN_BACKEND], [NO_PASSWORDS]),
    "axes-alone": ([f"{__name__}.AxesLikeBackend", TOKEN_BACKEND], [NO_PASSWORDS]),
    "no-password": ([f"{__name__}.RemoteUserLikeBackend", TOKEN_BACKEND], [NO_PASSWORDS]),
    "no-method": ([f"{__name__}.NoAuthenticateBackend", TOKEN_BACKEND], [NO_PASSWORDS]),
    "takes-a-password": ([f"{__name__}.PasswordBackend", TOKEN_BACKEND], []),
    "takes-any": ([f"{__name__}.AnyCredentialsBackend", TOKEN_BACKEND], []),
}


@pytest.mark.parametrize(("backends", "expected"), BACKENDS.values(), ids=BACKENDS)
def test_check_backend(settings: Any, backends: list[str], expected: list[tuple[str, ...]]) -> None:
    settings.AUTHENTICATION_BACKENDS = backends
    messages = check_backend(None)
    assert [(m.level, m.id, m.msg, m.hint) for m in messages] == expected


def test_check_old_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_old_distribution(None) == []
    installed = {"django-tokenapi"}

    def distribution(name: str) -> object:
        if name not in installed:
            raise importlib.metadata.PackageNotFoundError(name)
        return object()

    monkeypatch.setattr(tokenapi_checks.importlib.metadata, "distribution", distribution)
    [message] = check_old_distribution(None)
    assert (message.level, message.id) == (checks.WARNING, "tokenapi.W004")
    assert message.msg == (
        "django-tokenapi is installed beside django-tokenapi3; both ship the 'tokenapi' "
        "package, so uninstalling django-tokenapi later deletes this one's files."
    )
    assert message.hint == (
        "pip uninstall django-tokenapi, then pip install --force-reinstall django-tokenapi3."
    )
    installed.add("django-tokenapi2")
    assert [m.msg.split()[0] for m in check_old_distribution(None)] == [
        "django-tokenapi",
        "django-tokenapi2",
    ]


@pytest.mark.parametrize(
    ("value", "expected"), [(True, ["tokenapi.W001"]), (False, []), ("junk", [])]
)
def test_check_query_string_credentials(settings: Any, value: object, expected: list[str]) -> None:
    settings.TOKENAPI_QUERY_STRING_CREDENTIALS = value
    messages = check_query_string_credentials(None)
    assert [m.id for m in messages] == expected
    assert all(m.level == checks.WARNING for m in messages)
    assert all(m.msg.startswith("TOKENAPI_QUERY_STRING_CREDENTIALS is True: ") for m in messages)


SETTINGS = {
    "configured": ({}, []),
    "days-zero-as-in-2x": ({"TOKEN_TIMEOUT_DAYS": 0}, []),
    "timeout": (
        {"TOKEN_TIMEOUT_DAYS": -1},
        [("tokenapi.E002", "TOKEN_TIMEOUT_DAYS must be at least one second, got -1.")],
    ),
    "accept-legacy-tokens": (
        {"TOKENAPI_ACCEPT_LEGACY_TOKENS": "no"},
        [("tokenapi.E003", "TOKENAPI_ACCEPT_LEGACY_TOKENS must be True or False, not 'no'.")],
    ),
    "query-string-credentials": (
        {"TOKENAPI_QUERY_STRING_CREDENTIALS": 1},
        [("tokenapi.E004", "TOKENAPI_QUERY_STRING_CREDENTIALS must be True or False, not 1.")],
    ),
    "session-max-age": (
        {"TOKENAPI_SESSION_MAX_AGE": "1d"},
        [
            (
                "tokenapi.E005",
                "TOKENAPI_SESSION_MAX_AGE must be a number or a timedelta, not str.",
            )
        ],
    ),
    "both": (
        {"TOKENAPI_TIMEOUT": True, "TOKENAPI_ACCEPT_LEGACY_TOKENS": None},
        [
            ("tokenapi.E002", "TOKENAPI_TIMEOUT must be a number or a timedelta, not bool."),
            ("tokenapi.E003", "TOKENAPI_ACCEPT_LEGACY_TOKENS must be True or False, not None."),
        ],
    ),
}


@pytest.mark.parametrize(("overrides", "expected"), SETTINGS.values(), ids=SETTINGS)
def test_check_settings(
    settings: Any, overrides: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    messages = check_settings(None)
    assert [(message.id, message.msg) for message in messages] == expected
    assert all(message.level == checks.ERROR for message in messages)


def test_checks_are_registered_the_query_string_one_for_deployment(settings: Any) -> None:
    call_command("check")  # passes as configured, W001 not without --deploy
    with pytest.raises(SystemCheckError) as info:
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")
    assert "tokenapi.W001" in str(info.value)
    settings.AUTHENTICATION_BACKENDS = [MODEL_BACKEND]
    settings.TOKENAPI_TIMEOUT = 0
    with pytest.raises(SystemCheckError) as info:
        call_command("check")
    assert "tokenapi.E001" in str(info.value)
    assert "tokenapi.E002" in str(info.value)
