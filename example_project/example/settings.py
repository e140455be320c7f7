"""Settings of the example project, read from the environment.

Every default below is for development on your own machine only; they are
marked DEVELOPMENT DEFAULT. In production set at least ``SECRET_KEY``,
``DEBUG=false``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``.

=======================  ==========================================================
variable                 meaning
=======================  ==========================================================
``DATABASE_URL``         e.g. ``postgres://user:pass@host:5432/name`` or
                         ``mysql://user:pass@host:3306/name``; unset or empty: SQLite
``SECRET_KEY``           signs sessions and API tokens; the same on every app server
``SECRET_KEY_FALLBACKS`` comma-separated old keys whose tokens still verify
``DEBUG``                ``true`` / ``false``
``ALLOWED_HOSTS``        comma-separated host names
``CONN_MAX_AGE``         seconds a database connection is kept open (0: per request)
``AXES_FAILURE_LIMIT``   failed logins or token checks before a client is locked out
                         (default 5; django-axes, when installed)
``REDIS_URL``            e.g. ``redis://127.0.0.1:6379/0``: the cache, and django-axes
                         counts failures there instead of in the database
=======================  ==========================================================
"""

from __future__ import annotations

import os
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DEBUG", default=True)  # DEVELOPMENT DEFAULT

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A site in production must never sign tokens with a key published here.
        raise ImproperlyConfigured("Set SECRET_KEY in the environment when DEBUG is false.")
    SECRET_KEY = "django-insecure-example-project-development-only"  # noqa: S105 DEVELOPMENT DEFAULT
# Keys being rotated out: tokens they signed keep working until they expire.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")  # DEVELOPMENT DEFAULT

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tokenapi",
    # Sessions: log out one device or every device, listed at /token/sessions.json.
    "tokenapi.sessions",
    "api",
]
if find_spec("rest_framework") is not None:
    INSTALLED_APPS.append("rest_framework")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# ModelBackend logs people into the admin with a password; TokenBackend lets
# API clients in with a user + token pair.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "tokenapi.backends.TokenBackend",
]
# How long a token stays valid (the default, spelled out).
TOKEN_TIMEOUT_DAYS = 7

ROOT_URLCONF = "example.urls"
WSGI_APPLICATION = "example.wsgi.application"
ASGI_APPLICATION = "example.asgi.application"
# The notes feed (api/consumers.py) within one server process. Several processes or
# machines need a shared layer, e.g. channels_redis's RedisChannelLayer.
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL counts as unset.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    try:
        import MySQLdb  # noqa: F401
    except ImportError:  # PyMySQL stands in: mysqlclient needs C headers to build.
        import pymysql

        pymysql.version_info = (2, 2, 1, "final", 0)  # the mysqlclient version Django asks for
        pymysql.install_as_MySQLdb()
    # Four-byte UTF-8 (emoji) in notes.
    DATABASES["default"].setdefault("OPTIONS", {})["charset"] = "utf8mb4"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and django.VERSION >= (5, 1):
    # Several workers write at once (logins, lockout counts, sessions): a transaction
    # that reads before it writes would fail at once with "database is locked" rather
    # than wait its turn. IMMEDIATE ones take the write lock first, and wait for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static"

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

# django-axes, when installed, configured as the manual's django-axes page
# says: clients that fail to log in (new.json) or fail token checks too often
# get a JSON 429 until the cool-off ends, or until `manage.py axes_reset`.
if find_spec("axes") is not None:
    INSTALLED_APPS.append("axes")
    MIDDLEWARE.append("axes.middleware.AxesMiddleware")
    # First: it refuses a locked-out client before a password is even checked.
    AUTHENTICATION_BACKENDS.insert(0, "axes.backends.AxesStandaloneBackend")
    AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)  # DEVELOPMENT DEFAULT
    AXES_COOLOFF_TIME = timedelta(minutes=15)
    AXES_LOCKOUT_CALLABLE = "tokenapi.contrib.axes.lockout_response"
    AXES_USERNAME_CALLABLE = "tokenapi.contrib.axes.get_username"
    AXES_SENSITIVE_PARAMETERS = ["token"]  # keep tokens out of axes' records
    # Every app server must see the same counts: the shared database, or the
    # shared Redis when there is one.
    AXES_HANDLER = (
        "axes.handlers.cache.AxesCacheHandler"
        if REDIS_URL
        else "axes.handlers.database.AxesDatabaseHandler"
    )

# Requests are logged with their tokens masked: the 2.x route <token>/<user>.json
# and ?token=... put one in the request line (gunicorn.conf.py does the same for
# the access log).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "tokenapi.logging.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
