"""``manage.py tokenapi_logout <username>``: end every token of a user, sessions and all."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tokenapi.management import find_user
from tokenapi.sessions.models import logout_everywhere


class Command(BaseCommand):
    help = "Log a user out of the API everywhere: every session and every token ends."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the user's login (their USERNAME_FIELD)")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        logout_everywhere(find_user(username))
        self.stdout.write(f"Every token of {username} has stopped working.")
