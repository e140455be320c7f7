"""Sphinx configuration of the manual: ``make docs`` builds it, warnings as errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# autodoc imports the app and its integrations: the test settings configure them all,
# with tokenapi.sessions, whose models cannot be imported without it installed.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings_sessions")
django.setup()

import tokenapi  # noqa: E402 (after the path is set)

project = "django-tokenapi3"
copyright = "2026, the django-tokenapi3 contributors"
version = release = tokenapi.__version__

extensions = ["sphinx.ext.autodoc"]
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# Every reference must resolve (make docs runs with -n), but outside names (Django's,
# Python's, DRF's, django-ninja's): the build needs no network, so no intersphinx inventory.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(django|rest_framework|ninja|channels|axes|datetime|collections|logging)\..*"),
    (r"py:.*", r"(HttpRequest|HttpResponse|AbstractBaseUser|Any|Request)"),
    # Type aliases and names the docstrings give unqualified.
    (r"py:.*", r"(tokenapi\.decorators\.ViewFunc|TokenGenerator|ASGIApp|Scope|RequestError)"),
]
html_theme = "alabaster"
html_title = f"django-tokenapi3 {release}"
