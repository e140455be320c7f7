"""The app's configuration: registers the system checks."""

from django.apps import AppConfig


class TokenApiConfig(AppConfig):
    name = "tokenapi"
    verbose_name = "Token API"

    def ready(self) -> None:
        # Imported for their side effects: check registration, settings reloading.
        from tokenapi import checks, conf  # noqa: F401
