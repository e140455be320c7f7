"""``manage.py tokenapi_clearsessions``: delete the rows of ended and expired sessions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tokenapi.sessions.models import clear_sessions


class Command(BaseCommand):
    help = "Delete the rows of sessions that have ended or expired (run it daily, say)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{clear_sessions()} session(s) deleted.")
