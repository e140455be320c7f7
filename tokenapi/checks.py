"""System checks: the backend is configured and the ``TOKENAPI_*`` settings are valid."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from tokenapi import conf
from tokenapi.backends import BACKEND_PATH, TokenBackend


def _is_token_backend(path: str) -> bool:
    try:
        backend = import_string(path)
    except ImportError:
        return False
    return isinstance(backend, type) and issubclass(backend, TokenBackend)


@checks.register(checks.Tags.security)
def check_backend(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if any(_is_token_backend(path) for path in settings.AUTHENTICATION_BACKENDS):
        return []
    return [
        checks.Error(
            f"{BACKEND_PATH} is missing from AUTHENTICATION_BACKENDS.",
            hint=f"Add {BACKEND_PATH!r} after Django's ModelBackend.",
            id="tokenapi.E001",
        )
    ]


@checks.register(checks.Tags.security)
def check_settings(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    readers: list[tuple[Callable[[], object], str]] = [
        (conf.read_timeout, "tokenapi.E002"),
        (conf.read_accept_legacy_tokens, "tokenapi.E003"),
    ]
    messages: list[checks.CheckMessage] = []
    for read, check_id in readers:
        try:
            read()
        except ImproperlyConfigured as exc:
            messages.append(checks.Error(str(exc), id=check_id))
    return messages
