"""The sessions app's configuration: it listens for password changes and deactivations."""

from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "tokenapi.sessions"
    label = "tokenapi_sessions"
    verbose_name = "Token API sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for their side effects: the user model's signal receivers, the checks.
        from tokenapi.sessions import checks, signals  # noqa: F401
