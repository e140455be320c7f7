"""The sessions app's system check: its migrations applied where Django lets a check look."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tokenapi.sessions.checks import check_migrated

pytestmark = [pytest.mark.sessions, pytest.mark.django_db]


def test_unapplied_migrations_are_an_error_only_when_databases_are_checked() -> None:
    assert check_migrated(None, databases=["default"]) == []
    MigrationRecorder(connection).migration_qs.filter(app="tokenapi_sessions").delete()
    (error,) = check_migrated(None, databases=["default"])
    assert error.id == "tokenapi.E006" and "'default'" in error.msg
    assert check_migrated(None) == []  # manage.py check without --database
