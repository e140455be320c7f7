"""``manage.py tokenapi_token <username>``: print a user's primary key and a fresh token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tokenapi.backends import get_token_backend


class Command(BaseCommand):
    help = "Print the primary key of a user and a fresh API token for them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the user's login (their USERNAME_FIELD)")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"No user with {user_model.USERNAME_FIELD} {username!r}.") from None
        if not getattr(user, "is_active", True):
            self.stderr.write("Warning: this user is inactive; the token will not authenticate.")
        token, expires = get_token_backend().backend.token_generator.make_token_with_expiry(user)
        self.stdout.write(f"user: {user.pk}\ntoken: {token}\nexpires: {expires.isoformat()}")
