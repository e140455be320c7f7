"""Fixtures: a user and their token, and a client that lets exceptions surface."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.helpers import make_user
from tokenapi import conf
from tokenapi.tokens import token_generator


@pytest.fixture(autouse=True)
def _fresh_settings_cache() -> Any:
    # Values derived from settings are cached; start every test from the settings in force.
    conf.clear_cache()
    yield
    conf.clear_cache()


@pytest.fixture
def client() -> Client:
    """A test client that raises the view's exceptions instead of answering 500."""
    return Client(raise_request_exception=True)


@pytest.fixture
def user(db: None) -> Any:
    return make_user("alice")


@pytest.fixture
def token(user: Any) -> str:
    return token_generator.make_token(user)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave out ``test_axes.py`` unless django-axes is configured.

    It needs ``--ds=tests.settings_axes``, which ``make test`` runs it with;
    under other settings it is not collected rather than skipped.
    """
    if collection_path.name == "test_axes.py":
        return "axes" not in settings.INSTALLED_APPS
    return None
