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
SETTINGS = frozenset({"TOKEN_TIMEOUT_DAYS", "TOKENAPI_TIMEOUT", "TOKENAPI_ACCEPT_LEGACY_TOKENS"})


@dataclass(frozen=True)
class Settings:
    """Validated values of the app's settings."""

    timeout: int | None
    """Token lifetime in whole seconds; ``None``: until the end of the day of issue."""

    accept_legacy_tokens: bool
    """Whether tokens minted by django-tokenapi 2.x still verify."""

    @property
    def timeout_days(self) -> int:
        """The lifetime in whole days, the granularity of legacy tokens."""
        return 0 if self.timeout is None else self.timeout // 86400


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
    if seconds == float("inf"):
        raise ImproperlyConfigured(f"{name} must be finite.")
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


def read_accept_legacy_tokens() -> bool:
    """``TOKENAPI_ACCEPT_LEGACY_TOKENS``, default ``True`` so that upgrades log nobody out."""
    accept_legacy = getattr(django_settings, "TOKENAPI_ACCEPT_LEGACY_TOKENS", True)
    if not isinstance(accept_legacy, bool):
        raise ImproperlyConfigured(
            f"TOKENAPI_ACCEPT_LEGACY_TOKENS must be True or False, not {accept_legacy!r}."
        )
    return accept_legacy


def load() -> Settings:
    """Read and validate the settings; raise ``ImproperlyConfigured`` if invalid."""
    return Settings(timeout=read_timeout(), accept_legacy_tokens=read_accept_legacy_tokens())


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
