"""System check: the sessions table exists where the app will look for it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader


@checks.register(checks.Tags.database, deploy=True)
def check_migrated(
    app_configs: Sequence[AppConfig] | None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Report unapplied migrations of the app: ``check --deploy --database default``.

    A site that installed the app without migrating would answer 500s at
    login. Django runs database checks only when asked to, and before
    ``migrate``: as a deploy check, this one stays out of ``migrate``'s way.
    """
    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        try:
            loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
        except DatabaseError:
            continue  # the database is not reachable: Django's own checks say so
        ours = {key for key in loader.graph.nodes if key[0] == "tokenapi_sessions"}
        if ours - loader.applied_migrations.keys():
            messages.append(
                checks.Warning(
                    f"tokenapi.sessions is installed but its migrations are not applied "
                    f"to the database {alias!r}.",
                    hint="Run 'python manage.py migrate tokenapi_sessions'.",
                    id="tokenapi.W005",
                )
            )
    return messages
