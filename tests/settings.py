"""Settings of the test suite: SQLite by default, ``DATABASE_URL`` for PostgreSQL or MariaDB."""

from __future__ import annotations

import os

import dj_database_url

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

DATABASES = {
    # An empty DATABASE_URL means unset, as CI matrices often export it empty.
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://:memory:")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    try:
        import MySQLdb  # noqa: F401
    except ImportError:  # PyMySQL stands in: mysqlclient needs C headers to build.
        import pymysql

        pymysql.version_info = (2, 2, 1, "final", 0)  # what Django's MySQL backend asks for
        pymysql.install_as_MySQLdb()
    DATABASES["default"].setdefault("OPTIONS", {})["charset"] = "utf8mb4"
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "tokenapi",
    "tests.testapp",
]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "tokenapi.backends.TokenBackend",
]
# Fast hashing: the suite creates many users; the hasher is not under test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROOT_URLCONF = "tests.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Django REST framework as the manual configures it. DRF reads these classes once, when
# rest_framework.views is imported, so they belong here rather than in a test's settings.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tokenapi.contrib.rest_framework.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}
