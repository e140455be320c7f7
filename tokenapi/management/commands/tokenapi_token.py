"""``manage.py tokenapi_token <username>``: print a user's primary key and a fresh token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tokenapi.management import find_user
from tokenapi.views import issue_token


class Command(BaseCommand):
    help = "Print the primary key of a user and a fresh API token for them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the user's login (their USERNAME_FIELD)")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = find_user(username)
        if not getattr(user, "is_active", True):
            self.stderr.write("Warning: this user is inactive; the token will not authenticate.")
        # With tokenapi.sessions, a session of its own, listed and ended like any login.
        issued = issue_token(user, device="manage.py tokenapi_token")
        self.stdout.write(
            f"user: {user.pk}\ntoken: {issued['token']}\nexpires: {issued['expires'].isoformat()}"
        )
