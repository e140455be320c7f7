"""What the app's management commands share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def find_user(username: str) -> AbstractBaseUser:
    """The user with this login (``USERNAME_FIELD``); ``CommandError`` if there is none."""
    user_model = get_user_model()
    try:
        user: AbstractBaseUser = user_model._default_manager.get_by_natural_key(username)
    except user_model.DoesNotExist:
        raise CommandError(f"No user with {user_model.USERNAME_FIELD} {username!r}.") from None
    return user
