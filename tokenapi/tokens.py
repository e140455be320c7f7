"""Make and check user tokens: stateless, signed with ``SECRET_KEY``, timestamped.

A token is ``<issue time, base36>-<MAC>``. It stays valid until it is older than
the configured lifetime or the user's password changes. This module knows
nothing of HTTP.

Three formats verify:

* session (``tokenapi.sessions``): ``<session id, base36>.`` before a current
  token whose MAC signs the session's id and random key instead of the password;

* current: seconds since 2001-01-01 UTC, then the whole HMAC-SHA256 of
  :meth:`TokenGenerator.get_hash_value` in unpadded URL-safe base64 (43 chars);
* legacy (django-tokenapi 2.x): days since 2001-01-01, then every other hex
  digit of a SHA-1 salted HMAC (20 chars). Checked only, never made.
"""

from __future__ import annotations

import binascii
import datetime
import functools
import hashlib
import hmac
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import int_to_base36

from tokenapi import conf

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

EPOCH = 978307200  # 2001-01-01T00:00:00Z as a Unix time, Django's token epoch.
LEGACY_EPOCH = datetime.date(2001, 1, 1)
LEGACY_KEY_SALT = "tokenapi.tokens.PasswordResetTokenGenerator"
LEGACY_MAC_LENGTH = 20
MAC_LENGTH = 43  # len(base64 of 32 bytes) without its "=" padding
# base36 of 13 digits is more than any 64-bit time; Django's base36_to_int has the same bound.
MAX_TIMESTAMP_DIGITS = 13
SESSION_KEY_SALT = "tokenapi.sessions.Session"
SESSION_SEPARATOR = "."
MAX_SESSION_ID = 2**63 - 1  # a BigAutoField's range on every database


@functools.lru_cache(maxsize=16)
def _derive_key(key_salt: str, secret: str | bytes, algorithm: str) -> bytes:
    # The key salted_hmac() would derive: hashing the secret once per key,
    # instead of on every request, leaves one HMAC per check.
    return hashlib.new(algorithm, force_bytes(key_salt) + force_bytes(secret)).digest()


_URL_SAFE = bytes.maketrans(b"+/", b"-_")

# Keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS, by (key salt, algorithm).
_settings_keys: dict[tuple[str, str], tuple[bytes, ...]] = {}


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in ("SECRET_KEY", "SECRET_KEY_FALLBACKS"):
        _settings_keys.clear()


def _is_base36(text: str) -> bool:
    # int(text, 36) also takes "+", "_", spaces, capitals and leading zeros; a token
    # has one spelling, the one int_to_base36() writes.
    return (
        0 < len(text) <= MAX_TIMESTAMP_DIGITS
        and text.isascii()  # int() reads other scripts' digits too, and fails on "ß"
        and text.isalnum()
        and text == text.lower()
        and (text[0] != "0" or text == "0")
    )


def parse_session_id(token: str) -> int | None:
    """The session id a session token starts with; ``None`` for other tokens and junk."""
    session_b36, separator, _ = token.partition(SESSION_SEPARATOR)
    if not separator or not _is_base36(session_b36):
        return None
    session_id = int(session_b36, 36)
    # Above the range, the query itself would fail on PostgreSQL and MariaDB.
    return session_id if session_id <= MAX_SESSION_ID else None


def signed_password(user: AbstractBaseUser) -> str:
    """The password hash a user's stateless tokens sign.

    With ``tokenapi.sessions``, a user's ``tokenapi_state`` may hold another
    value: the hash their tokens were issued under, kept when Django re-hashes
    the password at login, or a random one after "log out everywhere".
    """
    state = getattr(user, "tokenapi_state", None)
    return user.password if state is None else state.signed_password


class TokenGenerator:
    """Make and check tokens for a user.

    Subclass and override :meth:`get_hash_value` to tie tokens to more user
    state (for example a per-user key rotated on "log out everywhere").
    """

    key_salt = "tokenapi.tokens.TokenGenerator"
    algorithm = "sha256"
    secret: str | bytes | None = None
    """Signing key; ``None`` means ``settings.SECRET_KEY``."""
    secret_fallbacks: list[str | bytes] | None = None
    """Keys that still verify; ``None`` means ``settings.SECRET_KEY_FALLBACKS``."""

    def make_token(self, user: AbstractBaseUser) -> str:
        """Return a new token for ``user``, issued now."""
        return self._make_token_with_timestamp(user, self._now())

    def make_token_with_expiry(self, user: AbstractBaseUser) -> tuple[str, datetime.datetime]:
        """Return a new token for ``user`` and the moment (UTC) it stops being valid."""
        timestamp = self._now()
        return self._make_token_with_timestamp(user, timestamp), self.expiry(timestamp)

    def expiry(self, timestamp: int) -> datetime.datetime:
        """The moment (UTC) a token issued at ``timestamp`` (:meth:`_now`'s clock) expires."""
        expires = EPOCH + timestamp + self._lifetime(timestamp)
        return datetime.datetime.fromtimestamp(expires, tz=datetime.timezone.utc)

    def check_token(self, user: AbstractBaseUser | None, token: object) -> bool:
        """Tell whether ``token`` is a valid, unexpired token of ``user``."""
        if user is None or not isinstance(token, str) or not token.isascii():
            return False
        if not user.password:
            # Users made without set_password() share the empty hash: a deleted
            # user's token would sign for the next such user given the same pk.
            return False
        timestamp_b36, _, mac = token.partition("-")
        if not _is_base36(timestamp_b36):
            return False
        if len(mac) == MAC_LENGTH:
            timestamp = int(timestamp_b36, 36)
            # The timestamp is not secret: reject stale tokens before any HMAC.
            if not 0 <= self._now() - timestamp <= self._lifetime(timestamp):
                return False
            value = self.get_hash_value(user, timestamp).encode()
            for key in self._keys():
                if hmac.compare_digest(self._mac(key, value), mac.encode()):
                    return True
            return False
        if len(mac) == LEGACY_MAC_LENGTH and conf.get().accept_legacy_tokens:
            return self._check_legacy_token(user, token, int(timestamp_b36, 36))
        return False

    def get_hash_value(self, user: AbstractBaseUser, timestamp: int) -> str:
        """Return the user state a token signs; a change to it voids the user's tokens.

        The password hash changes with the password; ``last_login`` is left out
        on purpose so that logging in elsewhere keeps tokens valid. NUL bytes
        separate the parts so that no two (pk, timestamp) pairs read alike.
        """
        return f"{user.pk}\x00{signed_password(user)}\x00{timestamp}"

    # Session tokens (tokenapi.sessions) ----------------------------------------

    def make_session_token(self, user: AbstractBaseUser, session: Any, timestamp: int) -> str:
        """Return a token of ``session`` (its ``pk`` and secret ``key``) issued at ``timestamp``."""
        value = self.get_session_hash_value(user, session, timestamp).encode()
        mac = self._mac(self._keys(SESSION_KEY_SALT)[0], value).decode()
        return f"{int_to_base36(session.pk)}{SESSION_SEPARATOR}{int_to_base36(timestamp)}-{mac}"

    def check_session_token(self, user: AbstractBaseUser, session: Any, token: str) -> bool:
        """Tell whether ``token`` is an unexpired token of ``session``, which is ``user``'s.

        Whether the session itself still lives is the caller's question.
        """
        _, _, rest = token.partition(SESSION_SEPARATOR)
        timestamp_b36, _, mac = rest.partition("-")
        if not _is_base36(timestamp_b36) or len(mac) != MAC_LENGTH:
            return False
        timestamp = int(timestamp_b36, 36)
        if not 0 <= self._now() - timestamp <= self._lifetime(timestamp):
            return False
        value = self.get_session_hash_value(user, session, timestamp).encode()
        for key in self._keys(SESSION_KEY_SALT):
            if hmac.compare_digest(self._mac(key, value), mac.encode()):
                return True
        return False

    def get_session_hash_value(self, user: AbstractBaseUser, session: Any, timestamp: int) -> str:
        """Return what a session token signs: the user, the session and its random key.

        The key never leaves the database: a session id reused after its row
        is deleted names a new key, so the old session's tokens stay dead.
        Like stateless tokens, they sign ``signed_password(user)`` too: a
        session opened by a login or a refresh that raced a password change or
        "log out everywhere" holds tokens of what they replaced, which no
        longer verify. Its own key salt keeps these MACs apart from stateless ones.
        """
        password = signed_password(user)
        return f"{user.pk}\x00{session.pk}\x00{session.key}\x00{password}\x00{timestamp}"

    def _lifetime(self, timestamp: int) -> int:
        """Seconds a token issued at ``timestamp`` stays valid."""
        timeout = conf.get().timeout
        if timeout is not None:
            return timeout
        # As in 2.x, until the end of the (local) day of issue.
        issued = datetime.datetime.fromtimestamp(timestamp + EPOCH)
        midnight = datetime.datetime.combine(
            issued.date() + datetime.timedelta(days=1), datetime.time()
        )
        return int(midnight.timestamp()) - 1 - EPOCH - timestamp

    def _now(self) -> int:
        """Seconds since 2001-01-01 UTC: the one clock of the current format."""
        return int(time.time()) - EPOCH

    def _secrets(self) -> list[str | bytes]:
        """The signing key first, then the keys that still verify."""
        secret = settings.SECRET_KEY if self.secret is None else self.secret
        fallbacks = (
            getattr(settings, "SECRET_KEY_FALLBACKS", [])
            if self.secret_fallbacks is None
            else self.secret_fallbacks
        )
        return [secret, *fallbacks]

    def _keys(self, key_salt: str | None = None) -> tuple[bytes, ...]:
        """The derived keys of :meth:`_secrets`, the signing key first."""
        key_salt = key_salt or self.key_salt
        if self.secret is not None or self.secret_fallbacks is not None:
            return tuple(_derive_key(key_salt, s, self.algorithm) for s in self._secrets())
        # From settings: derived once, dropped when SECRET_KEY* change,
        # so that a check reads no setting and builds no list.
        cache_key = (key_salt, self.algorithm)
        keys = _settings_keys.get(cache_key)
        if keys is None:
            keys = tuple(_derive_key(key_salt, s, self.algorithm) for s in self._secrets())
            _settings_keys[cache_key] = keys
        return keys

    def _mac(self, key: bytes, value: bytes) -> bytes:
        digest = hmac.digest(key, value, self.algorithm)
        # base64.urlsafe_b64encode(), without its two layers of Python calls.
        return binascii.b2a_base64(digest, newline=False).translate(_URL_SAFE).rstrip(b"=")

    def _make_token_with_timestamp(self, user: AbstractBaseUser, timestamp: int) -> str:
        value = self.get_hash_value(user, timestamp).encode()
        mac = self._mac(self._keys()[0], value).decode()
        return f"{int_to_base36(timestamp)}-{mac}"

    # django-tokenapi 2.x tokens ------------------------------------------------

    def _check_legacy_token(self, user: AbstractBaseUser, token: str, day: int) -> bool:
        if not self._legacy_day_is_live(day):
            return False
        value = f"{user.pk}{signed_password(user)}{day}"
        for key in self._secrets():
            mac = salted_hmac(LEGACY_KEY_SALT, value, secret=key, algorithm="sha1")
            if constant_time_compare(f"{int_to_base36(day)}-{mac.hexdigest()[::2]}", token):
                return True
        return False

    def _legacy_day_is_live(self, day: int) -> bool:
        # 2.x counted local calendar days; unlike 2.x, a token dated in the future is refused.
        now = self._now() + EPOCH
        today = (datetime.date.fromtimestamp(now) - LEGACY_EPOCH).days
        if not 0 <= today - day <= conf.MAX_TIMEOUT // 86400:  # keeps the dates below in range
            return False
        settings = conf.get()
        if settings.timeout_days is not None:
            # A lifetime in days: as in 2.x, an age equal to the limit still passes.
            return today - day <= settings.timeout_days
        # A lifetime in seconds: the token was issued at some time of its day, so only
        # the day's first second proves it young enough.
        issue_day = LEGACY_EPOCH + datetime.timedelta(days=day)
        start_of_day = datetime.datetime.combine(issue_day, datetime.time()).timestamp()
        assert settings.timeout is not None  # TOKENAPI_TIMEOUT is always a number of seconds
        return now - start_of_day <= settings.timeout


token_generator = TokenGenerator()

# The 2.x class name, kept so that imports of it keep working.
PasswordResetTokenGenerator = TokenGenerator
