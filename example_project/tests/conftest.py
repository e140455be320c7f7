"""The example's tests run under its own settings (see ../pytest.ini), with two changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings


@pytest.fixture(autouse=True)
def _fast_hashing_and_no_lockouts(settings: Any) -> None:
    # The tests create users and log them in; the hasher is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Lockouts are the end-to-end tests' subject. In-process, with REDIS_URL set, django-axes
    # would count one test's refusals in Redis against the next test's client.
    settings.AXES_ENABLED = False


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """On MariaDB, a test database that stores any script (notes may hold emoji)."""
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.mysql":
        database["TEST"].update(CHARSET="utf8mb4", COLLATION="utf8mb4_unicode_ci")
