"""The example's settings, read from the environment, and its WSGI and ASGI entry points.

Each case but the wiring of django-axes imports the settings in a fresh interpreter with
an environment of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import django
import pytest

EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent
# What the settings read: each case starts with none of it set.
VARIABLES = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FALLBACKS"}
VARIABLES |= {"DEBUG", "ALLOWED_HOSTS", "CONN_MAX_AGE", "AXES_FAILURE_LIMIT", "REDIS_URL"}
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
SHOW_SETTINGS = """
import json, example.settings as s
database = s.DATABASES["default"]
print(json.dumps({
    "engine": database["ENGINE"], "name": str(database["NAME"]),
    "conn_max_age": database["CONN_MAX_AGE"], "debug": s.DEBUG,
    "fallbacks": s.SECRET_KEY_FALLBACKS, "hosts": s.ALLOWED_HOSTS,
    "cache": getattr(s, "CACHES", {}).get("default"), "axes_handler": s.AXES_HANDLER,
    "axes_limit": s.AXES_FAILURE_LIMIT,
    "transaction_mode": database.get("OPTIONS", {}).get("transaction_mode"),
}))
"""


def run_python(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=EXAMPLE_PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def example_settings(**env: str) -> dict[str, Any]:
    result = run_python(SHOW_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_variables_the_settings_are_for_development() -> None:
    assert example_settings() == {
        "engine": "django.db.backends.sqlite3",
        "name": str(EXAMPLE_PROJECT / "db.sqlite3"),
        "conn_max_age": 0,
        "debug": True,
        "fallbacks": [],
        "hosts": ["127.0.0.1", "localhost"],
        "cache": None,  # Django's local-memory cache
        "axes_handler": "axes.handlers.database.AxesDatabaseHandler",
        "axes_limit": 5,
        # Concurrent writers wait their turn rather than fail (Django 5.1+ can say so).
        "transaction_mode": "IMMEDIATE" if django.VERSION >= (5, 1) else None,
    }


def test_the_settings_come_from_the_environment() -> None:
    assert example_settings(
        DATABASE_URL="postgres://someone@db.example.com:5432/notes",
        SECRET_KEY="new",
        SECRET_KEY_FALLBACKS="old, older,",
        DEBUG="false",
        ALLOWED_HOSTS="api.example.com,.example.org",
        CONN_MAX_AGE="60",
        REDIS_URL="redis://cache.example.com:6379/3",
        AXES_FAILURE_LIMIT="3",
    ) == {
        "engine": "django.db.backends.postgresql",
        "name": "notes",
        "conn_max_age": 60,
        "debug": False,
        "fallbacks": ["old", "older"],
        "hosts": ["api.example.com", ".example.org"],
        # With Redis, django-axes counts there, shared by every server.
        "cache": {"BACKEND": REDIS_CACHE, "LOCATION": "redis://cache.example.com:6379/3"},
        "axes_handler": "axes.handlers.cache.AxesCacheHandler",
        "axes_limit": 3,
        "transaction_mode": None,  # SQLite's only
    }


@pytest.mark.parametrize(
    "env",
    [{"DEBUG": "false"}, {"DEBUG": "maybe"}, {"CONN_MAX_AGE": "x"}, {"AXES_FAILURE_LIMIT": "x"}],
    ids=["production-without-secret-key", "bad-debug", "bad-conn-max-age", "bad-failure-limit"],
)
def test_unsafe_or_invalid_values_are_refused(env: dict[str, str]) -> None:
    result = run_python("import example.settings", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_django_axes_is_wired_as_the_manual_says(settings: Any) -> None:
    # First: a locked-out client is refused before its password is checked.
    assert settings.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "tokenapi.backends.TokenBackend",
    ]
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert "axes" in settings.INSTALLED_APPS
    assert settings.AXES_LOCKOUT_CALLABLE == "tokenapi.contrib.axes.lockout_response"
    assert settings.AXES_USERNAME_CALLABLE == "tokenapi.contrib.axes.get_username"
    assert settings.AXES_SENSITIVE_PARAMETERS == ["token"]  # tokens stay out of axes' records
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_the_wsgi_and_asgi_entry_points_load_the_site() -> None:
    script = "import example.asgi, example.wsgi; from django.urls import reverse as r;"
    result = run_python(script + "print(r('async-notes'), r('drf-notes'))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/api/async/notes/", "/api/drf/notes/"]
