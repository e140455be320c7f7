"""Pins of tokenapi.conf and tokenapi.checks: defaults, validation, reloading, check ids."""

from __future__ import annotations

import datetime

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tokenapi import conf
from tokenapi.checks import check_backend, check_settings


def test_defaults() -> None:
    settings = conf.get()
    assert settings.timeout == 7 * 86400
    assert settings.timeout_days == 7
    assert settings.accept_legacy_tokens is True


@pytest.mark.parametrize(
    ("overrides", "seconds"),
    [
        ({"TOKEN_TIMEOUT_DAYS": 2}, 2 * 86400),
        ({"TOKEN_TIMEOUT_DAYS": 0.5}, 43200),
        ({"TOKENAPI_TIMEOUT": 60}, 60),
        ({"TOKENAPI_TIMEOUT": 1}, 1),
        ({"TOKENAPI_TIMEOUT": 1.9}, 1),
        ({"TOKENAPI_TIMEOUT": datetime.timedelta(hours=1)}, 3600),
        ({"TOKENAPI_TIMEOUT": 90, "TOKEN_TIMEOUT_DAYS": 3}, 90),
        ({"TOKENAPI_TIMEOUT": None, "TOKEN_TIMEOUT_DAYS": 3}, 3 * 86400),
    ],
    ids=[
        "days",
        "half-day",
        "seconds",
        "one-second",
        "fraction",
        "timedelta",
        "seconds-win",
        "none",
    ],
)
def test_timeout(overrides: dict[str, object], seconds: int) -> None:
    with override_settings(**overrides):
        assert conf.get().timeout == seconds
        assert conf.get().timeout_days == seconds // 86400


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"TOKENAPI_TIMEOUT": True}, "TOKENAPI_TIMEOUT must be a number or a timedelta, not bool."),
        ({"TOKENAPI_TIMEOUT": "60"}, "TOKENAPI_TIMEOUT must be a number or a timedelta, not str."),
        ({"TOKENAPI_TIMEOUT": 0}, "TOKENAPI_TIMEOUT must be at least one second, got 0."),
        ({"TOKENAPI_TIMEOUT": 0.99}, "TOKENAPI_TIMEOUT must be at least one second, got 0.99."),
        ({"TOKENAPI_TIMEOUT": -5}, "TOKENAPI_TIMEOUT must be at least one second, got -5."),
        (
            {"TOKENAPI_TIMEOUT": float("nan")},
            "TOKENAPI_TIMEOUT must be at least one second, got nan.",
        ),
        ({"TOKENAPI_TIMEOUT": float("inf")}, "TOKENAPI_TIMEOUT must be finite."),
        (
            {"TOKENAPI_TIMEOUT": datetime.timedelta(0)},
            "TOKENAPI_TIMEOUT must be at least one second, got datetime.timedelta(0).",
        ),
        (
            {"TOKEN_TIMEOUT_DAYS": None},
            "TOKEN_TIMEOUT_DAYS must be a number or a timedelta, not NoneType.",
        ),
    ],
    ids=[
        "bool",
        "str",
        "zero",
        "under-a-second",
        "negative",
        "nan",
        "inf",
        "zero-timedelta",
        "days-none",
    ],
)
def test_invalid_timeout(overrides: dict[str, object], message: str) -> None:
    with override_settings(**overrides):
        with pytest.raises(ImproperlyConfigured) as exc_info:
            conf.read_timeout()
        assert str(exc_info.value) == message
        errors = check_settings(None)
        assert [(e.id, e.msg) for e in errors] == [("tokenapi.E002", message)]


@pytest.mark.parametrize("value", [False, True], ids=["false", "true"])
def test_accept_legacy_tokens(value: bool) -> None:
    with override_settings(TOKENAPI_ACCEPT_LEGACY_TOKENS=value):
        assert conf.get().accept_legacy_tokens is value


@pytest.mark.parametrize("value", [0, 1, "yes", None], ids=["zero", "one", "str", "none"])
def test_invalid_accept_legacy_tokens(value: object) -> None:
    message = f"TOKENAPI_ACCEPT_LEGACY_TOKENS must be True or False, not {value!r}."
    with override_settings(TOKENAPI_ACCEPT_LEGACY_TOKENS=value):
        with pytest.raises(ImproperlyConfigured, match=r"^TOKENAPI_ACCEPT_LEGACY_TOKENS must"):
            conf.load()
        assert [(e.id, e.msg) for e in check_settings(None)] == [("tokenapi.E003", message)]


def test_both_settings_invalid_give_both_errors() -> None:
    with override_settings(TOKENAPI_TIMEOUT="x", TOKENAPI_ACCEPT_LEGACY_TOKENS="x"):
        assert [e.id for e in check_settings(None)] == ["tokenapi.E002", "tokenapi.E003"]


def test_valid_settings_pass_the_checks() -> None:
    assert check_settings(None) == []
    assert check_backend(None) == []
    assert [m for m in run_checks() if m.id.startswith("tokenapi.")] == []


def test_settings_are_cached_until_they_change() -> None:
    first = conf.get()
    assert conf.get() is first
    with override_settings(TOKEN_TIMEOUT_DAYS=3):
        assert conf.get() is not first
        assert conf.get().timeout == 3 * 86400
    assert conf.get().timeout == 7 * 86400


@pytest.mark.parametrize(
    "backends",
    [
        ["django.contrib.auth.backends.ModelBackend"],
        ["no.such.Backend"],
        ["tokenapi.tokens.token_generator"],
        [],
    ],
    ids=["model-backend-only", "unimportable", "not-a-class", "none"],
)
def test_check_reports_a_missing_token_backend(backends: list[str]) -> None:
    with override_settings(AUTHENTICATION_BACKENDS=backends):
        errors = check_backend(None)
    assert [(e.id, e.msg, e.hint) for e in errors] == [
        (
            "tokenapi.E001",
            "tokenapi.backends.TokenBackend is missing from AUTHENTICATION_BACKENDS.",
            "Add 'tokenapi.backends.TokenBackend' after Django's ModelBackend.",
        )
    ]


def test_check_accepts_a_subclass_after_an_unimportable_path() -> None:
    with override_settings(
        AUTHENTICATION_BACKENDS=["no.such.Backend", "tests.test_pins_conf.OwnBackend"]
    ):
        assert check_backend(None) == []


from tokenapi.backends import TokenBackend  # noqa: E402


class OwnBackend(TokenBackend):
    pass
