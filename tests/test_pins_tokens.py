"""Pins of tokenapi.tokens: the token format, its clock, its lifetime, its keys, legacy tokens."""

from __future__ import annotations

import base64
import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils.crypto import salted_hmac
from django.utils.http import int_to_base36

from tokenapi import tokens
from tokenapi.tokens import PasswordResetTokenGenerator, TokenGenerator, token_generator

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)
WEEK = 7 * 86400


def make_user(login: str = "pin@example.com", password: str = "pin-password"):  # noqa: S107 (test data)
    user_model = get_user_model()
    return user_model._default_manager.create_user(
        **{user_model.USERNAME_FIELD: login, "password": password}
    )


def expected_mac(user, timestamp: int, secret: str = "tests-only-not-secret") -> str:  # noqa: S107 (test data)
    value = f"{user.pk}\x00{user.password}\x00{timestamp}"
    digest = salted_hmac("tokenapi.tokens.TokenGenerator", value, secret, algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def legacy_token(user, day: int, secret: str = "tests-only-not-secret") -> str:  # noqa: S107 (test data)
    """A token exactly as django-tokenapi 2.1.1 made it."""
    mac = salted_hmac(
        "tokenapi.tokens.PasswordResetTokenGenerator",
        f"{user.pk}{user.password}{day}",
        secret=secret,
        algorithm="sha1",
    ).hexdigest()[::2]
    return f"{int_to_base36(day)}-{mac}"


def seconds_now() -> int:
    return int(NOW.timestamp()) - 978307200


def days_now() -> int:
    return (NOW.date() - datetime.date(2001, 1, 1)).days


@time_machine.travel(NOW, tick=False)
def test_clock_counts_seconds_since_2001() -> None:
    assert TokenGenerator()._now() == seconds_now()


@time_machine.travel(NOW, tick=False)
def test_token_is_base36_seconds_then_whole_sha256_mac() -> None:
    user = make_user()
    token = token_generator.make_token(user)
    assert token == f"{int_to_base36(seconds_now())}-{expected_mac(user, seconds_now())}"
    assert len(token.partition("-")[2]) == 43


@time_machine.travel(NOW, tick=False)
def test_expiry_is_issue_time_plus_lifetime_in_utc() -> None:
    user = make_user()
    token, expires = token_generator.make_token_with_expiry(user)
    assert token == token_generator.make_token(user)
    assert expires == NOW.replace(microsecond=0) + datetime.timedelta(days=7)
    assert expires.tzinfo == datetime.timezone.utc
    with override_settings(TOKENAPI_TIMEOUT=90):
        assert token_generator.make_token_with_expiry(user)[1] == NOW + datetime.timedelta(
            seconds=90
        )


def test_hash_value_separates_pk_password_and_time_with_nul() -> None:
    user = make_user()
    assert token_generator.get_hash_value(user, 42) == f"{user.pk}\x00{user.password}\x0042"


@pytest.mark.parametrize(
    ("age", "valid"),
    [(0, True), (1, True), (WEEK - 1, True), (WEEK, True), (WEEK + 1, False), (-1, False)],
    ids=["fresh", "one-second", "almost-expired", "at-the-limit", "expired", "from-the-future"],
)
def test_lifetime_boundaries(age: int, valid: bool) -> None:
    user = make_user()
    with time_machine.travel(NOW, tick=False):
        token = token_generator.make_token(user)
    with time_machine.travel(NOW + datetime.timedelta(seconds=age), tick=False):
        assert token_generator.check_token(user, token) is valid


def test_lifetime_follows_settings() -> None:
    user = make_user()
    with time_machine.travel(NOW, tick=False):
        token = token_generator.make_token(user)
    with time_machine.travel(NOW + datetime.timedelta(seconds=61), tick=False):
        with override_settings(TOKENAPI_TIMEOUT=60):
            assert not token_generator.check_token(user, token)
        with override_settings(TOKENAPI_TIMEOUT=61):
            assert token_generator.check_token(user, token)


@pytest.mark.parametrize(
    "token",
    [
        None,
        b"1-abc",
        42,
        "",
        "-",
        "no-dash-here",
        "ABC-" + "a" * 43,
        "+1-" + "a" * 43,
        "1_0-" + "a" * 43,
        " 1-" + "a" * 43,
        "1" * 14 + "-" + "a" * 43,
        "é-" + "a" * 43,
        "1-" + "a" * 42,
        "1-" + "a" * 44,
    ],
    ids=[
        "none",
        "bytes",
        "int",
        "empty",
        "dash-only",
        "not-base36",
        "capitals",
        "plus-sign",
        "underscore",
        "space",
        "14-digit-time",
        "non-ascii",
        "short-mac",
        "long-mac",
    ],
)
def test_malformed_tokens_fail(token: object) -> None:
    assert not token_generator.check_token(make_user(), token)


def test_no_user_fails() -> None:
    token = token_generator.make_token(make_user())
    assert not token_generator.check_token(None, token)


def test_thirteen_digit_timestamp_is_read_then_refused_as_future() -> None:
    user = make_user()
    timestamp = 36**13 - 1
    token = f"{int_to_base36(timestamp)}-{expected_mac(user, timestamp)}"
    assert not token_generator.check_token(user, token)


def test_mac_must_match_exactly() -> None:
    user = make_user()
    token = token_generator.make_token(user)
    stamp, _, mac = token.partition("-")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    assert token_generator.check_token(user, token)
    assert not token_generator.check_token(user, f"{stamp}-{flipped}")
    assert not token_generator.check_token(user, f"{int_to_base36(int(stamp, 36) - 1)}-{mac}")


def test_password_change_voids_token_and_login_does_not() -> None:
    user = make_user()
    token = token_generator.make_token(user)
    user.last_login = NOW
    user.save()
    assert token_generator.check_token(user, token)
    user.set_password("another-password")
    user.save()
    assert not token_generator.check_token(user, token)


def test_token_belongs_to_its_user() -> None:
    first, second = make_user("one@example.com"), make_user("two@example.com")
    assert not token_generator.check_token(second, token_generator.make_token(first))


def test_signed_with_secret_key_and_verified_with_fallbacks() -> None:
    user = make_user()
    with override_settings(SECRET_KEY="old-key"):
        old_token = token_generator.make_token(user)
    with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=["other", "old-key"]):
        new_token = token_generator.make_token(user)
        assert token_generator.check_token(user, old_token)
        assert token_generator.check_token(user, new_token)
    with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=[]):
        assert not token_generator.check_token(user, old_token)
    assert new_token.partition("-")[2] == expected_mac(
        user, int(new_token.partition("-")[0], 36), secret="new-key"
    )


def test_generator_attributes_override_settings() -> None:
    user = make_user()
    generator = TokenGenerator()
    generator.secret = "own-secret"
    generator.secret_fallbacks = ["own-old-secret"]
    token = generator.make_token(user)
    assert not token_generator.check_token(user, token)
    assert generator.check_token(user, token)
    old = TokenGenerator()
    old.secret = "own-old-secret"
    assert generator.check_token(user, old.make_token(user))
    other = TokenGenerator()
    other.key_salt = "another-salt"
    other.secret = "own-secret"
    assert not other.check_token(user, token)


def test_hash_value_hook_is_what_is_signed() -> None:
    class PerUserKey(TokenGenerator):
        key = "a"

        def get_hash_value(self, user, timestamp: int) -> str:
            return super().get_hash_value(user, timestamp) + self.key

    user = make_user()
    generator = PerUserKey()
    token = generator.make_token(user)
    assert generator.check_token(user, token)
    generator.key = "b"
    assert not generator.check_token(user, token)


def test_legacy_class_name_is_kept() -> None:
    assert PasswordResetTokenGenerator is TokenGenerator


@pytest.mark.parametrize(
    ("age_days", "valid"),
    [(0, True), (1, True), (7, True), (8, False), (-1, False)],
    ids=["today", "yesterday", "at-the-limit", "expired", "from-the-future"],
)
def test_legacy_tokens_verify_for_their_lifetime(age_days: int, valid: bool) -> None:
    user = make_user()
    with time_machine.travel(NOW, tick=False):
        assert token_generator.check_token(user, legacy_token(user, days_now() - age_days)) is valid


@time_machine.travel(NOW, tick=False)
def test_legacy_tokens_use_days_of_the_lifetime() -> None:
    user = make_user()
    token = legacy_token(user, days_now() - 2)
    with override_settings(TOKEN_TIMEOUT_DAYS=1):
        assert not token_generator.check_token(user, token)
    with override_settings(TOKEN_TIMEOUT_DAYS=2):
        assert token_generator.check_token(user, token)


@time_machine.travel(NOW, tick=False)
def test_legacy_tokens_can_be_refused() -> None:
    user = make_user()
    token = legacy_token(user, days_now())
    with override_settings(TOKENAPI_ACCEPT_LEGACY_TOKENS=False):
        assert not token_generator.check_token(user, token)


@time_machine.travel(NOW, tick=False)
def test_legacy_tokens_verify_with_fallback_keys_only_when_signed_so() -> None:
    user = make_user()
    token = legacy_token(user, days_now(), secret="old-key")
    assert not token_generator.check_token(user, token)
    with override_settings(SECRET_KEY_FALLBACKS=["old-key"]):
        assert token_generator.check_token(user, token)


@time_machine.travel(NOW, tick=False)
def test_legacy_token_of_another_user_or_password_fails() -> None:
    user, other = make_user("one@example.com"), make_user("two@example.com")
    token = legacy_token(user, days_now())
    assert not token_generator.check_token(other, token)
    user.set_password("changed")
    assert not token_generator.check_token(user, token)
    mac = token.partition("-")[2]
    assert not token_generator.check_token(user, f"{int_to_base36(days_now())}-{mac[::-1]}")


def test_key_derivation_is_cached_per_salt_secret_and_algorithm() -> None:
    assert tokens._derive_key("s", "k", "sha256") == tokens._derive_key("s", "k", "sha256")
    assert tokens._derive_key("s", "k", "sha256") != tokens._derive_key("s", "k2", "sha256")
    assert tokens._derive_key("s", "k", "sha256") != tokens._derive_key("t", "k", "sha256")


def other_spellings(stamp: str) -> list[str]:
    """Spellings that int(..., 36) reads as the same timestamp."""
    return [
        "0" + stamp,
        "00" + stamp,
        stamp.upper(),
        "+" + stamp,
        " " + stamp,
        stamp[0] + "_" + stamp[1:],
    ]


@time_machine.travel(NOW, tick=False)
def test_a_token_has_one_spelling() -> None:
    # The MAC signs the timestamp's value: another spelling of it must not pass.
    user = make_user()
    token = token_generator.make_token(user)
    stamp, _, mac = token.partition("-")
    assert token_generator.check_token(user, token)
    for spelling in other_spellings(stamp):
        assert int(spelling.replace("_", ""), 36) == int(stamp, 36)
        assert not token_generator.check_token(user, f"{spelling}-{mac}"), spelling


@time_machine.travel(NOW, tick=False)
def test_a_legacy_token_has_one_spelling() -> None:
    user = make_user()
    stamp, _, mac = legacy_token(user, days_now()).partition("-")
    assert token_generator.check_token(user, f"{stamp}-{mac}")
    for spelling in other_spellings(stamp):
        assert not token_generator.check_token(user, f"{spelling}-{mac}"), spelling


def test_empty_timestamp_fails_without_raising() -> None:
    assert not token_generator.check_token(make_user(), "-" + "a" * 43)
    assert not token_generator.check_token(make_user("two@example.com"), "-" + "a" * 20)


class FixedClock(TokenGenerator):
    def __init__(self, now: int) -> None:
        self.now = now

    def _now(self) -> int:
        return self.now


@pytest.mark.parametrize(
    "now",
    [0, 5, 35, 36, 36**12 - 1, 36**12, 36**13 - 1],
    ids=[
        "epoch",
        "one-digit",
        "largest-one-digit",
        "two-digits",
        "12-digits",
        "13-digits",
        "largest",
    ],
)
def test_timestamps_of_every_length_verify(now: int) -> None:
    user = make_user()
    generator = FixedClock(now)
    token = generator.make_token(user)
    assert token.partition("-")[0] == int_to_base36(now)
    assert generator.check_token(user, token)


def test_tokens_verify_without_a_fallbacks_setting(settings) -> None:
    user = make_user()
    token = token_generator.make_token(user)
    del settings.SECRET_KEY_FALLBACKS
    assert token_generator.check_token(user, token)
    with time_machine.travel(NOW, tick=False):
        assert token_generator.check_token(user, legacy_token(user, days_now()))
