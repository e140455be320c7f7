"""The app's own settings: defaults, validation, and reloading under ``override_settings``.

Nothing else in ``tokenapi`` reads ``django.conf.settings`` for our keys.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULT_TIMEOUT_DAYS = 7
# 2.x's TOKEN_TIMEOUT_DAYS = 0: a token lives until the end of the (local) day of issue.
UNTIL_END_OF_DAY = 0
# A century: longer lifetimes are mistakes, and expiry dates past year 9999 cannot be written.
MAX_TIMEOUT = 36525 * 86400
SETTINGS = frozenset(
    {
        "TOKEN_TIMEOUT_DAYS",
        "TOKENAPI_TIMEOUT",
        "TOKENAPI_ACCEPT_LEGACY_TOKENS",
        "TOKENAPI_QUERY_STRING_CREDENTIALS",
        "TOKENAPI_SESSION_MAX_AGE",
    }
)


@dataclass(frozen=True)
class Settings:
    """Validated values of the app's settings."""

    timeout: int | None
    """Token lifetime in whole seconds; ``None``: until the end of the day of issue."""

    timeout_days: int | None
    """``TOKEN_TIMEOUT_DAYS`` when it sets the lifetime, ``None`` under ``TOKENAPI_TIMEOUT``.

    Legacy tokens carry a day, not a time: under a lifetime in days they live
    as in 2.x, under one in seconds only while their whole day is within it.
    """

    accept_legacy_tokens: bool
    """Whether tokens minted by django-tokenapi 2.x still verify."""

    query_string_credentials: bool
    """Whether ``user`` and ``token`` are read from the query string too."""

    session_max_age: int | None
    """Seconds a session (``tokenapi.sessions``) lives after its login; ``None``: no limit."""


def _as_seconds(name: str, value: Any, unit: int) -> int:
    # bool is an int subclass; TOKENAPI_TIMEOUT = True is a mistake, not 1 s.
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value * unit
    else:
        raise ImproperlyConfigured(
            f"{name} must be a number or a timedelta, not {type(value).__name__}."
        )
    if not seconds >= 1:  # also rejects NaN
        raise ImproperlyConfigured(f"{name} must be at least one second, got {value!r}.")
    if not seconds <= MAX_TIMEOUT:
        raise ImproperlyConfigured(f"{name} must be at most 100 years, got {value!r}.")
    return int(seconds)


def read_timeout() -> int | None:
    """The token lifetime in seconds: ``TOKENAPI_TIMEOUT``, else ``TOKEN_TIMEOUT_DAYS``.

    ``None`` stands for ``TOKEN_TIMEOUT_DAYS = 0``: until the end of the day of issue.
    """
    timeout = getattr(django_settings, "TOKENAPI_TIMEOUT", None)
    if timeout is not None:
        return _as_seconds("TOKENAPI_TIMEOUT", timeout, unit=1)
    days = getattr(django_settings, "TOKEN_TIMEOUT_DAYS", DEFAULT_TIMEOUT_DAYS)
    if days == UNTIL_END_OF_DAY and not isinstance(days, bool):
        return None
    return _as_seconds("TOKEN_TIMEOUT_DAYS", days, unit=86400)


def _read_flag(name: str) -> bool:
    value = getattr(django_settings, name, True)
    if not isinstance(value, bool):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}.")
    return value


def read_accept_legacy_tokens() -> bool:
    """``TOKENAPI_ACCEPT_LEGACY_TOKENS``, default ``True`` so that upgrades log nobody out."""
    return _read_flag("TOKENAPI_ACCEPT_LEGACY_TOKENS")


def read_query_string_credentials() -> bool:
    """``TOKENAPI_QUERY_STRING_CREDENTIALS``, default ``True`` as in 2.x."""
    return _read_flag("TOKENAPI_QUERY_STRING_CREDENTIALS")


def read_session_max_age() -> int | None:
    """``TOKENAPI_SESSION_MAX_AGE`` in seconds; ``None`` (default): no limit but refreshes."""
    max_age = getattr(django_settings, "TOKENAPI_SESSION_MAX_AGE", None)
    return None if max_age is None else _as_seconds("TOKENAPI_SESSION_MAX_AGE", max_age, unit=1)


def load() -> Settings:
    """Read and validate the settings; raise ``ImproperlyConfigured`` if invalid."""
    timeout = read_timeout()
    in_days = getattr(django_settings, "TOKENAPI_TIMEOUT", None) is None
    return Settings(
        timeout=timeout,
        timeout_days=(0 if timeout is None else timeout // 86400) if in_days else None,
        accept_legacy_tokens=read_accept_legacy_tokens(),
        query_string_credentials=read_query_string_credentials(),
        session_max_age=read_session_max_age(),
    )


_cached: Settings | None = None


def get() -> Settings:
    """Return the validated settings, read once and cached until they change."""
    global _cached
    if _cached is None:
        _cached = load()
    return _cached


@receiver(setting_changed)
def _forget_settings(*, setting: str, **kwargs: Any) -> None:
    global _cached
    if setting in SETTINGS:
        _cached = None
