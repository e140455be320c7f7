"""A session per login, and the per-user value stateless tokens sign while the app is on.

Ending a session is one ``UPDATE``; its row stays (the admin shows it) until
``manage.py tokenapi_clearsessions`` deletes it.
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, router, transaction
from django.utils import timezone

from tokenapi import conf
from tokenapi.tokens import EPOCH, TokenGenerator

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

MAX_DEVICE_LENGTH = 128

if not apps.is_installed("tokenapi.sessions"):  # pragma: no cover (an import-time guard)
    # Django would register these models under the "tokenapi" app, and every user
    # would then look for a token state in a table that does not exist.
    raise RuntimeError("tokenapi.sessions.models needs 'tokenapi.sessions' in INSTALLED_APPS.")


def _new_key() -> str:
    return secrets.token_urlsafe(32)


class Session(models.Model):
    """One login, i.e. one device: its tokens work until it ends."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="tokenapi_sessions"
    )
    # Signed into every token of the session and never shown: a forged or reused
    # session id cannot be given tokens without it (and SECRET_KEY).
    key = models.CharField(max_length=64, default=_new_key, editable=False)
    device = models.CharField(max_length=MAX_DEVICE_LENGTH, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    refreshed = models.DateTimeField(
        default=timezone.now, help_text="When its newest token was issued."
    )
    ended = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.device or 'session'} #{self.pk}"

    def max_age_end(self) -> datetime.datetime | None:
        """When ``TOKENAPI_SESSION_MAX_AGE`` ends the session, if it is set."""
        max_age = conf.get().session_max_age
        return None if max_age is None else self.created + datetime.timedelta(seconds=max_age)

    def expires(self, generator: TokenGenerator) -> datetime.datetime:
        """When its newest token, and so the session, stops working unless refreshed."""
        return self.cap(generator.expiry(int(self.refreshed.timestamp()) - EPOCH))

    def cap(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment``, or the session's maximum age's end if that comes first."""
        end = self.max_age_end()
        return moment if end is None else min(moment, end)

    def is_open(self) -> bool:
        """Not ended, nor past its maximum age (its tokens' own ages are checked apart)."""
        if self.ended is not None:
            return False
        end = self.max_age_end()
        return end is None or timezone.now() < end


class TokenState(models.Model):
    """What a user's stateless tokens sign instead of the current password hash.

    Made when Django re-hashes the password at login (it keeps the old hash,
    so no token dies of an upgrade) and by "log out everywhere" (a random
    value, so every earlier token dies). A real password change deletes it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        primary_key=True,
        related_name="tokenapi_state",
    )
    signed_password = models.CharField(max_length=128)

    def __str__(self) -> str:
        return f"token state of user {self.user_id}"


# What ends sessions ------------------------------------------------------------


def open_session(user: AbstractBaseUser, device: str = "") -> Session:
    """Start a session for ``user`` (a login)."""
    session: Session = Session.objects.create(user=user, device=device)
    return session


def issue_session_token(
    generator: TokenGenerator, user: AbstractBaseUser, session: Session
) -> tuple[str, datetime.datetime]:
    """A new token of ``session`` and when it expires: never after the session's end."""
    timestamp = generator._now()
    token = generator.make_session_token(user, session, timestamp)
    return token, session.cap(generator.expiry(timestamp))


def refresh_session(session: Session) -> bool:
    """Record a new token of ``session``; ``False`` if the session has ended meanwhile.

    One conditional ``UPDATE``: a refresh racing a logout never reopens the session.
    """
    now = timezone.now()
    sessions = Session.objects.filter(pk=session.pk, ended__isnull=True)
    max_age = conf.get().session_max_age
    if max_age is not None:
        sessions = sessions.filter(created__gt=now - datetime.timedelta(seconds=max_age))
    return bool(sessions.update(refreshed=now))


def end_sessions(user: AbstractBaseUser, session_ids: list[int] | None = None) -> int:
    """End ``user``'s open sessions (only those of ``session_ids`` if given); return how many."""
    sessions = Session.objects.filter(user=user, ended__isnull=True)
    if session_ids is not None:
        sessions = sessions.filter(pk__in=session_ids)
    ended: int = sessions.update(ended=timezone.now())
    return ended


def logout_everywhere(user: AbstractBaseUser) -> None:
    """End every token of ``user``: their sessions, stateless and 2.x tokens.

    Call it after changing passwords where no signal tells (``QuerySet.update()``,
    raw SQL) or to lock an account out of the API.
    """
    # What every token signs changes first: a login or refresh racing this one
    # mints tokens of the old value, which then no longer verify.
    value = _new_key()
    if not TokenState.objects.filter(user=user).update(signed_password=value):
        try:
            with transaction.atomic(using=router.db_for_write(TokenState)):
                TokenState.objects.create(user=user, signed_password=value)
        except IntegrityError:  # made meanwhile, by another logout or a re-hash
            TokenState.objects.filter(user=user).update(signed_password=value)
    # Writes only, each on its own: SQLite never has to turn a read into a write.
    end_sessions(user)
    state = TokenState(user=user, signed_password=value)  # type: ignore[misc]
    user.tokenapi_state = state  # type: ignore[attr-defined]  # what tokens made now sign


def _dead() -> models.Q:
    """Sessions no token of which can work any more: ended, too old, or not refreshed in time."""
    now = timezone.now()
    settings = conf.get()
    # Until the end of the day of issue, a token lives less than a day (and a DST hour).
    lifetime = settings.timeout if settings.timeout is not None else 25 * 3600
    dead = models.Q(ended__isnull=False)
    dead |= models.Q(refreshed__lte=now - datetime.timedelta(seconds=lifetime))
    if settings.session_max_age is not None:
        dead |= models.Q(created__lte=now - datetime.timedelta(seconds=settings.session_max_age))
    return dead


def live_sessions(user: AbstractBaseUser, generator: TokenGenerator) -> list[Session]:
    """The user's sessions whose tokens can still work, newest first."""
    now = timezone.now()
    sessions = Session.objects.filter(user=user).exclude(_dead()).order_by("-created", "-pk")
    return [session for session in sessions if session.expires(generator) > now]


def clear_sessions() -> int:
    """Delete the rows of sessions that have ended or expired; return how many."""
    count: int = Session.objects.filter(_dead()).delete()[0]
    return count


def session_fields(session: Session, generator: TokenGenerator, current: Any) -> dict[str, Any]:
    """What ``sessions.json`` tells of a session: never its key or a token."""
    return {
        "id": session.pk,
        "device": session.device,
        "created": session.created,
        "expires": session.expires(generator),
        "current": session.pk == getattr(current, "pk", None),
    }
