"""tokenapi.conf: defaults, validation, reloading under override_settings."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.test import override_settings

from tokenapi import conf


def test_defaults(settings: Any) -> None:
    for name in ("TOKENAPI_TIMEOUT", "TOKEN_TIMEOUT_DAYS", "TOKENAPI_ACCEPT_LEGACY_TOKENS"):
        if hasattr(settings, name):
            delattr(settings, name)
    values = conf.get()
    assert values.timeout == 7 * 86400
    assert values.timeout_days == 7
    assert values.accept_legacy_tokens is True


@pytest.mark.parametrize(
    ("name", "value", "seconds"),
    [
        ("TOKENAPI_TIMEOUT", 60, 60),
        ("TOKENAPI_TIMEOUT", 60.9, 60),
        ("TOKENAPI_TIMEOUT", datetime.timedelta(minutes=2), 120),
        ("TOKEN_TIMEOUT_DAYS", 2, 2 * 86400),
        ("TOKEN_TIMEOUT_DAYS", 0.5, 43200),
        ("TOKEN_TIMEOUT_DAYS", datetime.timedelta(days=3), 3 * 86400),
    ],
)
def test_timeout_values(settings: Any, name: str, value: object, seconds: int) -> None:
    setattr(settings, name, value)
    assert conf.get().timeout == seconds


def test_tokenapi_timeout_none_falls_back_to_days(settings: Any) -> None:
    settings.TOKENAPI_TIMEOUT = None
    settings.TOKEN_TIMEOUT_DAYS = 3
    assert conf.get().timeout == 3 * 86400


def test_timeout_days_rounds_down() -> None:
    assert conf.Settings(timeout=86400 * 2 - 1, accept_legacy_tokens=True).timeout_days == 1
    assert conf.Settings(timeout=3600, accept_legacy_tokens=True).timeout_days == 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TOKENAPI_TIMEOUT", "3600", "must be a number or a timedelta, not str"),
        ("TOKENAPI_TIMEOUT", True, "must be a number or a timedelta, not bool"),
        ("TOKENAPI_TIMEOUT", 0, "must be at least one second"),
        ("TOKENAPI_TIMEOUT", -5, "must be at least one second"),
        ("TOKENAPI_TIMEOUT", 0.5, "must be at least one second"),
        ("TOKENAPI_TIMEOUT", float("nan"), "must be at least one second"),
        ("TOKENAPI_TIMEOUT", float("inf"), "must be finite"),
        ("TOKENAPI_TIMEOUT", datetime.timedelta(0), "must be at least one second"),
        ("TOKEN_TIMEOUT_DAYS", "7", "must be a number or a timedelta, not str"),
        ("TOKEN_TIMEOUT_DAYS", None, "must be a number or a timedelta, not NoneType"),
        ("TOKEN_TIMEOUT_DAYS", -1, "must be at least one second"),
        ("TOKENAPI_ACCEPT_LEGACY_TOKENS", "yes", "must be True or False"),
        ("TOKENAPI_ACCEPT_LEGACY_TOKENS", 1, "must be True or False"),
    ],
)
def test_invalid_values(settings: Any, name: str, value: object, message: str) -> None:
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=name) as info:
        conf.load()
    assert message in str(info.value)


def test_values_reload_when_settings_change() -> None:
    with override_settings(TOKENAPI_TIMEOUT=10):
        assert conf.get().timeout == 10
        with override_settings(TOKENAPI_ACCEPT_LEGACY_TOKENS=False):
            assert conf.get().accept_legacy_tokens is False
        assert conf.get().accept_legacy_tokens is True
    assert conf.get().timeout == 7 * 86400


def test_values_are_cached_until_settings_change(settings: Any) -> None:
    first = conf.get()
    assert conf.get() is first
    settings.TOKEN_TIMEOUT_DAYS = 1
    assert conf.get() is not first


def test_unrelated_setting_keeps_the_cache(settings: Any) -> None:
    first = conf.get()
    settings.USE_I18N = not settings.USE_I18N
    assert conf.get() is first


@pytest.mark.parametrize(
    ("setting", "dropped"),
    [
        ("TOKEN_TIMEOUT_DAYS", True),
        ("TOKENAPI_TIMEOUT", True),
        ("TOKENAPI_ACCEPT_LEGACY_TOKENS", True),
        ("SECRET_KEY", False),
        ("AUTHENTICATION_BACKENDS", False),
    ],
)
def test_only_the_apps_own_settings_drop_its_cache(setting: str, dropped: bool) -> None:
    conf.get()
    setting_changed.send(sender=None, setting=setting, value=None, enter=True)
    assert (conf._cached is None) is dropped
