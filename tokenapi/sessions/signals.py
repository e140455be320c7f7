"""What a save of a user means for their tokens: a password change ends them, a re-hash does not.

Django re-hashes a password at login (``check_password``'s setter) when its
hasher's settings changed, for example the PBKDF2 iterations of each new
release. It then saves ``update_fields=["password"]`` with no raw password
pending (``user._password is None``); ``set_password()`` leaves one pending
until the save, whichever path calls it (the admin, ``changepassword``, the
password forms). Assigning ``user.password`` directly or ``QuerySet.update()``
goes unseen: call :func:`tokenapi.sessions.models.logout_everywhere` then.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save, pre_save

from tokenapi.sessions.models import TokenState, end_sessions


def _saves_field(update_fields: frozenset[str] | None, name: str) -> bool:
    return update_fields is None or name in update_fields


def keep_tokens_over_rehash(
    sender: Any,
    instance: Any,
    using: str,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """Before a re-hash is saved, keep the hash the user's tokens sign."""
    if instance._state.adding or update_fields != frozenset({"password"}):
        return
    if instance._password is not None or not instance.has_usable_password():
        return  # a password change, handled after the save
    stored = (
        sender._base_manager.using(using)
        .filter(pk=instance.pk)
        .values_list("password", flat=True)
        .first()
    )
    if stored and stored != instance.password:
        # An existing state already holds what the tokens sign.
        TokenState.objects.get_or_create(user=instance, defaults={"signed_password": stored})


def end_tokens_on_change(
    sender: Any,
    instance: Any,
    created: bool,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """After a password change or a deactivation is saved, end what it should."""
    if created:
        return
    # AbstractBaseUser keeps a raw password pending from set_password() until the save.
    password_changed = _saves_field(update_fields, "password") and (
        instance._password is not None or not instance.has_usable_password()
    )
    if password_changed:
        end_sessions(instance)
        # Stateless and 2.x tokens then sign the new hash, which none of them does.
        TokenState.objects.filter(user=instance).delete()
        instance._state.fields_cache.pop("tokenapi_state", None)
    elif _saves_field(update_fields, "is_active") and not instance.is_active:
        end_sessions(instance)


pre_save.connect(keep_tokens_over_rehash, sender=settings.AUTH_USER_MODEL)
post_save.connect(end_tokens_on_change, sender=settings.AUTH_USER_MODEL)
