"""Settings of the benchmark project, the same whichever ``tokenapi`` is installed."""

from __future__ import annotations

import datetime
import os

import tokenapi

# 2.1.1 has no version attribute; this app has one. DRF, simplejwt and knox come with it.
CURRENT = getattr(tokenapi, "__version__", "2").startswith("3")
# tokenapi.sessions, only for the cells that measure its tokens (run.py and inprocess.py
# set BENCH_SESSIONS for them): installed, it changes the stateless tokens' query too.
SESSIONS = CURRENT and os.environ.get("BENCH_SESSIONS") == "1"

SECRET_KEY = "benchmark-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "project.urls"
# Long enough for a whole run; a token minted at start must still verify at the end.
SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": datetime.timedelta(hours=2)}
# Persistent connections, as any production deployment has.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BENCH_DB", "bench.sqlite3"),
        "CONN_MAX_AGE": None,
    }
}
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"]
INSTALLED_APPS += ["tokenapi"] + (["tokenapi.sessions"] if SESSIONS else [])
INSTALLED_APPS += ["rest_framework", "rest_framework.authtoken", "knox"] if CURRENT else []
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
    "UNAUTHENTICATED_USER": None,
}
