"""tokenapi.tokens: format, lifetime, invalidation, key rotation, legacy tokens, hook."""

from __future__ import annotations

import base64
import datetime
import re
from typing import Any, ClassVar

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.signals import setting_changed
from django.utils.http import base36_to_int, int_to_base36

from tests.helpers import PASSWORD, legacy_day, make_legacy_token, make_user
from tokenapi import tokens
from tokenapi.tokens import PasswordResetTokenGenerator, TokenGenerator, token_generator

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 14, 15, 9, 26, tzinfo=datetime.timezone.utc)
EPOCH = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
DAY = 86400


def seconds_since_epoch(moment: datetime.datetime) -> int:
    return int((moment - EPOCH).total_seconds())


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# Format ---------------------------------------------------------------------------


def test_token_is_base36_seconds_dash_43_urlsafe_chars(user: Any, clock: Any) -> None:
    token = token_generator.make_token(user)
    timestamp, mac = token.split("-", 1)
    assert base36_to_int(timestamp) == seconds_since_epoch(NOW)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", mac)


def test_mac_carries_at_least_128_bits(user: Any) -> None:
    mac = token_generator.make_token(user).split("-", 1)[1]
    assert len(base64.urlsafe_b64decode(mac + "=")) * 8 >= 128


def test_mac_is_hmac_sha256_of_pk_password_and_timestamp(user: Any, clock: Any) -> None:
    from django.utils.crypto import salted_hmac

    timestamp = seconds_since_epoch(NOW)
    value = f"{user.pk}\x00{user.password}\x00{timestamp}"
    digest = salted_hmac(TokenGenerator.key_salt, value, algorithm="sha256").digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert token_generator.make_token(user) == f"{int_to_base36(timestamp)}-{expected}"


def test_token_is_url_safe(user: Any) -> None:
    from urllib.parse import quote

    token = token_generator.make_token(user)
    assert quote(token, safe="") == token


def test_tokens_have_seconds_granularity(user: Any, clock: Any) -> None:
    first = token_generator.make_token(user)
    clock.shift(1)
    second = token_generator.make_token(user)
    assert first != second
    assert base36_to_int(second.split("-")[0]) - base36_to_int(first.split("-")[0]) == 1


def test_tokens_differ_between_users(user: Any) -> None:
    other = make_user("bob")
    assert token_generator.make_token(user) != token_generator.make_token(other)


def test_legacy_class_name_is_kept() -> None:
    assert PasswordResetTokenGenerator is TokenGenerator
    assert isinstance(tokens.token_generator, TokenGenerator)


# Checking -------------------------------------------------------------------------


def test_fresh_token_checks(user: Any, token: str) -> None:
    assert token_generator.check_token(user, token) is True


def test_token_of_another_user_fails(user: Any, token: str) -> None:
    assert token_generator.check_token(make_user("bob"), token) is False


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="last-char"),
        pytest.param(lambda t: t[:-1], id="truncated"),
        pytest.param(lambda t: t + "A", id="extended"),
        pytest.param(lambda t: t.upper(), id="upper-case"),
        pytest.param(lambda t: t.replace("-", "", 1), id="no-dash"),
        pytest.param(lambda t: "+" + t, id="plus-sign"),
        pytest.param(lambda t: " " + t, id="leading-space"),
        pytest.param(lambda t: t.split("-", 1)[1], id="mac-only"),
        pytest.param(lambda t: "-" + t.split("-", 1)[1], id="empty-timestamp"),
        pytest.param(lambda t: "z" * 14 + "-" + t.split("-", 1)[1], id="huge-timestamp"),
        pytest.param(lambda t: t[:-1] + "\u00e9", id="non-ascii"),
        pytest.param(lambda t: t[:-1] + "\x00", id="nul"),
        pytest.param(lambda t: "", id="empty"),
    ],
)
def test_tampered_token_fails(user: Any, token: str, mangle: Any) -> None:
    assert token_generator.check_token(user, mangle(token)) is False


@pytest.mark.parametrize("token", [None, 123, b"bytes", ["a-b"]], ids=repr)
def test_non_string_token_fails(user: Any, token: object) -> None:
    assert token_generator.check_token(user, token) is False


def test_no_user_fails(token: str) -> None:
    assert token_generator.check_token(None, token) is False


# Lifetime -------------------------------------------------------------------------


def test_default_lifetime_is_seven_days_to_the_second(user: Any, clock: Any) -> None:
    token = token_generator.make_token(user)
    clock.shift(7 * DAY)
    assert token_generator.check_token(user, token) is True
    clock.shift(1)
    assert token_generator.check_token(user, token) is False


def test_token_dated_in_the_future_fails(user: Any, clock: Any) -> None:
    clock.shift(1)
    token = token_generator.make_token(user)
    clock.shift(-1)
    assert token_generator.check_token(user, token) is False


@pytest.mark.parametrize(
    "timeout", [3600, datetime.timedelta(hours=1), 3600.0], ids=["int", "timedelta", "float"]
)
def test_tokenapi_timeout_in_seconds_or_timedelta(
    user: Any, clock: Any, settings: Any, timeout: object
) -> None:
    settings.TOKENAPI_TIMEOUT = timeout
    token = token_generator.make_token(user)
    clock.shift(3600)
    assert token_generator.check_token(user, token) is True
    clock.shift(1)
    assert token_generator.check_token(user, token) is False


def test_token_timeout_days(user: Any, clock: Any, settings: Any) -> None:
    settings.TOKEN_TIMEOUT_DAYS = 2
    token = token_generator.make_token(user)
    clock.shift(2 * DAY)
    assert token_generator.check_token(user, token) is True
    clock.shift(1)
    assert token_generator.check_token(user, token) is False


def test_token_timeout_days_zero_means_until_midnight_as_in_2x(
    user: Any, clock: Any, settings: Any
) -> None:
    # 2.1.1 took TOKEN_TIMEOUT_DAYS = 0 as "valid for the rest of the day of issue".
    settings.TOKEN_TIMEOUT_DAYS = 0
    token, expires = token_generator.make_token_with_expiry(user)
    legacy = make_legacy_token(user, legacy_day(NOW.date()))
    midnight = datetime.datetime(2026, 3, 15, tzinfo=datetime.timezone.utc)
    assert expires == midnight - datetime.timedelta(seconds=1)
    clock.move_to(midnight - datetime.timedelta(seconds=1))
    assert token_generator.check_token(user, token) is True
    assert token_generator.check_token(user, legacy) is True
    clock.move_to(midnight)
    assert token_generator.check_token(user, token) is False
    assert token_generator.check_token(user, legacy) is False


def test_tokenapi_timeout_wins_over_token_timeout_days(
    user: Any, clock: Any, settings: Any
) -> None:
    settings.TOKEN_TIMEOUT_DAYS = 30
    settings.TOKENAPI_TIMEOUT = 60
    token = token_generator.make_token(user)
    clock.shift(61)
    assert token_generator.check_token(user, token) is False


def test_lifetime_applies_at_check_time(user: Any, clock: Any, settings: Any) -> None:
    token = token_generator.make_token(user)
    clock.shift(2 * DAY)
    settings.TOKEN_TIMEOUT_DAYS = 1
    assert token_generator.check_token(user, token) is False


def test_make_token_with_expiry(user: Any, clock: Any, settings: Any) -> None:
    settings.TOKENAPI_TIMEOUT = 90
    token, expires = token_generator.make_token_with_expiry(user)
    assert expires == NOW + datetime.timedelta(seconds=90)
    assert expires.utcoffset() == datetime.timedelta(0)
    assert token_generator.check_token(user, token)


# What invalidates a token -----------------------------------------------------------


def test_password_change_kills_tokens(user: Any, token: str) -> None:
    user.set_password("a new password")
    user.save()
    user = get_user_model()._default_manager.get(pk=user.pk)
    assert token_generator.check_token(user, token) is False


def test_setting_the_same_password_again_kills_tokens(user: Any, token: str) -> None:
    # A new salt, a new hash: "change your password" logs every client out.
    user.set_password(PASSWORD)
    user.save()
    assert token_generator.check_token(user, token) is False


def test_last_login_does_not_kill_tokens(user: Any, token: str) -> None:
    from django.utils import timezone

    user.last_login = timezone.now()
    user.save()
    user = get_user_model()._default_manager.get(pk=user.pk)
    assert token_generator.check_token(user, token) is True


# Key rotation ---------------------------------------------------------------------


def test_token_signed_with_a_fallback_key_checks(user: Any, settings: Any) -> None:
    settings.SECRET_KEY = "old-key"
    token = token_generator.make_token(user)
    settings.SECRET_KEY = "new-key"
    settings.SECRET_KEY_FALLBACKS = ["older-key", "old-key"]
    assert token_generator.check_token(user, token) is True
    new_token = token_generator.make_token(user)
    assert new_token != token
    settings.SECRET_KEY_FALLBACKS = []
    assert token_generator.check_token(user, token) is False
    assert token_generator.check_token(user, new_token) is True


def test_token_signed_with_an_unknown_key_fails(user: Any, settings: Any) -> None:
    settings.SECRET_KEY = "someone-else's-key"
    token = token_generator.make_token(user)
    settings.SECRET_KEY = "our-key"
    assert token_generator.check_token(user, token) is False


def test_generator_secret_attributes_override_settings(user: Any) -> None:
    old = TokenGenerator()
    old.secret = "old"
    token = old.make_token(user)
    rotated = TokenGenerator()
    rotated.secret = "new"
    rotated.secret_fallbacks = ["old"]
    assert rotated.check_token(user, token) is True
    assert token_generator.check_token(user, token) is False


# Legacy (2.1.1) tokens ------------------------------------------------------------


def test_legacy_helper_matches_salted_hmac_sha1(user: Any) -> None:
    # The helper is hashlib written out; salted_hmac is what 2.1.1 called.
    from django.utils.crypto import salted_hmac

    day = legacy_day()
    mac = salted_hmac(
        "tokenapi.tokens.PasswordResetTokenGenerator",
        str(user.pk) + user.password + str(day),
        algorithm="sha1",
    ).hexdigest()[::2]
    assert make_legacy_token(user) == f"{int_to_base36(day)}-{mac}"
    assert re.fullmatch(r"[0-9a-z]{3}-[0-9a-f]{20}", make_legacy_token(user))


def test_legacy_token_checks(user: Any) -> None:
    assert token_generator.check_token(user, make_legacy_token(user)) is True


def test_legacy_token_of_another_user_fails(user: Any) -> None:
    assert token_generator.check_token(make_user("bob"), make_legacy_token(user)) is False


def test_legacy_token_with_wrong_mac_fails(user: Any) -> None:
    token = make_legacy_token(user)
    flipped = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert token_generator.check_token(user, flipped) is False


def test_legacy_token_dies_with_the_password(user: Any) -> None:
    token = make_legacy_token(user)
    user.set_password("a new password")
    user.save()
    assert token_generator.check_token(user, token) is False


def test_legacy_token_refused_when_disabled(user: Any, settings: Any) -> None:
    settings.TOKENAPI_ACCEPT_LEGACY_TOKENS = False
    assert token_generator.check_token(user, make_legacy_token(user)) is False


def test_legacy_token_lives_timeout_days_inclusive(user: Any, settings: Any) -> None:
    # 2.1.1 refused a token only when today - day > TOKEN_TIMEOUT_DAYS.
    settings.TOKEN_TIMEOUT_DAYS = 3
    with time_machine.travel(NOW, tick=False):
        token = make_legacy_token(user)
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        assert token_generator.check_token(user, token) is True
    with time_machine.travel(NOW + datetime.timedelta(days=4), tick=False):
        assert token_generator.check_token(user, token) is False


def test_legacy_lifetime_is_whole_days_of_tokenapi_timeout(user: Any, settings: Any) -> None:
    settings.TOKENAPI_TIMEOUT = datetime.timedelta(days=1, hours=23)  # 1 whole day
    with time_machine.travel(NOW, tick=False):
        token = make_legacy_token(user)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert token_generator.check_token(user, token) is True
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        assert token_generator.check_token(user, token) is False


def test_legacy_token_dated_in_the_future_fails(user: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        token = make_legacy_token(user, day=legacy_day() + 1)
        assert token_generator.check_token(user, token) is False


def test_legacy_token_signed_with_a_fallback_key_checks(user: Any, settings: Any) -> None:
    token = make_legacy_token(user, secret="old-key")
    assert token_generator.check_token(user, token) is False
    settings.SECRET_KEY_FALLBACKS = ["old-key"]
    assert token_generator.check_token(user, token) is True


def test_new_tokens_are_never_legacy(user: Any, settings: Any) -> None:
    settings.TOKENAPI_ACCEPT_LEGACY_TOKENS = True
    assert len(token_generator.make_token(user).split("-", 1)[1]) == 43


# The hook -------------------------------------------------------------------------


class PerUserKeyGenerator(TokenGenerator):
    """Mixes in per-user state: changing it logs the user out everywhere."""

    keys: ClassVar[dict[object, str]] = {}

    def get_hash_value(self, user: Any, timestamp: int) -> str:
        return super().get_hash_value(user, timestamp) + self.keys.get(user.pk, "")


def test_get_hash_value_override_ties_tokens_to_more_state(user: Any) -> None:
    generator = PerUserKeyGenerator()
    generator.keys = {user.pk: "first"}
    token = generator.make_token(user)
    assert generator.check_token(user, token) is True
    assert token_generator.check_token(user, token) is False
    generator.keys = {user.pk: "second"}
    assert generator.check_token(user, token) is False


def test_hash_value_leaves_last_login_out(user: Any) -> None:
    from django.utils import timezone

    before = token_generator.get_hash_value(user, 1)
    user.last_login = timezone.now()
    assert token_generator.get_hash_value(user, 1) == before
    user.password = "something else"
    assert token_generator.get_hash_value(user, 1) != before


# Cost and comparisons -------------------------------------------------------------


class Spy:
    """Wraps a function and counts its calls."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.function(*args, **kwargs)


@pytest.fixture
def hmac_spies(monkeypatch: Any) -> tuple[Spy, Spy]:
    digest = Spy(tokens.hmac.digest)
    compare = Spy(tokens.hmac.compare_digest)
    monkeypatch.setattr(tokens.hmac, "digest", digest)
    monkeypatch.setattr(tokens.hmac, "compare_digest", compare)
    return digest, compare


def test_a_valid_token_costs_one_hmac_compared_in_constant_time(
    user: Any, token: str, hmac_spies: tuple[Spy, Spy]
) -> None:
    digest, compare = hmac_spies
    assert token_generator.check_token(user, token)
    assert (digest.calls, compare.calls) == (1, 1)


def test_a_stale_token_costs_no_hmac(user: Any, clock: Any, hmac_spies: tuple[Spy, Spy]) -> None:
    token = token_generator.make_token(user)
    digest, _ = hmac_spies
    digest.calls = 0
    clock.shift(8 * DAY)
    assert not token_generator.check_token(user, token)
    assert digest.calls == 0


def test_each_fallback_key_costs_one_more_hmac(
    user: Any, settings: Any, hmac_spies: tuple[Spy, Spy]
) -> None:
    settings.SECRET_KEY_FALLBACKS = ["a", "b"]
    digest, compare = hmac_spies
    token = token_generator.make_token(user)
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert not token_generator.check_token(user, wrong)
    assert compare.calls == 3
    assert digest.calls == 1 + 3  # making the token, then one per key


def test_legacy_tokens_are_compared_in_constant_time(user: Any, monkeypatch: Any) -> None:
    compare = Spy(tokens.constant_time_compare)
    monkeypatch.setattr(tokens, "constant_time_compare", compare)
    assert token_generator.check_token(user, make_legacy_token(user))
    assert compare.calls == 1


@pytest.mark.parametrize(
    ("setting", "dropped"),
    [("SECRET_KEY", True), ("SECRET_KEY_FALLBACKS", True), ("TOKEN_TIMEOUT_DAYS", False)],
)
def test_signing_keys_are_derived_again_when_the_keys_change(setting: str, dropped: bool) -> None:
    token_generator._keys()
    setting_changed.send(sender=None, setting=setting, value=None, enter=True)
    assert (not tokens._settings_keys) is dropped
