"""System checks: the backends are configured usefully and the app's settings are valid."""

from __future__ import annotations

import importlib.metadata
import inspect
from collections.abc import Callable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from tokenapi import conf
from tokenapi.backends import BACKEND_PATH, TokenBackend

# Distributions that also ship a top-level ``tokenapi`` package.
OLD_DISTRIBUTIONS = ("django-tokenapi", "django-tokenapi2")


def _backend_classes() -> list[tuple[str, type]]:
    classes = []
    for path in settings.AUTHENTICATION_BACKENDS:
        try:
            backend = import_string(path)
        except ImportError:
            continue  # Django's own loading reports it.
        if isinstance(backend, type):
            classes.append((path, backend))
    return classes


def _checks_passwords(backend: type) -> bool:
    """Whether a backend may take ``username`` and ``password``, as ``new.json`` sends them."""
    # django-axes' backend takes a password only to refuse locked-out logins.
    if issubclass(backend, TokenBackend) or backend.__module__.split(".")[0] == "axes":
        return False
    authenticate = getattr(backend, "authenticate", None)
    try:
        parameters = inspect.signature(authenticate).parameters.values()  # type: ignore[arg-type]
    except (TypeError, ValueError):  # not a callable, or no signature to read
        return False
    names = {parameter.name for parameter in parameters}
    takes_any = any(parameter.kind is parameter.VAR_KEYWORD for parameter in parameters)
    return "password" in names or takes_any


@checks.register(checks.Tags.security)
def check_backend(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    backends = _backend_classes()
    token_backends = [(path, cls) for path, cls in backends if issubclass(cls, TokenBackend)]
    messages: list[checks.CheckMessage] = []
    if not token_backends:
        messages.append(
            checks.Error(
                f"{BACKEND_PATH} is missing from AUTHENTICATION_BACKENDS.",
                hint=f"Add {BACKEND_PATH!r} after Django's ModelBackend.",
                id="tokenapi.E001",
            )
        )
    elif token_backends[0][1] is TokenBackend:
        # The first TokenBackend answers every token check; a subclass after it never does.
        for path, cls in token_backends[1:]:
            if cls is not TokenBackend:
                messages.append(
                    checks.Warning(
                        f"{path} is listed after {token_backends[0][0]}, which checks every "
                        "token first: its own checks are never used.",
                        hint=f"Remove {token_backends[0][0]!r} from AUTHENTICATION_BACKENDS.",
                        id="tokenapi.W002",
                    )
                )
    if not any(_checks_passwords(cls) for _, cls in backends):
        messages.append(
            checks.Warning(
                "No backend in AUTHENTICATION_BACKENDS checks passwords: new.json can "
                "log nobody in.",
                hint="Add 'django.contrib.auth.backends.ModelBackend' before the TokenBackend.",
                id="tokenapi.W003",
            )
        )
    return messages


@checks.register(checks.Tags.security)
def check_settings(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    readers: list[tuple[Callable[[], object], str]] = [
        (conf.read_timeout, "tokenapi.E002"),
        (conf.read_accept_legacy_tokens, "tokenapi.E003"),
        (conf.read_query_string_credentials, "tokenapi.E004"),
        (conf.read_session_max_age, "tokenapi.E005"),
    ]
    messages: list[checks.CheckMessage] = []
    for read, check_id in readers:
        try:
            read()
        except ImproperlyConfigured as exc:
            messages.append(checks.Error(str(exc), id=check_id))
    return messages


@checks.register(checks.Tags.compatibility)
def check_old_distribution(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    for name in OLD_DISTRIBUTIONS:
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        messages.append(
            checks.Warning(
                f"{name} is installed beside django-tokenapi3; both ship the 'tokenapi' "
                f"package, so uninstalling {name} later deletes this one's files.",
                hint=f"pip uninstall {name}, then pip install --force-reinstall django-tokenapi3.",
                id="tokenapi.W004",
            )
        )
    return messages


@checks.register(checks.Tags.security, deploy=True)
def check_query_string_credentials(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    try:
        if not conf.read_query_string_credentials():
            return []
    except ImproperlyConfigured:
        return []  # check_settings reports it
    return [
        checks.Warning(
            "TOKENAPI_QUERY_STRING_CREDENTIALS is True: tokens sent in query strings end "
            "up in access logs, proxies and browser history.",
            hint="Set it to False once no client sends 'token' in the query string.",
            id="tokenapi.W001",
        )
    ]
