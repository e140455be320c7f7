"""Settings of the benchmark project, the same in every environment.

Which apps and views exist depends only on what the environment has
installed: django-tokenapi 2.1.1 and this app both import as ``tokenapi``.
"""

from __future__ import annotations

import datetime
import importlib.util
import os

import tokenapi


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


# 2.1.1 has no version attribute; this app has one.
CURRENT = getattr(tokenapi, "__version__", "2").startswith("3")
HAS_DRF = installed("rest_framework")
HAS_SIMPLEJWT = installed("rest_framework_simplejwt")

SECRET_KEY = "benchmark-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "project.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# Long enough for a whole run; a token minted at start must still verify at the end.
SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": datetime.timedelta(hours=2)}

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BENCH_DB", "bench.sqlite3"),
        # Persistent connections, as any production deployment has.
        "CONN_MAX_AGE": None,
    }
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "tokenapi",
]
if HAS_DRF:
    INSTALLED_APPS += ["rest_framework", "rest_framework.authtoken"]

# startproject's middleware, less messages and clickjacking (no HTML here).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

# As both apps' READMEs say: ModelBackend first, then the token backend.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "tokenapi.backends.TokenBackend",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}

LOGGING = {"version": 1, "disable_existing_loggers": False}
