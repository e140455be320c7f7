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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect tests marked ``axes`` unless django-axes is configured.

    They need ``--ds=tests.settings_axes``, which ``make test`` runs them with;
    under other settings they are not run rather than skipped.
    """
    if "axes" in settings.INSTALLED_APPS:
        return
    deselected = [item for item in items if item.get_closest_marker("axes")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("axes")]
