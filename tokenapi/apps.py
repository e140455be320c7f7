"""The app's configuration: registers the system checks and the drf-spectacular scheme."""

from django.apps import AppConfig, apps


class TokenApiConfig(AppConfig):
    name = "tokenapi"
    verbose_name = "Token API"

    def ready(self) -> None:
        # Imported for their side effects: check registration, settings reloading.
        from tokenapi import checks, conf  # noqa: F401

        if apps.is_installed("drf_spectacular"):
            # Defining the extension registers TokenAuthentication's security scheme.
            from tokenapi.contrib import spectacular  # noqa: F401
