"""tokenapi.conf: defaults, validation, reloading when the settings change."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from tokenapi import conf

DAY = 86400


def test_defaults(settings: Any) -> None:
    for name in conf.SETTINGS:
        if hasattr(settings, name):
            delattr(settings, name)
    assert conf.get() == conf.Settings(
        timeout=7 * DAY,
        timeout_days=7,
        accept_legacy_tokens=True,
        query_string_credentials=True,
        session_max_age=None,
    )


# timeout_days is None under TOKENAPI_TIMEOUT: legacy tokens then follow the seconds.
TIMEOUTS = {
    "seconds": ({"TOKENAPI_TIMEOUT": 60}, 60, None),
    "one-second": ({"TOKENAPI_TIMEOUT": 1}, 1, None),
    "fraction-rounds-down": ({"TOKENAPI_TIMEOUT": 1.9}, 1, None),
    "under-two-days": ({"TOKENAPI_TIMEOUT": 2 * DAY - 1}, 2 * DAY - 1, None),
    "timedelta": ({"TOKENAPI_TIMEOUT": datetime.timedelta(minutes=2)}, 120, None),
    "century": ({"TOKENAPI_TIMEOUT": conf.MAX_TIMEOUT}, conf.MAX_TIMEOUT, None),
    "century-in-days": ({"TOKEN_TIMEOUT_DAYS": 36525}, 36525 * DAY, 36525),
    "days": ({"TOKEN_TIMEOUT_DAYS": 2}, 2 * DAY, 2),
    "half-day": ({"TOKEN_TIMEOUT_DAYS": 0.5}, DAY // 2, 0),
    "days-timedelta": ({"TOKEN_TIMEOUT_DAYS": datetime.timedelta(days=3)}, 3 * DAY, 3),
    # 2.x's TOKEN_TIMEOUT_DAYS = 0: until the end of the day of issue.
    "days-zero": ({"TOKEN_TIMEOUT_DAYS": 0}, None, 0),
    "seconds-win": ({"TOKENAPI_TIMEOUT": 90, "TOKEN_TIMEOUT_DAYS": 3}, 90, None),
    "seconds-none": ({"TOKENAPI_TIMEOUT": None, "TOKEN_TIMEOUT_DAYS": 3}, 3 * DAY, 3),
}


@pytest.mark.parametrize(("overrides", "seconds", "days"), TIMEOUTS.values(), ids=TIMEOUTS)
def test_timeout(
    settings: Any, overrides: dict[str, object], seconds: int | None, days: int | None
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert (conf.get().timeout, conf.get().timeout_days) == (seconds, days)


@pytest.mark.parametrize("value", [True, False])
def test_flags(settings: Any, value: bool) -> None:
    settings.TOKENAPI_ACCEPT_LEGACY_TOKENS = value
    settings.TOKENAPI_QUERY_STRING_CREDENTIALS = not value
    assert conf.get().accept_legacy_tokens is value
    assert conf.get().query_string_credentials is not value


NOT_A_NUMBER = "must be a number or a timedelta, not"
TOO_SHORT = "must be at least one second, got"
TOO_LONG = "must be at most 100 years, got"
NOT_A_FLAG = "must be True or False, not"


INVALID = {
    "str": ("TOKENAPI_TIMEOUT", "60", f"{NOT_A_NUMBER} str."),
    "bool": ("TOKENAPI_TIMEOUT", True, f"{NOT_A_NUMBER} bool."),
    "zero": ("TOKENAPI_TIMEOUT", 0, f"{TOO_SHORT} 0."),
    "under-a-second": ("TOKENAPI_TIMEOUT", 0.99, f"{TOO_SHORT} 0.99."),
    "negative": ("TOKENAPI_TIMEOUT", -5, f"{TOO_SHORT} -5."),
    "nan": ("TOKENAPI_TIMEOUT", float("nan"), f"{TOO_SHORT} nan."),
    "inf": ("TOKENAPI_TIMEOUT", float("inf"), f"{TOO_LONG} inf."),
    "over-a-century": (
        "TOKENAPI_TIMEOUT",
        conf.MAX_TIMEOUT + 1,
        f"{TOO_LONG} {conf.MAX_TIMEOUT + 1}.",
    ),
    "10**12": ("TOKENAPI_TIMEOUT", 10**12, f"{TOO_LONG} {10**12}."),
    "timedelta-max": (
        "TOKENAPI_TIMEOUT",
        datetime.timedelta.max,
        f"{TOO_LONG} {datetime.timedelta.max!r}.",
    ),
    "zero-timedelta": (
        "TOKENAPI_TIMEOUT",
        datetime.timedelta(0),
        f"{TOO_SHORT} datetime.timedelta(0).",
    ),
    "days-str": ("TOKEN_TIMEOUT_DAYS", "7", f"{NOT_A_NUMBER} str."),
    "days-none": ("TOKEN_TIMEOUT_DAYS", None, f"{NOT_A_NUMBER} NoneType."),
    # == 0, yet not "until midnight"
    "days-false": ("TOKEN_TIMEOUT_DAYS", False, f"{NOT_A_NUMBER} bool."),
    "days-negative": ("TOKEN_TIMEOUT_DAYS", -1, f"{TOO_SHORT} -1."),
    "days-10**9": ("TOKEN_TIMEOUT_DAYS", 10**9, f"{TOO_LONG} {10**9}."),
    "legacy-zero": ("TOKENAPI_ACCEPT_LEGACY_TOKENS", 0, f"{NOT_A_FLAG} 0."),
    "legacy-one": ("TOKENAPI_ACCEPT_LEGACY_TOKENS", 1, f"{NOT_A_FLAG} 1."),
    "legacy-str": ("TOKENAPI_ACCEPT_LEGACY_TOKENS", "yes", f"{NOT_A_FLAG} 'yes'."),
    "legacy-none": ("TOKENAPI_ACCEPT_LEGACY_TOKENS", None, f"{NOT_A_FLAG} None."),
    "query-string-str": ("TOKENAPI_QUERY_STRING_CREDENTIALS", "no", f"{NOT_A_FLAG} 'no'."),
}


@pytest.mark.parametrize(("name", "value", "reason"), INVALID.values(), ids=INVALID)
def test_invalid_values_are_refused_with_their_reason(
    settings: Any, name: str, value: object, reason: str
) -> None:
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured) as info:
        conf.load()
    assert str(info.value) == f"{name} {reason}"


@pytest.mark.parametrize(
    ("setting", "read_again"),
    [
        ("TOKEN_TIMEOUT_DAYS", True),
        ("TOKENAPI_TIMEOUT", True),
        ("TOKENAPI_ACCEPT_LEGACY_TOKENS", True),
        ("TOKENAPI_QUERY_STRING_CREDENTIALS", True),
        ("SECRET_KEY", False),
        ("AUTHENTICATION_BACKENDS", False),
    ],
)
def test_settings_are_read_once_and_again_when_the_apps_own_change(
    setting: str, read_again: bool
) -> None:
    first = conf.get()
    assert conf.get() is first
    setting_changed.send(sender=None, setting=setting, value=None, enter=True)
    assert (conf.get() is not first) is read_again
