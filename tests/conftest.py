"""Fixtures: a user and their token, and a client that lets exceptions surface."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.test import Client

from tests.helpers import make_user
from tokenapi.tokens import token_generator


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


@pytest.fixture
def failed_logins() -> Iterator[list[dict[str, Any]]]:
    """What ``user_login_failed`` receives during the test, one dict per signal."""
    calls: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        calls.append({"sender": sender, **kwargs})

    user_login_failed.connect(receiver)
    yield calls
    user_login_failed.disconnect(receiver)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave out ``test_axes.py`` unless django-axes is configured.

    It needs ``--ds=tests.settings_axes``, which ``make test`` runs it with;
    under other settings it is not collected rather than skipped.
    """
    if collection_path.name == "test_axes.py":
        return "axes" not in settings.INSTALLED_APPS
    return None
