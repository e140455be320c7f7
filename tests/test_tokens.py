"""tokenapi.tokens: format, lifetime, invalidation, key rotation, legacy tokens, hook, cost."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re
from typing import Any, ClassVar
from unittest import mock

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.signals import setting_changed
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import int_to_base36

from tests.helpers import PASSWORD, legacy_day, make_legacy_token, make_user
from tokenapi import tokens
from tokenapi.tokens import PasswordResetTokenGenerator, TokenGenerator, token_generator

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 14, 15, 9, 26, tzinfo=datetime.timezone.utc)
# Seconds from 2001-01-01 UTC to NOW: the timestamp of a token made at NOW.
SECONDS = int((NOW - datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)).total_seconds())
DAY = 86400
WEEK = 7 * DAY
KINDS = ["current", "legacy"]


def expected_token(user: Any, timestamp: int, secret: str | None = None) -> str:
    """The current format written out with hashlib, so that it pins the algorithm.

    HMAC-SHA256 keyed with ``sha256(key_salt + SECRET_KEY)`` (as ``salted_hmac`` derives
    it) over ``pk NUL password NUL timestamp``, unpadded URL-safe base64.
    """
    salted_secret = "tokenapi.tokens.TokenGenerator" + (secret or django_settings.SECRET_KEY)
    key = hashlib.sha256(salted_secret.encode()).digest()
    value = f"{user.pk}\x00{user.password}\x00{timestamp}".encode()
    mac = base64.urlsafe_b64encode(hmac.new(key, value, hashlib.sha256).digest()).rstrip(b"=")
    return f"{int_to_base36(timestamp)}-{mac.decode()}"


def mint(kind: str, user: Any) -> str:
    """A token of ``user`` made now: by this app, or as django-tokenapi 2.1.1 made them."""
    return token_generator.make_token(user) if kind == "current" else make_legacy_token(user)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# Format ---------------------------------------------------------------------------


def test_token_is_base36_seconds_since_2001_then_hmac_sha256(
    user: Any, clock: Any, settings: Any
) -> None:
    settings.SECRET_KEY_FALLBACKS = ["old-key"]  # fallbacks verify, they never sign
    token = token_generator.make_token(user)
    assert token == expected_token(user, SECONDS)
    assert re.fullmatch(r"[0-9a-z]+-[A-Za-z0-9_-]{43}", token)  # URL-safe, all 256 bits


class FixedClock(TokenGenerator):
    def __init__(self, now: int) -> None:
        self.now = now

    def _now(self) -> int:
        return self.now


@pytest.mark.parametrize(
    "now",
    [0, 5, 35, 36, 36**12 - 1, 36**12, 36**13 - 1],
    ids=["epoch", "one-digit", "largest-one-digit", "two-digits", "12-digits", "13-digits", "max"],
)
def test_timestamps_of_every_length_are_signed_and_verify(user: Any, now: int) -> None:
    generator = FixedClock(now)
    token = generator.make_token(user)
    assert token == expected_token(user, now)
    assert generator.check_token(user, token) is True


def test_make_token_with_expiry_gives_the_utc_moment_it_stops_verifying(
    user: Any, clock: Any, settings: Any
) -> None:
    token, expires = token_generator.make_token_with_expiry(user)
    assert token == token_generator.make_token(user)
    assert expires == NOW + datetime.timedelta(days=7)
    assert expires.tzinfo == datetime.timezone.utc
    settings.TOKENAPI_TIMEOUT = 90
    assert token_generator.make_token_with_expiry(user)[1] == NOW + datetime.timedelta(seconds=90)


def test_legacy_class_name_is_kept() -> None:
    assert PasswordResetTokenGenerator is TokenGenerator
    assert isinstance(token_generator, TokenGenerator)


# Checking -------------------------------------------------------------------------


def on_timestamp(change: Any) -> Any:
    """Mangle a token's timestamp, keeping its MAC."""
    return lambda token: change(token.partition("-")[0]) + "-" + token.partition("-")[2]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda t: None, id="none"),
        pytest.param(lambda t: 123, id="int"),
        pytest.param(lambda t: t.encode(), id="bytes"),
        pytest.param(lambda t: [t], id="list"),
        pytest.param(lambda t: "", id="empty"),
        pytest.param(lambda t: "-", id="dash-only"),
        pytest.param(lambda t: t.replace("-", "", 1), id="no-dash"),
        pytest.param(lambda t: t.partition("-")[2], id="mac-only"),
        pytest.param(lambda t: t[:-1], id="mac-truncated"),
        pytest.param(lambda t: t + "0", id="mac-extended"),
        pytest.param(lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"), id="mac-last-char"),
        pytest.param(lambda t: t[:-1] + "\x00", id="mac-nul"),
        pytest.param(on_timestamp(lambda s: ""), id="empty-timestamp"),
        pytest.param(on_timestamp(lambda s: int_to_base36(int(s, 36) - 1)), id="another-time"),
        pytest.param(on_timestamp(lambda s: "z" * 14), id="14-digit-timestamp"),
        pytest.param(on_timestamp(lambda s: "\u00e9" + s), id="non-ascii-timestamp"),
        # Spellings int(..., 36) reads as the same time: the MAC signs the value, so a
        # token must have the one spelling int_to_base36() writes.
        pytest.param(on_timestamp(lambda s: "0" + s), id="leading-zero"),
        pytest.param(on_timestamp(lambda s: "00" + s), id="leading-zeros"),
        pytest.param(on_timestamp(str.upper), id="capitals"),
        pytest.param(on_timestamp(lambda s: "+" + s), id="plus-sign"),
        pytest.param(on_timestamp(lambda s: " " + s), id="leading-space"),
        pytest.param(on_timestamp(lambda s: s[0] + "_" + s[1:]), id="underscore"),
    ],
)
def test_malformed_or_tampered_token_fails(user: Any, clock: Any, kind: str, mangle: Any) -> None:
    assert token_generator.check_token(user, mangle(mint(kind, user))) is False


@pytest.mark.parametrize("kind", KINDS)
def test_token_verifies_for_its_user_only(user: Any, kind: str) -> None:
    token = mint(kind, user)
    assert token_generator.check_token(user, token) is True
    assert token_generator.check_token(make_user("bob"), token) is False
    assert token_generator.check_token(None, token) is False


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("change", "valid"),
    [
        pytest.param(lambda u: u.set_password("a new password"), False, id="new-password"),
        # A new salt, a new hash: "change your password" logs every client out.
        pytest.param(lambda u: u.set_password(PASSWORD), False, id="same-password-again"),
        pytest.param(lambda u: setattr(u, "last_login", timezone.now()), True, id="login"),
    ],
)
def test_password_changes_void_tokens_and_logins_do_not(
    user: Any, kind: str, change: Any, valid: bool
) -> None:
    token = mint(kind, user)
    change(user)
    user.save()
    user = get_user_model()._default_manager.get(pk=user.pk)
    assert token_generator.check_token(user, token) is valid


# Lifetime -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "lifetime"),
    [
        pytest.param({}, WEEK, id="default-week"),
        pytest.param({"TOKEN_TIMEOUT_DAYS": 2}, 2 * DAY, id="token-timeout-days"),
        pytest.param({"TOKENAPI_TIMEOUT": 3600}, 3600, id="seconds"),
    ],
)
def test_token_lives_its_lifetime_to_the_second(
    user: Any, clock: Any, settings: Any, overrides: dict[str, object], lifetime: int
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    token = token_generator.make_token(user)
    ages = [(0, True), (1, True), (lifetime - 1, True), (lifetime, True), (lifetime + 1, False)]
    for age, valid in [*ages, (-1, False)]:  # -1: dated in the future
        clock.move_to(NOW + datetime.timedelta(seconds=age))
        assert token_generator.check_token(user, token) is valid, age


def test_lifetime_is_read_when_checking(user: Any, clock: Any, settings: Any) -> None:
    token = token_generator.make_token(user)
    clock.shift(61)
    settings.TOKENAPI_TIMEOUT = 60
    assert token_generator.check_token(user, token) is False
    settings.TOKENAPI_TIMEOUT = 61
    assert token_generator.check_token(user, token) is True


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


@pytest.mark.parametrize(
    ("overrides", "days"),
    [
        pytest.param({}, 7, id="default-week"),
        pytest.param({"TOKEN_TIMEOUT_DAYS": 3}, 3, id="token-timeout-days"),
    ],
)
def test_legacy_token_lives_its_lifetime_in_whole_days_inclusive(
    user: Any, clock: Any, settings: Any, overrides: dict[str, object], days: int
) -> None:
    # 2.1.1 refused a token only when today - day > TOKEN_TIMEOUT_DAYS; unlike 2.1.1,
    # a token dated in the future (age -1) is refused.
    for name, value in overrides.items():
        setattr(settings, name, value)
    for age, valid in [(0, True), (1, True), (days, True), (days + 1, False), (-1, False)]:
        token = make_legacy_token(user, legacy_day(NOW.date()) - age)
        assert token_generator.check_token(user, token) is valid, age


def test_a_legacy_token_may_live_a_century_the_longest_lifetime(
    user: Any, clock: Any, settings: Any
) -> None:
    settings.TOKEN_TIMEOUT_DAYS = 36525
    clock.move_to(datetime.datetime(2150, 1, 1, 12, tzinfo=datetime.timezone.utc))
    today = legacy_day(datetime.date(2150, 1, 1))
    assert token_generator.check_token(user, make_legacy_token(user, today - 36525)) is True
    assert token_generator.check_token(user, make_legacy_token(user, today - 36526)) is False


@pytest.mark.parametrize(
    ("lifetime", "day_age", "valid_until"),
    [
        # Issued on NOW's day: only its first second is sure, so it lives an hour from it,
        # not until 23:59:59 as 2.1.1's day count (0 <= 0) would have it.
        pytest.param(3600, 0, "01:00:00", id="hour-today"),
        pytest.param(3600, 1, None, id="hour-yesterday"),
        pytest.param(47 * 3600, 1, "23:00:00", id="47-hours-yesterday"),
        pytest.param(47 * 3600, 2, None, id="47-hours-two-days-ago"),
    ],
)
def test_legacy_token_under_a_lifetime_in_seconds_lives_only_what_its_day_proves(
    user: Any, clock: Any, settings: Any, lifetime: int, day_age: int, valid_until: str | None
) -> None:
    settings.TOKENAPI_TIMEOUT = lifetime
    day = NOW.date() - datetime.timedelta(days=day_age)
    token = make_legacy_token(user, legacy_day(day))
    if valid_until is None:
        assert token_generator.check_token(user, token) is False
        return
    last = datetime.datetime.combine(
        NOW.date(), datetime.time.fromisoformat(valid_until), tzinfo=datetime.timezone.utc
    )
    for moment, valid in [(last, True), (last + datetime.timedelta(seconds=1), False)]:
        clock.move_to(moment)
        assert token_generator.check_token(user, token) is valid, moment


@pytest.mark.parametrize("kind", KINDS)
def test_users_without_a_password_hash_have_no_valid_token(user: Any, kind: str) -> None:
    # Made without set_password(), every such user has the same empty hash: a deleted
    # user's token would sign for the next one given the same primary key.
    user.password = ""
    token = mint(kind, user)
    assert token_generator.check_token(user, token) is False
    user.set_unusable_password()  # a random hash per user: tokens work, as for any user
    assert token_generator.check_token(user, mint(kind, user)) is True


# Legacy (2.1.1) tokens ------------------------------------------------------------


def test_legacy_helper_is_2_1_1s_salted_hmac_sha1(user: Any) -> None:
    # make_legacy_token is hashlib written out; salted_hmac is what 2.1.1 called.
    day = legacy_day()
    mac = salted_hmac(
        "tokenapi.tokens.PasswordResetTokenGenerator",
        str(user.pk) + user.password + str(day),
        algorithm="sha1",
    ).hexdigest()[::2]
    assert make_legacy_token(user) == f"{int_to_base36(day)}-{mac}"
    assert re.fullmatch(r"[0-9a-z]{3}-[0-9a-f]{20}", make_legacy_token(user))


def test_legacy_tokens_can_be_refused(user: Any, settings: Any) -> None:
    settings.TOKENAPI_ACCEPT_LEGACY_TOKENS = False
    assert token_generator.check_token(user, make_legacy_token(user)) is False
    assert token_generator.check_token(user, token_generator.make_token(user)) is True


# Key rotation ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("signed_with", "fallbacks", "valid"),
    [
        pytest.param("new-key", [], True, id="secret-key"),
        pytest.param("old-key", ["older-key", "old-key"], True, id="a-fallback"),
        pytest.param("old-key", [], False, id="a-dropped-key"),
        pytest.param("someone-else's", ["old-key"], False, id="an-unknown-key"),
        pytest.param("new-key", None, True, id="no-fallbacks-setting"),
    ],
)
def test_token_verifies_with_secret_key_and_its_fallbacks(
    user: Any, settings: Any, kind: str, signed_with: str, fallbacks: list[str] | None, valid: bool
) -> None:
    settings.SECRET_KEY = signed_with
    token = mint(kind, user)
    settings.SECRET_KEY = "new-key"
    if fallbacks is None:
        del settings.SECRET_KEY_FALLBACKS
    else:
        settings.SECRET_KEY_FALLBACKS = fallbacks
    assert token_generator.check_token(user, token) is valid


def test_generator_attributes_override_the_settings(user: Any, clock: Any) -> None:
    old = TokenGenerator()
    old.secret = "old"
    rotated = TokenGenerator()
    rotated.secret = "new"
    rotated.secret_fallbacks = ["old"]
    token, old_token = rotated.make_token(user), old.make_token(user)
    assert token == expected_token(user, SECONDS, secret="new")
    assert old_token == expected_token(user, SECONDS, secret="old")
    assert rotated.check_token(user, old_token) is True
    assert old.check_token(user, token) is False
    assert token_generator.check_token(user, token) is False
    # The settings' keys stay the settings'.
    assert token_generator.make_token(user) == expected_token(user, SECONDS)
    # Another key salt, keys from the settings all the same: other keys.
    salted = TokenGenerator()
    salted.key_salt = "another-salt"
    assert salted.check_token(user, token_generator.make_token(user)) is False


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


# Cost and comparisons -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fallbacks", "change", "hmacs"),
    [
        pytest.param([], None, 1, id="valid"),
        pytest.param(["a", "b"], None, 1, id="valid-fallbacks-unused"),
        pytest.param(["a", "b"], "tampered", 3, id="wrong-one-per-key"),
        pytest.param(["a", "b"], "stale", 0, id="stale-none"),
    ],
)
def test_a_check_costs_one_hmac_per_key_tried_compared_in_constant_time(
    user: Any, clock: Any, settings: Any, fallbacks: list[str], change: str | None, hmacs: int
) -> None:
    settings.SECRET_KEY_FALLBACKS = fallbacks
    token = token_generator.make_token(user)
    if change == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif change == "stale":
        clock.shift(8 * DAY)
    with (
        mock.patch.object(tokens.hmac, "digest", wraps=tokens.hmac.digest) as digest,
        mock.patch.object(
            tokens.hmac, "compare_digest", wraps=tokens.hmac.compare_digest
        ) as compare,
    ):
        assert token_generator.check_token(user, token) is (change is None)
    assert (digest.call_count, compare.call_count) == (hmacs, hmacs)


def test_legacy_tokens_are_compared_in_constant_time(user: Any) -> None:
    with mock.patch.object(
        tokens, "constant_time_compare", wraps=tokens.constant_time_compare
    ) as compare:
        assert token_generator.check_token(user, make_legacy_token(user))
    assert compare.call_count == 1


@pytest.mark.parametrize(
    ("setting", "derived_again"),
    [("SECRET_KEY", True), ("SECRET_KEY_FALLBACKS", True), ("TOKEN_TIMEOUT_DAYS", False)],
)
def test_signing_keys_are_derived_once_and_again_when_the_keys_change(
    setting: str, derived_again: bool
) -> None:
    keys = token_generator._keys()
    assert token_generator._keys() is keys
    setting_changed.send(sender=None, setting=setting, value=None, enter=True)
    assert (token_generator._keys() is not keys) is derived_again


# Session tokens (tokenapi.sessions) ------------------------------------------------------


ARABIC_ONE = "\u0661"


def session_of(user: Any) -> Any:
    from tokenapi.sessions.models import open_session

    return open_session(user, "phone")


def authenticates(user_id: object, token: str) -> bool:
    from tokenapi.backends import TokenBackend

    return TokenBackend().authenticate(None, pk=user_id, token=token) is not None


@pytest.mark.sessions
@time_machine.travel(NOW, tick=False)
def test_a_session_token_is_its_id_then_a_mac_of_user_session_key_password_and_time(
    user: Any,
) -> None:
    session = session_of(user)
    value = f"{user.pk}\x00{session.pk}\x00{session.key}\x00{user.password}\x00{SECONDS}".encode()
    key = hashlib.sha256(f"{tokens.SESSION_KEY_SALT}{django_settings.SECRET_KEY}".encode()).digest()
    mac = base64.urlsafe_b64encode(hmac.digest(key, value, "sha256")).rstrip(b"=").decode()
    token = f"{int_to_base36(session.pk)}.{int_to_base36(SECONDS)}-{mac}"
    assert token_generator.make_session_token(user, session, SECONDS) == token
    assert authenticates(user.pk, token)


@pytest.mark.sessions
def test_a_session_token_authenticates_no_other_session_user_or_shape(user: Any) -> None:
    from tokenapi.sessions.models import Session

    mine, other = session_of(user), session_of(user)
    bob = make_user("bob")
    token = token_generator.make_session_token(user, mine, token_generator._now())
    prefix, _, rest = token.partition(".")
    forged = [
        f"{int_to_base36(other.pk)}.{rest}",  # another session of the same user
        token[:-1],
        token + "A",
        rest,  # without its session: a stateless token it is not
        f"0{prefix}.{rest}",
        f"ß.{rest}",
        f"{int_to_base36(2**63)}.{rest}",  # past every database's range: no query
    ]
    assert authenticates(user.pk, token)
    assert tokens.parse_session_id(f"{ARABIC_ONE}.{rest}") is None  # int() reads it as 1
    assert not authenticates(bob.pk, token)
    assert not any(authenticates(user.pk, forgery) for forgery in forged)
    # A session id used again after its row is gone names a new key.
    Session.objects.filter(pk=mine.pk).delete()
    reborn = Session.objects.create(pk=mine.pk, user=user)
    assert reborn.key != mine.key and not authenticates(user.pk, token)


@pytest.mark.stateless
def test_a_session_token_without_the_app_authenticates_nobody(user: Any) -> None:
    session = mock.Mock(pk=1, key="k")
    token = token_generator.make_session_token(user, session, token_generator._now())
    assert not token_generator.check_token(user, token)
    assert not authenticates(user.pk, token)
