"""The sessions app's system check: its migrations applied where Django lets a check look."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tokenapi.sessions.checks import check_migrated

pytestmark = [pytest.mark.sessions, pytest.mark.django_db]


def test_unapplied_migrations_are_reported_when_databases_are_checked() -> None:
    assert check_migrated(None, databases=["default"]) == []
    MigrationRecorder(connection).migration_qs.filter(app="tokenapi_sessions").delete()
    (warning,) = check_migrated(None, databases=["default"])
    assert warning.id == "tokenapi.W005" and "'default'" in warning.msg
    assert check_migrated(None) == []  # manage.py check without --database


def test_the_models_need_no_migration_the_app_lacks() -> None:
    from django.core.management import call_command

    call_command("makemigrations", "tokenapi_sessions", "--check", "--dry-run", verbosity=0)


def test_an_unreachable_database_is_left_to_djangos_own_checks() -> None:
    from unittest import mock

    from django.db import OperationalError

    with mock.patch("tokenapi.sessions.checks.MigrationLoader", side_effect=OperationalError):
        assert check_migrated(None, databases=["default"]) == []
