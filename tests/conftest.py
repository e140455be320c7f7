"""Fixtures: a user and their token, and a client that lets exceptions surface."""

from __future__ import annotations

from collections.abc import Iterator
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


def pytest_ignore_collect(collection_path: Any, config: pytest.Config) -> bool | None:
    """Leave the sessions app's own test modules out where it is not installed.

    They import its models, which need the app in ``INSTALLED_APPS``.
    """
    installed = "tokenapi.sessions" in settings.INSTALLED_APPS
    if collection_path.name.startswith("test_sessions_") and not installed:
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the tests the active settings cannot run, rather than skip them.

    ``axes`` tests need ``--ds=tests.settings_axes``, ``sessions`` tests
    ``--ds=tests.settings_sessions``; ``stateless`` tests hold only without
    the sessions app. ``make test`` runs each under its settings.
    """
    wrong = {
        "axes": "axes" not in settings.INSTALLED_APPS,
        "sessions": "tokenapi.sessions" not in settings.INSTALLED_APPS,
        "stateless": "tokenapi.sessions" in settings.INSTALLED_APPS,
    }
    deselected = [
        item for item in items if any(item.get_closest_marker(m) for m in wrong if wrong[m])
    ]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]
