"""Sessions: tokens bound to a login, which one request can end (opt-in app).

Add ``"tokenapi.sessions"`` to ``INSTALLED_APPS`` and run ``migrate``. Each
login (``new.json``) opens a session; its tokens stop working when it ends:
``logout.json``, ``logoutall.json``, a real password change, the admin, or
``manage.py tokenapi_logout``. A password re-hash at login ends nothing.
"""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps as app_registry
from django.core.signals import setting_changed
from django.dispatch import receiver


@functools.cache
def is_enabled() -> bool:
    """Whether the app is installed; looked up once, not per request."""
    return app_registry.is_installed("tokenapi.sessions")


@receiver(setting_changed)
def _forget_enabled(*, setting: str, **kwargs: Any) -> None:
    if setting == "INSTALLED_APPS":
        is_enabled.cache_clear()
